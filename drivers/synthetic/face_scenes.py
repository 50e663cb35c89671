"""Camera frames of a sitter, composited from REAL face photos that ship inside installed wheels.

Sources (loaded from disk, never the network): scikit-image's `skimage.data.astronaut()`, matplotlib's
`mpl-data/sample_data/grace_hopper.jpg` and mahotas' `demos/data/luispedro.jpg` — three real people. More
identities are derived from them by a seeded landmark warp (face_identities.py); `IDENTITIES` lists the people
and `sitter_for_seed()` / `assign_sitters()` pick one for a synthetic person. Each photo is cut out once
around head and shoulders (a soft ellipse around the head joined to a body polygon), then per scene:

- distance  -> scale (distance 1.0 puts a face box 30 % of the frame height tall and wide);
- pose      -> yaw and pitch by a perspective warp of the (flat) cut-out about the face centre, roll by
               rotation. APPROXIMATE: the head is a plane, so a yaw estimator sees the right landmark asymmetry
               but no self-occlusion of the far cheek; expect a biased yaw estimate, calibrate against it;
- lighting  -> frame exposure, a gain on the sitter only (backlight), a left-right gradient across the face;
- blur      -> Gaussian blur of the whole frame (focus), occlusion -> a dark bar over the eyes or a hand
               over the mouth drawn on the cut-out so it follows the pose;
- background -> procedural: plain studio wall, cluttered room, dim hall, bright window (backlight).

Rendering is split so preview rates are cheap: the composite for a scene and frame size is computed once
and cached; each frame only adds sensor noise read at a moving offset from one precomputed field (two
saturating adds). A
swaying sitter cycles through 8 cached positions.
`face_boxes()` gives the ground-truth face boxes of a scene in frame coordinates for tests and calibration.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1
Point = tuple[float, float]

FACE_BOX_HEIGHT_AT_1M = 0.30  # face box side as a fraction of frame height at distance 1.0
FACE_CENTRE_Y = 0.45          # face box centre as a fraction of frame height
TWO_PEOPLE_SPREAD = 0.19      # each of two sitters sits this fraction of the frame width off-centre
REFERENCE_HEIGHT = 480        # blur sigma and background layout are given for a 480-line frame


# --- the photos ---------------------------------------------------------------------------------------

def _astronaut() -> np.ndarray:
    from skimage import data  # imported lazily: scikit-image is slow to import

    return cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)


def _grace_hopper() -> np.ndarray:
    import matplotlib

    path = os.path.join(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(f"matplotlib sample photo missing: {path}")
    return image


def _luispedro() -> np.ndarray:
    spec = importlib.util.find_spec("mahotas")  # the file only: importing mahotas itself is not needed
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("mahotas is not installed (its demo data holds the photo)")
    path = os.path.join(list(spec.submodule_search_locations)[0], "demos", "data", "luispedro.jpg")
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(f"mahotas sample photo missing: {path}")
    return image


@dataclass(frozen=True)
class PhotoSource:
    """A real photo and where the person is in it (measured once with face_recognition, HOG, upsample 0)."""

    name: str
    load: Callable[[], np.ndarray]
    face_box: Box                      # dlib-style face box
    eyes: tuple[Point, Point]          # image-left eye, image-right eye (landmark means)
    head: tuple[int, int, int, int]    # head ellipse: centre x, centre y, semi-axis x, semi-axis y
    body: tuple[Point, ...]            # neck-shoulders polygon down to the bottom of the photo
    torso: tuple[int, int, int] | None = None  # BGR of the clothes below a photo cut at the collar (else the
                                               # bottom row is repeated down, right for a torso that reaches it)


PHOTOS: dict[str, PhotoSource] = {
    "astronaut": PhotoSource(
        "astronaut", _astronaut, face_box=(179, 83, 266, 170), eyes=((203, 102), (247, 104)),
        head=(227, 102, 74, 90),
        body=((175, 160), (280, 160), (310, 200), (350, 290), (362, 511), (22, 511), (30, 300), (110, 215))),
    "grace_hopper": PhotoSource(
        "grace_hopper", _grace_hopper, face_box=(161, 137, 376, 352), eyes=((222, 197), (311, 192)),
        head=(263, 190, 114, 162),
        body=((200, 320), (330, 320), (440, 350), (511, 410), (511, 599), (0, 599), (15, 420), (100, 355))),
    # Luis Pedro Coelho, mahotas' author (MIT-licensed package); his face is turned ~15° to image left.
    "luispedro": PhotoSource(
        "luispedro", _luispedro, face_box=(0, 90, 209, 305), eyes=((68, 174), (143, 161)),
        head=(150, 168, 124, 158),
        body=((95, 300), (215, 292), (250, 318), (299, 335), (299, 376), (0, 376), (0, 335), (50, 318)),
        torso=(62, 64, 66)),
}


@dataclass(frozen=True)
class Sitter:
    """One appearance of one person. `person` is the identity: sitters sharing it are the same human."""

    id: str
    person: str
    photo: str
    mirror: bool = False
    tint: tuple[float, float, float] = (1.0, 1.0, 1.0)  # B, G, R gains (a different camera white balance)
    derive: int | None = None      # seed of a derived identity (face_identities.py); None: the real face
    strength: float = 1.6          # how far the derived face shape may move from the real one


DERIVE_STRENGTH = 2.2
# Derived identities kept because the kit's face encoder separates them from every other identity (chosen by
# packaging/select_face_identities.py, 14 seeds per photo, margin 0.05 over the 0.5 threshold in every
# frontal/other-scene combination; see
# docs/devices-camera.md "Face identities"): (photo, seed).
DERIVED: tuple[tuple[str, int], ...] = (
    ("luispedro", 2), ("astronaut", 7), ("grace_hopper", 10), ("luispedro", 10), ("astronaut", 11),
    ("astronaut", 14), ("luispedro", 14))
REAL_PEOPLE = {"grace_hopper": "person-hopper", "astronaut": "person-astronaut", "luispedro": "person-luispedro"}


def _registry() -> dict[str, Sitter]:
    sitters = [
        Sitter("grace_hopper", "person-hopper", "grace_hopper"),
        Sitter("grace_hopper-mirror", "person-hopper", "grace_hopper", mirror=True),
        Sitter("grace_hopper-warm", "person-hopper", "grace_hopper", tint=(0.88, 1.0, 1.1)),
        Sitter("astronaut", "person-astronaut", "astronaut"),
        Sitter("astronaut-mirror", "person-astronaut", "astronaut", mirror=True),
        Sitter("astronaut-cool", "person-astronaut", "astronaut", tint=(1.1, 1.0, 0.9)),
        Sitter("luispedro", "person-luispedro", "luispedro"),
        Sitter("luispedro-warm", "person-luispedro", "luispedro", tint=(0.9, 1.0, 1.08)),
    ]
    for photo, seed in DERIVED:
        person = f"{REAL_PEOPLE[photo]}-d{seed}"
        sitter_id = f"{photo}~{seed}"
        sitters.append(Sitter(sitter_id, person, photo, derive=seed, strength=DERIVE_STRENGTH))
        sitters.append(Sitter(f"{sitter_id}-cool", person, photo, derive=seed, strength=DERIVE_STRENGTH,
                              tint=(1.08, 1.0, 0.92)))
    return {s.id: s for s in sitters}


SITTERS: dict[str, Sitter] = _registry()
# One entry per distinct person: the sitter that shows them plainly (first registered appearance).
IDENTITIES: dict[str, str] = {}
for _sitter in SITTERS.values():
    IDENTITIES.setdefault(_sitter.person, _sitter.id)


def sitter_for_seed(seed: str) -> str:
    """A stable sitter (plain appearance) for a synthetic person's biometric seed: same seed, same face.

    Different seeds can share a face when there are more people than IDENTITIES; `assign_sitters` avoids that."""
    people = sorted(IDENTITIES)
    digest = hashlib.sha256(f"fieldkit-face|{seed}".encode("utf-8")).digest()
    return IDENTITIES[people[int.from_bytes(digest[:8], "big") % len(people)]]


def assign_sitters(seeds) -> dict[str, str]:
    """Sitters for a population: distinct seeds get distinct people (in order of first appearance, starting at
    a seed-dependent person) until IDENTITIES run out, then they are reused; a repeated seed keeps its face."""
    people = sorted(IDENTITIES)
    out: dict[str, str] = {}
    for seed in seeds:
        if seed in out:
            continue
        if not out:
            start = people.index(SITTERS[sitter_for_seed(seed)].person)
        out[seed] = IDENTITIES[people[(start + len(out)) % len(people)]]
    return out

BACKGROUNDS = ("studio", "room", "hall", "window")
OCCLUSIONS = (None, "eyes", "mouth")


@dataclass(frozen=True)
class Cutout:
    """A sitter cut out of its photo: BGRA pixels (soft alpha) plus face geometry in cut-out coordinates."""

    sitter: Sitter
    bgra: np.ndarray
    face_box: tuple[float, float, float, float]
    eyes: tuple[Point, Point]

    @property
    def face_centre(self) -> Point:
        x0, y0, x1, y1 = self.face_box
        return (x0 + x1) / 2, (y0 + y1) / 2

    @property
    def face_width(self) -> float:
        return self.face_box[2] - self.face_box[0]


def _soft_mask(shape: tuple[int, int], photo: PhotoSource, photo_height: int) -> np.ndarray:
    """Head ellipse joined to the body polygon, feathered so the photo's own background fades out.

    Body points on the photo's bottom edge are moved to the bottom of the (extended) image."""
    mask = np.zeros(shape, np.uint8)
    cx, cy, ax, ay = photo.head
    cv2.ellipse(mask, (cx, cy), (ax, ay), 0, 0, 360, 255, -1, cv2.LINE_AA)
    body = [(x, shape[0] - 1 if y >= photo_height - 1 else y) for x, y in photo.body]
    cv2.fillPoly(mask, [np.array(body, np.int32)], 255, cv2.LINE_AA)
    feather = max(3, photo.face_box[2] - photo.face_box[0]) // 8 * 2 + 1
    return cv2.GaussianBlur(mask, (feather, feather), 0)


