"""Every face check passes on a good real-face portrait and fails on its own synthetic defect."""

from __future__ import annotations

import numpy as np
import pytest

from fieldkit.quality import defects
from fieldkit.quality.checks import REASONS_BY_KEY
from fieldkit.quality.face import CHECK_ORDER, assess_face
from fieldkit.quality.landmarks import Face
from fieldkit.quality.samples import icao_portrait, real_photo
from fieldkit.quality.thresholds import THRESHOLDS


def _closed_eyes(image, face):
    return assess_face(image, faces=[Face(face.box, defects.closed_eyes_landmarks(face.landmarks))])


# name -> (make the defective image or assessment from (image, mask, face), check that must fail, reason key)
DEFECTS = {
    "no face": (lambda im, m, f: defects.no_face(im), "faces_found", "no_face"),
    "two faces": (lambda im, m, f: defects.second_face(im), "single_face", "single_face"),
    "eyes covered": (None, "eyes_visible", "eyes_covered"),
    "too small": (lambda im, m, f: defects.rescale_person(im, 0.6), "inter_eye", "closer"),
    "head turned": (lambda im, m, f: defects.turn_head(im), "yaw", "look_straight"),
    "head nodded": (lambda im, m, f: defects.nod_head(im, f.landmarks), "pitch", "look_straight"),
    "head tilted": (lambda im, m, f: defects.tilt_head(im, 15), "roll", "head_straight"),
    "eyes closed": (None, "eyes_open", "eyes_open"),
    "mouth open (real smile)": (lambda im, m, f: icao_portrait("astronaut").image, "mouth_closed", "mouth_closed"),
    "off centre": (lambda im, m, f: defects.shift(im, dx=0.12), "centred_x", "move_right"),
    "face too high": (lambda im, m, f: defects.shift(im, dy=-0.18), "eyes_height", "move_up"),
    "head too small": (lambda im, m, f: defects.rescale_person(im, 0.6), "head_size", "closer"),
    "head too big": (lambda im, m, f: defects.rescale_person(im, 1.35), "head_size", "farther"),
    "dark": (lambda im, m, f: defects.dark(im), "underexposure", "too_dark"),
    "over-exposed": (lambda im, m, f: defects.overexposed(im), "overexposure", "too_bright"),
    "uneven light": (lambda im, m, f: defects.uneven_light(im), "illumination_uniformity", "uneven_light"),
    "blur": (lambda im, m, f: defects.blur(im), "sharpness", "blurred"),
    "cluttered background": (lambda im, m, f: defects.cluttered_background(im, m), "background_uniformity", "background"),
}


def test_good_portrait_passes_every_check(good):
    assessment = assess_face(good[0])
    assert [c.code for c in assessment.checks] == list(CHECK_ORDER)
    assert [c.code for c in assessment.failed] == []
    assert assessment.acceptable and assessment.guidance() == ("", "")


def test_every_check_has_a_defect_in_the_table():
    assert {code for _, code, _ in DEFECTS.values()} == set(THRESHOLDS)


@pytest.mark.parametrize("name", list(DEFECTS))
def test_check_fails_on_its_own_defect(name, good, good_face):
    make, code, reason_key = DEFECTS[name]
    image, mask = good
    if name == "eyes covered":  # the detector finds no face with covered eyes: use the uncovered landmarks
        assessment = assess_face(defects.covered_eyes(image, good_face.landmarks), faces=[good_face])
    elif make is None:
        assessment = _closed_eyes(image, good_face)
    else:
        assessment = assess_face(make(image, mask, good_face))
    result = assessment.check(code)
    assert not result.passed, f"{code} passed on '{name}' with value {result.value}"
    assert not assessment.acceptable
    assert (result.reason_vi, result.reason_en) == REASONS_BY_KEY[reason_key]


def test_eyes_open_check_reads_the_landmarks(good, good_face):
    # The landmark-level defect is only meaningful if the untouched landmarks pass through the same path.
    assert assess_face(good[0], faces=[good_face]).check("eyes_open").passed
    assert not _closed_eyes(good[0], good_face).check("eyes_open").passed


def test_no_face_leaves_every_other_check_unevaluated(good):
    assessment = assess_face(defects.no_face(good[0]))
    assert assessment.faces_found == 0 and assessment.face is None
    assert all(not c.passed for c in assessment.checks)
    assert all(c.value is None for c in assessment.checks if c.code != "faces_found")


def test_turning_the_other_way_flips_the_sign_of_yaw(good):
    turned = defects.turn_head(good[0])
    left = assess_face(turned).pose.yaw
    right = assess_face(np.ascontiguousarray(turned[:, ::-1])).pose.yaw  # the mirror image turns the other way
    limit = THRESHOLDS["yaw"]
    assert left < limit.low and right > limit.high


def test_real_photos_as_shipped_are_not_icao_portraits():
    # The raw photos are real defects: the astronaut's face is far too small (43 px between the eyes).
    astronaut = assess_face(real_photo("astronaut"))
    assert not astronaut.check("inter_eye").passed and 40 < astronaut.check("inter_eye").value < 50
    grace = assess_face(real_photo("grace_hopper"))
    assert not grace.check("background_uniformity").passed  # a dark studio backdrop, not plain and light


def test_thresholds_table_names_a_source_for_every_limit():
    for code, limit in THRESHOLDS.items():
        assert limit.code == code and limit.unit and len(limit.source) > 10
        assert limit.low is not None or limit.high is not None


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="8-bit"):
        assess_face(np.zeros((10, 10, 3), dtype=np.float32))


def test_docs_show_the_thresholds_table_in_force():
    from pathlib import Path

    from fieldkit.quality.thresholds import thresholds_markdown_table

    doc = (Path(__file__).resolve().parents[2] / "docs" / "face-quality.md").read_text(encoding="utf-8")
    assert thresholds_markdown_table() in doc
