#!/usr/bin/env bash
# FieldKit set-up and launch: the only two commands a fresh machine needs.
#   ./run.sh app [ARGS]    install what is missing, then start the app (simulated devices by default)
#   ./run.sh test [ARGS]   install what is missing, then run the whole test suite
# Everything else (fieldkit CLI, benchmarks) runs inside the same environment: ./run.sh fieldkit ARGS
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

say() { printf '[run.sh] %s\n' "$*" >&2; }

ensure_system_packages() {
    command -v dpkg-query >/dev/null 2>&1 || { say "not a Debian-like system: install the packages in packaging/apt-packages.txt by hand"; return 0; }
    local wanted missing=()
    wanted=$(grep -vE '^\s*(#|$)' packaging/apt-packages.txt)
    for p in $wanted; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    say "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_python_env() {
    local py="${FIELDKIT_PYTHON:-python3}"
    "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { say "Python >= 3.11 is needed"; exit 1; }
    "$py" -m uv --version >/dev/null 2>&1 || { say "installing uv"; "$py" -m pip install -q --disable-pip-version-check "uv==0.13.8"; }
    # --frozen: install exactly what uv.lock says; never re-resolve on a field machine.
    UV_PYTHON_DOWNLOADS=never "$py" -m uv sync -q --frozen --extra test --python "$py"
}

cmd="${1:-}"; shift || true
case "$cmd" in
    app)
        ensure_system_packages; ensure_python_env
        if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
            say "no screen found: starting the app on a virtual screen (Xvfb)"
            exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python main.py "$@"
        fi
        exec .venv/bin/python main.py "$@" ;;
    test)
        ensure_system_packages; ensure_python_env
        # Widgets render offscreen; the few tests that need a real X window start their own Xvfb.
        export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
        exec .venv/bin/python -m pytest "$@" ;;
    fieldkit|fieldkit-hub)
        ensure_python_env
        exec ".venv/bin/$cmd" "$@" ;;
    *)
        sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