@functools.lru_cache(maxsize=16)
def _photo_image(photo: str, derive: int | None, strength: float) -> np.ndarray:
    """The real photo, or the derived identity's warp of it (cached: the warp costs ~50 ms)."""
    image = PHOTOS[photo].load()
    if derive is None:
        return image
    from drivers.synthetic.face_identities import derive as derive_face  # noqa: PLC0415

    return derive_face(image, photo, derive, strength)[0]


def _face_geometry(photo: PhotoSource, derive: int | None, strength: float):
    """Face box (x0, y0, x1, y1) and eyes in photo pixels; for a derived face, moved with its landmarks."""
    if derive is None:
        return (*photo.face_box, photo.eyes)
    from drivers.synthetic.face_identities import EYE_L, EYE_R, photo_landmarks, target_shape  # noqa: PLC0415

    source = photo_landmarks(photo.name)
    target = target_shape(source, derive, strength)
    (sx0, sy0), (sx1, sy1) = source.min(0), source.max(0)
    (tx0, ty0), (tx1, ty1) = target.min(0), target.max(0)
    fx0, fy0, fx1, fy1 = photo.face_box
    box = (fx0 + tx0 - sx0, fy0 + ty0 - sy0, fx1 + tx1 - sx1, fy1 + ty1 - sy1)
    eyes = (tuple(target[list(EYE_L)].mean(0)), tuple(target[list(EYE_R)].mean(0)))
    return (*box, eyes)


