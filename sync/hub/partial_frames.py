"""The start of a frame a cut left unfinished, kept in the hub's memory so a resumed stream need not send it again.

On a link that drops every few seconds, a cut loses the part of the frame on the wire that already crossed
the link: half a frame on average (8 KB of 16 KB frames, a quarter of a second at 32 kB/s), on every cut. The hub cannot
store those bytes (a frame is checked only whole), but it can hold them: when a stream ends inside a frame,
the bytes it read of that frame are kept here, under (kit, upload, the offset the frame starts at). The
position answer (`POST /v1/uploads` without a body) then says how many it holds (`partial`) and their SHA-256
(`partial_sha256`); a kit whose own frame at that offset starts with exactly those bytes (frames are
deterministic: same bytes, same Ed25519 signature) resumes with `&partial=N` and sends the rest of the frame
only. The frame is still verified whole before anything is stored.

Memory only, on purpose: these bytes are unverified, so they never reach the database, and a hub restart or
another hub process just means the kit sends the whole frame (`partial` 0). Bounded in entries, bytes and age.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from sync.protocol import sha256_hex


@dataclass(frozen=True)
class HeldPartial:
    offset: int
    data: bytes
    kept_at: float


class PartialFrames:
    """(kit id, upload id) -> the unfinished frame's bytes at one offset; the oldest go first past the bounds."""

    def __init__(self, max_entries: int = 2048, max_bytes: int = 32 * 1024 * 1024, ttl_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic):
        self.max_entries, self.max_bytes, self.ttl_s, self.clock = max_entries, max_bytes, ttl_s, clock
        self._held: OrderedDict[tuple[str, str], HeldPartial] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def keep(self, kit_id: str, upload_id: str, offset: int, data: bytes) -> None:
        """Hold the bytes a stream ended with, read of the frame starting at `offset` (replaces older ones)."""
        if not data or len(data) > self.max_bytes:
            return
        with self._lock:
            self._drop((kit_id, upload_id))
            self._held[(kit_id, upload_id)] = HeldPartial(offset, bytes(data), self.clock())
            self._bytes += len(data)
            self._trim()

    def describe(self, kit_id: str, upload_id: str, offset: int) -> dict[str, int | str]:
        """What the position answer says about held bytes at `offset`: {partial, partial_sha256}, or {}."""
        with self._lock:
            held = self._at(kit_id, upload_id, offset)
        return {} if held is None else {"partial": len(held.data), "partial_sha256": sha256_hex(held.data)}

    def take(self, kit_id: str, upload_id: str, offset: int, length: int) -> bytes | None:
        """The held bytes, if they are the `length` bytes at `offset` the kit resumes after (then forgotten)."""
        with self._lock:
            held = self._at(kit_id, upload_id, offset)
            if held is None or len(held.data) != length:
                return None
            self._drop((kit_id, upload_id))
            return held.data

    def forget(self, kit_id: str, upload_id: str) -> None:
        with self._lock:
            self._drop((kit_id, upload_id))

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)

    def _at(self, kit_id: str, upload_id: str, offset: int) -> HeldPartial | None:
        """The bytes held for this upload, if they start at `offset` and are not too old (call under the lock)."""
        held = self._held.get((kit_id, upload_id))
        return None if held is None or held.offset != offset or self._expired(held) else held

    def _expired(self, held: HeldPartial) -> bool:
        return self.clock() - held.kept_at > self.ttl_s

    def _drop(self, key: tuple[str, str]) -> None:
        held = self._held.pop(key, None)
        if held is not None:
            self._bytes -= len(held.data)

    def _trim(self) -> None:
        while self._held and (len(self._held) > self.max_entries or self._bytes > self.max_bytes
                              or self._expired(next(iter(self._held.values())))):
            self._drop(next(iter(self._held)))
