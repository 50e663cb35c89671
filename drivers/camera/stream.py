"""Preview streaming: read on the device thread at a steady rate, hand the newest frame to one consumer.

The read loop is a chain of short jobs on the camera's DeviceWorker (each reads one frame and queues the
next), so a still capture or a settings change submitted meanwhile runs between two frames instead of
waiting for the stream to end. Delivery is latest-frame-wins: a consumer slower than the camera skips
frames (counted as `superseded`) and never sees a backlog or a stale picture.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any, Callable

from drivers.camera.base import Frame
from drivers.errors import DeviceError
from drivers.worker import DeviceWorker

log = logging.getLogger(__name__)


class LatestFrameSlot:
    """A one-frame mailbox: put() replaces what is there, get() waits for something new."""

    def __init__(self):
        self._frame: Frame | None = None
        self._fresh = False
        self._closed = False
        self._cond = threading.Condition()

    def put(self, frame: Frame) -> bool:
        """Store `frame`; True if it replaced one nobody took (the consumer is behind)."""
        with self._cond:
            replaced = self._fresh
            self._frame, self._fresh = frame, True
            self._cond.notify_all()
            return replaced

    def get(self, timeout: float | None = None) -> Frame | None:
        """The newest frame not yet taken, or None on timeout or close."""
        with self._cond:
            self._cond.wait_for(lambda: self._fresh or self._closed, timeout)
            if not self._fresh:
                return None
            self._fresh = False
            return self._frame

    def latest(self) -> Frame | None:
        """The newest frame, taken or not (for a UI timer that repaints on its own schedule)."""
        with self._cond:
            return self._frame

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


def _offer_to_queue(q: queue.Queue, frame: Frame) -> int:
    """Empty `q` of frames the consumer has not taken, then put `frame`; returns how many were dropped."""
    dropped = 0
    while True:
        try:
            q.get_nowait()
            dropped += 1
        except queue.Empty:
            break
    try:
        q.put_nowait(frame)
    except queue.Full:  # the consumer's own producer filled it meanwhile; the newest frame still wins next time
        dropped += 1
    return dropped


class FrameStream:
    """One running preview. Create it through Camera.start_stream(); stop() joins everything it started.

    `read` runs on the worker thread and returns a Frame or raises DeviceError; `retry_delay` says how long
    to wait after an error (the driver's reconnect back-off)."""

    def __init__(self, worker: DeviceWorker, read: Callable[[float], Frame], sink: Any, fps: float,
                 retry_delay: Callable[[], float]):
        if fps <= 0:
            raise ValueError(f"stream frame rate must be positive, not {fps}")
        self.fps = fps
        self.period = 1.0 / fps
        self.superseded = 0
        self.delivered = 0
        self.errors = 0
        self._worker = worker
        self._read = read
        self._retry_delay = retry_delay
        self._stop = threading.Event()
        self._done = threading.Event()
        self._next_due = time.monotonic()
        self.slot = LatestFrameSlot()
        self._queue = sink if isinstance(sink, queue.Queue) else None
        self._callback = None if self._queue is not None else sink
        if self._queue is None and not callable(sink):
            raise TypeError("stream sink must be a callable or a queue.Queue")
        self._dispatcher: threading.Thread | None = None
        if self._callback is not None:
            self._dispatcher = threading.Thread(target=self._dispatch, name=f"{worker.name}-preview",
                                                daemon=True)
            self._dispatcher.start()
        self._schedule()

    @property
    def running(self) -> bool:
        return not self._done.is_set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop reading, wait for the read chain to end and the delivery thread to exit."""
        self._stop.set()
        if not self._worker.on_thread():
            self._done.wait(timeout)
        self.slot.close()
        if self._dispatcher is not None and self._dispatcher is not threading.current_thread():
            self._dispatcher.join(timeout)

    # --- on the device thread -----------------------------------------------------------------------
    def _schedule(self) -> None:
        try:
            self._worker.submit(self._tick)
        except RuntimeError:  # the worker closed under us
            self._done.set()

    def _tick(self) -> None:
        if self._stop.wait(max(0.0, self._next_due - time.monotonic())):
            self._done.set()
            return
        try:
            frame = self._read(self.period)
        except DeviceError as exc:  # the driver already emitted the fault; keep trying at its pace
            self.errors += 1
            self._next_due = time.monotonic() + max(self.period, self._retry_delay())
            log.debug("stream read failed: %s", exc)
        else:
            self._deliver(frame)
            # Absolute schedule: a late frame does not push every later frame back.
            self._next_due = max(self._next_due + self.period, time.monotonic() - self.period)
        self._schedule()

    def _deliver(self, frame: Frame) -> None:
        self.delivered += 1
        if self._queue is not None:
            self.superseded += _offer_to_queue(self._queue, frame)
        elif self.slot.put(frame):
            self.superseded += 1

    # --- on the delivery thread ---------------------------------------------------------------------
    def _dispatch(self) -> None:
        while not self._stop.is_set():
            frame = self.slot.get(timeout=0.25)
            if frame is None or self._stop.is_set():
                continue
            try:
                self._callback(frame)
            except Exception:  # a broken preview must not stop the stream
                log.exception("preview consumer failed")
