"""Finger images rendered off the simulator's line thread.

A realistic synthetic print takes up to a couple of seconds to make; a real module answers GenImg in well
under one. So simulators render in the background as soon as a finger is presented and, until the image is
ready, behave as a sensor that does not see the finger yet (R30x: "no finger"; slap scanner: "capturing").
Drivers poll anyway, so the byte-level behaviour stays that of the real device.

Most of a print's cost is its master (drivers/synthetic/print_cache.py keeps those), so simulators also
`prefetch` the masters of the whole hand on a second thread the moment a person is presented: the next slap
or rolled finger is then a few milliseconds of rendering. A render asked for a new key cancels the renders
for older keys that have not started yet (a re-presented hand makes the earlier image stale), so a backlog
can never keep a scanner "settling".
"""

from __future__ import annotations

import threading
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Callable, Hashable


class BackgroundRenderer:
    """`get(key, make)` → the result for key, or None while it is being made (started on first ask)."""

    def __init__(self, name: str, keep: int = 16, grace: float = 0.04):
        self._name = name
        # A render that is nearly done is waited for this long before answering "not ready": an impression of a
        # cached master takes ~10-20 ms, and without the wait every capture would cost the driver a poll interval.
        self._grace = grace
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sim-render-{name}")
        self._prefetch_pool: ThreadPoolExecutor | None = None
        self._prefetching: dict[Hashable, Future] = {}
        self._jobs: dict[Hashable, Future] = {}
        self._lock = threading.Lock()
        self._keep = keep
        self._closed = False

    def start(self, key: Hashable, make: Callable[[], Any]) -> None:
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and not job.cancelled():
                return
            for other, old in list(self._jobs.items()):
                if other != key and old.cancel():  # not started yet: nobody will ask for it any more
                    del self._jobs[other]
            while len(self._jobs) >= self._keep:
                self._jobs.pop(next(iter(self._jobs)))
            self._jobs[key] = self._pool.submit(make)

    def prefetch(self, key: Hashable, make: Callable[[], Any]) -> None:
        """Run `make` on the prefetch thread (once per key while it is pending): work a render will need soon."""
        with self._lock:
            if self._closed:
                return
            job = self._prefetching.get(key)
            if job is not None and not job.done():
                return
            if self._prefetch_pool is None:
                self._prefetch_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sim-prefetch-{self._name}")
            self._prefetching = {k: j for k, j in self._prefetching.items() if not j.done()}
            self._prefetching[key] = self._prefetch_pool.submit(make)

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        self.start(key, make)
        with self._lock:
            job = self._jobs.get(key)
        if job is None or job.cancelled():  # cancelled by a newer key meanwhile: ask again
            return None
        if not job.done():
            try:
                return job.result(timeout=self._grace)
            except (FutureTimeout, CancelledError):
                return None
        return job.result()  # a rendering error surfaces in the simulator thread's log, not silently

    def wait(self, key: Hashable, timeout: float | None = None) -> Any:
        """Block until the result for `key` is ready (for callers off the line thread, e.g. tests)."""
        with self._lock:
            job = self._jobs.get(key)
        return None if job is None else job.result(timeout)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            prefetch_pool = self._prefetch_pool
        self._pool.shutdown(wait=True, cancel_futures=True)
        if prefetch_pool is not None:
            prefetch_pool.shutdown(wait=True, cancel_futures=True)
