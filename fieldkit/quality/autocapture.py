"""Auto-capture: take the portrait by itself once the citizen has held a good pose for a moment.

    capture = AutoCapture(CaptureConfig(consecutive=5))
    for frame in camera:                      # in the camera worker thread
        live, portrait = capture.feed(frame)  # draw live.overlay; portrait is None until captured
        if portrait: save(portrait.data) and stop feeding (or call capture.reset() for a retake)

When every check passes on `consecutive` frames in a row, the best of those frames (sharpest, most
frontal) is cropped to the ICAO portrait, the crop is assessed again as a finished portrait, and it is
encoded within the byte budget. Frames are kept only for the current window (a few frames, in memory).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from fieldkit.quality.checks import CheckResult
from fieldkit.quality.face import FaceAssessment, assess_face
from fieldkit.quality.live import LiveAssessor, LiveConfig, LiveResult
from fieldkit.quality.portrait import OUTPUT_SIZE, crop_portrait, encode_portrait
from fieldkit.quality.thresholds import THRESHOLDS


@dataclass(frozen=True)
class CaptureConfig:
    consecutive: int = 5  # frames in a row with every check passed (1/3 s at 15 fps)
    max_bytes: int = 20_000  # target size of the encoded portrait
    fmt: str = "jp2"  # "jp2" (JPEG 2000, ICAO/MOSIP) or "jpeg"
    size: tuple[int, int] = OUTPUT_SIZE
    live: LiveConfig = field(default_factory=LiveConfig)


@dataclass(frozen=True)
class CapturedPortrait:
    data: bytes
    format: str
    mime: str
    width: int
    height: int
    frame_index: int  # which fed frame was chosen
    score: float
    inter_eye: float  # in the portrait
    source_inter_eye: float  # in the camera frame
    upscaled: bool
    padded: bool
    encoder: str
    setting: int
    psnr_db: float
    checks: list[CheckResult]  # the checks re-run on the cropped portrait
    acceptable: bool

    @property
    def size_bytes(self) -> int:
        return len(self.data)

    def metadata(self) -> dict:
        """Everything but the image bytes, for the record and the supervisor's review."""
        return {
            "format": self.format, "mime": self.mime, "width": self.width, "height": self.height,
            "size_bytes": self.size_bytes, "inter_eye": round(self.inter_eye, 1),
            "source_inter_eye": round(self.source_inter_eye, 1), "upscaled": self.upscaled, "padded": self.padded,
            "encoder": self.encoder, "setting": self.setting, "psnr_db": self.psnr_db,
            "acceptable": self.acceptable, "checks": [c.as_dict() for c in self.checks],
        }


def frame_score(assessment: FaceAssessment) -> float:
    """Higher is better: log-sharpness minus how far the pose is from frontal (in threshold units)."""
    sharp = assessment.check("sharpness").value or 0.0
    pose = assessment.pose
    if pose is None:
        return -math.inf
    penalty = sum(abs(getattr(pose, axis)) / THRESHOLDS[axis].high for axis in ("yaw", "pitch", "roll"))
    return math.log10(max(sharp, 1.0)) - penalty


class AutoCapture:
    """Feeds frames to a LiveAssessor and captures once the checks hold for `consecutive` frames."""

    def __init__(self, config: CaptureConfig | None = None):
        self.config = config or CaptureConfig()
        self.live = LiveAssessor(self.config.live)
        self._window: list[tuple[int, np.ndarray, FaceAssessment]] = []
        self._index = 0
        self.captured: CapturedPortrait | None = None

    def reset(self) -> None:
        """Start again (a retake, or the next citizen)."""
        self.live.reset()
        self._window.clear()
        self._index = 0
        self.captured = None

    def feed(self, frame: np.ndarray) -> tuple[LiveResult, CapturedPortrait | None]:
        result = self.live.process(frame)
        index, self._index = self._index, self._index + 1
        if self.captured is not None:
            return result, None  # already captured: keep previewing, capture once per reset
        if not result.assessment.acceptable:
            self._window.clear()
            return result, None
        self._window.append((index, frame.copy(), result.assessment))
        if len(self._window) < self.config.consecutive:
            return result, None
        self.captured = self._capture()
        self._window.clear()
        return result, self.captured

    def _capture(self) -> CapturedPortrait:
        index, frame, assessment = max(self._window, key=lambda item: frame_score(item[2]))
        assert assessment.face is not None
        crop = crop_portrait(frame, assessment.face.landmarks, self.config.size)
        final = assess_face(crop.image, framing="portrait")
        encoded = encode_portrait(crop.image, self.config.max_bytes, self.config.fmt)
        return CapturedPortrait(
            data=encoded.data, format=encoded.format, mime=encoded.mime,
            width=crop.image.shape[1], height=crop.image.shape[0], frame_index=index,
            score=round(frame_score(assessment), 3), inter_eye=crop.inter_eye,
            source_inter_eye=crop.source_inter_eye, upscaled=crop.upscaled, padded=crop.padded,
            encoder=encoded.encoder, setting=encoded.setting, psnr_db=encoded.psnr_db,
            checks=final.checks, acceptable=final.acceptable,
        )
