"""Compare two bundle folders file by file (reproducible-build check).

    python packaging/compare_builds.py dist-a/fieldkit dist-b/fieldkit [--json]

Prints the files only in one build and the files whose SHA-256 differs; exit 0 when the builds are identical.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def file_hashes(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of the content (symlinks: '-> target')."""
    hashes = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            hashes[relative] = f"-> {path.readlink()}"
        elif path.is_file():
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            hashes[relative] = digest.hexdigest()
    return hashes


def compare(first: Path, second: Path) -> dict[str, list[str]]:
    a, b = file_hashes(first), file_hashes(second)
    return {
        "only_in_first": sorted(set(a) - set(b)),
        "only_in_second": sorted(set(b) - set(a)),
        "different": sorted(name for name in set(a) & set(b) if a[name] != b[name]),
        "identical_count": [str(sum(1 for name in set(a) & set(b) if a[name] == b[name]))],
    }


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    folders = [arg for arg in argv if arg != "--json"]
    if len(folders) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    result = compare(Path(folders[0]), Path(folders[1]))
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        print(f"identical files: {result['identical_count'][0]}")
        for key in ("only_in_first", "only_in_second", "different"):
            print(f"{key.replace('_', ' ')}: {len(result[key])}")
            for name in result[key]:
                print(f"  {name}")
    return 0 if not (result["only_in_first"] or result["only_in_second"] or result["different"]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
