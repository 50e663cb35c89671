"""The benchmark functions run and report their figures (tiny sizes; no timing assertions)."""

from __future__ import annotations

from fieldkit.packets.bench import bench_queue_list, bench_seal_enqueue


def test_seal_enqueue_bench_reports(capsys):
    out = bench_seal_enqueue(n=2, suites=("x25519",))
    assert out["x25519"]["seal_enqueue"]["n"] == 2 and out["x25519"]["packet_bytes"] > out["packet_plaintext_bytes"]
    assert "seal+enqueue" in capsys.readouterr().out


def test_queue_list_bench_reports():
    out = bench_queue_list(records=2_000, repeats=2)
    assert set(out["queries"]) >= {"pending_review newest 50", "search 'tran'"}
    assert out["queries"]["all statuses, one day"]["rows"] == 50
