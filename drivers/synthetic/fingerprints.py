"""Synthetic fingerprints in the manner of SFinGe (Cappelli, Maio, Maltoni), deterministic per (person, finger).

Pipeline for one *master print* (the finger itself; cached in memory and on disk, see print_cache.py):
  1. finger shape: a rounded-top ellipse that is the contact area at normal pressure;
  2. orientation field from the zero-pole model (Sherlock & Monro 1993) with cores and deltas placed by class
     (arch, tented arch, left loop, right loop, whorl);
  3. a smooth ridge-period map (7.5–11 px at 500 ppi, i.e. 0.38–0.55 mm);
  4. ridges grown from random seeds by iterated Gabor filtering, each pixel taking the response of the filter
     tuned to its orientation bin and period bin (vectorised: one filter2D per bin, not per pixel). Endings and
     bifurcations appear by themselves where the flow diverges or converges.

Each *impression* of a master (a capture) adds what varies between two presses of the same finger: translation,
rotation, a smooth elastic distortion, pressure (ridge width and contact area) and sensor noise, seeded by
(person, finger, impression, condition) so the whole thing is reproducible. Conditions model the capture faults
an officer meets: dry, wet, smudged, partial, rotated, and no_finger (an empty platen).

Images are uint8, 500 ppi, dark ridges on a light background, shape (rows, cols) = `size`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import cv2
import numpy as np

from drivers.synthetic.print_cache import MasterCache
from fieldkit.domain.fingers import SLAP_FINGERS, Finger, Slap

CONDITIONS = ("good", "dry", "wet", "smudged", "partial", "rotated", "no_finger")
CONDITION_ALIASES = {"none": "no_finger"}
PATTERN_CLASSES = ("arch", "tented_arch", "left_loop", "right_loop", "whorl")
# Rough frequencies of the Henry classes in large populations (whorls ~30 %, loops ~65 %, arches ~5 %).
CLASS_WEIGHTS = (0.04, 0.03, 0.32, 0.31, 0.30)

MASTER_SHAPE = (560, 480)          # rows, cols: larger than a capture, so shifts and turns never show an edge
ORIENTATION_BINS = 12              # 15° steps: inside a Gabor filter's angular bandwidth, 25 % cheaper than 16
PERIODS = (8.0, 10.0)              # period bins (px); the period map blends the two responses
GROWTH_ITERATIONS = 6              # the pattern settles after ~5 rounds; more only costs time
UART_SHAPE = (288, 256)            # R30x UpImage: 256 wide x 288 high, 4 bits a pixel
BACKGROUND = 232                   # platen grey level with no finger
RIDGE_LEVEL = 45                   # grey level of a ridge at good contact


def _rng(*parts: object) -> np.random.Generator:
    """A generator seeded by a stable hash (Python's hash() is salted per process, so never use it here)."""
    digest = hashlib.sha256(repr(parts).encode("utf-8")).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


@dataclass(frozen=True)
class MasterPrint:
    """The finger as the generator sees it: ridge pattern, contact mask and the design behind them.

    Kept 8-bit (ridges 1 + 127 * (r + 1), mask 255 * m): a quarter of the memory of float32, it stores
    compactly on disk, and a fresh master and a cached one give the same pixels. `ridges` (float32 in
    [-1, 1], +1 ridge centre) and `mask` (float32 in [0, 1]) are computed from them on demand.
    """

    ridges_u8: np.ndarray
    mask_u8: np.ndarray
    pattern: str
    cores: tuple[tuple[float, float], ...]
    deltas: tuple[tuple[float, float], ...]

    @property
    def ridges(self) -> np.ndarray:
        return (self.ridges_u8.astype(np.float32) - 128.0) * np.float32(1 / 127)

    @property
    def mask(self) -> np.ndarray:
        return self.mask_u8.astype(np.float32) * np.float32(1 / 255)


# ---------------------------------------------------------------- master print


def _finger_mask(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Rounded fingertip: an ellipse for the top half, straighter sides towards the first joint."""
    rows, cols = shape
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float32)
    cx = cols / 2 + rng.uniform(-8, 8)
    cy = rows * 0.52
    half_w = cols * rng.uniform(0.33, 0.38)
    half_h = rows * rng.uniform(0.40, 0.45)
    dy = (y - cy) / half_h
    dy = np.where(dy > 0, dy * 0.55, dy)     # flatter towards the joint: the finger continues below the platen
    inside = ((x - cx) / half_w) ** 2 + dy ** 2
    return np.clip((1.0 - inside) * 12.0, 0.0, 1.0).astype(np.float32)


def _singularities(pattern: str, shape: tuple[int, int], rng: np.random.Generator):
    """Core and delta positions (x, y) in master pixels for a pattern class."""
    rows, cols = shape
    cx = cols / 2 + rng.uniform(-25, 25)
    cy = rows * rng.uniform(0.36, 0.46)
    if pattern == "arch":
        return (), ()
    if pattern == "tented_arch":
        return ((cx, cy),), ((cx + rng.uniform(-10, 10), cy + rng.uniform(70, 100)),)
    if pattern in ("left_loop", "right_loop"):
        side = 1.0 if pattern == "left_loop" else -1.0
        delta = (cx + side * rng.uniform(105, 150), cy + rng.uniform(140, 190))
        return ((cx, cy),), (delta,)
    # whorl: two cores stacked a few ridges apart, a delta on each side below
    gap = rng.uniform(30, 55)
    tilt = rng.uniform(-15, 15)
    cores = ((cx - tilt / 2, cy - gap / 2), (cx + tilt / 2, cy + gap / 2))
    deltas = ((cx - rng.uniform(120, 160), cy + rng.uniform(150, 200)),
              (cx + rng.uniform(120, 160), cy + rng.uniform(150, 200)))
    return cores, deltas


def _orientation_field(shape, pattern, cores, deltas, rng) -> np.ndarray:
    """Ridge direction (radians, image frame, y down, modulo pi) from the zero-pole model.

    O(z) = O_inf + 1/2 [sum arg(z - core) - sum arg(z - delta)] (Sherlock & Monro), computed with y pointing up
    and converted. An arch has no singularities: a bump whose height grows towards the bottom of the finger.
    """
    rows, cols = shape
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float32)
    if pattern == "arch":
        cx = cols / 2 + rng.uniform(-20, 20)
        height = rng.uniform(1.1, 1.7)
        spread = cols * rng.uniform(0.18, 0.26)
        bump = height * np.clip((y / rows) * 1.3, 0.1, 1.0)
        slope = bump * (-2 * (x - cx) / spread) * np.exp(-((x - cx) / spread) ** 2)
        return (-np.arctan(slope)).astype(np.float32)     # ridges rise towards the middle (y up => minus)
    theta_up = np.zeros(shape, np.float32)
    for (px, py) in cores:
        theta_up += 0.5 * np.arctan2(-(y - py), x - px)
    for (px, py) in deltas:
        theta_up -= 0.5 * np.arctan2(-(y - py), x - px)
    return (-theta_up).astype(np.float32)


def _period_map(shape, rng) -> np.ndarray:
    """A smooth ridge period (px) field: coarse random values blown up, plus denser ridges near the tip."""
    rows, cols = shape
    coarse = rng.uniform(8.3, 10.0, size=(4, 4)).astype(np.float32)
    smooth = cv2.resize(coarse, (cols, rows), interpolation=cv2.INTER_CUBIC)
    tip = np.linspace(-0.6, 0.3, rows, dtype=np.float32)[:, None]   # ridges a little closer at the top
    return np.clip(smooth + tip, 7.5, 11.0)


@lru_cache(maxsize=64)
def _gabor_bank(bins: int, periods: tuple[float, ...]) -> tuple[tuple[np.ndarray, ...], ...]:
    """Gabor kernels [period][orientation], zero mean; `theta` is the normal of the ridges."""
    bank = []
    for period in periods:
        sigma = 0.55 * period
        size = int(2 * round(2.2 * sigma) + 1)
        row = []
        for b in range(bins):
            ridge_dir = np.pi * b / bins
            k = cv2.getGaborKernel((size, size), sigma, ridge_dir + np.pi / 2, period, 1.0, 0.0, ktype=cv2.CV_32F)
            k -= k.mean()
            k /= np.abs(k).sum()
            row.append(k)
        bank.append(tuple(row))
    return tuple(bank)


@lru_cache(maxsize=8)
def _bank_spectra(shape: tuple[int, int]):
    """DFTs of the Gabor bank on the padded grid: one forward DFT per round then serves every filter."""
    bank = _gabor_bank(ORIENTATION_BINS, PERIODS)
    pad = max(k.shape[0] for row in bank for k in row) // 2
    grid = (cv2.getOptimalDFTSize(shape[0] + 2 * pad), cv2.getOptimalDFTSize(shape[1] + 2 * pad))
    spectra = []
    for row in bank:
        out = []
        for kernel in row:
            placed = np.zeros(grid, np.float32)
            half = kernel.shape[0] // 2
            placed[:kernel.shape[0], :kernel.shape[1]] = kernel
            placed = np.roll(placed, (-half, -half), axis=(0, 1))     # kernel centre at the origin
            out.append(cv2.dft(placed))          # CCS-packed real spectrum: half the work of complex
        spectra.append(out)
    return pad, grid, spectra


def _grow_ridges(orientation, period, rng, iterations=GROWTH_ITERATIONS) -> np.ndarray:
    """Iterated, orientation- and period-tuned Gabor filtering of sparse random seeds.

    Filtering is done in the frequency domain: one forward DFT of the (reflect-padded) image per round, one
    inverse per filter. The kernels are point-symmetric, so this equals cv2.filter2D, ~3x faster here.
    """
    shape = orientation.shape
    bins = ORIENTATION_BINS
    bin_index = np.round(np.mod(orientation, np.pi) / (np.pi / bins)).astype(np.int32) % bins
    # Where each bin's pixels are, as (row, col) index arrays into the padded filter output: one gather per bin
    # touches only its own pixels (a masked copy would sweep the whole image twelve times per period).
    rows_all, cols_all = np.indices(shape)
    where = [np.nonzero(bin_index.ravel() == b)[0] for b in range(bins)]
    # weight of the second period bin, linear in the period map
    w_hi = np.clip((period - PERIODS[0]) / (PERIODS[1] - PERIODS[0]), 0.0, 1.0).astype(np.float32)
    pad, grid, spectra = _bank_spectra(shape)
    rows, cols = shape
    gathers = [(w, rows_all.ravel()[w] + pad, cols_all.ravel()[w] + pad) for w in where]

    image = np.zeros(shape, np.float32)
    seeds = rng.integers(0, shape[0] * shape[1], size=int(shape[0] * shape[1] / 900))
    image.flat[seeds] = rng.choice(np.array([-1.0, 1.0], np.float32), size=seeds.size)
    responses = [np.empty(shape, np.float32) for _ in PERIODS]
    for _ in range(iterations):
        padded = cv2.copyMakeBorder(image, pad, grid[0] - rows - pad, pad, grid[1] - cols - pad, cv2.BORDER_REFLECT)
        forward = cv2.dft(padded)
        for p, row in enumerate(spectra):
            out = responses[p].ravel()
            for b, (flat, r, c) in enumerate(gathers):
                if not flat.size:
                    continue
                filtered = cv2.idft(cv2.mulSpectrums(forward, row[b], 0), flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)
                out[flat] = filtered[r, c]
        mixed = responses[0] * (1.0 - w_hi) + responses[1] * w_hi
        scale = 2.5 / (float(np.abs(mixed).mean()) + 1e-6)
        image = np.clip(mixed * scale, -1.0, 1.0)
    return image


def _pick_pattern(rng) -> str:
    return str(rng.choice(PATTERN_CLASSES, p=CLASS_WEIGHTS))


def synthesize_master(person: str | int, finger: int) -> MasterPrint:
    """Grow the master print of (person, finger) now, without any cache (~0.2 s; benchmarks time this)."""
    rng = _rng("master", str(person), int(finger))
    pattern = _pick_pattern(rng)
    cores, deltas = _singularities(pattern, MASTER_SHAPE, rng)
    orientation = _orientation_field(MASTER_SHAPE, pattern, cores, deltas, rng)
    period = _period_map(MASTER_SHAPE, rng)
    ridges = _grow_ridges(orientation, period, rng)
    mask = _finger_mask(MASTER_SHAPE, rng)
    ridges_u8 = np.clip(np.rint(ridges * 127.0 + 128.0), 1, 255).astype(np.uint8)
    mask_u8 = np.clip(np.rint(mask * 255.0), 0, 255).astype(np.uint8)
    return _frozen_master(ridges_u8, mask_u8, pattern, cores, deltas)


def _frozen_master(ridges_u8, mask_u8, pattern, cores, deltas) -> MasterPrint:
    ridges_u8.setflags(write=False)
    mask_u8.setflags(write=False)
    return MasterPrint(ridges_u8, mask_u8, str(pattern), tuple(tuple(float(v) for v in c) for c in cores),
                       tuple(tuple(float(v) for v in d) for d in deltas))


def _master_to_disk(master: MasterPrint):
    header = {"pattern": master.pattern, "cores": master.cores, "deltas": master.deltas}
    return header, {"ridges": master.ridges_u8, "mask": master.mask_u8}


def _master_from_disk(header: dict, arrays: dict) -> MasterPrint:
    if arrays["ridges"].shape != MASTER_SHAPE or arrays["mask"].shape != MASTER_SHAPE:
        raise ValueError(f"stored master has shape {arrays['ridges'].shape}, expected {MASTER_SHAPE}")
    if header["pattern"] not in PATTERN_CLASSES:
        raise ValueError(f"stored master has unknown pattern {header['pattern']!r}")
    return _frozen_master(arrays["ridges"], arrays["mask"], header["pattern"], header["cores"], header["deltas"])


# One cache for the process: both scanner simulators and the demo draw the same people's fingers.
MASTERS = MasterCache(_master_to_disk, _master_from_disk)


def _master_key(person: str | int, finger: int) -> tuple:
    return ("master", MASTER_SHAPE, GROWTH_ITERATIONS, str(person), int(finger))


def master_print(person: str | int, finger: int) -> MasterPrint:
    """The finger of a synthetic person: same (person, finger) -> same ridges, in every process.

    Made once (see synthesize_master) and then served from the in-memory LRU or the disk cache."""
    return MASTERS.get(_master_key(person, finger), lambda: synthesize_master(person, int(finger)))


def master_cached(person: str | int, finger: int) -> bool:
    """True when the master is in memory (a capture of it costs milliseconds, not a synthesis)."""
    return MASTERS.cached(_master_key(person, finger))


def prepare_masters(person: str | int, fingers: Iterable[int] = tuple(range(1, 11))) -> int:
    """Make (or load) the masters of `person` now, in `fingers` order; returns how many were not in memory.

    Blocking: simulators call it on their own background thread when a hand is presented, and a demo can call
    it for the next citizen while the current one is at the devices ("synthesised ahead of time")."""
    missing = 0
    for finger in fingers:
        if not master_cached(person, finger):
            missing += 1
            master_print(person, int(finger))
    return missing


# ---------------------------------------------------------------- impressions


def _elastic_maps(shape, rng, amplitude: float):
    """A smooth random displacement field (px) for cv2.remap: skin stretches a little differently each press."""
    rows, cols = shape
    dx = cv2.resize(rng.normal(0, amplitude, (5, 5)).astype(np.float32), (cols, rows), interpolation=cv2.INTER_CUBIC)
    dy = cv2.resize(rng.normal(0, amplitude, (5, 5)).astype(np.float32), (cols, rows), interpolation=cv2.INTER_CUBIC)
    return dx, dy


def _pose(condition: str, rng) -> tuple[float, float, float]:
    """Rotation (degrees) and translation (px) of the finger on the platen for one press."""
    angle = rng.uniform(-7, 7)
    if condition == "rotated":
        angle = rng.choice([-1, 1]) * rng.uniform(28, 45)
    return float(angle), float(rng.uniform(-14, 14)), float(rng.uniform(-14, 14))


def _warp(master: MasterPrint, size, condition, rng):
    """Place the master on a `size` platen: rotate, shift and distort ridges and mask together."""
    rows, cols = size
    m_rows, m_cols = MASTER_SHAPE
    angle, tx, ty = _pose(condition, rng)
    # affine from output pixel -> master pixel, about the output centre
    centre_out = (cols / 2, rows / 2)
    rot = cv2.getRotationMatrix2D(centre_out, -angle, 1.0)
    rot[0, 2] += (m_cols - cols) / 2 - tx
    rot[1, 2] += (m_rows - rows) / 2 - ty
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float32)
    map_x = rot[0, 0] * x + rot[0, 1] * y + rot[0, 2]
    map_y = rot[1, 0] * x + rot[1, 1] * y + rot[1, 2]
    dx, dy = _elastic_maps(size, rng, amplitude=2.5)
    map_x = (map_x + dx).astype(np.float32)
    map_y = (map_y + dy).astype(np.float32)
    ridges = cv2.remap(master.ridges, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    mask = cv2.remap(master.mask, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return ridges, mask


def _blotches(shape, rng, scale: int, threshold: float) -> np.ndarray:
    """A smooth random 0/1 field: where dry skin loses contact or moisture pools."""
    rows, cols = shape
    coarse = rng.random((max(2, rows // scale), max(2, cols // scale))).astype(np.float32)
    smooth = cv2.resize(coarse, (cols, rows), interpolation=cv2.INTER_CUBIC)
    return np.clip((smooth - threshold) * 6.0, 0.0, 1.0)


def _render(ridges, mask, condition, rng) -> np.ndarray:
    """Ridge pattern + contact -> grey levels of an optical scanner for one condition."""
    shape = ridges.shape
    pressure = rng.uniform(-0.15, 0.15)         # ridge width: > 0 wider, darker ridges
    contrast = 1.0
    contact = mask.copy()
    ink = ridges.copy()
    if condition == "dry":
        pressure -= 0.55                         # thin ridges that lose contact in patches
        contrast = 0.6
        ink = ink - 1.6 * (1.0 - _blotches(shape, rng, 14, 0.45)) - 0.9 * (rng.random(shape) > 0.75)
    elif condition == "wet":
        pressure += 0.7                          # ridges spread into the valleys, moisture pools stay dark
        contrast = 0.9
        ink = cv2.GaussianBlur(ink, (0, 0), 2.0) + 1.8 * _blotches(shape, rng, 45, 0.6)
    elif condition == "smudged":
        # the finger slid during the capture: ridges smeared along one direction, grey film over the image
        length = 27
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0
        rot = cv2.getRotationMatrix2D((length // 2, length // 2), float(rng.uniform(0, 180)), 1.0)
        kernel = cv2.warpAffine(kernel, rot, (length, length))
        kernel /= kernel.sum()
        smeared = cv2.filter2D(cv2.GaussianBlur(ink, (0, 0), 1.5), -1, kernel)
        # a second, shifted contact (the finger rocked): ridges cancel where the shift is half a period
        shift = rng.uniform(4.0, 6.0)
        angle = rng.uniform(0, 2 * np.pi)
        ghost = cv2.warpAffine(smeared, np.float32([[1, 0, shift * np.cos(angle)], [0, 1, shift * np.sin(angle)]]),
                               (shape[1], shape[0]), borderMode=cv2.BORDER_REFLECT)
        ink = (0.7 * smeared + 0.3 * ghost) * 2.0 + 0.4
        contrast = 0.7
    if condition == "partial":
        # only one edge of the fingertip touched the platen
        rows, cols = shape
        y, x = np.mgrid[0:rows, 0:cols].astype(np.float32)
        angle = rng.uniform(0, 2 * np.pi)
        along = (x - cols / 2) * np.cos(angle) + (y - rows / 2) * np.sin(angle)
        contact = contact * np.clip((along - rng.uniform(0.10, 0.20) * min(rows, cols)) / 12.0, 0.0, 1.0)
    else:
        # pressure also changes how much of the finger touches
        contact = np.clip(contact * (1.0 + 0.6 * pressure) + 0.2 * pressure, 0.0, 1.0)
    dark = 1.0 / (1.0 + np.exp(-(ink + pressure) * 4.0))            # 1 on ridges, 0 in valleys
    image = BACKGROUND - contrast * (BACKGROUND - RIDGE_LEVEL) * dark * contact
    image = cv2.GaussianBlur(image.astype(np.float32), (0, 0), 0.8)
    image += rng.normal(0, 4.0, shape).astype(np.float32)
    return np.clip(image, 0, 255).astype(np.uint8)


def _blank_platen(size, rng) -> np.ndarray:
    """No finger: a light platen with sensor noise, a faint gradient and a little dust."""
    rows, cols = size
    gradient = np.linspace(-6, 6, cols, dtype=np.float32)[None, :] * rng.uniform(-1, 1)
    image = BACKGROUND + gradient + rng.normal(0, 4.0, size).astype(np.float32)
    dust = rng.random(size) > 0.9996
    image[cv2.dilate(dust.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] -= 60
    return np.clip(image, 0, 255).astype(np.uint8)


def synthesize_print(person: str | int, finger: int, *, condition: str = "good", impression: int = 0,
                     size: tuple[int, int] = (480, 400), seed_offset: int | None = None) -> np.ndarray:
    """One capture of `finger` (ANSI/NIST code 1-10) of a synthetic `person`: uint8, 500 ppi, shape `size`.

    Same arguments -> same pixels. Different `impression` numbers are different presses of the same finger
    (they match); different persons or fingers are different fingers (they do not).
    `seed_offset` and condition "none" are accepted as aliases of `impression` and "no_finger", so this function
    is a drop-in image source for the scanner simulators (drivers/fingerprint/images.py).
    """
    if seed_offset is not None:
        impression = seed_offset
    condition = CONDITION_ALIASES.get(condition, condition)
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; expected one of {', '.join(CONDITIONS)}")
    rows, cols = int(size[0]), int(size[1])
    if not (32 <= rows <= MASTER_SHAPE[0] and 32 <= cols <= MASTER_SHAPE[1]):
        raise ValueError(f"size {size} outside 32x32 .. {MASTER_SHAPE[0]}x{MASTER_SHAPE[1]}")
    rng = _rng("impression", str(person), int(finger), int(impression), condition, rows, cols)
    if condition == "no_finger":
        return _blank_platen((rows, cols), rng)
    master = master_print(person, int(finger))
    ridges, mask = _warp(master, (rows, cols), condition, rng)
    return _render(ridges, mask, condition, rng)


# ---------------------------------------------------------------- slaps and the UART module


SLAP_SHAPE = (1500, 1600)        # rows, cols: 3.0 x 3.2 in at 500 ppi (MOSIP asks >= 1.6 x 1.5 in)
TIP_SIZE = (440, 340)            # one fingertip in a plain slap


def synthesize_slap(person: str | int, slap_code: int, *, condition: str = "good", impression: int = 0):
    """A plain slap (13 right four, 14 left four, 15 two thumbs): the image and one box per finger.

    Returns (image, boxes) where boxes is a list of (finger_code, (x, y, w, h)) in SLAP_FINGERS order, left to
    right on the platen. Each tip is an impression of the same master print as the single-finger captures.
    """
    slap = Slap(int(slap_code))
    fingers = SLAP_FINGERS[slap]
    rows, cols = SLAP_SHAPE
    rng = _rng("slap", str(person), int(slap), int(impression), condition)
    canvas = np.full(SLAP_SHAPE, BACKGROUND, np.float32) + rng.normal(0, 4.0, SLAP_SHAPE).astype(np.float32)
    boxes: list[tuple[int, tuple[int, int, int, int]]] = []
    tip_rows, tip_cols = TIP_SIZE
    step = cols // len(fingers)
    # fingertips lie on an arc: middle fingers reach higher than index and little finger
    heights = {4: (130, 40, 60, 190), 2: (260, 260)}[len(fingers)]
    for i, finger in enumerate(fingers):
        tip_condition = condition
        tip = synthesize_print(person, int(finger), condition=tip_condition,
                               impression=int(impression) * 16 + 1000 + int(slap), size=TIP_SIZE)
        x = i * step + (step - tip_cols) // 2 + int(rng.integers(-15, 16))
        y = heights[i] + int(rng.integers(-20, 21))
        # the tip fades out where the finger lifts off the platen towards the first joint
        fade = np.clip(np.linspace(1.6, -0.2, tip_rows, dtype=np.float32), 0.0, 1.0)[:, None]
        tip = BACKGROUND - (BACKGROUND - tip.astype(np.float32)) * fade
        region = canvas[y:y + tip_rows, x:x + tip_cols]
        np.minimum(region, tip, out=region)     # darker wins where a ridge touches
        boxes.append((int(finger), (x, y, tip_cols, tip_rows)))
    return np.clip(canvas, 0, 255).astype(np.uint8), boxes


def downsample_for_uart(image: np.ndarray) -> np.ndarray:
    """What an R30x/AS608 optical module would upload: 256 x 288 (w x h) at the same 500 ppi, 4 bits a pixel.

    The module's window (12.8 x 14.4 mm) is smaller than an enrolment capture, so the centre is cut out (or the
    image padded with platen grey), then each pixel is cut to its high nibble. Values are n * 17 (n = 0..15), so
    `value >> 4` is the nibble the module sends and `nibble * 17` restores the grey level.
    """
    if image.ndim != 2:
        raise ValueError(f"expected a greyscale image, got shape {image.shape}")
    rows, cols = UART_SHAPE
    out = np.full(UART_SHAPE, BACKGROUND, np.uint8)
    src_r, src_c = image.shape
    r0, c0 = max(0, (src_r - rows) // 2), max(0, (src_c - cols) // 2)
    crop = image[r0:r0 + rows, c0:c0 + cols]
    o_r, o_c = (rows - crop.shape[0]) // 2, (cols - crop.shape[1]) // 2
    out[o_r:o_r + crop.shape[0], o_c:o_c + crop.shape[1]] = crop
    return ((out >> 4) * 17).astype(np.uint8)


def finger_name(finger: int) -> str:
    """'right_index' for 2: handy in file names and logs of the simulator."""
    return Finger(int(finger)).name.lower()
