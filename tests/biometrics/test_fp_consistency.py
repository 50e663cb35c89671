"""Capture-consistency: a finger captured twice and swapped fingers are caught; a clean capture is not flagged."""

from __future__ import annotations

import pytest

from drivers.synthetic.fingerprints import synthesize_print, synthesize_slap
from fieldkit.biometrics.fp_consistency import check_capture, find_duplicates, finger_label_vi
from fieldkit.biometrics.minutiae import extract_minutiae
from fieldkit.domain.fingers import Slap

PERSON = "syn-a"       # shares cached masters with the other fingerprint tests


@pytest.fixture(scope="module")
def capture():
    rolled = {f: extract_minutiae(synthesize_print(PERSON, f, impression=3)) for f in (6, 1)}
    image, boxes = synthesize_slap(PERSON, int(Slap.TWO_THUMBS))
    segments = [extract_minutiae(image[y:y + h, x:x + w]) for _, (x, y, w, h) in boxes]
    return rolled, {int(Slap.TWO_THUMBS): segments}


def test_consistent_capture_has_no_findings(capture):
    rolled, slaps = capture
    assert check_capture(rolled, slaps) == []


def test_same_finger_twice_is_caught(capture):
    rolled, slaps = capture
    duplicated = {**rolled, 1: extract_minutiae(synthesize_print(PERSON, 6, impression=8))}
    findings = find_duplicates(duplicated)
    assert [(f.code, f.fingers) for f in findings] == [("same_finger_twice", (1, 6))]
    assert "ngón cái tay phải" in findings[0].vi and "right thumb" in findings[0].en


def test_swapped_fingers_are_caught(capture):
    rolled, slaps = capture
    swapped = {1: rolled[6], 6: rolled[1]}
    findings = check_capture(swapped, slaps)
    assert {f.code for f in findings} == {"wrong_hand"}        # the two thumbs are on different hands
    assert {f.fingers for f in findings} == {(6, 1), (1, 6)}


def test_images_are_accepted_as_well_as_templates():
    prints = {2: synthesize_print(PERSON, 2, impression=1), 3: synthesize_print(PERSON, 2, impression=2)}
    assert [f.code for f in check_capture(prints)] == ["same_finger_twice"]


def test_vietnamese_finger_names():
    assert finger_label_vi(4) == "ngón áp út tay phải" and finger_label_vi(10) == "ngón út tay trái"
