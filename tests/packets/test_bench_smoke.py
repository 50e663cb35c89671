"""The benchmark functions run and report their figures (tiny sizes; no timing assertions)."""

from __future__ import annotations

from fieldkit.benchmarks.packets import bench_queue_list, bench_seal_enqueue


def test_seal_enqueue_bench_reports(capsys):
    out = bench_seal_enqueue(n=2, suites=("x25519",))
    assert out["x25519 seal+enqueue median_ms"] > 0 and out["x25519 packet_bytes"] > out["packet_plaintext_bytes"]
    assert all(isinstance(v, (int, float, str)) for v in out.values())  # flat, for `fieldkit bench`
    assert "seal+enqueue" in capsys.readouterr().out


def test_queue_list_bench_reports():
    out = bench_queue_list(records=2_000, repeats=2)
    assert {"pending_review newest 50 median_ms", "search 'tran' p95_ms"} <= set(out)
    assert out["all statuses, one day rows"] == 50
