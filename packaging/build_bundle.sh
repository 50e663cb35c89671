#!/usr/bin/env bash
# Build the one-folder Linux bundle: dist/fieldkit/ (run dist/fieldkit/fieldkit).
#   packaging/build_bundle.sh            build (installs PyInstaller into .venv from uv.lock first)
#   packaging/build_bundle.sh --tarball  also write dist/fieldkit-<version>-linux-x86_64.tar.gz for offline installs
# Reproducible inputs: uv.lock (--frozen), SOURCE_DATE_EPOCH (the last commit's time) and PYTHONHASHSEED=0.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

say() { printf '[build_bundle] %s\n' "$*" >&2; }

tarball=0
for arg in "$@"; do
    case "$arg" in
        --tarball) tarball=1 ;;
        *) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
done

# The bundle copies the host's X11 client libraries for Qt's xcb plugin: make sure they are installed.
ensure_build_packages() {
    command -v dpkg-query >/dev/null 2>&1 || { say "not Debian-like: install packaging/apt-packages.txt by hand"; return 0; }
    local missing=()
    for p in $(grep -vE '^\s*(#|$)' packaging/apt-packages.txt); do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    say "installing build packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_build_packages
py="${FIELDKIT_PYTHON:-python3}"
"$py" -m uv --version >/dev/null 2>&1 || "$py" -m pip install -q --disable-pip-version-check "uv==0.13.8"
# --extra test keeps the test tools in the shared .venv (the CI runs the tests from the same environment).
UV_PYTHON_DOWNLOADS=never "$py" -m uv sync -q --frozen --extra test --extra bundle --python "$py"

# Deterministic inputs (see docs/packaging.md, "Reproducible builds").
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH="$(git log -1 --format=%ct 2>/dev/null || echo 315532800)"
fi
export SOURCE_DATE_EPOCH PYTHONHASHSEED=0
export TZ=UTC LC_ALL=C.UTF-8

start=$(date +%s)
say "building dist/fieldkit (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
.venv/bin/python -m PyInstaller --noconfirm --log-level WARN \
    --workpath build/pyinstaller --distpath dist packaging/fieldkit.spec
# The technician's files travel inside the folder: install.sh, the .desktop file, the icon and the udev rules.
rm -rf dist/fieldkit/linux && cp -r packaging/linux dist/fieldkit/linux
.venv/bin/python packaging/check_bundle.py dist/fieldkit
elapsed=$(( $(date +%s) - start ))
size=$(du -sh dist/fieldkit | cut -f1)
say "built dist/fieldkit in ${elapsed}s, ${size}"

if [ "$tarball" -eq 1 ]; then
    version="$(.venv/bin/python -c 'import fieldkit; print(fieldkit.__version__)')"
    out="dist/fieldkit-${version}-linux-x86_64.tar.gz"
    # Sorted names, fixed owner and times: the same bundle gives the same tarball bytes.
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@${SOURCE_DATE_EPOCH}" \
        -C dist -cf - fieldkit | gzip -n > "$out"
    say "wrote $out ($(du -h "$out" | cut -f1))"
fi
