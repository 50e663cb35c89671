"""The camera interface every camera driver offers, and the values it hands out.

A camera owns one DeviceWorker thread: every read, setting change and reconnect runs there, in order.
Blocking methods (`read_frame`, `capture_still`, ...) wait for the worker and are meant for the CLI and
tests; the UI submits the same methods to `camera.worker` and gets a Future, or streams a preview with
`start_stream`, and listens to events with `camera.worker.subscribe(sink)`:

    "frame"   sequence, timestamp, width, height, interval_ms, dropped         (every frame read)
    "status"  state (connected | disconnected | reconnecting | frozen | live | settings | closed), detail
    "fault"   error (the message a technician sees), kind (the exception class name)
    "log"     line: the device conversation (open, property set -> value read back, release) for the lab's log
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Union

import numpy as np

from drivers.errors import DeviceError

if TYPE_CHECKING:
    import queue

    from drivers.camera.stream import FrameStream
    from drivers.worker import DeviceWorker


class FrozenFeed(DeviceError):
    """The camera keeps delivering the same picture (a hung driver or USB bus)."""

    hint = "The picture is frozen. The kit reopens the camera by itself; if it stays frozen, unplug and replug it."


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture: BGR uint8 pixels, when the driver got it (time.monotonic) and its sequence number.

    `sequence` counts frames the driver delivered (1, 2, 3 ...); frames the camera lost are counted in
    CameraStats.dropped. `source_index` is the source's own frame number when it reports one (files, simulator).
    """

    image: np.ndarray
    timestamp: float
    sequence: int
    source_index: int | None = None

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


@dataclass(frozen=True)
class CameraStats:
    """Health figures for the hardware lab (a snapshot; safe to read from any thread)."""

    state: str               # open | disconnected | frozen | closed
    frames: int              # frames delivered by the driver
    fps: float               # measured over the last ~30 frames
    dropped: int             # frames the camera produced that never reached the driver
    superseded: int          # stream frames replaced before a slow consumer took them (not a fault)
    frozen_count: int        # times the picture froze
    reconnects: int          # successful reopen after a disconnect or freeze
    read_failures: int       # individual failed reads
    last_error: str | None


@dataclass(frozen=True)
class CameraInfo:
    spec: str
    backend: str             # the capture backend's name (V4L2, FFMPEG, CV_IMAGES, SIM ...)
    source: str              # device index, file path or simulator profile
    width: int
    height: int
    fps: float
    simulated: bool
    description: str


FrameSink = Union[Callable[[Frame], Any], "queue.Queue[Frame]"]


class Camera(ABC):
    """What the app, CLI and hardware lab may call on any camera."""

    worker: "DeviceWorker"
    spec: str
    simulator: Any = None  # the simulated device (scene, faults) when this camera is simulated

    @abstractmethod
    def read_frame(self, timeout: float | None = 5.0) -> Frame:
        """The next frame; DeviceDisconnected / FrozenFeed / DeviceTimeout when there is none."""

    @abstractmethod
    def capture_still(self, width: int | None = None, height: int | None = None,
                      timeout: float | None = 10.0) -> Frame:
        """A fresh frame for the record, optionally at a different resolution (restored afterwards)."""

    @abstractmethod
    def start_stream(self, sink: FrameSink, fps: float | None = None) -> "FrameStream":
        """Preview: read at `fps` on the device thread and hand the newest frame to `sink`.

        `sink` is a callable (called on the stream's delivery thread) or a queue.Queue; either way the
        newest frame wins, so a slow consumer skips frames instead of building a backlog."""

    @abstractmethod
    def stop_stream(self) -> None:
        """Stop the preview and wait for its delivery thread."""

    @property
    @abstractmethod
    def resolution(self) -> tuple[int, int]:
        """(width, height) the camera actually delivers."""

    @abstractmethod
    def set_resolution(self, width: int, height: int) -> tuple[int, int]:
        """Ask for a resolution; returns what the camera accepted (cameras pick the nearest mode)."""

    @property
    @abstractmethod
    def frame_rate(self) -> float:
        """Frames per second the camera reports (0 when it does not say)."""

    @abstractmethod
    def set_frame_rate(self, fps: float) -> float:
        """Ask for a frame rate; returns what the camera reports afterwards."""

    @abstractmethod
    def device_info(self) -> CameraInfo: ...

    @abstractmethod
    def stats(self) -> CameraStats: ...

    @abstractmethod
    def close(self) -> None:
        """Stop streaming, release the device and join the worker thread (idempotent)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
