"""In-memory 1:N face search: one float32 matrix, one matrix-vector product per query.

Distances are plain Euclidean distances between face_recognition encodings, the scale on which dlib's
model was calibrated (face_recognition's tolerance 0.6; same person in the sample photos 0.19-0.29,
different people 0.70). The encodings are not unit vectors (norms ~1.4), so instead of normalising them,
which would change that scale, the index keeps each row's squared norm and computes
    |q - x|^2 = |q|^2 + |x|^2 - 2 q.x
for all rows at once: the same cost as a cosine search (one GEMV over 100 000 x 128 float32, ~51 MB).

Not thread-safe by itself: the owner (TemplateStore) serialises access.
"""

from __future__ import annotations

import numpy as np

from fieldkit.dedup.encoding import ENCODING_DIM


class FaceIndex:
    """record id -> encoding, with vectorised nearest-neighbour search."""

    def __init__(self, capacity: int = 1024, dim: int = ENCODING_DIM):
        self.dim = dim
        self._matrix = np.zeros((max(capacity, 1), dim), dtype=np.float32)
        self._sq_norms = np.zeros(max(capacity, 1), dtype=np.float32)
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, record_id: str) -> bool:
        return record_id in self._rows

    def _grow(self, needed: int) -> None:
        if needed <= len(self._matrix):
            return
        capacity = max(needed, 2 * len(self._matrix))
        matrix = np.zeros((capacity, self.dim), dtype=np.float32)
        matrix[: len(self)] = self._matrix[: len(self)]
        norms = np.zeros(capacity, dtype=np.float32)
        norms[: len(self)] = self._sq_norms[: len(self)]
        self._matrix.fill(0)  # the old copy held templates: do not leave it to the allocator as is
        self._matrix, self._sq_norms = matrix, norms

    def add(self, record_id: str, encoding: np.ndarray) -> None:
        """Add or replace the encoding of `record_id`."""
        vec = np.asarray(encoding, dtype=np.float32).reshape(-1)
        if vec.size != self.dim or not np.all(np.isfinite(vec)):
            raise ValueError(f"expected {self.dim} finite values")
        row = self._rows.get(record_id)
        if row is None:
            self._grow(len(self) + 1)
            row = len(self._ids)
            self._ids.append(record_id)
            self._rows[record_id] = row
        self._matrix[row] = vec
        self._sq_norms[row] = float(vec @ vec)

    def add_many(self, record_ids: list[str], encodings: np.ndarray) -> None:
        """Bulk add of new ids (unlock, benchmarks): one copy instead of one per row."""
        encodings = np.asarray(encodings, dtype=np.float32).reshape(len(record_ids), self.dim)
        if any(r in self._rows for r in record_ids) or len(set(record_ids)) != len(record_ids):
            raise ValueError("add_many takes new, distinct record ids")
        start = len(self)
        self._grow(start + len(record_ids))
        self._matrix[start:start + len(record_ids)] = encodings
        self._sq_norms[start:start + len(record_ids)] = np.einsum("ij,ij->i", encodings, encodings)
        for offset, record_id in enumerate(record_ids):
            self._ids.append(record_id)
            self._rows[record_id] = start + offset

    def remove(self, record_id: str) -> bool:
        """Drop a record (its row is overwritten by the last one, then zeroed)."""
        row = self._rows.pop(record_id, None)
        if row is None:
            return False
        last = len(self._ids) - 1
        if row != last:
            moved = self._ids[last]
            self._matrix[row], self._sq_norms[row] = self._matrix[last], self._sq_norms[last]
            self._ids[row] = moved
            self._rows[moved] = row
        self._matrix[last] = 0
        self._sq_norms[last] = 0
        self._ids.pop()
        return True

    def search(self, encoding: np.ndarray, k: int = 5, max_distance: float | None = None,
               exclude: str | None = None) -> list[tuple[str, float]]:
        """The k nearest records as (record id, distance), nearest first, optionally within max_distance."""
        n = len(self)
        if n == 0 or k <= 0:
            return []
        q = np.asarray(encoding, dtype=np.float32).reshape(-1)
        sq = self._sq_norms[:n] + float(q @ q) - 2.0 * (self._matrix[:n] @ q)
        take = min(k + (1 if exclude is not None else 0), n)
        nearest = np.argpartition(sq, take - 1)[:take] if take < n else np.arange(n)
        nearest = nearest[np.argsort(sq[nearest])]
        out = []
        for row in nearest:
            record_id, distance = self._ids[row], float(np.sqrt(max(sq[row], 0.0)))
            if record_id == exclude:
                continue
            if max_distance is not None and distance > max_distance:
                break
            out.append((record_id, distance))
        return out[:k]

    def wipe(self) -> None:
        """Zero every template in memory and forget the ids (on lock and purge)."""
        self._matrix.fill(0)
        self._sq_norms.fill(0)
        self._ids.clear()
        self._rows.clear()
