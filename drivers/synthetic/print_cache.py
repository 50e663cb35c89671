"""Where synthetic master prints are kept once made: an in-memory LRU and an on-disk cache of SYNTHETIC prints.

A master print (drivers/synthetic/fingerprints.py) costs ~0.2 s of CPU to grow; a person has ten. The demo,
the slap scanner and the single-finger module all ask for the same masters, so they are made once:

- in memory: an LRU of `MEMORY_MASTERS` masters (~0.5 MB each: ridges and mask are kept as 8-bit), shared by
  every simulator in the process. Two threads asking for the same master wait for one synthesis, not two;
- on disk: one small compressed file per master under the user's cache folder
  (`platformdirs.user_cache_dir("fieldkit")/synthetic-prints/v<N>/`, e.g. ~/.cache/fieldkit/...), never the
  kit data folder. Set `FIELDKIT_PRINT_CACHE` to another folder, or to `off` to keep nothing on disk.
  Only generator output lives there (ridge pattern, finger shape, pattern class), named by a hash of the
  seed: synthetic fingers belong to nobody, and no real capture ever passes through this module.
  The folder is capped at `DISK_MASTERS` files (oldest removed first). A file that does not load is made
  again and replaced, so a damaged cache costs time, never a wrong print.

Because masters are stored 8-bit in memory too, a print made from a fresh master and one from a cached master
are the same pixels.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import threading
import zlib
from collections import OrderedDict
from concurrent.futures import Future
from pathlib import Path
from typing import Callable, Hashable

import numpy as np

log = logging.getLogger(__name__)

ENV = "FIELDKIT_PRINT_CACHE"
FORMAT_VERSION = 2           # bump when the generator or the file layout changes: old files are then ignored
MEMORY_MASTERS = 160         # 16 people of ten fingers, ~85 MB
DISK_MASTERS = 2500          # 250 people (a large village), ~95 KB a master on disk
_MAGIC = b"FKMP1"


def default_directory() -> Path | None:
    """The disk cache folder from FIELDKIT_PRINT_CACHE, or the user cache folder; None when switched off."""
    setting = os.environ.get(ENV, "").strip()
    if setting.lower() in ("off", "0", "no", "none", "false"):
        return None
    if setting:
        return Path(setting).expanduser() / f"v{FORMAT_VERSION}"
    import platformdirs  # noqa: PLC0415 - only when the disk cache is used

    return Path(platformdirs.user_cache_dir("fieldkit")) / "synthetic-prints" / f"v{FORMAT_VERSION}"


class DiskCache:
    """Masters as files `<sha256(key)>.fkm`: magic, JSON header, zlib-compressed 8-bit arrays."""

    def __init__(self, directory: Path, limit: int = DISK_MASTERS, max_bytes: int = 4 << 20):
        self.directory = Path(directory)
        self.limit = limit
        self.max_bytes = max_bytes  # a master is 2 x 560 x 480 bytes; a file announcing more is not one
        self._writes = 0

    @staticmethod
    def digest(key: Hashable) -> str:
        """The key as stored: a hash, so a seed's text never reaches the disk."""
        return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()

    def path(self, key: Hashable) -> Path:
        return self.directory / f"{self.digest(key)[:40]}.fkm"

    def load(self, key: Hashable) -> tuple[dict, dict[str, np.ndarray]] | None:
        """(header, arrays) or None when absent or unreadable (an unreadable file is removed)."""
        path = self.path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        try:
            if not blob.startswith(_MAGIC):
                raise ValueError("not a master-print file")
            size = int.from_bytes(blob[5:9], "big")
            header = json.loads(blob[9:9 + size])
            if header.get("key") != self.digest(key):
                raise ValueError("file is for another seed")
            shapes = [(str(name), tuple(int(v) for v in shape)) for name, shape in header["arrays"]]
            expected = sum(int(np.prod(shape)) for _, shape in shapes)
            if not 0 < expected <= self.max_bytes or any(v <= 0 for _, shape in shapes for v in shape):
                raise ValueError(f"arrays of {expected} bytes announced (at most {self.max_bytes})")
            inflate = zlib.decompressobj()
            raw = inflate.decompress(blob[9 + size:], expected + 1)  # never inflate more than announced
            if len(raw) != expected or not inflate.eof:
                raise ValueError("array sizes do not add up")
            arrays, offset = {}, 0
            for name, shape in shapes:
                count = int(np.prod(shape))
                arrays[name] = np.frombuffer(raw, np.uint8, count, offset).reshape(shape).copy()
                offset += count
        except (ValueError, KeyError, TypeError, OverflowError, zlib.error) as exc:
            log.warning("synthetic print cache: %s unreadable (%s); making it again", path.name, exc)
            path.unlink(missing_ok=True)
            return None
        return header, arrays

    def save(self, key: Hashable, header: dict, arrays: dict[str, np.ndarray]) -> None:
        """Write atomically (temp file + rename): a reader never sees half a file. Errors only cost speed."""
        path = self.path(key)
        header = {**header, "key": self.digest(key), "arrays": [[n, list(a.shape)] for n, a in arrays.items()]}
        head = json.dumps(header).encode("utf-8")
        body = zlib.compress(b"".join(np.ascontiguousarray(a, np.uint8).tobytes() for a in arrays.values()), 6)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            with io.open(tmp, "wb") as fh:
                fh.write(_MAGIC + len(head).to_bytes(4, "big") + head + body)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("synthetic print cache: cannot write %s (%s)", path, exc)
            return
        self._writes += 1
        if self._writes % 50 == 1:
            self.prune()

    def prune(self) -> int:
        """Remove the oldest files above the limit; returns how many went."""
        try:
            files = sorted(self.directory.glob("*.fkm"), key=lambda p: p.stat().st_mtime)
        except OSError:
            return 0
        extra = files[:max(0, len(files) - self.limit)]
        for path in extra:
            path.unlink(missing_ok=True)
        return len(extra)