@functools.lru_cache(maxsize=None)
def load_cutout(sitter_id: str) -> Cutout:
    """The sitter's head-and-shoulders cut-out (computed once per process)."""
    if sitter_id not in SITTERS:
        raise ValueError(f"unknown sitter {sitter_id!r} (known: {', '.join(sorted(SITTERS))})")
    sitter = SITTERS[sitter_id]
    photo = PHOTOS[sitter.photo]
    image = _photo_image(sitter.photo, sitter.derive, sitter.strength)
    photo_height = image.shape[0]
    # The torso continues below the photo's bottom edge, so a near sitter never floats in the frame.
    extend = 4 * (photo.face_box[3] - photo.face_box[1])
    image = cv2.copyMakeBorder(image, 0, extend, 0, 0, cv2.BORDER_REPLICATE)
    if photo.torso is not None:  # the photo ends at the collar: continue it with a plain shirt, shaded down
        shade = np.linspace(1.0, 0.8, extend, dtype=np.float32)[:, None, None]
        image[photo_height:] = np.clip(np.float32(photo.torso) * shade, 0, 255).astype(np.uint8)
    alpha = _soft_mask(image.shape[:2], photo, photo_height)
    ys, xs = np.nonzero(alpha > 2)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    bgr = image[y0:y1, x0:x1].astype(np.float32) * np.array(sitter.tint, np.float32)
    bgra = np.dstack([np.clip(bgr, 0, 255).astype(np.uint8), alpha[y0:y1, x0:x1]])
    fx0, fy0, fx1, fy1, photo_eyes = _face_geometry(photo, sitter.derive, sitter.strength)
    box = (fx0 - x0, fy0 - y0, fx1 - x0, fy1 - y0)
    eyes = tuple((ex - x0, ey - y0) for ex, ey in photo_eyes)
    if sitter.mirror:
        width = bgra.shape[1]
        bgra = np.ascontiguousarray(bgra[:, ::-1])
        box = (width - box[2], box[1], width - box[0], box[3])
        eyes = ((width - eyes[1][0], eyes[1][1]), (width - eyes[0][0], eyes[0][1]))
    return Cutout(sitter, bgra, tuple(float(v) for v in box), eyes)


