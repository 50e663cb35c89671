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
   Size normalisation: chance support grows with both templates' sizes while true support grows with the
   overlap, so the count is scaled by REFERENCE_MINUTIAE / sqrt(n_probe * n_candidate), clamped to
   [.., MAX_SIZE_BOOST] so a tiny template is never inflated into a match. This lets one threshold serve a
   480 x 400 enrolment print and a 256 x 288 module window alike. The threshold (MATCH_THRESHOLD) is calibrated on synthetic
   prints by fieldkit.benchmarks.fingerprints (see docs/fingerprints.md for the distributions, FMR and FNMR).
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
REFERENCE_MINUTIAE = 70.0        # a plain 480 x 400 print at 500 ppi
MAX_SIZE_BOOST = 1.5
MATCH_THRESHOLD = 100.0          # supported edges; calibrated by benchmarks.fingerprints.bench_matcher (see docs)


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
    """Index pairs (probe edge, candidate edge) whose length and both relative angles agree.

    Length is checked on the full matrix (one subtraction); angles only on the survivors, as
    cos(a - b) >= cos(tolerance), which needs no wrapping.
    """
    if probe.length.size == 0 or candidate.length.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    tolerance = LENGTH_TOLERANCE + LENGTH_TOLERANCE_SHARE * probe.length[:, None]
    pi, ci = np.nonzero(np.abs(probe.length[:, None] - candidate.length[None, :]) <= tolerance)
    limit = np.cos(ANGLE_TOLERANCE)
    ok = np.cos(probe.a_src[pi] - candidate.a_src[ci]) >= limit
    ok &= np.cos(probe.a_dst[pi] - candidate.a_dst[ci]) >= limit
    return pi[ok], ci[ok]


@dataclass(frozen=True)
class MatchResult:
    score: float
    pairs: tuple[tuple[int, int], ...]     # (probe minutia, candidate minutia)


@dataclass(frozen=True)
class _SupportGraph:
    """Pair (i, m) -> pairs (j, n) reachable over a compatible edge, as sorted arrays (CSR), keys i * n_cand + m."""

    start: np.ndarray        # first row of each key in `targets`
    stop: np.ndarray
    targets: np.ndarray      # neighbour pair keys
    local: np.ndarray        # compatible edges around each pair (local similarity)


def _support_graph(ps, pd, cs, cd, n_probe: int, n_cand: int) -> _SupportGraph:
    a, b = ps * n_cand + cs, pd * n_cand + cd          # both ends of each compatible edge pair
    keys, targets = np.concatenate([a, b]), np.concatenate([b, a])
    order = np.argsort(keys, kind="stable")
    keys, targets = keys[order], targets[order]
    size = n_probe * n_cand
    start = np.searchsorted(keys, np.arange(size), side="left")
    stop = np.searchsorted(keys, np.arange(size), side="right")
    return _SupportGraph(start, stop, targets, (stop - start).astype(np.int64))


def _crawl(root: int, graph: _SupportGraph, n_probe: int, n_cand: int) -> np.ndarray:
    """Greedy pairing from `root`: best-supported neighbour pairs first, each minutia paired once."""
    probe_to_cand = np.full(n_probe, -1, np.int64)
    probe_used = [False] * n_probe
    cand_used = [False] * n_cand
    local, start, stop, targets = graph.local, graph.start, graph.stop, graph.targets
    heap = [(-int(local[root]), root)]
    while heap:
        _, key = heapq.heappop(heap)
        i, m = divmod(key, n_cand)
        if probe_used[i] or cand_used[m]:
            continue
        probe_used[i] = cand_used[m] = True
        probe_to_cand[i] = m
        for nxt in targets[start[key]:stop[key]].tolist():
            j, n = divmod(nxt, n_cand)
            if not probe_used[j] and not cand_used[n]:
                heapq.heappush(heap, (-int(local[nxt]), nxt))
    return probe_to_cand


def match(probe: Template, candidate: Template) -> MatchResult:
    """Compare two templates; higher score = more likely the same finger (see MATCH_THRESHOLD)."""
    pe, ce = edges_of(probe), edges_of(candidate)
    pi, ci = compatible_edges(pe, ce)
    if pi.size == 0:
        return MatchResult(0.0, ())
    n_probe, n_cand = len(probe), len(candidate)
    ps, pd, cs, cd = pe.src[pi], pe.dst[pi], ce.src[ci], ce.dst[ci]
    graph = _support_graph(ps, pd, cs, cd, n_probe, n_cand)
    candidates = np.flatnonzero(graph.local)
    roots = candidates[np.argsort(-graph.local[candidates], kind="stable")[:ROOTS]]
    best_score, best_map = -1.0, None
    for root in roots.tolist():
        i, m = divmod(root, n_cand)
        if best_map is not None and best_map[i] == m:
            continue          # already inside the best pairing: crawling from it again finds the same
        mapping = _crawl(root, graph, n_probe, n_cand)
        supported = float(np.count_nonzero((mapping[ps] == cs) & (mapping[pd] == cd)))
        if supported > best_score:
            best_score, best_map = supported, mapping
    pairs = tuple((int(i), int(m)) for i, m in enumerate(best_map) if m >= 0)
    scale = min(MAX_SIZE_BOOST, REFERENCE_MINUTIAE / np.sqrt(n_probe * n_cand))
    return MatchResult(round(best_score * scale, 1), pairs)


def match_score(probe: Template, candidate: Template) -> float:
    return match(probe, candidate).score


def is_match(score: float, threshold: float = MATCH_THRESHOLD) -> bool:
    return score >= threshold
