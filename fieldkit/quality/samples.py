"""Real face photos that ship inside installed wheels, and an ICAO-style portrait made from them.

Used by tests, benchmarks and demos (no network, no personal data of real applicants):
- `real_photo("astronaut")`: scikit-image's astronaut (Eileen Collins, NASA, public domain), 512x512,
  inter-eye ~43 px, smiling with teeth showing (a real "mouth not closed");
- `real_photo("grace_hopper")`: matplotlib's sample photo (US Navy, public domain), 512x600, inter-eye ~83 px.
`icao_portrait(name)` cuts the head and shoulders out of one of them, scales it so the face meets the
ICAO geometry (head width ~62 % of a 480x640 image, inter-eye >= 90 px) and sets it on a plain light
background. It returns the mask of the pasted person, so defects can change only the background.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

from fieldkit.quality import geometry
from fieldkit.quality.landmarks import find_faces

PORTRAIT_SIZE = (480, 640)  # width, height (3:4)
BACKGROUND_BGR = (226, 229, 231)  # plain light grey, as ICAO asks
HEAD_WIDTH_SHARE = 0.62  # head width / image width: the middle of ICAO's 50-75 %
EYES_FROM_TOP = 0.40  # My: the middle of ISO's 30-50 %


def _grace_hopper_path() -> Path:
    import matplotlib  # noqa: PLC0415 - only needed for the sample photo

    return Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


@cache
def _real_photo_cached(name: str) -> np.ndarray:
    if name == "astronaut":
        from skimage import data  # noqa: PLC0415

        return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    if name == "grace_hopper":
        image = cv2.imread(str(_grace_hopper_path()), cv2.IMREAD_COLOR)
        if image is None:
            raise FileNotFoundError("matplotlib's grace_hopper.jpg is missing")
        return image
    raise KeyError(f"unknown sample photo {name!r}: use 'astronaut' or 'grace_hopper'")


def real_photo(name: str) -> np.ndarray:
    """A BGR copy of one of the shipped real photos."""
    return _real_photo_cached(name).copy()


@dataclass(frozen=True)
class Portrait:
    image: np.ndarray  # BGR, 480x640
    person_mask: np.ndarray  # uint8 0..255, where the pasted head and shoulders are


def person_mask(shape: tuple[int, int], landmarks: np.ndarray) -> np.ndarray:
    """A soft mask of head (an ellipse a little larger than the face) and shoulders (below the chin)."""
    mask = np.zeros(shape, dtype=np.uint8)
    chin = landmarks[8][1]
    top = geometry.crown_y(landmarks)
    centre_x = geometry.eye_midpoint(landmarks)[0]
    half_width = geometry.head_width(landmarks) / 2
    centre = (int(centre_x), int((top + chin) / 2))
    cv2.ellipse(mask, centre, (int(half_width * 1.2), int((chin - top) / 2 * 1.1)), 0, 0, 360, 255, -1)
    neck_top = int(chin - (chin - top) * 0.15)
    x0, x1 = int(centre_x - half_width * 0.8), int(centre_x + half_width * 0.8)
    mask[neck_top:, max(x0, 0):max(x1, 0)] = 255
    shoulders = np.array([[x0, int(chin + half_width * 0.5)], [x1, int(chin + half_width * 0.5)],
                          [int(centre_x + half_width * 2.5), shape[0]], [int(centre_x - half_width * 2.5), shape[0]]])
    cv2.fillPoly(mask, [shoulders.astype(np.int32)], 255)
    return cv2.GaussianBlur(mask, (0, 0), 3)


def place_affine(landmarks: np.ndarray, window: geometry.Window) -> np.ndarray:
    """The 2x3 transform that puts this face at the ICAO position inside `window`."""
    scale = HEAD_WIDTH_SHARE * window.width / geometry.head_width(landmarks)
    mx, my = geometry.eye_midpoint(landmarks)
    target_x = window.x + window.width / 2
    target_y = window.y + window.height * EYES_FROM_TOP
    return np.array([[scale, 0, target_x - scale * mx], [0, scale, target_y - scale * my]])


def compose_on_background(source: np.ndarray, landmarks: np.ndarray, background: np.ndarray,
                          framing: str = "portrait", offset: tuple[float, float] = (0.0, 0.0),
                          guide_height: float = 1.0) -> Portrait:
    """Cut the person out of `source` and set them at ICAO geometry on `background` (the output size).

    With framing='camera' the person fills the centred 3:4 window of a landscape frame; `offset`
    moves them by (dx, dy) pixels (a person swaying in front of the camera).
    """
    height, width = background.shape[:2]
    affine = place_affine(landmarks, geometry.portrait_window((width, height), framing, guide_height))
    affine[:, 2] += offset
    person = cv2.warpAffine(source, affine, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    mask = cv2.warpAffine(person_mask(source.shape[:2], landmarks), affine, (width, height))
    alpha = (mask.astype(np.float32) / 255)[..., None]
    image = (person * alpha + background * (1 - alpha)).round().astype(np.uint8)
    return Portrait(image, mask)


def plain_background(size: tuple[int, int] = PORTRAIT_SIZE, seed: int = 0) -> np.ndarray:
    """A plain light background with the faint sensor noise of a real camera."""
    width, height = size
    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1.5, (height, width, 1))
    return np.clip(np.array(BACKGROUND_BGR, dtype=np.float32) + noise, 0, 255).astype(np.uint8)


@cache
def _portrait_cached(name: str) -> Portrait:
    return compose_on_background(_real_photo_cached(name), sample_landmarks(name), plain_background())


@cache
def _sample_landmarks_cached(name: str) -> np.ndarray:
    faces = find_faces(_real_photo_cached(name), upsample=1)
    if not faces:
        raise RuntimeError(f"no face found in sample photo {name}")
    return faces[0].landmarks


def sample_landmarks(name: str) -> np.ndarray:
    """Landmarks of the face in a shipped sample photo (detector at upsample 1, cached; a copy)."""
    return _sample_landmarks_cached(name).copy()


def camera_frames(count: int, size: tuple[int, int] = (640, 480), name: str = "grace_hopper",
                  seed: int = 0, sway_px: float = 2.0, guide_height: float = 1.0) -> list[np.ndarray]:
    """`count` landscape camera frames of a real face swaying slightly (random walk of `sway_px`),
    placed at ICAO geometry inside the camera guide of height `guide_height` x the frame height."""
    rng = np.random.default_rng(seed)
    source, landmarks = _real_photo_cached(name), sample_landmarks(name)
    background = plain_background(size, seed)
    offset = np.zeros(2)
    frames = []
    for _ in range(count):
        offset = np.clip(offset + rng.normal(0, sway_px, 2), -6 * sway_px, 6 * sway_px)
        frames.append(compose_on_background(source, landmarks, background, "camera", tuple(offset),
                                            guide_height).image)
    return frames


def icao_portrait(name: str = "grace_hopper") -> Portrait:
    """A good ICAO-style 480x640 portrait of a real face on a plain light background (copy)."""
    p = _portrait_cached(name)
    return Portrait(p.image.copy(), p.person_mask.copy())
