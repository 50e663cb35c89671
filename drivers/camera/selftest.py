"""Camera self-test for `fieldkit devices` and the hardware lab: open, read a few frames, report, close."""

from __future__ import annotations

import time
from dataclasses import dataclass

from drivers.errors import DeviceError
from drivers.registry import open_device


@dataclass(frozen=True)
class CameraSelfTest:
    spec: str
    ok: bool
    summary: str               # one line for a technician
    width: int = 0
    height: int = 0
    frames: int = 0
    seconds: float = 0.0       # time to read the frames (after opening)
    open_seconds: float = 0.0
    dropped: int = 0
    frozen: bool = False


def self_test(spec: str, frames: int = 10, timeout: float = 5.0) -> CameraSelfTest:
    """Read `frames` frames from `spec`; never raises for a device problem, reports it instead."""
    started = time.monotonic()
    try:
        cam = open_device(spec)
    except DeviceError as exc:
        return CameraSelfTest(spec, False, f"cannot open: {exc}")
    opened = time.monotonic()
    try:
        width, height = cam.resolution
        for _ in range(frames):
            cam.read_frame(timeout=timeout)
        took = time.monotonic() - opened
        stats = cam.stats()
        frozen = stats.state == "frozen"
        ok = not frozen
        summary = (f"{width}x{height}, {frames} frames in {took * 1000:.0f} ms"
                   + (f", {stats.dropped} dropped" if stats.dropped else "")
                   + (", PICTURE FROZEN" if frozen else ""))
        return CameraSelfTest(spec, ok, summary, width, height, frames, round(took, 4),
                              round(opened - started, 4), stats.dropped, frozen)
    except DeviceError as exc:
        return CameraSelfTest(spec, False, f"read failed: {exc}", open_seconds=round(opened - started, 4))
    finally:
        cam.close()
