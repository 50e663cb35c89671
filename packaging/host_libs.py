"""Which shared libraries a built Linux bundle still takes from the host, and which Debian packages provide them.

    python packaging/host_libs.py dist/fieldkit [--plugin PATH_GLOB ...]

Runs `ldd` on every ELF file in the bundle (or only on the given globs, e.g. the xcb platform plugin), with the
bundle's own folders first on the library path as the PyInstaller bootloader arranges at run time. Libraries
resolved outside the bundle come from the host; `dpkg -S` names their packages. "not found" lines are libraries
that neither the bundle nor this host has: the plugin that needs them will not load (e.g. the GTK theme).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

LDD_LINE = re.compile(r"^\s*(\S+)\s*=>\s*(not found|\S+)")


def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def ldd(path: Path, library_path: str) -> list[tuple[str, str]]:
    env = {**os.environ, "LD_LIBRARY_PATH": library_path}
    result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, timeout=60)
    return [m.groups() for m in map(LDD_LINE.match, result.stdout.splitlines()) if m]


def dpkg_package(path: str) -> str:
    real = os.path.realpath(path)
    for candidate in (path, real, real.replace("/usr/lib/", "/lib/", 1), real.replace("/lib/", "/usr/lib/", 1)):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0]
    return "?"


def host_libraries(bundle: Path, globs: list[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(host library path -> bundle files needing it, missing library name -> bundle files needing it)."""
    inner = bundle / "_internal"
    library_path = os.pathsep.join([str(inner), str(inner / "PySide6" / "Qt" / "lib")])
    files = sorted({p for g in globs for p in inner.glob(g)} if globs else
                   {p for p in inner.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)})
    host, missing = {}, {}
    bundle_root = str(bundle.resolve())
    for path in files:
        for name, target in ldd(path, library_path):
            relative = str(path.relative_to(inner))
            if target == "not found":
                missing.setdefault(name, set()).add(relative)
            elif not os.path.realpath(target).startswith(bundle_root):
                host.setdefault(target, set()).add(relative)
    return host, missing


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    bundle, globs = Path(argv[0]), [g for g in argv[1:] if g != "--plugin"]
    host, missing = host_libraries(bundle, globs)
    packages: dict[str, list[str]] = {}
    for library in sorted(host):
        packages.setdefault(dpkg_package(library), []).append(os.path.basename(library))
    print(f"== host libraries ({len(host)}) by Debian package")
    for package in sorted(packages):
        print(f"  {package}: {' '.join(sorted(packages[package]))}")
    print(f"== not found ({len(missing)})")
    for name in sorted(missing):
        print(f"  {name}: needed by {', '.join(sorted(missing[name])[:3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
