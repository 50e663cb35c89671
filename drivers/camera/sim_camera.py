"""The camera simulator, at the transport boundary: a VideoCapture look-alike that the OpenCV driver reads.

`camera:sim:<profile>` loads `drivers/camera/profiles/<profile>.json` (or a path to such a file), pyvisa-sim
style: a profile is data (camera mode, scene, faults). Options override the profile:
`camera:sim:studio?width=640&height=480&sitter=astronaut&yaw=20&drop_rate=0.1&seed=3` — camera options go to
the driver (exactly as for a real camera), scene fields to the scene, fault fields to the faults.

The driver is the unchanged `OpenCVCamera`; only its `capture_factory` is this simulator's `open_capture`.
So reconnect, frozen-frame detection and drop accounting are tested on the real driver code.

At run time (technician lab, tests): `cam.simulator.set_scene(yaw=15, occlusion="eyes")`,
`cam.simulator.faults.set(unplugged=True)`. Timing: the simulator renders on demand and does not pace
itself; the driver's stream paces the preview, as it does for a video file.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from drivers.camera.opencv_camera import OpenCVCamera
from drivers.errors import SpecError
from drivers.registry import DeviceInfo
from drivers.spec import DeviceSpec
from drivers.synthetic.face_scenes import Scene, SceneRenderer

PROFILE_DIR = Path(__file__).with_name("profiles")
MODES = ((320, 240), (640, 480), (800, 600), (1280, 720), (1920, 1080))  # what the simulated sensor offers
DRIVER_OPTIONS = ("width", "height", "fps", "fail_reads", "frozen_frames", "frozen_error_frames", "frozen_mad",
                  "reconnect_backoff", "reconnect_max", "loop", "api", "timeout_ms")


# --- profiles -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    camera: dict[str, Any] = field(default_factory=dict)
    scene: dict[str, Any] = field(default_factory=dict)
    faults: dict[str, Any] = field(default_factory=dict)


def profile_names() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.json"))


def load_profile(name_or_path: str) -> Profile:
    """A profile by name (shipped) or by path to a JSON file; SpecError says what is wrong with it."""
    path = Path(name_or_path) if name_or_path.endswith(".json") or "/" in name_or_path \
        else PROFILE_DIR / f"{name_or_path}.json"
    if not path.is_file():
        raise SpecError(f"no camera simulator profile {name_or_path!r} (shipped: {', '.join(profile_names())})",
                        spec=f"camera:sim:{name_or_path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        profile = Profile(name=path.stem, **data)
        Scene(**profile.scene)
        SimFaults(**profile.faults)
    except (ValueError, TypeError) as exc:
        raise SpecError(f"bad camera simulator profile {path}: {exc}", spec=f"camera:sim:{name_or_path}") from None
    return profile


# --- faults -------------------------------------------------------------------------------------------

@dataclass
class SimFaults:
    """Faults on demand. Change them with set(); the simulator reads them on every frame."""

    unplugged: bool = False        # off the bus: reads fail, open handles die, reopening fails
    frozen: bool = False           # the sensor repeats its last picture (a reopen, not the first open, resets it)
    drop_rate: float = 0.0         # chance that a frame is lost before the driver gets it
    disconnect_every: int = 0      # unplug by itself after this many delivered frames (0 = never)
    unplugged_reopens: int = 2     # ... and come back on the reopen attempt after this many failed ones
    freeze_every: int = 0          # freeze by itself after this many delivered frames (0 = never)
    stall_seconds: float = 0.0     # every read hangs this long first (a USB hiccup; the caller times out)
    warmup_frames: int = 0         # after each open the picture starts dark and brightens over this many frames

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._check()

    def _check(self) -> None:
        if not 0 <= self.drop_rate < 1:
            raise ValueError(f"drop_rate {self.drop_rate} must be in [0, 1)")
        if min(self.disconnect_every, self.unplugged_reopens, self.freeze_every, self.stall_seconds,
               self.warmup_frames) < 0:
            raise ValueError("fault counts must not be negative")

    def set(self, **changes: Any) -> None:
        """Change faults; unknown names or bad values raise ValueError and change nothing."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown camera fault(s): {', '.join(sorted(unknown))} (known: {', '.join(sorted(names))})")
        with self._lock:
            trial = dataclasses.replace(self, **changes)  # validates in __post_init__
            for name in changes:
                setattr(self, name, getattr(trial, name))

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


