"""Measures on pixel values: exposure, illumination uniformity, sharpness, background uniformity.

All work on the grey image and on small crops, so they stay cheap enough for a live preview.
"""

from __future__ import annotations

import cv2
import numpy as np

from fieldkit.quality.geometry import Window, crown_y, eye_midpoint, head_width
from fieldkit.quality.thresholds import EXPOSURE_BRIGHT_LEVEL, EXPOSURE_DARK_LEVEL, SHARPNESS_FACE_WIDTH

# Outline of the face: jaw 0..16, then the brows from 26 back to 17.
_FACE_OUTLINE = list(range(17)) + list(range(26, 16, -1))


def face_crop(grey: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The face's bounding crop, a mask of the face outline inside it, and the crop's x offset."""
    h, w = grey.shape
    x0, y0 = np.floor(landmarks.min(axis=0)).astype(int)
    x1, y1 = np.ceil(landmarks.max(axis=0)).astype(int) + 1
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    crop = grey[y0:y1, x0:x1]
    mask = np.zeros(crop.shape, dtype=np.uint8)
    if crop.size:
        outline = np.round(landmarks[_FACE_OUTLINE] - (x0, y0)).astype(np.int32)
        cv2.fillPoly(mask, [outline], 255)
    return crop, mask, x0


def exposure_shares(grey: np.ndarray, landmarks: np.ndarray) -> tuple[float, float]:
    """Share of face pixels <= 25 (under-exposed) and >= 247 (over-exposed)."""
    crop, mask, _ = face_crop(grey, landmarks)
    pixels = crop[mask > 0]
    if pixels.size == 0:
        return 1.0, 1.0
    return float(np.mean(pixels <= EXPOSURE_DARK_LEVEL)), float(np.mean(pixels >= EXPOSURE_BRIGHT_LEVEL))


def illumination_uniformity(grey: np.ndarray, landmarks: np.ndarray, bins: int = 32) -> float:
    """Intersection (0..1) of the grey histograms of the face's two halves, split at the nose bridge."""
    crop, mask, x0 = face_crop(grey, landmarks)
    split = int(round(np.mean(landmarks[27:31, 0]))) - x0
    halves = []
    for part, part_mask in ((crop[:, :split], mask[:, :split]), (crop[:, split:], mask[:, split:])):
        pixels = part[part_mask > 0]
        if pixels.size == 0:
            return 0.0
        hist = np.bincount(pixels >> (8 - int(np.log2(bins))), minlength=bins).astype(np.float64)
        halves.append(hist / hist.sum())
    return float(np.minimum(*halves).sum())


def sharpness(grey: np.ndarray, landmarks: np.ndarray) -> float:
    """Variance of the Laplacian of the face crop rescaled to a fixed width, so it ignores face size."""
    crop, mask, _ = face_crop(grey, landmarks)
    if crop.shape[0] < 8 or crop.shape[1] < 8:
        return 0.0
    scale = SHARPNESS_FACE_WIDTH / crop.shape[1]
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=interp)
    small_mask = cv2.resize(mask, (small.shape[1], small.shape[0]), interpolation=cv2.INTER_NEAREST)
    # Erode so the face outline itself (a strong edge against the background) is not counted.
    small_mask = cv2.erode(small_mask, np.ones((7, 7), np.uint8))
    lap = cv2.Laplacian(small, cv2.CV_32F, ksize=3)
    values = lap[small_mask > 0]
    return float(values.var()) if values.size else 0.0


def eye_contrast(grey: np.ndarray, landmarks: np.ndarray) -> float:
    """Grey range (95th minus 5th percentile) around the lower-contrast eye.

    An open or closed eye spans lids, lashes, white and iris (50-140 levels); a hand, a dark bar or
    dark glasses over it is nearly flat (a few levels of sensor noise)."""
    h, w = grey.shape
    ranges = []
    for eye in (landmarks[36:42], landmarks[42:48]):
        x0, x1 = float(eye[:, 0].min()), float(eye[:, 0].max())
        cy, half = float(eye[:, 1].mean()), 0.3 * (x1 - x0)
        crop = grey[max(int(cy - half), 0):min(int(np.ceil(cy + half)) + 1, h),
                    max(int(x0), 0):min(int(np.ceil(x1)) + 1, w)]
        if crop.size == 0:
            return 0.0  # the eye lies outside the frame: not visible
        low, high = np.percentile(crop, (5, 95))
        ranges.append(float(high - low))
    return min(ranges)


def background_mask(shape: tuple[int, int], landmarks: np.ndarray, window: Window, scale: float) -> np.ndarray:
    """Approximate background: the window, minus an expanded ellipse around the head, above the chin.

    Without a segmentation network, the head is modelled as an ellipse from the estimated crown to the
    chin, widened for hair and ears; everything below the chin (neck, shoulders, clothes) is left out.
    `shape` and `scale` describe the (possibly reduced) image the mask is for.
    """
    mask = np.zeros(shape, dtype=np.uint8)
    x0, y0 = int(window.x * scale), int(window.y * scale)
    x1, y1 = int((window.x + window.width) * scale), int((window.y + window.height) * scale)
    chin = landmarks[8][1]
    top = crown_y(landmarks)
    mask[y0:min(y1, int(chin * scale)), x0:x1] = 255
    centre = (int(eye_midpoint(landmarks)[0] * scale), int((top + chin) / 2 * scale))
    axes = (int(head_width(landmarks) * 0.5 * 1.45 * scale), int((chin - top) * 0.5 * 1.3 * scale))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 0, thickness=-1)
    return mask


def background_std(grey: np.ndarray, landmarks: np.ndarray, window: Window, work_width: int = 200) -> float:
    """Standard deviation of grey values in the approximate background (0 = perfectly plain)."""
    scale = min(1.0, work_width / max(window.width, 1))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    mask = background_mask(small.shape, landmarks, window, scale)
    pixels = small[mask > 0]
    if pixels.size < 50:
        return 0.0  # the head fills the frame: nothing to judge (head_size reports it)
    return float(pixels.std())

