"""Small durable-file helpers: write-then-rename with fsync, and overwrite-before-delete for shredding."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in `path` durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file, never a mix.

    The temporary is unique and created exclusively (mkstemp: O_EXCL, never a planted symlink): two processes
    writing the same file at once each rename their own whole copy instead of truncating a shared `.tmp`."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
        try:
            os.fchmod(fd, mode)
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


TMP_SUFFIX = ".tmp"


def leftover_temporaries(path: Path) -> list[Path]:
    """Temporaries of `path` a crash may have left (for shredding)."""
    return sorted(path.parent.glob(f".{path.name}.*{TMP_SUFFIX}")) + [p for p in [path.with_name(path.name + TMP_SUFFIX)]
                                                                      if p.exists()]


@contextlib.contextmanager
def exclusive_lock(path: Path):
    """Hold an exclusive fcntl lock on `path` (created 0600 if missing) for a read-modify-write that other
    processes must not interleave with; the kernel drops it if the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_json_atomic(path: Path, value) -> None:
    write_atomic(path, json.dumps(value, indent=1, sort_keys=True).encode("utf-8"))


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def shred_file(path: Path) -> None:
    """Overwrite a file with random bytes, fsync, then unlink it (best effort on flash: see keys doc)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with open(path, "r+b", buffering=0) as f:
        f.write(os.urandom(max(size, 1)))
        os.fsync(f.fileno())
    path.unlink()
    fsync_dir(path.parent)
