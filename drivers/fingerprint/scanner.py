"""What every fingerprint scanner offers the capture screens, single-finger module or slap scanner alike.

    scanner.capabilities                → ScannerCapabilities (rolled? slap? ppi, bit depth, image size)
    scanner.capture_rolled(finger)      → Capture: one finger's image
    scanner.capture_slap(slap)          → SlapCapture: the platen image plus one segment per finger
    scanner.self_test()                 → dict for `fieldkit devices`
    scanner.worker                      → its DeviceWorker: `submit()` for the UI, `subscribe()` for events
    scanner.close()

Blocking methods run on the scanner's own I/O thread (the caller waits); the UI calls them through
`scanner.worker.submit(scanner.capture_rolled, finger)` and gets a Future. A scanner that cannot do a kind
of capture raises UnsupportedOperation, which says which device can.

"Rolled" is the capture plan's name for the single-finger captures after the slaps; a flat single-finger
module (R30x) delivers a plain impression for it, and says so with `capabilities.rolled_is_plain`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from fieldkit.domain.fingers import Finger, Slap


@dataclass(frozen=True)
class ScannerCapabilities:
    model: str
    rolled: bool
    slap: bool
    ppi: int
    bit_depth: int
    image_size: tuple[int, int]          # (height, width) in pixels
    rolled_is_plain: bool = False        # a flat sensor: the "rolled" capture is a plain impression

    @property
    def platen_inches(self) -> tuple[float, float]:
        return (self.image_size[0] / self.ppi, self.image_size[1] / self.ppi)


@dataclass(frozen=True)
class Capture:
    finger: Finger
    image: np.ndarray                    # uint8, white background, dark ridges
    ppi: int
    bit_depth: int                       # what the sensor delivered (4 for R30x modules, 8 enrolment grade)
    device: str                          # spec of the scanner, for the record's device log
    timings: dict[str, float] = field(default_factory=dict)  # seconds: capture, transfer, total


@dataclass(frozen=True)
class FingerSegment:
    finger: Finger
    box: tuple[int, int, int, int]       # x, y, width, height in the slap image
    image: np.ndarray | None             # the crop; None when the scanner found no finger there
    present: bool


@dataclass(frozen=True)
class SlapCapture:
    slap: Slap
    image: np.ndarray
    ppi: int
    segments: tuple[FingerSegment, ...]
    device: str
    timings: dict[str, float] = field(default_factory=dict)

    def segment(self, finger: Finger) -> FingerSegment:
        for seg in self.segments:
            if seg.finger == finger:
                return seg
        raise KeyError(f"{Finger(finger).name} is not part of the {self.slap.name} slap")

    @property
    def missing(self) -> tuple[Finger, ...]:
        return tuple(s.finger for s in self.segments if not s.present)


@runtime_checkable
class FingerprintScanner(Protocol):
    spec: str
    capabilities: ScannerCapabilities

    def capture_rolled(self, finger: Finger, *, timeout: float = 10.0) -> Capture: ...

    def capture_slap(self, slap: Slap, *, timeout: float = 10.0) -> SlapCapture: ...

    def self_test(self) -> dict: ...

    def close(self) -> None: ...
