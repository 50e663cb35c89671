"""Face capture as a session, shared by the wizard's camera feed and `fieldkit demo`.

    capture = FaceCapture()
    live, portrait = capture.feed(frame)        # AutoCapture: a portrait once the checks hold
    portrait = capture.keep_best()              # no frame passed in time: the officer keeps the best one

`keep_best` crops and encodes the best frame seen since the last reset (most checks passed, then the
sharpest frontal pose), re-runs the ICAO checks on the crop and reports the failed ones, so the supervisor
sees what was wrong with a photo the officer kept. Not thread-safe: the owner feeds from one thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from fieldkit.enrolment.capture_meta import FaceMeta


@dataclass
class FacePortrait:
    """A portrait to keep: the encoded image, its metadata, and the frame it came from (for face encoding)."""

    data: bytes
    meta: FaceMeta
    frame: np.ndarray | None = field(default=None, repr=False)

    @property
    def blob_name(self) -> str:
        return f"face.{self.meta.format or 'jp2'}"

    @property
    def quality(self) -> float:
        """0-100: the share of ICAO checks the kept portrait passes (one scale for every producer)."""
        checks = self.meta.checks
        return round(100.0 * sum(bool(c.get("passed")) for c in checks) / max(1, len(checks)), 1)


def portrait_from_auto(portrait, frame: np.ndarray | None, frames: int) -> FacePortrait:
    """An AutoCapture CapturedPortrait as the flow keeps it."""
    detail = portrait.metadata()
    checks = detail.pop("checks")
    meta = FaceMeta(format=detail.pop("format"), mime=detail.pop("mime"), size_bytes=detail.pop("size_bytes"),
                    acceptable=detail.pop("acceptable"), checks=checks,
                    failed_checks=[c["code"] for c in checks if not c.get("passed")], kept_by_officer=False,
                    frames=frames, detail=detail)
    return FacePortrait(portrait.data, meta, frame)


class FaceCapture:
    def __init__(self, config=None):
        from fieldkit.quality.autocapture import AutoCapture
        self.auto = AutoCapture(config)
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """A new citizen or a retake: forget every frame seen."""
        with self._lock:
            self.auto.reset()
            self.frames = 0
            self._best = None          # (checks passed, frame score, frame, assessment)
            self.last_frame = None

    def feed(self, frame: np.ndarray):
        """(LiveResult, FacePortrait | None): the portrait once AutoCapture holds a passing pose."""
        from fieldkit.quality.autocapture import frame_score

        live, portrait = self.auto.feed(frame)
        with self._lock:
            self.frames += 1
            self.last_frame = frame
            a = live.assessment
            if a.face is not None:
                rank = (sum(c.passed for c in a.checks), frame_score(a))
                if self._best is None or rank > self._best[:2]:
                    self._best = (*rank, frame.copy(), a)
        if portrait is None:
            return live, None
        return live, portrait_from_auto(portrait, frame, self.frames)

    @property
    def has_candidate(self) -> bool:
        return self._best is not None

    def keep_best(self) -> FacePortrait:
        """The best frame so far as a portrait, its failed checks recorded (LookupError: no face seen yet)."""
        from fieldkit.quality.face import assess_face
        from fieldkit.quality.portrait import crop_portrait, encode_portrait

        with self._lock:
            if self._best is None:
                raise LookupError("no face seen in any frame yet")
            _passed, _score, frame, assessment = self._best
            frames = self.frames
        config = self.auto.config
        crop = crop_portrait(frame, assessment.face.landmarks, config.size)
        final = assess_face(crop.image, framing="portrait")
        encoded = encode_portrait(crop.image, config.max_bytes, config.fmt)
        checks = [c.as_dict() for c in final.checks]
        meta = FaceMeta(format=encoded.format, mime=encoded.mime, size_bytes=len(encoded.data),
                        acceptable=final.acceptable, checks=checks,
                        failed_checks=[c.code for c in final.checks if not c.passed], kept_by_officer=True,
                        frames=frames, detail={"width": crop.image.shape[1], "height": crop.image.shape[0]})
        self.auto.captured = True  # this round is done: keep previewing, capture again only after a reset
        return FacePortrait(encoded.data, meta, frame)
