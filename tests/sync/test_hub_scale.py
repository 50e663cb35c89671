"""Several hub processes under load: `serve --workers`, `loadtest`, and exactly-once with a worker killed."""

from __future__ import annotations

import pytest

from sync.hub.loadtest import LoadPlan, LoadtestRefused, check_loopback
from sync.hub_cli import main as hub_main


def test_serve_refuses_several_workers_on_sqlite(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        hub_main(["serve", "--data", str(tmp_path / "hub"), "--workers", "2", "--port", "0"])
    assert "needs PostgreSQL" in str(exc.value.code) and "SQLite" in str(exc.value.code)


@pytest.mark.parametrize("url", ["http://10.0.0.5:8600", "http://hub.example.org", "http://0.0.0.0:1",
                                 "http://[2001:db8::1]:80", "ftp://127.0.0.1", "127.0.0.1:8600"])
def test_loadtest_stays_on_this_machine(url):
    with pytest.raises(LoadtestRefused):
        check_loopback(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8600", "http://127.8.9.10", "http://[::1]:80", "http://localhost:1"])
def test_loopback_targets_are_allowed(url):
    check_loopback(url)


@pytest.mark.parametrize("kits,packets,seconds", [(0, 1, 10), (1001, 1, 10), (1, 201, 10), (1000, 21, 10),
                                                  (1, 1, 0), (1, 1, 7200), (200, 21, 10)])
def test_loadtest_is_bounded(kits, packets, seconds):
    with pytest.raises(LoadtestRefused):
        LoadPlan("http://127.0.0.1:1", kits, packets, max_seconds=seconds).check()


def test_loadtest_cli_refuses_a_remote_hub_before_doing_anything(tmp_path):
    with pytest.raises(SystemExit) as exc:
        hub_main(["loadtest", "--data", str(tmp_path / "hub"), "--hub", "http://192.0.2.1:8600",
                  "--kits", "1", "--packets", "1"])
    assert "only targets a hub on this machine" in str(exc.value.code)
    assert not (tmp_path / "hub").exists()  # nothing was created


@pytest.mark.postgres
def test_one_worker_killed_under_load_loses_and_duplicates_nothing(pg_url):
    """2 hub processes (`serve --workers 2`), kits uploading; SIGKILL one worker when half the packets are
    acknowledged. The supervisor starts a new one, the kits resume: every packet acknowledged once, stored once."""
    from sync.hub.bench_load import load_hub

    report, extra = load_hub(pg_url, kits=6, packets=3, workers=2, kill_midway=True, max_seconds=120)
    assert len(extra["killed_worker_pids"]) == 1
    # The supervisor replaced the killed worker: still two, one of them new.
    assert len(extra["workers_at_end"]) == 2 and extra["killed_worker_pids"][0] not in extra["workers_at_end"]
    assert set(extra["workers_at_end"]) != set(extra["workers_at_start"])
    assert report.packets_acknowledged == report.packets_planned == 18
    assert report.stored_at_hub == 18
    assert report.lost == 0 and report.duplicated == 0 and report.refusals == 0
    assert not report.timed_out


@pytest.mark.postgres
def test_loadtest_cli_against_two_workers(pg_url, tmp_path, capsys):
    """The command end to end at a small size, as CI runs it: JSON report, exactly once, exit 0."""
    import json

    from sync.hub.bench_load import HubProcess

    data = tmp_path / "hub"
    hub = HubProcess(data, pg_url, workers=2)
    try:
        code = hub_main(["loadtest", "--data", str(data), "--db", pg_url, "--hub", hub.url, "--kits", "3",
                         "--packets", "2", "--json"])
        out = capsys.readouterr().out
    finally:
        assert hub.stop() == 0  # SIGTERM: every worker stopped gracefully
    report = json.loads(out)
    assert code == 0
    assert report["packets_acknowledged"] == report["stored_at_hub"] == 6
    assert report["lost"] == report["duplicated"] == 0
    assert report["packets_per_s"] > 0 and report["receipt_p99_s"] >= report["receipt_p50_s"] > 0


@pytest.mark.postgres
def test_packet_reads_of_list_export_and_lookup_use_indexes(pg_conninfo):
    """With sequential scans priced out, the planner still finds an index for every hub read of `packets`
    (a query with no usable index keeps its Seq Scan: the control below shows the check can fail)."""
    import psycopg

    from sync.hub.bench_load import INDEXES_USED, PACKET_QUERIES, explain, fill_packets, seq_scans
    from sync.hub.storage_postgres import PostgresHubStorage

    PostgresHubStorage(pg_conninfo).close()  # the schema, with its indexes
    with psycopg.connect(pg_conninfo, autocommit=True) as conn:
        fill_packets(conn, 5000, kits=50)
        conn.execute("SET enable_seqscan = off")
        for name, (sql, params) in PACKET_QUERIES.items():
            plan = "\n".join(explain(conn, sql, params))
            assert seq_scans(conn, sql, params) == [], plan
            assert any(f"Index Scan using {index}" in plan or f"Bitmap Index Scan on {index}" in plan
                       for index in INDEXES_USED[name]), plan
        assert seq_scans(conn, "SELECT packet_id FROM packets WHERE route = %s", ("usb",))  # control


def test_iter_packets_pages_through_everything_in_order(hub_storage):
    from sync.hub.storage import PacketRecord

    for i in range(23):
        hub_storage.store_packet(PacketRecord(f"p-{i:03d}", f"kit-{i % 3}", "0" * 64, 10, 1000 + i // 4, "network",
                                              "{}"), b"x")
    everything = list(hub_storage.iter_packets(page=5))
    assert [p.packet_id for p in everything] == [p.packet_id for p in
                                                 sorted(everything, key=lambda p: (p.received_at, p.kit_id, p.packet_id))]
    assert sorted(p.packet_id for p in everything) == [f"p-{i:03d}" for i in range(23)]
    one_kit = list(hub_storage.iter_packets("kit-1", page=2))
    assert [p.packet_id for p in one_kit] == [f"p-{i:03d}" for i in range(23) if i % 3 == 1]


def test_receipt_percentiles_are_nearest_rank():
    from sync.hub.loadtest import _percentile

    values = [float(v) for v in range(100, 0, -1)]  # unsorted on purpose
    assert (_percentile(values, 0.5), _percentile(values, 0.95), _percentile(values, 0.99)) == (50.0, 95.0, 99.0)
    assert _percentile([], 0.99) == 0.0 and _percentile([2.5], 0.5) == 2.5


@pytest.mark.postgres
def test_hub_load_benchmark_at_a_small_size():
    """`fieldkit bench --only hub_load` as CI runs it: small, on the CI PostgreSQL, both runs exactly once."""
    from sync.hub.bench_load import bench_hub_load
    from tests.sync.conftest import pg_dsn

    figures = bench_hub_load(kits=4, packets=2, dsn=pg_dsn())
    for run in ("clean", "killed"):
        assert figures[f"packets_acknowledged_{run}"] == 8
        assert figures[f"lost_{run}"] == 0 and figures[f"duplicated_{run}"] == 0
        assert figures[f"packets_per_s_{run}"] > 0
    assert figures["workers_killed"] == 1


@pytest.mark.postgres
def test_hub_packets_benchmark_at_a_small_size():
    from sync.hub.bench_load import bench_hub_packets
    from tests.sync.conftest import pg_dsn

    figures = bench_hub_packets(rows=20_000, dsn=pg_dsn())
    assert figures["seq_scans"] == 0 and figures["export_walk_rows"] == 20_000 and figures["list_kit_rows"] == 20


def test_loadtest_through_a_throttled_link_stays_under_the_link_rate(hub_service, hub_server):
    """--link-rate puts the hub behind the shared throttling proxy: the measured rate cannot beat the link,
    and every packet still arrives once (one process, on either storage)."""
    from sync.hub.loadtest import run_loadtest

    rate = 4_000_000  # bit/s
    report = run_loadtest(LoadPlan(hub_server.url, 2, 2, link_rate_bps=rate, max_seconds=60), hub_service.issue_token,
                          lambda kit: [p.packet_id for p in hub_service.storage.list_packets(kit)])
    assert report.exactly_once and report.stored_at_hub == 4 and report.refusals == 0
    assert report.mb_per_s * 8e6 <= rate * 1.05
    assert report.seconds >= 4 * 240_000 * 8 / rate * 0.9  # ~1.9 s of bytes at 4 Mbit/s
