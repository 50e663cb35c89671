#!/usr/bin/env bash
# Smoke-run a built bundle (default dist/fieldkit) offscreen, with a throw-away data directory:
#   self-check (every library and data file loads), the main window (screenshot must not be blank),
#   `fieldkit doctor` (no MISSING package, no failed probe), `fieldkit demo --citizens 3` (when the build has it;
#   synced to a `fieldkit-hub serve` from the same bundle when both exist), `fieldkit-hub --help`.
# Usage: packaging/smoke_bundle.sh [BUNDLE_DIR]      exits non-zero on the first failure
# FIELDKIT_SMOKE_REQUIRE_DEMO=1 makes a missing demo command a failure instead of a SKIPPED line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bundle="$(cd "${1:-$root/dist/fieldkit}" && pwd)"
exe="$bundle/fieldkit"
# Pillow checks the screenshot; the project's .venv has it (any python3 with Pillow will do).
checker_py="${FIELDKIT_SMOKE_PYTHON:-$root/.venv/bin/python}"
step_timeout="${FIELDKIT_SMOKE_TIMEOUT:-180}"

say() { printf '[smoke] %s\n' "$*"; }
fail() { printf '[smoke] FAILED: %s\n' "$*" >&2; exit 1; }

[ -x "$exe" ] || fail "no executable at $exe (build with packaging/build_bundle.sh)"

work="$(mktemp -d)"
hub_pid=""
# Stop the hub this script started (by its pid), then remove every file the run made.
cleanup() {
    local rc=$?
    if [ -n "$hub_pid" ]; then kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi
    rm -rf "$work"
    exit "$rc"  # the script's own status, not the killed hub's
}
trap cleanup EXIT
# Nothing from this machine's user leaks in, nothing is left behind: data, config and cache all in $work.
export FIELDKIT_DATA="$work/data" HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
export XDG_DATA_HOME="$work/share" XDG_RUNTIME_DIR="$work/runtime"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export QT_QPA_PLATFORM=offscreen
unset PYTHONPATH PYTHONHOME

# Run one step with a time limit, keep its output in $work/<name>.log, and show how long it took.
run_step() {
    local name="$1"; shift
    local start end rc=0
    start=$(date +%s%N)
    timeout "$step_timeout" "$@" >"$work/$name.log" 2>&1 || rc=$?
    end=$(date +%s%N)
    local ms=$(( (end - start) / 1000000 ))
    printf '[smoke] %-14s rc=%d  %d.%02d s\n' "$name" "$rc" $((ms / 1000)) $((ms % 1000 / 10))
    if [ "$rc" -ne 0 ]; then
        sed 's/^/    /' "$work/$name.log" >&2
        fail "$name exited with $rc"
    fi
}

say "bundle $bundle ($(du -sh "$bundle" | cut -f1))"
run_step version "$exe" --version
grep -q '^fieldkit ' "$work/version.log" || fail "--version printed: $(cat "$work/version.log")"

run_step selfcheck "$exe" --bundle-selfcheck
grep -q 'bundle self-check: passed' "$work/selfcheck.log" || fail "self-check did not pass"

run_step window "$exe" app --screenshot "$work/window.png"
"$checker_py" - "$work/window.png" <<'EOF' || fail "main window screenshot is missing or blank"
import sys
from PIL import Image, ImageStat

image = Image.open(sys.argv[1]).convert("RGB")
colours = image.getcolors(maxcolors=1 << 20) or []
spread = max(ImageStat.Stat(image).stddev)
print(f"[smoke] screenshot {image.size[0]}x{image.size[1]}, {len(colours)} colours, stddev {spread:.1f}")
# A blank or single-colour window has a handful of colours; text and widgets give hundreds.
sys.exit(0 if image.size[0] >= 320 and image.size[1] >= 200 and len(colours) >= 16 and spread > 5 else 1)
EOF

run_step doctor "$exe" doctor
if grep -E 'MISSING|ERROR' "$work/doctor.log" >&2; then fail "doctor reports missing packages or failed probes"; fi
grep -q "$FIELDKIT_DATA" "$work/doctor.log" || fail "doctor did not use the temporary data dir"

run_step help "$exe" --help
if grep -qE '^    demo ' "$work/help.log"; then
    "$exe" demo --help >"$work/demo-help.log" 2>&1 || true
    if [ -x "$bundle/fieldkit-hub" ] && grep -q -- '--hub-data' "$work/demo-help.log"; then
        # The whole path: a hub run from the bundle, the demo provisions against it and syncs every packet
        # (the demo exits 1 if any packet stays unacknowledged).
        port="$("$checker_py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
        mkdir -p -m 700 "$work/hub"
        "$bundle/fieldkit-hub" serve --data "$work/hub" --host 127.0.0.1 --port "$port" >"$work/hub.log" 2>&1 &
        hub_pid=$!
        for _ in $(seq 120); do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
            kill -0 "$hub_pid" 2>/dev/null || { sed 's/^/    /' "$work/hub.log" >&2; fail "fieldkit-hub serve exited"; }
            sleep 0.5
        done
        run_step demo "$exe" demo --citizens 3 --hub "http://127.0.0.1:$port" --hub-data "$work/hub"
    else
        run_step demo "$exe" demo --citizens 3
    fi
    grep -E 'enrolled|acknowledged|time:' "$work/demo.log" | sed 's/^/    /' || true
elif [ "${FIELDKIT_SMOKE_REQUIRE_DEMO:-0}" = 1 ]; then
    fail "this build has no 'fieldkit demo' command (FIELDKIT_SMOKE_REQUIRE_DEMO=1)"
else
    say "SKIPPED demo: this build has no 'fieldkit demo' command yet (the smoke runs it as soon as it exists)"
fi

if [ -x "$bundle/fieldkit-hub" ]; then
    run_step hub-help "$bundle/fieldkit-hub" --help
fi

say "passed"
