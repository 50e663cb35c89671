"""More face identities than the real photos give: each real face reshaped by a seeded landmark warp.

Why: the camera simulator's real faces come from photos that ship inside wheels (three people: scikit-image's
astronaut, matplotlib's Grace Hopper, mahotas' author). A village demo needs more distinct people than that.

How: the photo's 68 dlib landmarks (measured once, drivers/synthetic/data/face_landmarks.json) are moved to a
new face shape — eye spacing and size, brow height, nose length and width, mouth size and height, jaw width,
chin length, each drawn from a seeded range — and the photo is warped so its landmarks land there (Gaussian
radial-basis interpolation of the displacements, anchored outside the head so hair, shoulders and background
stay put). Skin, hair, clothes and lighting stay those of the real person: a derived identity looks like a
sibling of its source.

What it proves: only what was measured. Which derived faces count as different people is decided by the kit's
own face encoder (face_recognition / dlib ResNet): the registry in face_scenes.py keeps only derivations whose
encodings lie farther than the kit's duplicate threshold from every other identity, with a margin, while the
same identity under another pose, light and distance stays well inside it (see docs/devices-camera.md for the
numbers, tests/drivers/test_face_identities.py for the check). They are not independent people: a face
matcher other than dlib's may see the family resemblance.
"""

from __future__ import annotations

import functools
import json
import warnings
from importlib import resources

import cv2
import numpy as np

# Index ranges of the 68-point (iBUG 300-W) layout.
JAW, BROW_L, BROW_R = range(0, 17), range(17, 22), range(22, 27)
NOSE_BRIDGE, NOSE_BASE, EYE_L, EYE_R, MOUTH = range(27, 31), range(31, 36), range(36, 42), range(42, 48), range(48, 68)


@functools.lru_cache(maxsize=None)
def photo_landmarks(photo: str) -> np.ndarray:
    """The 68 measured landmarks (x, y) of a shipped photo."""
    text = resources.files("drivers.synthetic").joinpath("data", "face_landmarks.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if photo not in data:
        raise ValueError(f"no landmarks measured for photo {photo!r}")
    points = np.asarray(data[photo], np.float64)
    if points.shape != (68, 2):
        raise ValueError(f"landmarks of {photo!r} have shape {points.shape}, expected (68, 2)")
    return points


def _scale_group(points: np.ndarray, out: np.ndarray, group: range, centre: np.ndarray, factor) -> None:
    idx = list(group)
    out[idx] = centre + (out[idx] - centre) * factor


def target_shape(points: np.ndarray, seed: int, strength: float = 1.0) -> np.ndarray:
    """A new face shape for the same landmarks: every proportion drawn from a seeded range (x `strength`)."""
    rng = np.random.default_rng([0xFACE, int(seed)])
    s = float(strength)
    p = points.copy()
    eye_l, eye_r = points[list(EYE_L)].mean(0), points[list(EYE_R)].mean(0)
    eyes = (eye_l + eye_r) / 2
    iod = float(np.linalg.norm(eye_r - eye_l))
    spacing = 1 + s * rng.uniform(-0.12, 0.12)
    for group, eye_group in ((EYE_L, True), (EYE_R, True), (BROW_L, False), (BROW_R, False)):
        idx = list(group)
        centre = points[idx].mean(0)
        moved = eyes + (centre - eyes) * np.array([spacing, 1.0])
        size = 1 + s * rng.uniform(-0.12, 0.12) if eye_group else 1.0
        p[idx] = moved + (points[idx] - centre) * size
    p[list(BROW_L) + list(BROW_R), 1] -= s * rng.uniform(-0.07, 0.07) * iod
    top = points[27]
    nose_length = 1 + s * rng.uniform(-0.15, 0.15)
    for i in (*NOSE_BRIDGE, *NOSE_BASE):
        p[i, 1] = top[1] + (points[i, 1] - top[1]) * nose_length
    base = list(NOSE_BASE)
    _scale_group(points, p, NOSE_BASE, p[base].mean(0), np.array([1 + s * rng.uniform(-0.18, 0.18), 1.0]))
    mouth = list(MOUTH)
    centre = points[mouth].mean(0)
    drop = (nose_length - 1) * (points[33, 1] - top[1]) + s * rng.uniform(-0.08, 0.08) * iod
    p[mouth] = centre + (points[mouth] - centre) * np.array([1 + s * rng.uniform(-0.16, 0.16),
                                                               1 + s * rng.uniform(-0.2, 0.2)]) + np.array([0, drop])
    jaw = list(JAW)
    chin_y = points[8, 1]
    lower = np.clip((points[jaw, 1] - eyes[1]) / max(1.0, chin_y - eyes[1]), 0, 1)
    width = 1 + s * rng.uniform(-0.1, 0.1)
    p[jaw, 0] = eyes[0] + (points[jaw, 0] - eyes[0]) * (1 + (width - 1) * lower)
    p[jaw, 1] += s * rng.uniform(-0.1, 0.1) * iod * lower ** 2
    return p


def warp_to_shape(image: np.ndarray, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Warp `image` so that the points `source` move to `target`; far from the face nothing moves.

    Piecewise affine over a Delaunay triangulation of the landmarks plus a fixed ring around the head and the
    image corners: each triangle maps linearly, so the warp cannot overshoot or swirl as radial bases do."""
    from skimage.transform import PiecewiseAffineTransform  # noqa: PLC0415 - skimage is slow to import

    h, w = image.shape[:2]
    x0, y0 = source.min(0)
    x1, y1 = source.max(0)
    size = max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    ring = np.stack([cx + 0.95 * size * np.cos(angles), cy + 0.95 * size * np.sin(angles)], 1)
    frame = np.array([[-1, -1], [w, -1], [w, h], [-1, h], [w / 2, -1], [w / 2, h], [-1, h / 2], [w, h / 2]], float)
    fixed = np.vstack([ring, frame])
    transform = PiecewiseAffineTransform()
    with warnings.catch_warnings():  # skimage 0.26 prefers from_estimate(); estimate() works in every version
        warnings.simplefilter("ignore", FutureWarning)
        ok = transform.estimate(np.vstack([target, fixed]), np.vstack([source, fixed]))  # output -> input
    if not ok:
        raise ValueError("could not triangulate the face shape")
    step = 4   # affine pieces are smooth enough to sample on a coarse grid and interpolate
    gy, gx = np.mgrid[0:h + step:step, 0:w + step:step].astype(np.float64)
    mapped = transform(np.stack([gx.ravel(), gy.ravel()], 1)).astype(np.float32)
    # Read the coarse maps at (x / step, y / step): grid node k is output pixel k * step exactly (cv2.resize
    # would align pixel centres instead and shift the whole face by ~1.5 px).
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    fine_x, fine_y = xx * np.float32(1 / step), yy * np.float32(1 / step)
    map_x = cv2.remap(mapped[:, 0].reshape(gx.shape), fine_x, fine_y, cv2.INTER_LINEAR)
    map_y = cv2.remap(mapped[:, 1].reshape(gx.shape), fine_x, fine_y, cv2.INTER_LINEAR)
    return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def derive(image: np.ndarray, photo: str, seed: int, strength: float):
    """(warped image, its landmarks): the derived identity `seed` of a real photo."""
    source = photo_landmarks(photo)
    target = target_shape(source, seed, strength)
    return warp_to_shape(image, source, target), target
