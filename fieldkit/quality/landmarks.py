"""Face detection (dlib HOG) and the 68 landmarks (dlib shape predictor), via face_recognition's models.

Images in fieldkit.quality are OpenCV BGR uint8 arrays (what cv2.VideoCapture and cv2.imread give);
detection and landmarks run on the grey image. The dlib models load once, on first use, so importing
this module stays cheap.

Landmark indices (iBUG 68): jaw 0-16 (chin 8), brows 17-26, nose 27-35 (tip 30), eye on the image's
left 36-41, eye on the image's right 42-47, outer lips 48-59, inner lips 60-67.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

_load_lock = threading.Lock()


@dataclass(frozen=True)
class Face:
    """One detected face: box (left, top, right, bottom) in image pixels and its 68 landmarks (x, y)."""

    box: tuple[int, int, int, int]
    landmarks: np.ndarray

    @property
    def area(self) -> int:
        left, top, right, bottom = self.box
        return max(0, right - left) * max(0, bottom - top)

    @property
    def eye_centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Centres of the eye on the image's left and on the image's right."""
        return self.landmarks[36:42].mean(axis=0), self.landmarks[42:48].mean(axis=0)

    @property
    def inter_eye(self) -> float:
        left, right = self.eye_centres
        return float(np.linalg.norm(right - left))

    def scaled(self, factor: float) -> "Face":
        """The same face in an image scaled by `factor`."""
        box = tuple(int(round(v * factor)) for v in self.box)
        return Face(box, self.landmarks * factor)  # type: ignore[arg-type]


@cache
def _models():
    # face_recognition_models finds the model files; importing face_recognition.api loads all three
    # dlib models (~100 MB) once per process.
    with _load_lock, warnings.catch_warnings():
        # face_recognition_models imports pkg_resources (setuptools < 81 is pinned for it): its
        # deprecation warning is known and says nothing to a technician.
        warnings.simplefilter("ignore", UserWarning)
        import face_recognition.api as api  # noqa: PLC0415 - heavy, load on first use
    return api.face_detector, api.pose_predictor_68_point


def to_grey(image: np.ndarray) -> np.ndarray:
    """A grey uint8 view of a BGR, BGRA or grey image."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def detect_boxes(grey: np.ndarray, upsample: int = 0) -> list[tuple[int, int, int, int]]:
    """Face boxes found by dlib's HOG detector, largest first."""
    detector, _ = _models()
    rects = detector(grey, upsample)
    boxes = [(r.left(), r.top(), r.right(), r.bottom()) for r in rects]
    return sorted(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True)


def landmarks_in_box(grey: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The 68 landmarks of the face in `box` (3-7 ms whatever the image size)."""
    import dlib  # noqa: PLC0415 - dlib-bin; loaded with the models anyway

    _, predictor = _models()
    shape = predictor(grey, dlib.rectangle(*[int(round(v)) for v in box]))
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


# Box jitter for `stable_landmarks`: dlib's landmarks move by up to ~10 % of the eye distance when the
# detection box changes a little, which swings a solvePnP yaw by 10 deg or more. Averaging the landmarks
# found from slightly scaled and shifted boxes removes most of that (measured: grace_hopper's yaw went
# from -11.9..2.2 over two detector settings to -0.5..2.0).
_JITTER_9 = tuple((s, dx) for s in (0.92, 1.0, 1.08) for dx in (-0.04, 0.0, 0.04))
_JITTER_3 = ((0.92, 0.0), (1.0, 0.0), (1.08, 0.0))


def stable_landmarks(grey: np.ndarray, box: tuple[int, int, int, int], samples: int = 9) -> np.ndarray:
    """Landmarks averaged over 1, 3 or 9 jittered copies of `box` (3-7 ms each)."""
    if samples <= 1:
        return landmarks_in_box(grey, box)
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    runs = []
    for scale, dx in _JITTER_9 if samples >= 9 else _JITTER_3:
        cx, cy = (left + right) / 2 + dx * w, (top + bottom) / 2
        runs.append(landmarks_in_box(grey, (cx - w * scale / 2, cy - h * scale / 2,
                                            cx + w * scale / 2, cy + h * scale / 2)))
    return np.mean(runs, axis=0)


def find_faces(image: np.ndarray, upsample: int = 0, max_width: int | None = None,
               landmark_samples: int = 9) -> list[Face]:
    """Every face in the image with its landmarks, largest first.

    With `max_width`, detection runs on a copy reduced to that width (much faster) and boxes are mapped
    back; landmarks are always placed on the full-resolution image. The largest face gets landmarks
    averaged over `landmark_samples` jittered boxes; the others (only counted) get one run.
    """
    grey = to_grey(image)
    scale = 1.0
    small = grey
    if max_width and grey.shape[1] > max_width:
        scale = max_width / grey.shape[1]
        small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    faces = []
    for i, box in enumerate(detect_boxes(small, upsample)):
        full = tuple(int(round(v / scale)) for v in box)
        landmarks = stable_landmarks(grey, full, landmark_samples if i == 0 else 1)  # type: ignore[arg-type]
        faces.append(Face(full, landmarks))  # type: ignore[arg-type]
    return faces


# dlib's HOG box relative to the landmarks, measured on the sample photos and portraits (10 detections):
# side 1.06-1.56 (mean 1.3) x the eye-to-chin distance, centre 0.31 x that distance below the eye midpoint.
_BOX_SIDE_PER_EYE_CHIN = 1.3
_BOX_CENTRE_BELOW_EYES = 0.31


def box_around_landmarks(landmarks: np.ndarray) -> tuple[int, int, int, int]:
    """The box dlib's detector would give for these landmarks: used to track a face between frames.

    The shape predictor was trained on detector boxes, so feeding it a box of the same proportions
    keeps the tracked landmarks from creeping frame after frame.
    """
    eyes = (landmarks[36:42].mean(axis=0) + landmarks[42:48].mean(axis=0)) / 2
    eye_chin = float(np.linalg.norm(landmarks[8] - eyes))
    half = _BOX_SIDE_PER_EYE_CHIN * eye_chin / 2
    cx, cy = eyes[0], eyes[1] + _BOX_CENTRE_BELOW_EYES * eye_chin
    return int(round(cx - half)), int(round(cy - half)), int(round(cx + half)), int(round(cy + half))
