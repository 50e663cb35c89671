#!/usr/bin/env bash
# Install a FieldKit bundle on a Linux field laptop. No network is used.
#   sudo ./install.sh [BUNDLE_DIR]     BUNDLE_DIR defaults to the folder this script sits in (fieldkit/linux/..)
#   sudo ./install.sh --uninstall      remove /opt/fieldkit, the menu entry, the icon and the udev rules
# Environment: PREFIX (default /opt/fieldkit), DESTDIR (staging root, for building packages and for tests),
#              FIELDKIT_USER (add this user to the dialout group so they can open the scanners).
# Kit data (the SQLite queue, keys, logs) lives in each user's data dir and is never touched by install/uninstall.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${PREFIX:-/opt/fieldkit}"
destdir="${DESTDIR:-}"
apps_dir="$destdir/usr/share/applications"
icon_dir="$destdir/usr/share/icons/hicolor/scalable/apps"
rules_dir="$destdir/etc/udev/rules.d"
bin_dir="$destdir/usr/local/bin"
rules_name="99-fieldkit-scanners.rules"

say() { printf '[install] %s\n' "$*"; }
die() { printf '[install] error: %s\n' "$*" >&2; exit 1; }

need_root() {
    [ -n "$destdir" ] || [ "$(id -u)" -eq 0 ] || die "run as root (sudo $0 $*), or set DESTDIR to stage the files"
}

# Reload udev so the rules apply to scanners plugged in now, not only after a reboot. Skipped when staging.
reload_udev() {
    [ -z "$destdir" ] || return 0
    if command -v udevadm >/dev/null 2>&1; then
        udevadm control --reload-rules && udevadm trigger --subsystem-match=tty --action=add || say "udevadm failed: replug the scanners"
    else
        say "udevadm not found: the rules apply after a reboot"
    fi
}

refresh_menus() {
    [ -z "$destdir" ] || return 0
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q /usr/share/icons/hicolor || true
}

uninstall() {
    need_root "$@"
    rm -rf "$destdir$prefix"
    rm -f "$apps_dir/fieldkit.desktop" "$icon_dir/fieldkit.svg" "$rules_dir/$rules_name" \
          "$bin_dir/fieldkit" "$bin_dir/fieldkit-hub"
    reload_udev
    refresh_menus
    say "removed FieldKit (user data dirs were left in place)"
}

install_bundle() {
    local bundle="$1"
    [ -x "$bundle/fieldkit" ] || die "no fieldkit executable in $bundle (pass the bundle folder, e.g. dist/fieldkit)"
    [ -d "$bundle/_internal" ] || die "$bundle/_internal is missing: copy the whole folder, not just the executable"
    need_root
    say "installing $bundle -> $destdir$prefix"
    # Into a new folder first, then swap: an interrupted copy never leaves a half-installed kit behind.
    local staging="$destdir$prefix.new.$$"
    rm -rf "$staging"
    mkdir -p "$(dirname "$staging")"
    cp -a "$bundle" "$staging"
    chmod -R u+rwX,go+rX,go-w "$staging"
    rm -rf "$destdir$prefix.old"
    [ -e "$destdir$prefix" ] && mv "$destdir$prefix" "$destdir$prefix.old"
    mv "$staging" "$destdir$prefix"
    rm -rf "$destdir$prefix.old"

    mkdir -p "$apps_dir" "$icon_dir" "$rules_dir" "$bin_dir"
    # The menu entry points at the real prefix (PREFIX may differ from /opt/fieldkit).
    sed "s#/opt/fieldkit#$prefix#g" "$here/fieldkit.desktop" > "$apps_dir/fieldkit.desktop"
    chmod 0644 "$apps_dir/fieldkit.desktop"
    install -m 0644 "$here/fieldkit.svg" "$icon_dir/fieldkit.svg"
    install -m 0644 "$here/$rules_name" "$rules_dir/$rules_name"
    ln -sfn "$prefix/fieldkit" "$bin_dir/fieldkit"
    [ -x "$destdir$prefix/fieldkit-hub" ] && ln -sfn "$prefix/fieldkit-hub" "$bin_dir/fieldkit-hub"

    if [ -n "${FIELDKIT_USER:-}" ] && [ -z "$destdir" ]; then
        usermod -aG dialout "$FIELDKIT_USER" && say "added $FIELDKIT_USER to dialout (log out and in again)"
    fi
    reload_udev
    refresh_menus
    say "done: start FieldKit from the menu, or run: fieldkit doctor"
}

case "${1:-}" in
    --uninstall) uninstall ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) install_bundle "$(cd "${1:-$here/..}" && pwd)" ;;
esac
