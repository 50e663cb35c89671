"""Live face assessment for the camera preview: every frame judged in a few milliseconds.

What makes it fast enough for >= 15 frames per second on 2 cores:
- detection (dlib HOG, upsample 0, ~28 ms at 512 px) runs on a copy reduced to `detect_width` px, and
  only every `redetect_every` frames or when tracking is lost;
- in between, the face is tracked: the box dlib would give is rebuilt from the last landmarks and the
  shape predictor (3-7 ms) places the new landmarks on the full-resolution grey frame; if the new
  landmarks drift too far from that box, the face is re-detected at once;
- a tracked face the detector cannot confirm is not followed blindly: after a missed detection the
  detector runs on every frame, and after `confirm_misses` misses in a row the face is dropped. A face
  whose eyes are covered (a hand, hair, dark glasses) is what HOG misses and what makes the landmark
  fit drift (the eyes shrink together: "come closer"); while the eyes are covered and the lower face is
  still the one last confirmed, the landmarks are held where they were, so the eyes_visible check
  gives the advice;
- landmark and face-crop checks run on every frame; the background check (whole window) runs every
  `background_every` frames and its last result is reused in between; the face count is the one of
  the last detection.

The UI calls `LiveAssessor.process(frame)` from its camera worker thread (never the UI thread) and
draws `LiveResult.overlay`: the portrait guide window, the face box, the eye centres and one
instruction for the citizen. One LiveAssessor per camera; it is not thread-safe.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import cv2
import numpy as np

from fieldkit.quality import geometry, photometric
from fieldkit.quality.checks import CheckResult, not_evaluated
from fieldkit.quality.face import (
    CHECK_ORDER, FaceAssessment, background_check, face_count_checks, face_pixel_checks, landmark_checks,
    order_checks,
)
from fieldkit.quality.landmarks import Face, box_around_landmarks, detect_boxes, stable_landmarks, to_grey
from fieldkit.quality.thresholds import THRESHOLDS

SAME_FACE_MIN = 0.6  # correlation of the lower-face patches: same person ~0.9+, a wall or another scene < 0.3


def _lower_face(grey: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The face from the nose bridge down to the chin, 24x16 px, zero mean: a cheap identity of the pose."""
    h, w = grey.shape
    x0, x1 = int(max(landmarks[0:17, 0].min(), 0)), int(min(landmarks[0:17, 0].max() + 1, w))
    y0, y1 = int(max(landmarks[29, 1], 0)), int(min(landmarks[8, 1] + 1, h))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return np.zeros((16, 24), np.float32)
    patch = cv2.resize(grey[y0:y1, x0:x1], (24, 16), interpolation=cv2.INTER_AREA).astype(np.float32)
    return patch - patch.mean()