# --- scenes -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scene:
    """What is in front of the camera. Angles in degrees; yaw > 0 turns the face towards image right."""

    sitter: str | None = "grace_hopper"
    second_sitter: str | None = None
    background: str = "studio"
    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    distance: float = 1.0          # 1.0: face box 30 % of frame height; 2.0: half that
    offset_x: float = 0.0          # fraction of frame width, + = right
    offset_y: float = 0.0          # fraction of frame height, + = down
    exposure: float = 1.0          # gain on the whole frame
    face_light: float = 1.0        # gain on the sitter only (< 1 when backlit)
    background_light: float = 1.0  # gain on the background only
    light_gradient: float = 0.0    # -1..1: image-right face edge brighter by this fraction, left edge darker
    blur: float = 0.0              # Gaussian sigma in pixels of a 480-line frame
    occlusion: str | None = None   # None, "eyes" (dark bar) or "mouth" (hand)
    noise: float = 2.0             # sensor noise sigma in grey levels
    sway: float = 0.0              # the sitter drifts on a small loop of this radius (pixels of a 480-line frame)

    def __post_init__(self) -> None:
        for name in ("sitter", "second_sitter"):
            value = getattr(self, name)
            if value is not None and value not in SITTERS:
                raise ValueError(f"unknown {name} {value!r} (known: {', '.join(sorted(SITTERS))})")
        if self.background not in BACKGROUNDS:
            raise ValueError(f"unknown background {self.background!r} (known: {', '.join(BACKGROUNDS)})")
        if self.occlusion not in OCCLUSIONS:
            raise ValueError(f"unknown occlusion {self.occlusion!r} (use none, 'eyes' or 'mouth')")
        if not 0.3 <= self.distance <= 6:
            raise ValueError(f"distance {self.distance} out of range 0.3..6")
        if not all(abs(a) <= 60 for a in (self.yaw, self.pitch)) or abs(self.roll) > 90:
            raise ValueError("pose out of range: |yaw|, |pitch| <= 60 and |roll| <= 90 degrees")
        if not -1 <= self.light_gradient <= 1:
            raise ValueError(f"light_gradient {self.light_gradient} out of range -1..1")
        if min(self.exposure, self.face_light, self.background_light, self.blur, self.noise, self.sway) < 0:
            raise ValueError("exposure, lights, blur, noise and sway must not be negative")

    def replace(self, **changes) -> "Scene":
        """A copy with `changes`; unknown field names raise ValueError naming them."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"unknown scene setting(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)

    @property
    def faces(self) -> int:
        return (self.sitter is not None) + (self.second_sitter is not None)

    @property
    def people(self) -> tuple[str, ...]:
        """Identities in the frame (primary first)."""
        return tuple(SITTERS[s].person for s in (self.sitter, self.second_sitter) if s is not None)


# --- geometry -----------------------------------------------------------------------------------------

def _placements(scene: Scene, width: int, height: int) -> list[tuple[str, float, float, float]]:
    """(sitter id, face centre x, face centre y, face box width) per sitter, the one behind first."""
    size = FACE_BOX_HEIGHT_AT_1M * height / scene.distance
    cx = width * (0.5 + scene.offset_x)
    cy = height * (FACE_CENTRE_Y + scene.offset_y)
    if scene.second_sitter is None:
        return [(scene.sitter, cx, cy, size)] if scene.sitter else []
    spread = TWO_PEOPLE_SPREAD * width
    placed = [(scene.second_sitter, cx + spread, cy - 0.02 * height, size * 0.9)]
    if scene.sitter:
        placed.append((scene.sitter, cx - spread, cy, size))
    return placed


def _pose_matrix(scene: Scene, centre: Point, face_width: float, target: Point) -> np.ndarray:
    """Homography from a scaled cut-out (face centre at `centre`) to the frame (face centre at `target`)."""
    # About a webcam's perspective at arm's length; shorter would bend the (flat) torso too much under pitch.
    focal = 4.0 * face_width
    yaw, pitch, roll = (np.radians(a) for a in (scene.yaw, scene.pitch, scene.roll))
    to_origin = np.array([[1, 0, -centre[0]], [0, 1, -centre[1]], [0, 0, 1]], np.float64)
    yaw_m = np.array([[np.cos(yaw), 0, 0], [0, 1, 0], [-np.sin(yaw) / focal, 0, 1]])
    pitch_m = np.array([[1, 0, 0], [0, np.cos(pitch), 0], [0, np.sin(pitch) / focal, 1]])
    c, s = np.cos(roll), np.sin(roll)
    roll_m = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    place = np.array([[1, 0, target[0]], [0, 1, target[1]], [0, 0, 1]], np.float64)
    return place @ roll_m @ pitch_m @ yaw_m @ to_origin


@functools.lru_cache(maxsize=64)
def _scaled_cutout(sitter_id: str, occlusion: str | None, face_width: int) -> Cutout:
    """The cut-out resized so its face box is `face_width` px wide, with the occlusion drawn on."""
    base = load_cutout(sitter_id)
    scale = face_width / base.face_width
    h, w = base.bgra.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    bgra = cv2.resize(base.bgra, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    box = tuple(v * scale for v in base.face_box)
    eyes = tuple((x * scale, y * scale) for x, y in base.eyes)
    if occlusion:
        _draw_occlusion(bgra, occlusion, box, eyes)
    return Cutout(base.sitter, bgra, box, eyes)


def _draw_occlusion(bgra: np.ndarray, kind: str, box, eyes) -> None:
    """A dark bar across both eyes, or a skin-toned hand over the mouth (fully opaque)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if kind == "eyes":
        (ax, ay), (bx, by) = eyes
        angle = np.degrees(np.arctan2(by - ay, bx - ax))
        centre = ((ax + bx) / 2, (ay + by) / 2)
        length = abs(bx - ax) + 0.7 * w
        rect = cv2.boxPoints((centre, (length, 0.24 * w), angle)).astype(np.int32)
        cv2.fillPoly(bgra, [rect], (28, 24, 22, 255), cv2.LINE_AA)
    else:
        cheek = bgra[int(y0 + 0.5 * h):int(y0 + 0.6 * h), int(x0 + 0.2 * w):int(x0 + 0.35 * w), :3]
        skin = tuple(int(v) for v in cheek.reshape(-1, 3).mean(axis=0)) if cheek.size else (120, 150, 200)
        centre = (int(x0 + 0.5 * w), int(y0 + 0.76 * h))
        cv2.ellipse(bgra, centre, (int(0.42 * w), int(0.2 * h)), -8, 0, 360, (*skin, 255), -1, cv2.LINE_AA)
        for i in range(1, 4):  # finger gaps
            y = int(centre[1] - 0.2 * h + i * 0.1 * h)
            cv2.line(bgra, (int(x0 + 0.15 * w), y), (int(x0 + 0.8 * w), y - int(0.03 * h)),
                     tuple(int(v * 0.75) for v in skin) + (255,), max(1, int(w / 80)), cv2.LINE_AA)


