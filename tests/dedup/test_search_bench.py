"""The 1:N benchmark builds its gallery, finds the real probe's own record first and reports figures."""

from __future__ import annotations

from fieldkit.benchmarks.face_search import bench_face_search


def test_bench_finds_the_real_probe_among_synthetic_templates(capsys, encodings):
    figures = bench_face_search(n=5_000, queries=6, real_encodings=encodings)
    assert figures["templates"] == 5_000
    assert figures["real_probe_top1"] == "R-astronaut" and figures["real_probe_distance"] < 0.5
    assert figures["query_ms_median"] > 0 and figures["goal_ms"] == 20.0
    assert "1:N face search over 5000 templates" in capsys.readouterr().out
