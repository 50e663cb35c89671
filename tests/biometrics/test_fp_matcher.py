"""Minutiae extraction and matching on synthetic prints: same finger above the threshold, others below."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.synthetic.fingerprints import downsample_for_uart, synthesize_print
from fieldkit.benchmarks.fingerprints import equal_error_rate, error_rates
from fieldkit.biometrics.fp_matcher import MATCH_THRESHOLD, is_match, match, match_score
from fieldkit.biometrics.minutiae import BIFURCATION, ENDING, Template, TemplateError, crossing_numbers, extract_minutiae


@pytest.fixture(scope="module")
def templates():
    """Two people x two fingers x two impressions (+ a rotated press)."""
    out = {(p, f, i): extract_minutiae(synthesize_print(("syn-a", "syn-b")[p], f, impression=i))
           for p in (0, 1) for f in (2, 7) for i in (0, 1)}
    out["rotated"] = extract_minutiae(synthesize_print("syn-a", 2, condition="rotated", impression=5))
    return out


def test_crossing_number_finds_endings_and_bifurcations():
    skeleton = np.zeros((9, 9), bool)
    skeleton[4, 1:8] = True          # a horizontal line ...
    skeleton[1:4, 4] = True          # ... with a branch going up from its middle
    cn = crossing_numbers(skeleton)
    assert cn[4, 1] == ENDING and cn[4, 7] == ENDING and cn[1, 4] == ENDING
    assert cn[4, 4] == BIFURCATION
    assert cn[4, 2] == 2             # an ordinary ridge pixel


def test_prints_yield_a_plausible_number_of_minutiae(templates):
    counts = [len(t) for key, t in templates.items()]
    assert all(25 <= c <= 150 for c in counts)
    t = templates[(0, 2, 0)]
    assert (t.x >= 0).all() and (t.x < t.width).all() and (t.y < t.height).all()
    assert set(np.unique(t.type)) <= {ENDING, BIFURCATION}


def test_no_finger_has_no_minutiae():
    assert len(extract_minutiae(synthesize_print("syn-a", 2, condition="no_finger"))) == 0


def test_template_bytes_round_trip_and_reject_garbage(templates):
    t = templates[(0, 2, 0)]
    data = t.to_bytes()
    assert len(data) == 10 + 6 * len(t)
    back = Template.from_bytes(data)
    assert np.array_equal(back.x, t.x) and np.array_equal(back.type, t.type)
    assert np.abs(np.angle(np.exp(1j * (back.angle - t.angle)))).max() < 2 * np.pi / 256
    assert match_score(back, t) >= MATCH_THRESHOLD
    with pytest.raises(TemplateError):
        Template.from_bytes(b"JUNK" + data[4:])
    with pytest.raises(TemplateError):
        Template.from_bytes(data[:-3])


def test_impressions_of_one_finger_match(templates):
    for p in (0, 1):
        for f in (2, 7):
            assert is_match(match_score(templates[(p, f, 0)], templates[(p, f, 1)]))
    assert is_match(match_score(templates[(0, 2, 0)], templates["rotated"]))


def test_different_fingers_and_people_do_not_match(templates):
    firsts = [k for k in templates if k != "rotated" and k[2] == 0]
    for a in firsts:
        for b in firsts:
            if a < b:
                assert match_score(templates[a], templates[b]) < MATCH_THRESHOLD, (a, b)


def test_pairs_are_one_to_one(templates):
    result = match(templates[(0, 2, 0)], templates[(0, 2, 1)])
    probes, cands = zip(*result.pairs)
    assert len(set(probes)) == len(probes) and len(set(cands)) == len(cands)
    assert len(result.pairs) >= 15


def test_uart_windows_of_one_finger_match():
    a = extract_minutiae(downsample_for_uart(synthesize_print("syn-a", 2, impression=3)))
    b = extract_minutiae(downsample_for_uart(synthesize_print("syn-a", 2, impression=4)))
    assert is_match(match_score(a, b))


def test_empty_templates_score_zero(templates):
    empty = extract_minutiae(synthesize_print("syn-a", 2, condition="no_finger"))
    assert match_score(empty, templates[(0, 2, 0)]) == 0.0


def test_error_rate_helpers():
    genuine, impostor = np.array([50.0, 60, 70]), np.array([10.0, 20, 55])
    assert error_rates(genuine, impostor, 55) == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    eer, threshold = equal_error_rate(genuine, impostor)
    assert eer == pytest.approx(1 / 3) and 50 < threshold <= 60
    assert equal_error_rate(np.array([90.0]), np.array([10.0]))[0] == 0.0


def test_bench_matcher_reports_rates_and_timings():
    from fieldkit.benchmarks.fingerprints import bench_matcher

    result = bench_matcher(people=2, fingers=(2,), impressions=2, verbose=False)
    assert result["genuine"]["n"] == 2 and result["impostor"]["n"] == 1
    assert result["fmr"] == 0.0 and result["fnmr"] == 0.0
    assert result["compare_ms_mean"] > 0 and result["extract_ms_mean"] > 0
    assert result["genuine"]["min"] > result["impostor"]["max"]
