"""Synthetic defects made from a good portrait, one per quality check (tests, benchmarks, demos).

Each function takes a BGR image (and, where it changes the background, the person mask from
fieldkit.quality.samples.Portrait) and returns a new image; the original is never modified.
"""

from __future__ import annotations

import cv2
import numpy as np

from fieldkit.quality.samples import (
    compose_on_background, icao_portrait, plain_background, real_photo, sample_landmarks,
)


def blur(image: np.ndarray, sigma: float = 4.0) -> np.ndarray:
    """Out of focus or moving: a Gaussian blur."""
    return cv2.GaussianBlur(image, (0, 0), sigma)


def dark(image: np.ndarray, gain: float = 0.12) -> np.ndarray:
    """Too little light: every value scaled down."""
    return np.clip(image.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def overexposed(image: np.ndarray, gain: float = 2.2) -> np.ndarray:
    """Too much light: values scaled up and clipped at 255."""
    return np.clip(image.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def uneven_light(image: np.ndarray, darkest: float = 0.2) -> np.ndarray:
    """Light from one side: brightness falls from 1 on the right to `darkest` on the left."""
    h, w = image.shape[:2]
    ramp = np.clip(np.linspace(-0.2, 1.2, w, dtype=np.float32), 0, 1) * (1 - darkest) + darkest
    return np.clip(image.astype(np.float32) * ramp[None, :, None], 0, 255).astype(np.uint8)


def _perspective(image: np.ndarray, corners_to: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    corners_from = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(corners_from, np.float32(corners_to))
    return cv2.warpPerspective(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)


def turn_head(image: np.ndarray, strength: float = 0.45) -> np.ndarray:
    """Head turned sideways (yaw), as a perspective warp: one side of the image recedes."""
    h, w = image.shape[:2]
    d = strength * h / 2
    return _perspective(image, [[0, 0], [w * 0.85, d], [w * 0.85, h - d], [0, h]])


def nod_head(image: np.ndarray, landmarks: np.ndarray, amount: float = 0.5) -> np.ndarray:
    """Head tipped forward (pitch): the nose tip moves down towards the mouth.

    When a head pitches, the nose tip (nearest the camera) moves against the eyes and mouth; a flat
    perspective warp cannot show that, so the pixels around the nose are displaced by `amount` x the
    eye distance with a smooth (Gaussian) field, which is what a pitched head shows a landmark model.
    """
    h, w = image.shape[:2]
    eye_l, eye_r = landmarks[36:42].mean(axis=0), landmarks[42:48].mean(axis=0)
    inter_eye = float(np.linalg.norm(eye_r - eye_l))
    nose = landmarks[30]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    sigma = 0.45 * inter_eye
    bump = np.exp(-((xs - nose[0]) ** 2 + (ys - nose[1]) ** 2) / (2 * sigma**2))
    # Backward map: each output pixel takes the source pixel `amount` higher, so content moves down.
    map_y = ys - amount * inter_eye * bump
    return cv2.remap(image, xs, map_y.astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def tilt_head(image: np.ndarray, degrees: float = 15.0) -> np.ndarray:
    """Head tilted to one shoulder (roll): the image rotated about its centre."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h * 0.4), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)


def shift(image: np.ndarray, dx: float = 0.0, dy: float = 0.0) -> np.ndarray:
    """The person moved by (dx, dy) fractions of the image size (off-centre, too high, too low)."""
    h, w = image.shape[:2]
    matrix = np.float32([[1, 0, dx * w], [0, 1, dy * h]])
    return cv2.warpAffine(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)


def rescale_person(image: np.ndarray, factor: float) -> np.ndarray:
    """The person farther (factor < 1) or closer (> 1), scaled about the eye line, same image size."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h * 0.4), 0, factor)
    return cv2.warpAffine(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)


def second_face(image: np.ndarray, size: float = 0.6, other: str = "astronaut") -> np.ndarray:
    """Someone else in the picture: a second real face, `size` times as wide, beside the applicant."""
    h, w = image.shape[:2]
    small = compose_on_background(real_photo(other), sample_landmarks(other), plain_background((w, h)))
    scaled = cv2.resize(small.image, None, fx=size, fy=size, interpolation=cv2.INTER_AREA)
    mask = cv2.resize(small.person_mask, None, fx=size, fy=size, interpolation=cv2.INTER_AREA)
    out = image.copy()
    sh, sw = scaled.shape[:2]
    # Lower right, over the applicant's shoulder, like someone standing close behind them.
    x0, y0 = int(w * 0.83) - sw // 2, h - int(sh * 0.74)
    x1 = min(w, x0 + sw)
    alpha = (mask[: h - y0, : x1 - x0].astype(np.float32) / 255)[..., None]
    region = out[y0:y0 + alpha.shape[0], x0:x1].astype(np.float32)
    out[y0:y0 + alpha.shape[0], x0:x1] = (scaled[: alpha.shape[0], : x1 - x0] * alpha + region * (1 - alpha)).astype(np.uint8)
    return out


def cluttered_background(image: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
    """The same person in front of a busy real scene (the astronaut photo's flag and shuttle model)."""
    h, w = image.shape[:2]
    scene = cv2.resize(real_photo("astronaut")[:, 256:], (w, h), interpolation=cv2.INTER_AREA)
    alpha = (person_mask.astype(np.float32) / 255)[..., None]
    return (image * alpha + scene * (1 - alpha)).round().astype(np.uint8)


def no_face(image: np.ndarray) -> np.ndarray:
    """An empty plain background of the same size (the citizen stepped out)."""
    h, w = image.shape[:2]
    return plain_background((w, h), seed=1)


def covered_eyes(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """A dark bar across both eyes (a hand, hair, dark glasses), as the camera simulator draws it.

    The detector does not find a face with its eyes covered, so the check is run on the landmarks of
    the uncovered face (what the live tracker holds while it waits for the detector)."""
    out = image.copy()
    left, right = landmarks[36:42].mean(axis=0), landmarks[42:48].mean(axis=0)
    width = float(np.ptp(landmarks[0:17, 0]))
    angle = float(np.degrees(np.arctan2(right[1] - left[1], right[0] - left[0])))
    bar = cv2.boxPoints((tuple((left + right) / 2), (float(np.linalg.norm(right - left)) + 0.7 * width, 0.24 * width),
                         angle)).astype(np.int32)
    cv2.fillPoly(out, [bar], (28, 24, 22), cv2.LINE_AA)
    return out


def closed_eyes_landmarks(landmarks: np.ndarray) -> np.ndarray:
    """Landmarks with both upper lids brought down onto the lower lids.

    Closed eyes cannot be painted convincingly into a photo without a generative model, so this defect
    is applied where the eyes-open check reads it: the landmark positions.
    """
    out = landmarks.copy()
    for eye in (range(36, 42), range(42, 48)):
        e = list(eye)
        for upper, lower in ((e[1], e[5]), (e[2], e[4])):
            middle = (out[upper] + out[lower]) / 2
            out[upper], out[lower] = middle + (0, -0.5), middle + (0, 0.5)
    return out


def good_portrait() -> tuple[np.ndarray, np.ndarray]:
    """The good portrait (image, person mask) every defect starts from."""
    portrait = icao_portrait("grace_hopper")
    return portrait.image, portrait.person_mask

