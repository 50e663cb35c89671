"""flag_duplicates: the same person enrolled twice is flagged, a different person is not."""

from __future__ import annotations

import numpy as np
import pytest

from fieldkit.dedup.detector import DuplicateDetector
from fieldkit.dedup.encoding import NoFaceError, face_encoding
from fieldkit.quality import defects
from fieldkit.quality.samples import real_photo


class FakePrintComparator:
    """TEST DOUBLE, not a fingerprint matcher: scores 100 for identical template bytes, else the share of
    equal bytes x 50. It stands in for fieldkit.biometrics.fp_matcher so the plumbing can be tested."""

    def __init__(self):
        self.calls = []

    def __call__(self, probe: bytes, gallery: bytes) -> float:
        self.calls.append((probe, gallery))
        if probe == gallery:
            return 100.0
        same = sum(a == b for a, b in zip(probe, gallery))
        return 50.0 * same / max(len(probe), len(gallery), 1)


def test_same_person_is_flagged_and_a_different_person_is_not(store, encodings):
    detector = DuplicateDetector(store)
    detector.enrol("R-astronaut", encodings["astronaut"])
    detector.enrol("R-grace", encodings["grace_hopper"])
    flagged = detector.flag_duplicates("R-new", encodings["astronaut_again"])
    assert [(c.record_id, c.modality) for c in flagged] == [("R-astronaut", "face")]
    assert flagged[0].score >= flagged[0].threshold
    assert "distance" in flagged[0].detail


def test_a_record_is_never_its_own_duplicate(store, encodings):
    detector = DuplicateDetector(store)
    detector.enrol("R-astronaut", encodings["astronaut"])
    assert detector.flag_duplicates("R-astronaut", encodings["astronaut"]) == []


def test_real_distances_sit_on_the_right_side_of_the_threshold(encodings):
    d_same = float(np.linalg.norm(encodings["astronaut"] - encodings["astronaut_again"]))
    d_other = float(np.linalg.norm(encodings["astronaut"] - encodings["grace_hopper"]))
    from fieldkit.dedup.detector import FACE_DISTANCE_THRESHOLD

    assert d_same < FACE_DISTANCE_THRESHOLD < d_other


def test_fingerprint_comparator_plugs_in(store, encodings):
    compare = FakePrintComparator()
    detector = DuplicateDetector(store, fingerprint_comparator=compare, fingerprint_threshold=60)
    detector.enrol("R-1", encodings["grace_hopper"], {"2": b"print-A-right-index", "7": b"print-A-left-index"})
    detector.enrol("R-2", None, {"2": b"print-B-right-index"})
    # a new applicant with a different face but R-1's right index print
    flagged = detector.flag_duplicates("R-3", encodings["astronaut"], {"2": b"print-A-right-index"})
    assert [(c.record_id, c.modality) for c in flagged] == [("R-1", "fingerprint")]
    assert flagged[0].score == 100.0 and "fp:2" in flagged[0].detail
    # only the same finger position is compared: one probe (fp:2) x two gallery prints at fp:2
    assert len(compare.calls) == 2


def test_comparator_without_threshold_is_refused(store):
    with pytest.raises(ValueError, match="threshold"):
        DuplicateDetector(store, fingerprint_comparator=FakePrintComparator())


def test_no_face_is_a_clear_error():
    with pytest.raises(NoFaceError):
        face_encoding(defects.no_face(real_photo("astronaut")))


@pytest.fixture(scope="module")
def print_templates():
    """Minutiae templates of synthetic prints (branch fpquality): two presses of one finger, one of another person."""
    from drivers.synthetic.fingerprints import synthesize_print
    from fieldkit.biometrics.minutiae import extract_minutiae

    return {
        "a_first": extract_minutiae(synthesize_print("syn-dup-a", 2, impression=0)).to_bytes(),
        "a_again": extract_minutiae(synthesize_print("syn-dup-a", 2, impression=1)).to_bytes(),
        "b": extract_minutiae(synthesize_print("syn-dup-b", 2, impression=0)).to_bytes(),
    }


def test_kit_matcher_flags_the_same_finger_enrolled_under_another_name(store, encodings, print_templates):
    from fieldkit.dedup.fingerprints import minutiae_comparator

    compare, threshold = minutiae_comparator()
    detector = DuplicateDetector(store, fingerprint_comparator=compare, fingerprint_threshold=threshold)
    detector.enrol("R-a", encodings["grace_hopper"], {"2": print_templates["a_first"]})
    detector.enrol("R-b", None, {"2": print_templates["b"]})
    flagged = detector.flag_duplicates("R-new", encodings["astronaut"], {"2": print_templates["a_again"]})
    assert [(c.record_id, c.modality) for c in flagged] == [("R-a", "fingerprint")]
    assert flagged[0].score >= threshold
