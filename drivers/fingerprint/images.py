"""Where simulated scanners get their finger images.

An image source is `source(person, finger, *, condition, size=(h, w), impression) -> uint8 array` (white
background, dark ridges, 500 ppi). `default_image_source()` uses the SFinGe-style generator
(`drivers.synthetic.fingerprints.synthesize_print`) when it is installed and otherwise `placeholder_print`:
a cheap deterministic ridge pattern, good enough to exercise the byte path, not for quality scoring.
"""

from __future__ import annotations

import hashlib
from typing import Callable, Protocol

import numpy as np

CONDITIONS = ("good", "dry", "wet", "smudged", "partial", "rotated", "none")


class ImageSource(Protocol):
    def __call__(self, person: str, finger: int, *, condition: str = "good", size: tuple[int, int] = (288, 256),
                 impression: int = 0) -> np.ndarray: ...


def _seed(*parts) -> int:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def placeholder_print(person: str, finger: int, *, condition: str = "good", size: tuple[int, int] = (288, 256),
                      impression: int = 0) -> np.ndarray:
    """Concentric, warped ridges around a per-(person, finger) core; same inputs → same ridges."""
    if condition not in CONDITIONS:
        raise ValueError(f"unknown finger condition {condition!r} (known: {', '.join(CONDITIONS)})")
    h, w = size
    if condition == "none":
        return np.full((h, w), 255, dtype=np.uint8)
    identity = np.random.default_rng(_seed(person, int(finger)))
    capture = np.random.default_rng(_seed(person, int(finger), impression))
    cy, cx = h * identity.uniform(0.4, 0.6), w * identity.uniform(0.4, 0.6)
    # whole-number harmonics of the angle, so the ridges join up where the angle wraps round
    warp = (identity.integers(1, 4), identity.integers(1, 4), identity.uniform(0, 2 * np.pi))
    period = 9.0 * min(h, w) / 256 if min(h, w) < 256 else 9.0  # ≈ 9 px ridge period at 500 ppi
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    shift = capture.normal(0, 2.0, size=2)  # small placement change between captures
    dy, dx = y - cy - shift[0], x - cx - shift[1]
    if condition == "rotated":
        a = np.deg2rad(25.0)
        dy, dx = dy * np.cos(a) - dx * np.sin(a), dy * np.sin(a) + dx * np.cos(a)
    angle = np.arctan2(dy, dx)
    radius = np.hypot(dy * 1.2, dx) + 6 * np.sin(warp[0] * angle) + 4 * np.sin(warp[1] * angle + warp[2])
    ridges = 0.5 + 0.5 * np.cos(2 * np.pi * radius / period)
    mask = ((dy / (h * 0.42)) ** 2 + (dx / (w * 0.36)) ** 2) <= 1.0
    if condition == "partial":
        mask &= y < cy
    contrast, level = {"dry": (0.45, 0.55), "wet": (0.5, 0.15)}.get(condition, (0.8, 0.1))
    image = 1.0 - (level + contrast * (1.0 - ridges))
    if condition == "dry":
        image = np.maximum(image, capture.random(image.shape) > 0.6)  # broken ridges
    if condition in ("wet", "smudged"):
        image = _box_blur(image, 3 if condition == "wet" else 5)
    image = np.where(mask, image + capture.normal(0, 0.03, size=image.shape), 1.0)
    return (np.clip(image, 0, 1) * 255).astype(np.uint8)


def _box_blur(image: np.ndarray, k: int) -> np.ndarray:
    padded = np.pad(image, k // 2, mode="edge")
    out = np.zeros_like(image)
    for i in range(k):
        for j in range(k):
            out += padded[i:i + image.shape[0], j:j + image.shape[1]]
    return out / (k * k)


def default_image_source() -> Callable[..., np.ndarray]:
    """The synthetic-print generator if present, else the placeholder."""
    try:
        from drivers.synthetic.fingerprints import synthesize_print
    except ImportError:
        return placeholder_print
    return synthesize_print


def resolve_image_source(name: str | None) -> Callable[..., np.ndarray]:
    """'synthetic', 'placeholder' or None (the default)."""
    if name in (None, "", "default", "synthetic"):
        return default_image_source()
    if name == "placeholder":
        return placeholder_print
    raise ValueError(f"unknown image source {name!r} (synthetic or placeholder)")
