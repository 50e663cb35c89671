"""Minutiae matcher in the manner of SourceAFIS: edges -> root pairs -> pairing crawl -> score.

1. Edges: every minutia is joined to its K nearest neighbours. An edge is described by what survives rotation
   and translation: its length and the two angles between the edge and each end's minutia direction.
2. Compatible edges: a probe edge and a candidate edge whose length and both angles agree within tolerances
   (elastic skin: length tolerance grows with length). Computed for all edge pairs at once with numpy.
3. Root pairs: minutia pairs (probe i, candidate m) with the most compatible edges around them - local
   structures that look alike. The best ROOTS of them seed a crawl each.
4. Pairing crawl: from the root, follow compatible edges to pair neighbours greedily (best-supported first),
   never pairing a minutia twice; the pairing grows across the overlap like a consistent graph.
5. Score: the number of edges between paired minutiae that are compatible on both sides ("supported edges"),
   which grows fast for a true pairing (every pair is tied to several others) and stays low for a chance one.
   The best crawl's score is the comparison score. The threshold (MATCH_THRESHOLD) is calibrated on synthetic
   prints by fp_bench (see docs/fingerprints.md for the distributions, FMR and FNMR).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from fieldkit.biometrics.minutiae import Template

K_NEIGHBOURS = 9
MAX_EDGE_LENGTH = 200.0          # px: beyond this distortion makes an edge unreliable
LENGTH_TOLERANCE = 5.0           # px, plus LENGTH_TOLERANCE_SHARE of the length
LENGTH_TOLERANCE_SHARE = 0.06
ANGLE_TOLERANCE = np.radians(20.0)
ROOTS = 25
MATCH_THRESHOLD = 100.0          # supported edges; calibrated by fp_bench.bench_matcher (see docs)


@dataclass(frozen=True)
class Edges:
    src: np.ndarray
    dst: np.ndarray
    length: np.ndarray
    a_src: np.ndarray            # edge direction relative to the source minutia's direction
    a_dst: np.ndarray            # edge direction relative to the destination minutia's direction


def _wrap(angle: np.ndarray) -> np.ndarray:
    """Angle difference folded into [-pi, pi)."""
    return np.mod(angle + np.pi, 2 * np.pi) - np.pi


def edges_of(template: Template) -> Edges:
    """K-nearest-neighbour edges of a template (cached on the template)."""
    cached = template._cache.get("edges")
    if cached is not None:
        return cached
    n = len(template)
    if n < 2:
        empty = np.zeros(0, np.int32)
        result = Edges(empty, empty, *(np.zeros(0, np.float32) for _ in range(3)))
    else:
        points = np.column_stack([template.x, template.y])
        k = min(K_NEIGHBOURS + 1, n)
        dist, idx = cKDTree(points).query(points, k=k)
        src = np.repeat(np.arange(n), k - 1)
        dst = idx[:, 1:].ravel()
        length = dist[:, 1:].ravel()
        keep = length <= MAX_EDGE_LENGTH
        src, dst, length = src[keep], dst[keep], length[keep]
        direction = np.arctan2(template.y[dst] - template.y[src], template.x[dst] - template.x[src])
        result = Edges(src.astype(np.int32), dst.astype(np.int32), length.astype(np.float32),
                       _wrap(direction - template.angle[src]).astype(np.float32),
                       _wrap(direction - template.angle[dst]).astype(np.float32))
    template._cache["edges"] = result
    return result


def compatible_edges(probe: Edges, candidate: Edges) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (probe edge, candidate edge) whose length and both relative angles agree."""
    if probe.length.size == 0 or candidate.length.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    dl = np.abs(probe.length[:, None] - candidate.length[None, :])
    ok = dl <= LENGTH_TOLERANCE + LENGTH_TOLERANCE_SHARE * probe.length[:, None]
    ok &= np.abs(_wrap(probe.a_src[:, None] - candidate.a_src[None, :])) <= ANGLE_TOLERANCE
    ok &= np.abs(_wrap(probe.a_dst[:, None] - candidate.a_dst[None, :])) <= ANGLE_TOLERANCE
    return np.nonzero(ok)


@dataclass(frozen=True)
class MatchResult:
    score: float
    pairs: tuple[tuple[int, int], ...]     # (probe minutia, candidate minutia)


def _crawl(root, support, local, n_probe, n_cand):
    """Greedy pairing from `root`: best-supported neighbour pairs first, each minutia paired once."""
    probe_to_cand = np.full(n_probe, -1, np.int64)
    cand_used = np.zeros(n_cand, bool)
    heap = [(-local[root], root)]
    while heap:
        _, (i, m) = heapq.heappop(heap)
        if probe_to_cand[i] >= 0 or cand_used[m]:
            continue
        probe_to_cand[i] = m
        cand_used[m] = True
        for j, n in support.get((i, m), ()):
            if probe_to_cand[j] < 0 and not cand_used[n]:
                heapq.heappush(heap, (-local[(j, n)], (j, n)))
    return probe_to_cand


def match(probe: Template, candidate: Template) -> MatchResult:
    """Compare two templates; higher score = more likely the same finger (see MATCH_THRESHOLD)."""
    pe, ce = edges_of(probe), edges_of(candidate)
    pi, ci = compatible_edges(pe, ce)
    if pi.size == 0:
        return MatchResult(0.0, ())
    ps, pd, cs, cd = pe.src[pi], pe.dst[pi], ce.src[ci], ce.dst[ci]
    # both ends of a compatible edge pair support each other's pairing, in both directions
    support: dict[tuple[int, int], list[tuple[int, int]]] = {}
    local: dict[tuple[int, int], int] = {}
    for a, b, c, d in zip(ps.tolist(), cs.tolist(), pd.tolist(), cd.tolist()):
        support.setdefault((a, b), []).append((c, d))
        support.setdefault((c, d), []).append((a, b))
        local[(a, b)] = local.get((a, b), 0) + 1
        local[(c, d)] = local.get((c, d), 0) + 1
    roots = heapq.nlargest(ROOTS, local, key=local.__getitem__)
    best_score, best_map = -1.0, None
    seen_maps = set()
    for root in roots:
        mapping = _crawl(root, support, local, len(probe), len(candidate))
        key = mapping.tobytes()
        if key in seen_maps:
            continue
        seen_maps.add(key)
        supported = float(np.count_nonzero((mapping[ps] == cs) & (mapping[pd] == cd)))
        if supported > best_score:
            best_score, best_map = supported, mapping
    pairs = tuple((int(i), int(m)) for i, m in enumerate(best_map) if m >= 0)
    return MatchResult(best_score, pairs)


def match_score(probe: Template, candidate: Template) -> float:
    return match(probe, candidate).score


def is_match(score: float, threshold: float = MATCH_THRESHOLD) -> bool:
    return score >= threshold
