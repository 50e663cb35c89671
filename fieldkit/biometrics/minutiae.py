"""Minutiae extraction and the compact template format.

Extraction: analyse (segmentation, orientation, period) -> Gabor enhancement -> binarise -> thin
(skimage skeletonize) -> crossing number (1 = ridge ending, 3 = bifurcation) -> filters:
  * border: minutiae within BORDER_MARGIN px of the finger's edge are where ridges leave the contact area;
  * low orientation certainty: noise, not ridges;
  * spurious pairs: two minutiae closer than ~0.8 ridge period are a spur, a bridge or a broken ridge: drop both.
Direction: the smoothed orientation (mod pi) resolved to a full angle by tracing the skeleton a few pixels;
an ending points away from its ridge, a bifurcation points from its stem towards its two forks.

Template bytes ("FKM1"): magic, width u16, height u16, count u16, then per minutia x u16, y u16,
angle u8 (2 pi / 256 steps), type u8 (1 ending, 3 bifurcation): 6 bytes a minutia, ~0.5 KB a print.
Templates are biometric data: keep them encrypted at rest like images.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import cv2
import numpy as np
from scipy.spatial import cKDTree
from skimage.morphology import skeletonize

from fieldkit.biometrics.fp_enhance import Analysis, analyse, gabor_enhance

ENDING, BIFURCATION = 1, 3
BORDER_MARGIN = 16           # px from the segmentation edge
MIN_COHERENCE = 0.25         # below this the orientation is noise
TRACE_STEPS = 10             # px followed along the skeleton to fix a direction
MAGIC = b"FKM1"
HEADER = struct.Struct(">4sHHH")
RECORD = np.dtype([("x", ">u2"), ("y", ">u2"), ("angle", "u1"), ("type", "u1")])

# 8 neighbours in circular order (row, col), as the crossing number needs them
_RING = ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))


class TemplateError(ValueError):
    """Template bytes that are not a FieldKit minutiae template."""


@dataclass
class Template:
    """Minutiae of one print: positions (px), directions (radians), types; plus the image size."""

    x: np.ndarray
    y: np.ndarray
    angle: np.ndarray
    type: np.ndarray
    width: int
    height: int
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return int(self.x.size)

    def to_bytes(self) -> bytes:
        records = np.zeros(len(self), RECORD)
        records["x"], records["y"] = self.x, self.y
        records["angle"] = np.round(np.mod(self.angle, 2 * np.pi) / (2 * np.pi) * 256).astype(np.int64) % 256
        records["type"] = self.type
        return HEADER.pack(MAGIC, self.width, self.height, len(self)) + records.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Template":
        if len(data) < HEADER.size:
            raise TemplateError(f"template too short ({len(data)} bytes)")
        magic, width, height, count = HEADER.unpack_from(data)
        if magic != MAGIC:
            raise TemplateError(f"not a FieldKit minutiae template (magic {magic!r})")
        if len(data) != HEADER.size + count * RECORD.itemsize:
            raise TemplateError(f"template says {count} minutiae but holds {len(data) - HEADER.size} bytes of records")
        records = np.frombuffer(data, RECORD, count=count, offset=HEADER.size)
        return cls(records["x"].astype(np.float32), records["y"].astype(np.float32),
                   records["angle"].astype(np.float32) * (2 * np.pi / 256), records["type"].astype(np.uint8),
                   int(width), int(height))


def crossing_numbers(skeleton: np.ndarray) -> np.ndarray:
    """Crossing number per pixel: half the number of 0/1 transitions around its 8-neighbour ring."""
    padded = np.pad(skeleton.astype(np.int8), 1)
    rows, cols = skeleton.shape
    ring = [padded[1 + dr:1 + dr + rows, 1 + dc:1 + dc + cols] for dr, dc in _RING]
    transitions = sum(np.abs(ring[i] - ring[(i + 1) % 8]) for i in range(8))
    return (transitions // 2).astype(np.int8)


def _trace(skeleton: np.ndarray, start: tuple[int, int], first: tuple[int, int], steps: int) -> tuple[int, int]:
    """Follow the skeleton from `start` through neighbour `first` for up to `steps` pixels; return the end."""
    rows, cols = skeleton.shape
    prev, cur = start, first
    for _ in range(steps - 1):
        nxt = None
        for dr, dc in _RING:
            r, c = cur[0] + dr, cur[1] + dc
            if (r, c) != prev and (r, c) != start and 0 <= r < rows and 0 <= c < cols and skeleton[r, c]:
                nxt = (r, c)
                break
        if nxt is None:
            break
        prev, cur = cur, nxt
    return cur


def _branches(skeleton: np.ndarray, r: int, c: int) -> list[tuple[int, int]]:
    """Skeleton neighbours of (r, c), one per branch (4-connected neighbours win over diagonal duplicates)."""
    rows, cols = skeleton.shape
    found = [(r + dr, c + dc) for dr, dc in _RING
             if 0 <= r + dr < rows and 0 <= c + dc < cols and skeleton[r + dr, c + dc]]
    branches = []
    for p in found:
        if any(abs(p[0] - q[0]) + abs(p[1] - q[1]) == 1 for q in branches):
            continue
        branches.append(p)
    return branches


def _direction(skeleton, r, c, kind, orientation) -> float:
    """Full direction (radians) of a minutia: orientation field mod pi, sign fixed by tracing the ridge."""
    branches = _branches(skeleton, r, c)
    vectors = []
    for b in branches:
        end = _trace(skeleton, (r, c), b, TRACE_STEPS)
        vectors.append(np.array([end[1] - c, end[0] - r], np.float64))
    if kind == ENDING or len(vectors) < 3:
        behind = vectors[0] if vectors else np.zeros(2)
    else:
        # the stem is the branch least aligned with the other two
        units = [v / (np.linalg.norm(v) + 1e-9) for v in vectors[:3]]
        sims = [units[(i + 1) % 3] @ units[i] + units[(i + 2) % 3] @ units[i] for i in range(3)]
        behind = vectors[int(np.argmin(sims))]
    ahead = -behind
    theta = float(orientation[r, c])
    candidate = np.array([np.cos(theta), np.sin(theta)])
    return theta if candidate @ ahead >= 0 else theta + np.pi


def _drop_close_pairs(points: np.ndarray, distance: float) -> np.ndarray:
    """Indices of points that have no other point within `distance` (both members of a close pair go)."""
    if len(points) < 2:
        return np.arange(len(points))
    pairs = cKDTree(points).query_pairs(distance, output_type="ndarray")
    keep = np.ones(len(points), bool)
    keep[pairs.ravel()] = False
    return np.flatnonzero(keep)


def extract_from_analysis(analysis: Analysis) -> Template:
    """Minutiae of an analysed print (see the module docstring for the steps)."""
    gray = analysis.gray
    height, width = gray.shape
    empty = Template(*(np.zeros(0, np.float32) for _ in range(3)), np.zeros(0, np.uint8), width, height)
    if analysis.mask.sum() < 64 * 64:
        return empty
    enhanced = gabor_enhance(analysis)
    framed = analysis.mask.astype(np.uint8)
    framed[[0, -1], :] = 0       # the image edge is a border too: ridges are cut there
    framed[:, [0, -1]] = 0
    inner = cv2.distanceTransform(framed, cv2.DIST_L2, 5)
    binary = (enhanced > 0) & (inner > 4)
    binary = cv2.morphologyEx(binary.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8)).astype(bool)
    skeleton = skeletonize(binary)
    cn = crossing_numbers(skeleton)
    candidates = skeleton & ((cn == 1) | (cn == 3)) & (inner > BORDER_MARGIN) & (analysis.coherence > MIN_COHERENCE)
    rows, cols = np.nonzero(candidates)
    kinds = cn[rows, cols]
    keep = _drop_close_pairs(np.column_stack([cols, rows]).astype(np.float32), 0.8 * analysis.period)
    rows, cols, kinds = rows[keep], cols[keep], kinds[keep]
    angles = np.array([_direction(skeleton, r, c, k, analysis.orientation) for r, c, k in zip(rows, cols, kinds)],
                      np.float32)
    return Template(cols.astype(np.float32), rows.astype(np.float32), np.mod(angles, 2 * np.pi).astype(np.float32),
                    kinds.astype(np.uint8), width, height)


def extract_minutiae(image) -> Template:
    """Minutiae template of a 500 ppi greyscale print (dark ridges on light)."""
    return extract_from_analysis(analyse(image))
