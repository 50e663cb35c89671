"""The face-assessment benchmark runs and reports its figures (speed goals are judged by people, not here)."""

from __future__ import annotations

from fieldkit.benchmarks.face_assessment import GOAL_FPS, bench_face_assessment


def test_bench_reports_flat_figures(capsys):
    figures = bench_face_assessment(frames=4, sizes=((640, 480),))
    assert figures["goal_fps"] == GOAL_FPS
    for key in ("full_ms_median", "live_ms_mean", "live_ms_p95", "live_fps"):
        assert figures[f"640x480_{key}"] > 0
    assert all(not isinstance(v, dict) for v in figures.values())
    assert "face assessment 640x480" in capsys.readouterr().out
