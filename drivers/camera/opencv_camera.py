"""The OpenCV VideoCapture camera driver: `camera:opencv:0`, `camera:opencv:/path/clip.avi`, `.../frame_%03d.png`,
`camera:opencv:http://host:port/stream.mjpg` (network cameras; no `?` in the URL: options follow the spec's `?`).

Options: `?width=1280&height=720&fps=30` (asked of the camera; it may pick the nearest mode it has),
`fail_reads=3` (failed reads in a row that mean "unplugged"), `frozen_frames=15` (identical frames before a
"frozen" status), `frozen_error_frames=60` (before FrozenFeed and a reopen), `frozen_mad=0.25`,
`reconnect_backoff=0.25` / `reconnect_max=4` (seconds between reopen attempts, doubling), `loop=1` (files:
start again at the end instead of reporting a disconnect), `api=any|v4l2|dshow|msmf|ffmpeg|images`,
`timeout_ms=5000` (network streams: open and read time limits).

The driver talks to anything with the VideoCapture interface (isOpened/read/set/get/release), supplied by
`capture_factory(source)`; the simulator plugs in there, so this exact code runs against it.
"""

from __future__ import annotations

import glob
import logging
import os
import platform
import threading
import time
from typing import Any, Callable

import cv2

from drivers.camera.base import Camera, CameraInfo, CameraStats, Frame, FrozenFeed
from drivers.camera.health import DropCounter, FrozenDetector, RateMeter
from drivers.camera.stream import FrameStream
from drivers.errors import DeviceDisconnected, DeviceError, DeviceNotFound, DeviceTimeout, SpecError
from drivers.registry import DeviceInfo
from drivers.spec import DeviceSpec
from drivers.worker import DeviceWorker

log = logging.getLogger(__name__)

APIS = {"any": cv2.CAP_ANY, "v4l2": cv2.CAP_V4L2, "dshow": cv2.CAP_DSHOW, "msmf": cv2.CAP_MSMF,
        "ffmpeg": cv2.CAP_FFMPEG, "images": cv2.CAP_IMAGES}

CaptureFactory = Callable[[Any], Any]


