"""Finger images rendered off the simulator's line thread.

A realistic synthetic print takes up to a couple of seconds to make; a real module answers GenImg in well
under one. So simulators render in the background as soon as a finger is presented and, until the image is
ready, behave as a sensor that does not see the finger yet (R30x: "no finger"; slap scanner: "capturing").
Drivers poll anyway, so the byte-level behaviour stays that of the real device.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Hashable


class BackgroundRenderer:
    """`get(key, make)` → the result for key, or None while it is being made (started on first ask)."""

    def __init__(self, name: str, keep: int = 16):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sim-render-{name}")
        self._jobs: dict[Hashable, Future] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def start(self, key: Hashable, make: Callable[[], Any]) -> None:
        with self._lock:
            if key not in self._jobs:
                while len(self._jobs) >= self._keep:
                    self._jobs.pop(next(iter(self._jobs)))
                self._jobs[key] = self._pool.submit(make)

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        self.start(key, make)
        with self._lock:
            job = self._jobs[key]
        if not job.done():
            return None
        return job.result()  # a rendering error surfaces in the simulator thread's log, not silently

    def wait(self, key: Hashable, timeout: float | None = None) -> Any:
        """Block until the result for `key` is ready (for callers off the line thread, e.g. tests)."""
        with self._lock:
            job = self._jobs.get(key)
        return None if job is None else job.result(timeout)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