class MasterCache:
    """`get(key, make)`: the value for key from memory, else from disk, else `make()` (stored in both).

    `encode(value) -> (header, arrays)` and `decode(header, arrays) -> value` translate to and from disk.
    Thread-safe; a key being made by one thread is waited for by the others.
    """

    def __init__(self, encode: Callable, decode: Callable, capacity: int = MEMORY_MASTERS,
                 disk: DiskCache | None | str = "default"):
        self._encode, self._decode = encode, decode
        self.capacity = capacity
        self._disk_setting = disk
        self._disk: DiskCache | None = None
        self._disk_resolved = False
        self._done: OrderedDict = OrderedDict()
        self._pending: dict[Hashable, Future] = {}
        self._lock = threading.Lock()
        self.stats = {"memory": 0, "disk": 0, "made": 0}

    @property
    def disk(self) -> DiskCache | None:
        if not self._disk_resolved:  # read the environment at first use, not at import
            setting = self._disk_setting
            if setting == "default":
                directory = default_directory()
                self._disk = DiskCache(directory) if directory else None
            else:
                self._disk = setting  # type: ignore[assignment]
            self._disk_resolved = True
        return self._disk

    def use_disk(self, disk: DiskCache | None) -> None:
        """Point the cache at another disk cache (None: memory only), e.g. for tests."""
        self._disk, self._disk_resolved = disk, True

    def clear_memory(self) -> None:
        with self._lock:
            self._done.clear()

    def cached(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._done

    def get(self, key: Hashable, make: Callable[[], object]):
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                self.stats["memory"] += 1
                return self._done[key]
            job = self._pending.get(key)
            owner = job is None
            if owner:
                job = self._pending[key] = Future()
        if not owner:
            return job.result()
        try:
            value = self._load_or_make(key, make)
        except BaseException as exc:
            with self._lock:
                self._pending.pop(key, None)
            job.set_exception(exc)
            raise
        with self._lock:
            self._pending.pop(key, None)
            self._done[key] = value
            while len(self._done) > self.capacity:
                self._done.popitem(last=False)
        job.set_result(value)
        return value

    def _load_or_make(self, key: Hashable, make: Callable[[], object]):
        disk = self.disk
        if disk is not None:
            stored = disk.load(key)
            if stored is not None:
                try:
                    value = self._decode(*stored)
                except (KeyError, ValueError, TypeError) as exc:
                    log.warning("synthetic print cache: stored master for %r unusable (%s)", key, exc)
                else:
                    self.stats["disk"] += 1
                    return value
        value = make()
        self.stats["made"] += 1
        if disk is not None:
            disk.save(key, *self._encode(value))
        return value