def _sitter_layer(scene: Scene, sitter_id: str, cx: float, cy: float, size: float,
                  width: int, height: int):
    """The warped sitter inside its bounding rectangle of the frame, so blending touches only those pixels.

    Returns (x0, y0, BGR float32 with lighting applied, alpha float32 hxwx1) or None when off-frame."""
    cut = _scaled_cutout(sitter_id, scene.occlusion, max(8, round(size)))
    matrix = _pose_matrix(scene, cut.face_centre, size, (cx, cy))
    h, w = cut.bgra.shape[:2]
    corners = cv2.perspectiveTransform(np.array([[[0, 0], [w, 0], [w, h], [0, h]]], np.float64), matrix)[0]
    x0, y0 = (max(0, int(np.floor(v))) for v in corners.min(axis=0))
    x1, y1 = min(width, int(np.ceil(corners[:, 0].max())) + 1), min(height, int(np.ceil(corners[:, 1].max())) + 1)
    if x1 <= x0 or y1 <= y0:
        return None
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64)
    warped = cv2.warpPerspective(cut.bgra, shift @ matrix, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    alpha = warped[:, :, 3:4].astype(np.float32) * (1 / 255)
    ramp = np.clip((np.arange(x0, x1, dtype=np.float32) - cx) / (0.5 * size), -1.0, 1.0)  # +-1 at the face edges
    gain = scene.face_light * (1 + scene.light_gradient * ramp)
    bgr = warped[:, :, :3].astype(np.float32) * gain[None, :, None]
    return x0, y0, bgr, alpha


def face_boxes(scene: Scene, width: int, height: int) -> list[tuple[str, Box]]:
    """Ground truth: (person, face box in frame pixels) for each sitter, primary first."""
    out = []
    for sitter_id, cx, cy, size in reversed(_placements(scene, width, height)):
        cut = _scaled_cutout(sitter_id, scene.occlusion, max(8, round(size)))
        matrix = _pose_matrix(scene, cut.face_centre, size, (cx, cy))
        x0, y0, x1, y1 = cut.face_box
        corners = np.array([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]], np.float64)
        pts = cv2.perspectiveTransform(corners, matrix)[0]
        box = (int(pts[:, 0].min()), int(pts[:, 1].min()), int(pts[:, 0].max()), int(pts[:, 1].max()))
        out.append((SITTERS[sitter_id].person, box))
    return out


