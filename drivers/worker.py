"""One I/O owner thread per device: every call that touches the device runs on it, in order.

The UI (or CLI) never blocks on a device: `submit()` returns a Future, and progress/log events go to
subscribers (the "handler" side), which must hand them to their own thread (the Qt UI uses a signal).
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from typing import Any, Callable

log = logging.getLogger(__name__)

_STOP = object()
EventSink = Callable[[str, dict[str, Any]], None]


class DeviceWorker:
    def __init__(self, name: str):
        self.name = name
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._sinks: list[EventSink] = []
        self._sinks_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"device-{name}", daemon=True)
        self._closed = False
        self._thread.start()

    # --- events -------------------------------------------------------------------------------------
    def subscribe(self, sink: EventSink) -> Callable[[], None]:
        """Receive (event, data) pairs on the worker thread; returns an unsubscribe function."""
        with self._sinks_lock:
            self._sinks.append(sink)

        def unsubscribe() -> None:
            with self._sinks_lock:
                if sink in self._sinks:
                    self._sinks.remove(sink)

        return unsubscribe

    def emit(self, event: str, **data: Any) -> None:
        with self._sinks_lock:
            sinks = list(self._sinks)
        for sink in sinks:
            try:
                sink(event, data)
            except Exception:  # a broken subscriber must not kill the device thread
                log.exception("event sink failed for %s", event)

    # --- jobs ---------------------------------------------------------------------------------------
    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        if self._closed:
            raise RuntimeError(f"device worker {self.name} is closed")
        future: Future = Future()
        self._jobs.put((future, fn, args, kwargs))
        return future

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """Run on the device thread and wait (for CLI and tests; the UI uses submit)."""
        if threading.current_thread() is self._thread:
            return fn(*args, **kwargs)
        return self.submit(fn, *args, **kwargs).result(timeout)

    def on_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def close(self, timeout: float = 5.0) -> None:
        """Finish queued jobs, stop the thread and wait for it: no thread outlives its device."""
        if self._closed:
            return
        self._closed = True
        self._jobs.put(_STOP)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            future, fn, args, kwargs = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)