def _flag(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(text)


_flag.__name__ = "flag (0/1)"


class CameraOptions:
    """Driver settings read from the spec's options, each with a clear error for a bad value."""

    def __init__(self, spec: DeviceSpec):
        o = spec.option
        self.width = o("width", None, int)
        self.height = o("height", None, int)
        self.fps = o("fps", None, float)
        self.fail_reads = max(1, o("fail_reads", 3, int))
        self.frozen_frames = max(2, o("frozen_frames", 15, int))
        self.frozen_error_frames = max(self.frozen_frames, o("frozen_error_frames", 60, int))
        self.frozen_mad = o("frozen_mad", 0.25, float)
        self.reconnect_backoff = max(0.0, o("reconnect_backoff", 0.25, float))
        self.reconnect_max = max(self.reconnect_backoff, o("reconnect_max", 4.0, float))
        self.loop = o("loop", False, _flag)
        self.timeout_ms = max(100, o("timeout_ms", 5000, int))
        api = o("api", "any").lower()
        if api not in APIS:
            raise SpecError(f"option api={api!r} unknown (use {', '.join(APIS)})", spec=str(spec))
        self.api = APIS[api]


def parse_source(target: str) -> int | str:
    """A device index ("0") or a file path / image-sequence pattern."""
    if not target:
        return 0
    return int(target) if target.isdigit() else target


def cv2_capture_factory(api: int = cv2.CAP_ANY, timeout_ms: int = 5000) -> CaptureFactory:
    """cv2.VideoCapture; network streams (rtsp://, http://) get open and read time limits, or a dead
    server could hold the device thread for FFmpeg's default of 30 s."""
    def open_capture(source):
        if isinstance(source, str) and source.startswith("/dev/"):
            # OpenCV's V4L2 backend opens by index only. Resolve the (by-id) link on every open, so a camera
            # renumbered by an unplug/replug is found again; a link that is gone means "not plugged in".
            index = device_node_index(source)
            return cv2.VideoCapture(index, api) if index is not None else _NotOpened()
        if isinstance(source, str) and "://" in source:
            return cv2.VideoCapture(source, api, [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, timeout_ms,
                                                  cv2.CAP_PROP_READ_TIMEOUT_MSEC, timeout_ms])
        return cv2.VideoCapture(source, api)

    return open_capture


def device_node_index(path: str) -> int | None:
    """N for a path that is, or links to, a videoN device node; None when it does not resolve to one."""
    real = os.path.realpath(path)
    digits = os.path.basename(real).removeprefix("video")
    if not os.path.exists(real) or not os.path.basename(real).startswith("video") or not digits.isdigit():
        return None
    return int(digits)


class _NotOpened:
    """What cv2.VideoCapture looks like when nothing could be opened."""

    def isOpened(self) -> bool:  # noqa: N802 - the cv2 name
        return False

    def release(self) -> None:
        pass


class OpenCVCamera(Camera):
    """A camera behind the VideoCapture interface. All capture calls run on `self.worker`."""

    def __init__(self, spec: DeviceSpec, capture_factory: CaptureFactory | None = None,
                 simulator: Any = None, description: str = ""):
        self.spec = str(spec)
        self.options = CameraOptions(spec)
        self.source = parse_source(spec.target)
        self.simulator = simulator
        is_camera = isinstance(self.source, int) or self.source.startswith("/dev/")
        self.description = description or (f"camera {self.source}" if is_camera else f"video source {self.source}")
        self._factory = capture_factory or cv2_capture_factory(self.options.api, self.options.timeout_ms)
        self._cap = None
        self._backend = "none"  # the capture backend's name, kept while disconnected
        self._wanted = (self.options.width, self.options.height, self.options.fps)  # re-applied on reconnect
        self._size = (0, 0)
        self._fps = 0.0
        self._sequence = 0
        self._state = "closed"
        self._last_error: str | None = None
        self._reconnects = 0
        self._read_failures = 0
        self._frozen_count = 0
        self._backoff = self.options.reconnect_backoff
        self._next_attempt = 0.0
        self._frozen = FrozenDetector(self.options.frozen_mad)
        self._drops = DropCounter()
        self._rate = RateMeter()
        self._stream: FrameStream | None = None
        self._superseded_before = 0  # from streams already stopped
        self._stream_lock = threading.Lock()
        self.worker = DeviceWorker(f"camera-{spec.backend}-{spec.target or 0}")
        try:
            self.worker.call(self._open_io)
        except BaseException:
            self.worker.close()
            raise

    # --- public API (blocking wrappers for CLI and tests; the UI submits to self.worker) ------------------
    def read_frame(self, timeout: float | None = 5.0) -> Frame:
        return self._call(self._read_io, None, timeout=timeout)

    def capture_still(self, width=None, height=None, timeout: float | None = 10.0) -> Frame:
        return self._call(self._still_io, width, height, timeout=timeout)

    def reconnect(self, timeout: float | None = 10.0) -> None:
        """Release and reopen now (the lab's "reconnect" button), whatever the back-off says."""
        self._call(self._force_reconnect_io, timeout=timeout)

    def set_resolution(self, width: int, height: int) -> tuple[int, int]:
        if width <= 0 or height <= 0:
            raise ValueError(f"resolution must be positive, not {width}x{height}")
        self._wanted = (width, height, self._wanted[2])
        return self._call(self._apply_io, width, height, None, timeout=5.0)

    def set_frame_rate(self, fps: float) -> float:
        if fps <= 0:
            raise ValueError(f"frame rate must be positive, not {fps}")
        self._wanted = (*self._wanted[:2], fps)
        self._call(self._apply_io, None, None, fps, timeout=5.0)
        return self._fps

    @property
    def resolution(self) -> tuple[int, int]:
        return self._size

    @property
    def frame_rate(self) -> float:
        return self._fps

    @property
    def state(self) -> str:
        return self._state

    def start_stream(self, sink, fps: float | None = None) -> FrameStream:
        with self._stream_lock:
            if self._stream is not None and self._stream.running:
                raise RuntimeError("the camera is already streaming; stop_stream() first")
            rate = fps or self._fps or 30.0
            self._stream = FrameStream(self.worker, self._read_io, sink, rate, self._retry_delay)
            return self._stream

    def stop_stream(self) -> None:
        with self._stream_lock:
            stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            self._superseded_before += stream.superseded

    def device_info(self) -> CameraInfo:
        return self._call(self._info_io, timeout=5.0)

    def stats(self) -> CameraStats:
        stream = self._stream
        return CameraStats(state=self._state, frames=self._sequence, fps=round(self._rate.fps, 2),
                           dropped=self._drops.dropped, superseded=self._superseded_before + (stream.superseded if stream else 0),
                           frozen_count=self._frozen_count, reconnects=self._reconnects,
                           read_failures=self._read_failures, last_error=self._last_error)

    def close(self) -> None:
        if self._state == "closed" and not self.worker.alive:
            return
        self.stop_stream()
        try:
            self.worker.call(self._release_io, "closed", timeout=5.0)
        except RuntimeError:  # worker already closed
            pass
        self.worker.emit("status", state="closed", detail=self.spec)
        self.worker.close()

    def _call(self, fn, *args, timeout: float | None):
        try:
            return self.worker.call(fn, *args, timeout=timeout)
        except TimeoutError:
            raise DeviceTimeout(f"camera did not answer within {timeout} s", spec=self.spec) from None
        except RuntimeError as exc:
            if not self.worker.alive:
                raise DeviceDisconnected("camera is closed", spec=self.spec,
                                         hint="Open the camera again.") from exc
            raise

    # --- on the device thread -----------------------------------------------------------------------------
    def _open_io(self) -> None:
        cap = self._factory(self.source)
        self.worker.emit("log", line=f"open {self.source!r} -> {'ok' if cap is not None and cap.isOpened() else 'failed'}")
        if cap is None or not cap.isOpened():
            if cap is not None:
                cap.release()
            raise DeviceNotFound(f"cannot open {self.description}", spec=self.spec)
        self._cap = cap
        try:
            self._backend = cap.getBackendName()
        except (cv2.error, AttributeError):
            self._backend = "unknown"
        self._apply_io(*self._wanted)
        self._frozen.reset()
        self._drops.restart()
        self._state = "open"
        self._backoff = self.options.reconnect_backoff
        self.worker.emit("status", state="connected", detail=f"{self._size[0]}x{self._size[1]} @ {self._fps:g} fps")

    def _apply_io(self, width, height, fps) -> tuple[int, int]:
        """Ask for a mode, then read back what the camera really does (it may ignore or round it)."""
        cap = self._require_cap()
        asked = [(cv2.CAP_PROP_FRAME_WIDTH, "WIDTH", width), (cv2.CAP_PROP_FRAME_HEIGHT, "HEIGHT", height),
                 (cv2.CAP_PROP_FPS, "FPS", fps)]
        for prop, name, value in asked:
            if value and (name == "FPS" or (width and height)):
                accepted = cap.set(prop, float(value))
                self.worker.emit("log", line=f"set {name}={value:g} -> {'accepted' if accepted else 'refused'}")
        self._size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        self._fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.worker.emit("log", line=f"get WIDTH={self._size[0]} HEIGHT={self._size[1]} FPS={self._fps:g}")
        if (width and height and self._size != (width, height)) or (fps and abs(self._fps - fps) > 0.5):
            self.worker.emit("status", state="settings",
                             detail=f"asked {width}x{height} @ {fps} fps, camera gives "
                                    f"{self._size[0]}x{self._size[1]} @ {self._fps:g} fps")
        self._frozen.reset()
        return self._size

    def _require_cap(self):
        if self._cap is None:
            raise DeviceDisconnected(f"{self.description} is not connected", spec=self.spec)
        return self._cap

    def _read_io(self, period: float | None = None) -> Frame:
        if self._cap is None:
            self._reconnect_io()
        image, error = self._grab_image()
        if image is None:
            self._lost_io(error or "no picture from the camera")
            raise DeviceDisconnected(f"{self.description} stopped sending pictures ({error or 'read failed'})",
                                     spec=self.spec)
        now = time.monotonic()
        index = self._source_index()
        self._drops.update(index, now, period)
        self._rate.tick(now)
        self._sequence += 1
        self._check_frozen(image)
        interval = self._rate.last_interval
        self.worker.emit("frame", sequence=self._sequence, timestamp=now, width=image.shape[1],
                         height=image.shape[0], interval_ms=None if interval is None else round(interval * 1000, 2),
                         dropped=self._drops.dropped)
        return Frame(image, now, self._sequence, index)

    def _grab_image(self):
        """Up to `fail_reads` attempts (a camera may miss one frame); files rewind at the end with loop=1."""
        error = None
        rewound = False
        attempt = 0
        while attempt < self.options.fail_reads:
            attempt += 1
            try:
                ok, image = self._cap.read()
            except (cv2.error, DeviceError, OSError) as exc:
                ok, image, error = False, None, str(exc)
            if ok and image is not None and image.size:
                return image, None
            self._read_failures += 1
            if self.options.loop and not rewound and not isinstance(self.source, int):
                rewound = True
                attempt = 0
                self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
                self._drops.restart()
        return None, error

    def _source_index(self) -> int | None:
        try:
            value = self._cap.get(cv2.CAP_PROP_POS_FRAMES)
        except cv2.error:
            return None
        return int(value) if value and value > 0 else None

    def _check_frozen(self, image) -> None:
        run = self._frozen.update(image)
        if run == self.options.frozen_frames:
            self._frozen_count += 1
            self._state = "frozen"
            self.worker.emit("status", state="frozen", detail=f"{run} identical frames in a row")
        elif run == 0 and self._state == "frozen":
            self._state = "open"
            self.worker.emit("status", state="live", detail="picture moving again")
        if run >= self.options.frozen_error_frames:
            message = f"the picture has not changed for {run} frames"
            self._lost_io(message, retry_now=True)
            raise FrozenFeed(message, spec=self.spec)

    def _lost_io(self, reason: str, retry_now: bool = False) -> None:
        """Release the capture and plan a reopen (now after a freeze, after the back-off otherwise)."""
        self._release_io("disconnected")
        self._last_error = reason
        self._next_attempt = time.monotonic() + (0 if retry_now else self._backoff)
        self.worker.emit("status", state="disconnected", detail=reason)
        self.worker.emit("fault", error=reason, kind="FrozenFeed" if retry_now else "DeviceDisconnected")

    def _reconnect_io(self) -> None:
        wait = self._next_attempt - time.monotonic()
        if wait > 0:
            raise DeviceDisconnected(f"{self.description} is disconnected; next reconnect attempt in {wait:.1f} s",
                                     spec=self.spec)
        self.worker.emit("status", state="reconnecting", detail=self.description)
        try:
            self._open_io()
        except DeviceError as exc:
            self._backoff = min(self.options.reconnect_max, self._backoff * 2)
            self._next_attempt = time.monotonic() + self._backoff
            self._last_error = str(exc.args[0])
            self.worker.emit("fault", error=f"reconnect failed: {exc.args[0]}", kind=type(exc).__name__)
            raise DeviceDisconnected(f"{self.description} is still not answering; retrying in "
                                     f"{self._backoff:.1f} s", spec=self.spec) from exc
        self._reconnects += 1

    def _force_reconnect_io(self) -> None:
        self._release_io("disconnected")
        self._next_attempt = 0.0
        self._reconnect_io()

    def _retry_delay(self) -> float:
        return max(0.0, self._next_attempt - time.monotonic())

    def _still_io(self, width, height) -> Frame:
        """A fresh frame, at another resolution if asked; the preview mode is restored afterwards."""
        if self._cap is None:
            self._reconnect_io()
        previous = self._size
        switch = bool(width and height and (width, height) != previous)
        if switch:
            self._apply_io(width, height, None)
        try:
            if switch:
                for _ in range(2):  # the first frames after a mode change are often dark or half-old
                    self._read_io()
            return self._read_io()
        finally:
            if switch and self._cap is not None:
                self._apply_io(*previous, None)

    def _info_io(self) -> CameraInfo:
        return CameraInfo(spec=self.spec, backend=self._backend, source=str(self.source), width=self._size[0],
                          height=self._size[1], fps=self._fps, simulated=self.simulator is not None,
                          description=self.description)

    def _release_io(self, state: str) -> None:
        cap, self._cap = self._cap, None
        self._state = state
        if cap is not None:
            self.worker.emit("log", line=f"release ({state})")
            try:
                cap.release()
            except cv2.error:
                log.warning("camera release failed for %s", self.spec)


def open_opencv_camera(spec: DeviceSpec, capture_factory: CaptureFactory | None = None) -> OpenCVCamera:
    """Registry opener for `camera:opencv:<index | path>`."""
    return OpenCVCamera(spec, capture_factory)


def enumerate_cameras(sysfs: str = "/sys/class/video4linux", dev: str = "/dev") -> list[DeviceInfo]:
    """Cameras the system shows, without opening any (opening a node can take seconds).

    Linux: one entry per capture node (sysfs `index` 0; a UVC camera also makes a metadata node), named from
    sysfs, and spelled with its /dev/v4l/by-id link when there is one: that path survives an unplug/replug
    that renumbers /dev/videoN. Other systems: nothing is listed; open `camera:opencv:0` directly."""
    if platform.system() != "Linux":
        return []
    by_id = {}
    for link in sorted(glob.glob(os.path.join(dev, "v4l", "by-id", "*"))):
        by_id.setdefault(os.path.basename(os.path.realpath(link)), link)
    found = []
    for node in sorted(glob.glob(os.path.join(sysfs, "video*")), key=_node_number):
        name = os.path.basename(node)
        if _read_text(os.path.join(node, "index"), "0") != "0":
            continue
        label = _read_text(os.path.join(node, "name"), name)
        target = by_id.get(name, str(_node_number(node)))
        found.append(DeviceInfo(spec=f"camera:opencv:{target}", description=f"{label} ({dev}/{name})"))
    return found


def _node_number(path: str) -> int:
    digits = os.path.basename(path).removeprefix("video")
    return int(digits) if digits.isdigit() else -1


def _read_text(path: str, default: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read().strip() or default
    except OSError:
        return default