def _similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised correlation of two zero-mean patches (1 = same picture)."""
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float((a * b).sum()) / norm if norm > 0 else 0.0


@dataclass(frozen=True)
class LiveConfig:
    detect_width: int = 320  # px: width of the reduced frame the detector sees
    redetect_every: int = 10  # frames between detections while tracking (also catches a second face)
    background_every: int = 5  # frames between background checks
    landmark_samples: int = 3  # landmark runs per frame (1, 3 or 9 jittered boxes): steadier pose, +3-8 ms each
    drift_limit: float = 0.5  # lost track when the new box moves by more than this share of its size
    confirm_misses: int = 3  # detections in a row that miss a tracked face (eyes visible) before it is dropped
    smoothing: float = 0.35  # weight of the new landmarks in the running average (averages out dlib jitter)
    framing: str = "camera"
    guide_height: float = 1.0  # portrait guide height / frame height: calibrate for the camera rig


@dataclass(frozen=True)
class Overlay:
    """What the preview draws, in frame pixels. The UI mirrors it if it mirrors the picture."""

    window: tuple[float, float, float, float]  # the ICAO portrait guide: x, y, width, height
    face_box: tuple[int, int, int, int] | None
    eye_points: tuple[tuple[float, float], tuple[float, float]] | None
    guidance_vi: str
    guidance_en: str
    ok: bool


@dataclass
class LiveResult:
    assessment: FaceAssessment
    overlay: Overlay
    detected: bool  # this frame ran the detector
    elapsed_ms: float


@dataclass
class _Track:
    landmarks: np.ndarray
    box: tuple[int, int, int, int]
    count_checks: list[CheckResult]
    faces_found: int
    reference: np.ndarray  # the lower face (nose to chin) at the last detection, to tell the same person
    background: CheckResult | None = None
    background_age: int = 0
    misses: int = 0  # detections in a row that did not find the face


class LiveAssessor:
    """Frame-by-frame face assessment with detection on a reduced frame and landmark tracking."""

    def __init__(self, config: LiveConfig | None = None):
        self.config = config or LiveConfig()
        self._track: _Track | None = None
        self._since_detect = 0
        self._wide_next = False  # after a miss, look once at double resolution for a small face

    def reset(self) -> None:
        """Forget the tracked face (new citizen, camera restarted)."""
        self._track = None
        self._since_detect = 0
        self._wide_next = False

    def process(self, frame: np.ndarray) -> LiveResult:
        start = time.perf_counter()
        grey = to_grey(frame)
        size = (grey.shape[1], grey.shape[0])
        window = geometry.portrait_window(size, self.config.framing, self.config.guide_height)
        track = self._track
        detected = track is None or track.misses > 0 or self._since_detect >= self.config.redetect_every
        if detected:
            if not self._detect(grey) and track is not None:
                track.misses += 1
                if not self._follow(grey):
                    self._track = None  # the detection missed and the landmarks lost the face (or were not confirmed)
        elif not self._follow(grey):
            detected = True
            if not self._detect(grey):
                self._track = None
        self._since_detect += 1
        assessment = self._assess(grey, size, window)
        overlay = self._overlay(assessment, window)
        return LiveResult(assessment, overlay, detected, (time.perf_counter() - start) * 1000)

    # -- detection and tracking -------------------------------------------------------------------

    def _detection_width(self, frame_width: int) -> int:
        """Width of the reduced frame for detection: `detect_width`, or wider when the tracked face would
        shrink below what HOG finds at upsample 0 (~80 px; 90 px kept as margin), or after a miss."""
        width = self.config.detect_width * (2 if self._wide_next else 1)
        if self._track is not None:
            face_px = max(self._track.box[2] - self._track.box[0], 1)
            width = max(width, int(90 * frame_width / face_px))
        return min(width, frame_width)

    def _detect(self, grey: np.ndarray) -> bool:
        """Run the detector; on a hit replace the track and return True. A miss leaves the track as is."""
        self._since_detect = 0
        scale = self._detection_width(grey.shape[1]) / grey.shape[1]
        small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
        boxes = [tuple(int(round(v / scale)) for v in b) for b in detect_boxes(small, 0)]
        if not boxes:
            # Next time look at double resolution (a small or distant face), then back to normal.
            self._wide_next = not self._wide_next and scale < 1
            return False
        self._wide_next = False
        faces = [Face(b, np.zeros((68, 2))) for b in boxes]  # areas only: count checks need no landmarks
        landmarks = stable_landmarks(grey, boxes[0], self.config.landmark_samples)  # type: ignore[arg-type]
        previous = self._track
        if previous is not None and self._moved(box_around_landmarks(landmarks), previous.box) <= self.config.drift_limit:
            # Same face as before: keep averaging rather than jump to one noisy landmark run.
            w = self.config.smoothing
            landmarks = w * landmarks + (1 - w) * previous.landmarks
        self._track = _Track(landmarks, box_around_landmarks(landmarks), face_count_checks(faces), len(boxes),
                             _lower_face(grey, landmarks))
        if previous is not None:  # keep the background result; it is refreshed on its own schedule
            self._track.background, self._track.background_age = previous.background, previous.background_age
        return True

    def _follow(self, grey: np.ndarray) -> bool:
        """Place landmarks from the last box; False when the face was lost."""
        track = self._track
        assert track is not None
        if photometric.eye_contrast(grey, track.landmarks) < THRESHOLDS["eyes_visible"].low:
            # Eyes covered where they were: hold the landmarks (the fit would drift) and have the detector
            # confirm the face on the next frames; keep it while the lower face is still the same person.
            track.misses = max(track.misses, 1)
            return _similarity(_lower_face(grey, track.landmarks), track.reference) > SAME_FACE_MIN
        if track.misses >= self.config.confirm_misses:
            return False  # eyes visible, yet the detector keeps missing it: not a face we can confirm
        landmarks = stable_landmarks(grey, track.box, self.config.landmark_samples)
        moved = self._moved(box_around_landmarks(landmarks), track.box)
        if moved > self.config.drift_limit or not self._looks_like_face(grey, landmarks):
            return False
        w = self.config.smoothing
        track.landmarks = w * landmarks + (1 - w) * track.landmarks
        track.box = box_around_landmarks(track.landmarks)
        return True

    @staticmethod
    def _moved(box: tuple[int, int, int, int], previous: tuple[int, int, int, int]) -> float:
        """Largest edge movement between two boxes, as a share of the previous box's width."""
        return max(abs(a - b) for a, b in zip(box, previous)) / max(previous[2] - previous[0], 1)

    @staticmethod
    def _looks_like_face(grey: np.ndarray, landmarks: np.ndarray) -> bool:
        # The predictor always returns 68 points, even on a blank wall after the citizen stepped away:
        # points on a face span dark (eyes, brows, lips) and light (skin) values, points on a plain
        # wall do not. A cheap test; the periodic re-detection is the real safeguard.
        h, w = grey.shape
        pts = np.clip(np.round(landmarks).astype(int), 0, [w - 1, h - 1])
        values = grey[pts[:, 1], pts[:, 0]].astype(np.float32)
        return float(np.ptp(values)) > 12

    # -- checks and drawing -------------------------------------------------------------------------

    def _assess(self, grey: np.ndarray, size: tuple[int, int], window: geometry.Window) -> FaceAssessment:
        track = self._track
        if track is None:
            results = face_count_checks([])
            results += [not_evaluated(c) for c in CHECK_ORDER if c not in ("faces_found", "single_face")]
            return FaceAssessment(order_checks(results), window=window)
        face = Face(track.box, track.landmarks)
        geo, pose = landmark_checks(face, size, window)
        if track.background is None or track.background_age >= self.config.background_every:
            track.background, track.background_age = background_check(grey, face, window), 0
        track.background_age += 1
        results = track.count_checks + geo + face_pixel_checks(grey, face) + [track.background]
        return FaceAssessment(order_checks(results), face=face, pose=pose, window=window,
                              faces_found=track.faces_found)

    @staticmethod
    def _overlay(assessment: FaceAssessment, window: geometry.Window) -> Overlay:
        vi, en = assessment.guidance()
        face = assessment.face
        eyes = None
        if face is not None:
            left, right = face.eye_centres
            eyes = ((float(left[0]), float(left[1])), (float(right[0]), float(right[1])))
        return Overlay(
            window=(window.x, window.y, window.width, window.height),
            face_box=face.box if face is not None else None,
            eye_points=eyes,
            guidance_vi=vi or "giữ nguyên",
            guidance_en=en or "hold still",
            ok=assessment.acceptable,
        )
