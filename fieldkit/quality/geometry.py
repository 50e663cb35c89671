"""Measures computed from the 68 landmarks alone: portrait window, eyes, mouth, position and size.

The ICAO/ISO geometry (Mx, My, head width) is defined on the finished portrait. For a camera frame the
same rules are applied inside the *portrait window*: the centred 3:4 region of the frame that the
preview draws as a guide and that auto-capture crops from. For an image that is already a portrait,
the window is the whole image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PORTRAIT_ASPECT = 3 / 4  # width / height of the ICAO portrait
# Generic proportion: the eye line sits about halfway between chin and crown, so the crown (not a
# landmark) is estimated one eye-to-chin distance above the eyes.
CROWN_ABOVE_EYES = 1.0


@dataclass(frozen=True)
class Window:
    """A rectangle (x, y, width, height) in image pixels."""

    x: float
    y: float
    width: float
    height: float


def portrait_window(image_size: tuple[int, int], framing: str, guide_height: float = 1.0) -> Window:
    """The region the ICAO geometry is measured in.

    'portrait': the whole image. 'camera': the guide the preview draws, a 3:4 box centred in the frame
    whose height is `guide_height` x the frame height. A camera standing at ICAO's recommended 1.2-2.5 m
    sees a smaller head than one at arm's length, so the kit calibrates `guide_height` for its rig:
    the guide is where a well-placed head fills 50-75 % of the width.
    """
    width, height = image_size
    if framing == "portrait":
        return Window(0, 0, width, height)
    if framing != "camera":
        raise ValueError(f"unknown framing {framing!r}: use 'portrait' or 'camera'")
    if not 0.1 <= guide_height <= 1.0:
        raise ValueError("guide_height is a fraction of the frame height between 0.1 and 1")
    h = height * guide_height
    w = min(h * PORTRAIT_ASPECT, width)
    h = w / PORTRAIT_ASPECT
    return Window((width - w) / 2, (height - h) / 2, w, h)


def eye_midpoint(landmarks: np.ndarray) -> np.ndarray:
    """ISO point M: the midpoint between the two eye centres."""
    return (landmarks[36:42].mean(axis=0) + landmarks[42:48].mean(axis=0)) / 2


def eye_to_chin(landmarks: np.ndarray) -> float:
    """Distance from M to the chin (landmark 8): the face-size unit for eye and mouth openings."""
    return float(np.linalg.norm(landmarks[8] - eye_midpoint(landmarks)))


def _eye_opening(eye: np.ndarray) -> float:
    # Landmarks of one eye: 0 and 3 are corners, 1-2 upper lid, 5-4 lower lid below them.
    return float((np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])) / 2)


def eyes_open_ratio(landmarks: np.ndarray) -> float:
    """Mean lid-to-lid opening of the two eyes / eye-to-chin distance (the smaller eye counts more)."""
    left = _eye_opening(landmarks[36:42])
    right = _eye_opening(landmarks[42:48])
    # A wink (one eye closed) must fail, so use the smaller opening, not the mean.
    return min(left, right) / max(eye_to_chin(landmarks), 1e-6)


def mouth_open_ratio(landmarks: np.ndarray) -> float:
    """Gap between the inner lips (pairs 61-67, 62-66, 63-65) / eye-to-chin distance."""
    gaps = [np.linalg.norm(landmarks[a] - landmarks[b]) for a, b in ((61, 67), (62, 66), (63, 65))]
    return float(np.mean(gaps)) / max(eye_to_chin(landmarks), 1e-6)


def head_width(landmarks: np.ndarray) -> float:
    """Face width across the jaw line at ear level (landmarks 0 and 16)."""
    return float(np.linalg.norm(landmarks[16] - landmarks[0]))


def crown_y(landmarks: np.ndarray) -> float:
    """Estimated top of the head."""
    return float(eye_midpoint(landmarks)[1] - CROWN_ABOVE_EYES * eye_to_chin(landmarks))


def position_in_window(landmarks: np.ndarray, window: Window) -> tuple[float, float]:
    """(Mx, My) as fractions of the window: 0.5, 0.4 is a well-placed face."""
    m = eye_midpoint(landmarks)
    return float((m[0] - window.x) / window.width), float((m[1] - window.y) / window.height)


def head_size_in_window(landmarks: np.ndarray, window: Window) -> float:
    """Head width as a fraction of the window width."""
    return head_width(landmarks) / window.width