# --- the simulated device -----------------------------------------------------------------------------

class SimulatedCamera:
    """The "hardware": sensor mode, scene, faults and frame counter, shared by every handle opened on it."""

    def __init__(self, profile: Profile, seed: int = 0, scene: Scene | None = None,
                 faults: SimFaults | None = None):
        self.profile = profile
        self.faults = faults or SimFaults(**profile.faults)
        self._scene = scene or Scene(**profile.scene)
        self.renderer = SceneRenderer(seed)
        self._rng = np.random.default_rng(seed)
        self.width, self.height = 640, 480
        self.fps = 30.0
        self.produced = 0      # frames the sensor made, lost ones included (what POS_FRAMES reports)
        self.delivered = 0     # frames handed to a reader
        self.opens = 0
        self._failed_reopens = 0
        self._since_open = 0   # frames delivered since the last open (auto-exposure warm-up)
        self._last: np.ndarray | None = None
        self._lock = threading.RLock()

    # --- what the lab and tests change ------------------------------------------------------------------
    @property
    def scene(self) -> Scene:
        return self._scene

    def set_scene(self, scene: Scene | None = None, **changes: Any) -> Scene:
        """Replace the scene or change fields of it (ValueError on a bad value; the old scene stays)."""
        new = (scene or self._scene).replace(**changes) if changes else (scene or self._scene)
        self._scene = new
        return new

    # --- what a capture handle calls --------------------------------------------------------------------
    def open_capture(self, source: Any = None) -> "SimCapture":
        """A new handle, like cv2.VideoCapture(index): not opened while the camera is unplugged."""
        with self._lock:
            self.opens += 1
            if self.faults.unplugged and self.faults.disconnect_every:
                # An automatic unplug ends after `unplugged_reopens` failed attempts: this one finds it back.
                if self._failed_reopens >= self.faults.unplugged_reopens:
                    self.faults.set(unplugged=False)
                    self._failed_reopens = 0
                else:
                    self._failed_reopens += 1
            opened = not self.faults.unplugged
            if opened:
                self._since_open = 0
            if opened and self.opens > 1:
                self.faults.set(frozen=False)  # reopening resets a hung sensor
            return SimCapture(self, opened)

    def next_frame(self) -> np.ndarray | None:
        """The next picture for a reader, or None when unplugged (faults applied here)."""
        with self._lock:
            faults = self.faults
            if faults.unplugged:
                return None
            self.produced += 1
            while faults.drop_rate and self._rng.random() < faults.drop_rate:
                self.produced += 1  # this frame was lost on the cable; the reader gets the next one
            if faults.frozen and self._last is not None:
                image = self._last.copy()
            else:
                image = self.renderer.frame(self._scene, self.width, self.height, self.produced)
                if self._since_open < faults.warmup_frames:  # auto-exposure still settling
                    image = cv2.convertScaleAbs(image, alpha=(self._since_open + 1) / (faults.warmup_frames + 1))
                self._last = image
            self.delivered += 1
            self._since_open += 1
            if faults.disconnect_every and self.delivered % faults.disconnect_every == 0:
                faults.set(unplugged=True)
            if faults.freeze_every and self.delivered % faults.freeze_every == 0:
                faults.set(frozen=True)
            return image

    def set_mode(self, width: float | None = None, height: float | None = None) -> None:
        """Pick the supported mode nearest to the asked size (as UVC cameras do)."""
        with self._lock:
            want_w = width if width is not None else self.width
            want_h = height if height is not None else self.height
            self.width, self.height = min(MODES, key=lambda m: abs(m[0] - want_w) + abs(m[1] - want_h))