# --- backgrounds --------------------------------------------------------------------------------------

def _studio(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A plain light wall, brighter behind the sitter, with a faint plaster texture."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.hypot((xx - w / 2) / w, (yy - h * 0.4) / h)
    base = (236 - 40 * d)[..., None] * np.array([1.0, 0.985, 0.955], np.float32)
    texture = cv2.resize(rng.normal(0, 2.5, (h // 16, w // 16)).astype(np.float32), (w, h))
    return base + texture[..., None]


def _room(rng: np.random.Generator, w: int, h: int, dim: bool = False) -> np.ndarray:
    """A cluttered room: wall, shelf of books, window, door, poster, plant, floor."""
    img = np.empty((h, w, 3), np.float32)
    img[:] = (150, 178, 196) if not dim else (88, 98, 104)
    cv2.rectangle(img, (0, int(h * 0.82)), (w, h), (70, 95, 120), -1)  # floor
    sx0, sx1 = int(w * 0.03), int(w * 0.26)  # bookshelf
    cv2.rectangle(img, (sx0, int(h * 0.15)), (sx1, int(h * 0.85)), (40, 70, 100), -1)
    for shelf in range(4):
        top = int(h * (0.18 + shelf * 0.17))
        x = sx0 + 4
        while x < sx1 - 8:
            bw = int(rng.integers(w // 90, w // 40))
            bh = int(h * rng.uniform(0.09, 0.14))
            colour = tuple(float(c) for c in rng.integers(30, 230, 3))
            cv2.rectangle(img, (x, top + int(h * 0.15) - bh), (x + bw, top + int(h * 0.15)), colour, -1)
            x += bw + 1
        cv2.rectangle(img, (sx0, top + int(h * 0.15)), (sx1, top + int(h * 0.16)), (30, 50, 75), -1)
    wx0, wy0, wx1, wy1 = int(w * 0.72), int(h * 0.1), int(w * 0.95), int(h * 0.5)  # window
    cv2.rectangle(img, (wx0, wy0), (wx1, wy1), (250, 240, 225) if not dim else (160, 150, 140), -1)
    cv2.line(img, ((wx0 + wx1) // 2, wy0), ((wx0 + wx1) // 2, wy1), (60, 60, 60), max(2, w // 160))
    cv2.line(img, (wx0, (wy0 + wy1) // 2), (wx1, (wy0 + wy1) // 2), (60, 60, 60), max(2, w // 160))
    cv2.rectangle(img, (int(w * 0.58), int(h * 0.2)), (int(w * 0.68), int(h * 0.82)), (60, 90, 130), -1)  # door
    cv2.rectangle(img, (int(w * 0.32), int(h * 0.08)), (int(w * 0.44), int(h * 0.3)), (40, 40, 180), -1)  # poster
    for _ in range(12):  # plant leaves
        centre = (int(w * 0.9 + rng.normal(0, w * 0.03)), int(h * 0.7 + rng.normal(0, h * 0.05)))
        cv2.ellipse(img, centre, (w // 40, h // 60), float(rng.uniform(0, 180)), 0, 360, (40, 120, 50), -1)
    if dim:  # a tube light and the dark pool under it
        cv2.rectangle(img, (int(w * 0.35), int(h * 0.02)), (int(w * 0.65), int(h * 0.04)), (250, 250, 250), -1)
    img += cv2.resize(rng.normal(0, 3, (h // 8, w // 8)).astype(np.float32), (w, h))[..., None]
    return cv2.GaussianBlur(img, (0, 0), 1.2)


def _window(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """The sitter in front of a bright window: sky near clipping, dark frame bars."""
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    img = np.broadcast_to(252 - 14 * yy * np.array([1.0, 0.9, 0.8], np.float32), (h, w, 3)).copy()
    bar = max(3, w // 60)
    for x in (int(w * 0.05), int(w * 0.5), int(w * 0.95)):
        cv2.rectangle(img, (x - bar, 0), (x + bar, h), (50, 55, 60), -1)
    cv2.rectangle(img, (0, int(h * 0.55) - bar), (w, int(h * 0.55) + bar), (50, 55, 60), -1)
    cv2.rectangle(img, (0, int(h * 0.88)), (w, h), (60, 70, 80), -1)  # sill
    return img


@functools.lru_cache(maxsize=16)
def background(name: str, width: int, height: int, seed: int = 0) -> np.ndarray:
    """A procedural background (float32 BGR), laid out at 640x480 and resized so the layout never changes."""
    rng = np.random.default_rng(seed)
    w, h = 640, REFERENCE_HEIGHT
    if name == "studio":
        img = _studio(rng, w, h)
    elif name == "room":
        img = _room(rng, w, h)
    elif name == "hall":
        img = _room(rng, w, h, dim=True)
    elif name == "window":
        img = _window(rng, w, h)
    else:
        raise ValueError(f"unknown background {name!r}")
    img = cv2.resize(img, (width, height), interpolation=cv2.INTER_LINEAR)
    img.setflags(write=False)
    return img


# --- the renderer -------------------------------------------------------------------------------------

class SceneRenderer:
    """Renders frames of a Scene: a cached composite per (scene, size) plus per-frame sensor noise.

    Thread-safe: the simulator renders on its device thread while the lab changes the scene.
    """

    NOISE_MARGIN = 17  # the noise field is this much larger than the frame; each frame reads it at an offset

    SWAY_PHASES = 8      # positions on the sway loop (each a cached composite)
    FRAMES_PER_PHASE = 3

    def __init__(self, seed: int = 0, cache_size: int = 12):
        self.seed = seed
        self._composites: OrderedDict = OrderedDict()
        self._noise: dict = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def composite(self, scene: Scene, width: int, height: int) -> np.ndarray:
        """The noiseless frame for `scene` at this size (uint8 BGR, cached, read-only)."""
        key = (scene, width, height)
        with self._lock:
            if key in self._composites:
                self._composites.move_to_end(key)
                return self._composites[key]
        image = self._compose(scene, width, height)
        with self._lock:
            self._composites[key] = image
            while len(self._composites) > self._cache_size:
                self._composites.popitem(last=False)
        return image

    def frame(self, scene: Scene, width: int, height: int, index: int) -> np.ndarray:
        """Frame number `index` of `scene`: the composite plus this frame's noise. A new array each call."""
        base = self.composite(self._swayed(scene, width, height, index), width, height)
        if scene.noise <= 0:
            return base.copy()
        plus, minus = self._noise_field(width, height, scene.noise)
        m = self.NOISE_MARGIN
        # Two different offsets per frame into one field: consecutive frames get unrelated noise per pixel.
        py, px = (index * 7) % m, (index * 11 + index // m) % m
        my, mx = (index * 5 + 3) % m, (index * 3 + 1) % m
        out = cv2.add(base, plus[py:py + height, px:px + width])
        return cv2.subtract(out, minus[my:my + height, mx:mx + width], dst=out)

    def _swayed(self, scene: Scene, width: int, height: int, index: int) -> Scene:
        """The scene with the sitter moved to its place on the sway loop for frame `index`."""
        if scene.sway <= 0:
            return scene
        angle = 2 * np.pi * ((index // self.FRAMES_PER_PHASE) % self.SWAY_PHASES) / self.SWAY_PHASES
        radius = scene.sway * height / REFERENCE_HEIGHT
        return scene.replace(sway=0.0, offset_x=scene.offset_x + radius * np.cos(angle) / width,
                             offset_y=scene.offset_y + 0.5 * radius * np.sin(angle) / height)

    def _noise_field(self, width: int, height: int, sigma: float):
        """Gaussian sensor noise split into saturating +/- uint8 parts, a margin larger than the frame.

        Kept for the last two frame sizes (preview and still), so a still capture does not rebuild the preview's."""
        key = (width, height, round(sigma, 1))
        with self._lock:
            field = self._noise.get(key)
        if field is None:
            rng = np.random.default_rng(self.seed + 7919)
            m = self.NOISE_MARGIN
            n = rng.standard_normal((height + m, width + m, 3), dtype=np.float32) * np.float32(sigma)
            field = (np.clip(n, 0, 255).astype(np.uint8), np.clip(-n, 0, 255).astype(np.uint8))
            with self._lock:
                self._noise[key] = field
                while len(self._noise) > 2:
                    self._noise.pop(next(iter(self._noise)))
        return field

    def _compose(self, scene: Scene, width: int, height: int) -> np.ndarray:
        out = background(scene.background, width, height, self.seed) * np.float32(scene.background_light)
        for sitter_id, cx, cy, size in _placements(scene, width, height):
            layer = _sitter_layer(scene, sitter_id, cx, cy, size, width, height)
            if layer is None:
                continue
            x0, y0, bgr, alpha = layer
            roi = out[y0:y0 + bgr.shape[0], x0:x0 + bgr.shape[1]]
            roi += (bgr - roi) * alpha  # alpha blend in place
        if scene.blur > 0:
            out = cv2.GaussianBlur(out, (0, 0), scene.blur * height / REFERENCE_HEIGHT)
        # Exposure gain and the saturating cast to 8 bits in one OpenCV pass (values are never negative).
        image = cv2.convertScaleAbs(out, alpha=scene.exposure)
        image.setflags(write=False)
        return image
