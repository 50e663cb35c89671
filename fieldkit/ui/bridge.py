"""Bring results and events from device threads and background work onto the Qt UI thread.

The Qt-free core reports through plain callbacks (DeviceWorker.subscribe) and concurrent.futures.Future.
These QObjects live on the UI thread; a signal emitted from another thread is queued to them, so slots
always run on the UI thread and the UI never blocks on a device.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal


class WorkerEvents(QObject):
    """Re-emits a DeviceWorker's (event, data) pairs as a Qt signal on the UI thread."""

    event = Signal(str, object)   # the data dict as is (no QVariantMap round trip)

    def __init__(self, worker, parent: QObject | None = None):
        super().__init__(parent)
        self._unsubscribe = worker.subscribe(self._forward)
        self.destroyed.connect(lambda *_: None)

    def _forward(self, name: str, data: dict[str, Any]) -> None:
        self.event.emit(name, dict(data))

    def detach(self) -> None:
        self._unsubscribe()


class FutureWatcher(QObject):
    """Emits `succeeded(result)` or `failed(exception)` on the UI thread when a Future completes."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.future: Future | None = None

    def watch(self, future: Future) -> None:
        """Start watching; connect the signals first, or a fast job's result is emitted to nobody."""
        self.future = future
        future.add_done_callback(self._done)

    def _done(self, future: Future) -> None:
        if future.cancelled():
            self.failed.emit(RuntimeError("cancelled"))
            return
        exc = future.exception()
        if exc is not None:
            self.failed.emit(exc)
        else:
            self.succeeded.emit(future.result())


class BackgroundRunner(QObject):
    """Runs slow Qt-free work (sealing, quality checks, sync passes) off the UI thread.

    One small pool for the app; `shutdown()` at exit waits for running jobs so no thread outlives the app.
    """

    def __init__(self, max_workers: int = 2, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="fieldkit-bg")
        self._watchers: set[FutureWatcher] = set()

    def run(self, fn: Callable[..., Any], *args: Any, on_success: Callable[[Any], None] | None = None,
            on_failure: Callable[[BaseException], None] | None = None, **kwargs: Any) -> FutureWatcher:
        """Submit `fn(*args, **kwargs)`; the callbacks run on the UI thread. Returns the watcher."""
        watcher = FutureWatcher(self)
        if on_success:
            watcher.succeeded.connect(on_success)
        if on_failure:
            watcher.failed.connect(on_failure)
        self._watchers.add(watcher)
        watcher.succeeded.connect(lambda _r, w=watcher: self._watchers.discard(w))
        watcher.failed.connect(lambda _e, w=watcher: self._watchers.discard(w))
        watcher.watch(self._pool.submit(fn, *args, **kwargs))
        return watcher

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
