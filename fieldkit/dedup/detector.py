"""Flag likely duplicates on save: the same person enrolled twice, by face and by fingerprints.

    detector = DuplicateDetector(store, fingerprint_comparator=fp_matcher.compare, fingerprint_threshold=40)
    candidates = detector.flag_duplicates("R-0042", encoding, {"2": template, ...})
    detector.enrol("R-0042", encoding, {"2": template, ...})   # after the supervisor's decision

Candidates go to the supervisor; nothing is merged or rejected automatically.

The fingerprint comparator is pluggable: any callable (probe template, gallery template) -> similarity
score, higher = more alike, with the threshold that goes with it. The kit plugs in the matcher from
fieldkit.biometrics.fp_matcher (branch fpquality); the face search needs no comparator. Prints are
compared position by position (a right index only against right indexes): N x fingers comparisons,
so the fingerprint pass costs what the matcher costs; the face pass is one matrix product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fieldkit.dedup.store import TemplateStore

FingerprintComparator = Callable[[bytes, bytes], float]

# dlib/face_recognition encodings: same person 0.19-0.29 in the shipped sample photos, different people
# 0.70; face_recognition's own tolerance is 0.6. Flags are for human review, but dlib is known to give
# smaller distances between different East Asian faces, so the default is stricter than 0.6 (chosen).
FACE_DISTANCE_THRESHOLD = 0.5


@dataclass(frozen=True)
class DuplicateCandidate:
    """One earlier record that may be the same person."""

    record_id: str
    modality: str  # "face" or "fingerprint"
    score: float  # similarity, higher = more alike: 1 - distance for faces, the comparator's score for prints
    threshold: float  # the score at or above which a candidate is flagged
    detail: str  # e.g. "distance 0.27" or "fp:2 score 57.0"


class DuplicateDetector:
    def __init__(self, store: TemplateStore, fingerprint_comparator: FingerprintComparator | None = None,
                 fingerprint_threshold: float | None = None, face_threshold: float = FACE_DISTANCE_THRESHOLD,
                 max_face_candidates: int = 10):
        if fingerprint_comparator is not None and fingerprint_threshold is None:
            raise ValueError("a fingerprint comparator needs its decision threshold")
        self.store = store
        self.compare = fingerprint_comparator
        self.fingerprint_threshold = fingerprint_threshold
        self.face_threshold = face_threshold
        self.max_face_candidates = max_face_candidates

    def flag_duplicates(self, record_id: str, face_encoding: np.ndarray | None,
                        fingerprint_templates: dict[str, bytes] | None = None) -> list[DuplicateCandidate]:
        """Earlier records that may be the same person: face hits (nearest first), then fingerprint hits."""
        found: list[DuplicateCandidate] = []
        if face_encoding is not None:
            found += self._face_candidates(record_id, face_encoding)
        if fingerprint_templates and self.compare is not None:
            found += self._fingerprint_candidates(record_id, fingerprint_templates)
        return found

    def enrol(self, record_id: str, face_encoding: np.ndarray | None,
              fingerprint_templates: dict[str, bytes] | None = None) -> None:
        """Keep this record's templates (encrypted on disk, in the in-memory gallery)."""
        if face_encoding is not None:
            self.store.put_face(record_id, face_encoding)
        if fingerprint_templates:
            self.store.put_fingerprints(record_id, fingerprint_templates)

    def _face_candidates(self, record_id: str, encoding: np.ndarray) -> list[DuplicateCandidate]:
        hits = self.store.search_faces(encoding, self.max_face_candidates, self.face_threshold, exclude=record_id)
        threshold = round(1 - self.face_threshold, 4)
        return [DuplicateCandidate(rid, "face", round(1 - d, 4), threshold, f"distance {d:.3f}") for rid, d in hits]

    def _fingerprint_candidates(self, record_id: str, probes: dict[str, bytes]) -> list[DuplicateCandidate]:
        probes = {(k if str(k).startswith("fp:") else f"fp:{k}"): v for k, v in probes.items()}
        best: dict[str, tuple[float, str]] = {}
        for other, kind, template in self.store.fingerprint_gallery(exclude=record_id):
            probe = probes.get(kind)
            if probe is None:
                continue
            score = float(self.compare(probe, template))  # type: ignore[misc]
            if score >= self.fingerprint_threshold and score > best.get(other, (-np.inf, ""))[0]:  # type: ignore[operator]
                best[other] = (score, kind)
        ranked = sorted(best.items(), key=lambda item: item[1][0], reverse=True)
        return [DuplicateCandidate(rid, "fingerprint", round(s, 4), float(self.fingerprint_threshold),  # type: ignore[arg-type]
                                   f"{kind} score {s:.1f}") for rid, (s, kind) in ranked]
