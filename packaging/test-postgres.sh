#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster for the hub tests and print its DSN on stdout.
#   packaging/test-postgres.sh start DIR   -> initdb into DIR, start on 127.0.0.1 (free port), print the DSN
#   packaging/test-postgres.sh stop DIR    -> stop it (the caller removes DIR)
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user the Debian package creates.
set -euo pipefail
action="${1:?start|stop}"; dir="${2:?directory}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$action" in
  start)
    mkdir -p "$dir"; [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -U fieldkit -E UTF8 >/dev/null
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null
    echo "postgresql://fieldkit@127.0.0.1:$port/postgres" ;;
  stop)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
