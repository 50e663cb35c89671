"""FaceIndex: the vectorised search returns what a brute-force loop returns."""

from __future__ import annotations

import numpy as np
import pytest

from fieldkit.dedup.index import FaceIndex


@pytest.fixture
def gallery():
    rng = np.random.default_rng(7)
    vectors = rng.normal(0, 0.12, (500, 128)).astype(np.float32)
    index = FaceIndex(capacity=16)  # small on purpose: adding must grow it
    index.add_many([f"R{i}" for i in range(300)], vectors[:300])
    for i in range(300, 500):
        index.add(f"R{i}", vectors[i])
    return index, vectors


def _brute_force(vectors, ids, query, k):
    d = np.linalg.norm(vectors - query, axis=1)
    order = np.argsort(d)[:k]
    return [(ids[i], float(d[i])) for i in order]


def test_search_matches_brute_force(gallery):
    index, vectors = gallery
    query = vectors[42] + 0.01
    got = index.search(query, k=5)
    want = _brute_force(vectors, [f"R{i}" for i in range(500)], query, 5)
    assert [r for r, _ in got] == [r for r, _ in want]
    assert np.allclose([d for _, d in got], [d for _, d in want], atol=1e-4)


def test_exclude_and_max_distance(gallery):
    index, vectors = gallery
    hits = index.search(vectors[7], k=3, exclude="R7")
    assert "R7" not in [r for r, _ in hits] and len(hits) == 3
    assert index.search(vectors[7], k=3, max_distance=1e-3) == [("R7", pytest.approx(0.0, abs=1e-3))]


def test_replace_and_remove_keep_rows_consistent(gallery):
    index, vectors = gallery
    index.add("R3", vectors[400])  # re-enrolment replaces
    assert len(index) == 500
    assert index.remove("R0") and not index.remove("R0")
    assert "R0" not in index and len(index) == 499
    # R499 was moved into R0's row: it must still be found exactly
    assert index.search(vectors[499], k=1)[0][0] == "R499"
    assert {r for r, _ in index.search(vectors[400], k=2)} == {"R3", "R400"}


def test_bad_vectors_and_duplicate_bulk_ids_are_refused(gallery):
    index, _ = gallery
    with pytest.raises(ValueError):
        index.add("X", np.zeros(127))
    with pytest.raises(ValueError):
        index.add("X", np.full(128, np.nan))
    with pytest.raises(ValueError):
        index.add_many(["R1"], np.zeros((1, 128)))


def test_wipe_zeroes_the_matrix(gallery):
    index, _ = gallery
    matrix = index._matrix
    index.wipe()
    assert len(index) == 0 and not matrix.any()
    assert index.search(np.zeros(128), k=3) == []