class SimCapture:
    """The cv2.VideoCapture interface over a SimulatedCamera (isOpened, read, grab/retrieve, set, get, release)."""

    def __init__(self, device: SimulatedCamera, opened: bool):
        self._device = device
        self._open = opened
        self._pending: np.ndarray | None = None

    def isOpened(self) -> bool:  # noqa: N802 - the cv2 name
        return self._open

    def grab(self) -> bool:
        if not self._open:
            return False
        stall = self._device.faults.stall_seconds
        if stall:
            time.sleep(stall)  # a hung read, as a real driver's select() waits on a stalled camera
        self._pending = self._device.next_frame()
        if self._pending is None:
            self._open = False  # an unplugged camera's handle never comes back: the driver must reopen
        return self._pending is not None

    def retrieve(self, image=None, flag: int = 0):
        frame, self._pending = self._pending, None
        return (frame is not None), frame

    def read(self, image=None):
        return self.retrieve() if self.grab() else (False, None)

    def set(self, prop: int, value: float) -> bool:
        device = self._device
        if not self._open:
            return False
        if prop == cv2.CAP_PROP_FRAME_WIDTH:
            device.set_mode(width=value)
        elif prop == cv2.CAP_PROP_FRAME_HEIGHT:
            device.set_mode(height=value)
        elif prop == cv2.CAP_PROP_FPS:
            device.fps = float(min(60.0, max(1.0, value)))
        else:
            return False
        return True

    def get(self, prop: int) -> float:
        device = self._device
        values = {cv2.CAP_PROP_FRAME_WIDTH: device.width, cv2.CAP_PROP_FRAME_HEIGHT: device.height,
                  cv2.CAP_PROP_FPS: device.fps, cv2.CAP_PROP_POS_FRAMES: device.produced}
        return float(values.get(prop, 0.0))

    def getBackendName(self) -> str:  # noqa: N802 - the cv2 name
        return "SIM"

    def release(self) -> None:
        self._open = False


# --- opening ------------------------------------------------------------------------------------------

def _convert(value: str, example: Any):
    """Turn an option string into the type of the field's current value ("none" clears an optional one)."""
    if value.lower() in ("none", "null", ""):
        return None
    if isinstance(example, bool):
        return value.lower() in ("1", "true", "yes", "on")
    if isinstance(example, int):
        return int(value)
    if isinstance(example, float):
        return float(value)
    return value


def _split_options(spec: DeviceSpec, profile: Profile):
    """Options -> (driver options, scene changes, fault changes); SpecError names an unknown option."""
    scene_defaults = Scene(**profile.scene)
    fault_defaults = SimFaults(**profile.faults)
    driver = {k: str(v) for k, v in profile.camera.items()}
    scene, faults = {}, {}
    for key, value in spec.options.items():
        try:
            if key in DRIVER_OPTIONS:
                driver[key] = value
            elif key == "seed":
                continue
            elif key in Scene.__dataclass_fields__:
                scene[key] = _convert(value, getattr(scene_defaults, key) if getattr(scene_defaults, key)
                                      is not None else "")
            elif key in SimFaults.__dataclass_fields__:
                faults[key] = _convert(value, getattr(fault_defaults, key))
            else:
                raise SpecError(f"unknown option {key!r} for the camera simulator", spec=str(spec))
        except ValueError as exc:
            if isinstance(exc, SpecError):
                raise
            raise SpecError(f"option {key}={value!r} is not valid", spec=str(spec)) from None
    return driver, scene, faults


def open_sim_camera(spec: DeviceSpec) -> OpenCVCamera:
    """Registry opener for `camera:sim:<profile>[?options]`: the OpenCV driver over a simulated camera."""
    profile = load_profile(spec.target or "studio")
    driver_options, scene_changes, fault_changes = _split_options(spec, profile)
    try:
        scene = Scene(**profile.scene).replace(**scene_changes)
        faults = SimFaults(**{**profile.faults, **fault_changes})
    except ValueError as exc:
        raise SpecError(str(exc), spec=str(spec)) from None
    device = SimulatedCamera(profile, seed=spec.option("seed", 0, int), scene=scene, faults=faults)
    driver_spec = DeviceSpec(spec.kind, spec.backend, spec.target or "studio", driver_options)
    return OpenCVCamera(driver_spec, capture_factory=device.open_capture, simulator=device,
                        description=f"simulated camera ({profile.name})")


def enumerate_profiles() -> list[DeviceInfo]:
    """Every shipped simulator profile as a device a technician can open."""
    out = []
    for name in profile_names():
        try:
            description = load_profile(name).description
        except SpecError as exc:
            description = f"broken profile: {exc}"
        out.append(DeviceInfo(spec=f"camera:sim:{name}", description=description, simulated=True))
    return out
