"""Fingerprint quality: good prints pass, each defect fails with a reason an officer can act on."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.synthetic.fingerprints import synthesize_print
from fieldkit.biometrics.fp_enhance import FingerprintImageError
from fieldkit.biometrics.fp_quality import FEATURES, assess_print, best_of_tries, goodness
from fieldkit.settings import BY_NAME

MINIMUM = BY_NAME["fingerprint_quality_min"].default


@pytest.fixture(scope="module")
def reports():
    return {c: assess_print(synthesize_print("syn-a", 3, condition=c, impression=2))
            for c in ("good", "dry", "wet", "smudged", "partial", "rotated", "no_finger")}


def test_good_and_rotated_prints_pass_clearly(reports):
    for condition in ("good", "rotated"):
        assert reports[condition].score >= MINIMUM + 30
        assert reports[condition].acceptable and reports[condition].reasons == []


@pytest.mark.parametrize("condition, reason", [("dry", "faint"), ("smudged", "smudged"), ("partial", "small_area"),
                                               ("no_finger", "no_finger")])
def test_defects_score_below_the_minimum_with_their_reason(reports, condition, reason):
    report = reports[condition]
    assert report.score < MINIMUM and not report.acceptable
    assert reason in [r.code for r in report.reasons]
    assert all(r.vi and r.en for r in report.reasons)


def test_quality_orders_good_above_defects(reports):
    assert reports["good"].score > max(reports[c].score for c in ("dry", "wet", "smudged", "partial", "no_finger"))


def test_every_feature_reports_value_and_low_features_say_why(reports):
    report = reports["dry"]
    names = [f.name for f in report.features]
    assert [s.name for s in FEATURES] == names[:len(FEATURES)]
    assert "foreground_area" in names
    low = [f for f in report.features if not f.ok]
    assert low and all(f.reason is not None for f in low)
    assert report.to_dict()["features"][0]["value"] == pytest.approx(report.features[0].value)


def test_goodness_is_linear_between_anchors():
    spec = FEATURES[0]
    assert goodness(spec, spec.bad) == 0.0 and goodness(spec, spec.good) == 1.0
    assert goodness(spec, (spec.bad + spec.good) / 2) == pytest.approx(0.5)


def test_best_of_tries_keeps_the_best_and_stops_when_one_passes(reports):
    outcome = best_of_tries([reports["dry"], reports["good"], reports["smudged"]])
    assert outcome.best_index == 1 and outcome.accepted and not outcome.may_retry
    first_two_bad = best_of_tries([reports["dry"], reports["smudged"]])
    assert not first_two_bad.accepted and first_two_bad.may_retry
    all_bad = best_of_tries([reports["dry"], reports["smudged"], reports["no_finger"]], max_tries=3)
    assert not all_bad.accepted and not all_bad.may_retry
    assert all_bad.best is max((reports["dry"], reports["smudged"], reports["no_finger"]), key=lambda r: r.score)
    with pytest.raises(ValueError):
        best_of_tries([])


def test_minimum_comes_from_the_caller(reports):
    strict = assess_print(synthesize_print("syn-a", 3, impression=2), minimum=101)
    assert not strict.acceptable and strict.score == reports["good"].score


def test_non_images_are_refused():
    with pytest.raises(FingerprintImageError):
        assess_print(np.zeros((10, 10), np.uint8))
    with pytest.raises(FingerprintImageError):
        assess_print("not an image")


def test_docs_show_the_feature_table_as_the_code_has_it():
    from pathlib import Path

    from fieldkit.biometrics.fp_quality import REASONS, features_markdown_table

    doc = (Path(__file__).resolve().parents[2] / "docs" / "fingerprints.md").read_text(encoding="utf-8")
    assert features_markdown_table() in doc
    for reason in REASONS.values():
        assert reason.vi in doc and reason.en in doc


def test_limits_come_from_settings():
    from fieldkit.biometrics.fp_quality import limits_from_settings
    from fieldkit.settings import load_settings

    settings = load_settings(None, environ={"FIELDKIT_FINGERPRINT_QUALITY_MIN": "55", "FIELDKIT_FINGERPRINT_MAX_TRIES": "2"})
    assert limits_from_settings(settings) == (55, 2)
    assert limits_from_settings(load_settings(None, environ={})) == (MINIMUM, 3)
