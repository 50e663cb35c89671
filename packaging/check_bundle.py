"""Check a built bundle folder: every file the kit opens by path is inside, and no excluded Qt module crept in.

    python packaging/check_bundle.py dist/fieldkit        exit 1 (and say what is missing) if the bundle is incomplete
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_manifest as manifest  # noqa: E402


def internal_dir(bundle: Path) -> Path:
    """PyInstaller 6 puts everything but the executables under _internal/ (older layouts: the folder itself)."""
    inner = bundle / "_internal"
    return inner if inner.is_dir() else bundle


def missing_files(bundle: Path) -> list[str]:
    inner = internal_dir(bundle)
    return [pattern for pattern in manifest.REQUIRED_BUNDLE_FILES if not any(inner.glob(pattern))]


def forbidden_libraries(bundle: Path) -> list[str]:
    """Big libraries the kit never uses (manifest.FORBIDDEN_LIBRARIES) that ended up in the bundle anyway."""
    inner = internal_dir(bundle)
    return sorted({str(p.relative_to(bundle)) for pattern in manifest.FORBIDDEN_LIBRARIES for p in inner.rglob(pattern)})


def folder_size(bundle: Path) -> int:
    return sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    bundle = Path(argv[0])
    if not (bundle / "fieldkit").is_file() and not (bundle / "fieldkit.exe").is_file():
        print(f"check_bundle: no fieldkit executable in {bundle}", file=sys.stderr)
        return 1
    problems = [f"missing: {pattern}" for pattern in missing_files(bundle)]
    problems += [f"unwanted library present: {name}" for name in forbidden_libraries(bundle)]
    for line in problems:
        print(f"check_bundle: {line}", file=sys.stderr)
    print(f"check_bundle: {bundle}: {len(manifest.REQUIRED_BUNDLE_FILES)} required file patterns checked, "
          f"{folder_size(bundle) / 1e6:.0f} MB")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
