"""Benchmark `hub_load`: 200 simulated kits against 2 hub processes on a throw-away PostgreSQL.

`bench_hub_load()` starts PostgreSQL with packaging/test-postgres.sh (or uses `dsn`), runs
`fieldkit-hub serve --workers 2` as a real process, and drives it with `sync.hub.loadtest` twice:
1. a clean run: packets/s, MB/s, p50/p95/p99 time to signed receipt (goal >= 100 packets/s, p99 <= 2 s);
2. the same with one hub worker killed (SIGKILL) when half the packets are acknowledged; the supervisor
   starts a new one and the kits' sync clients resume: goal 0 lost, 0 duplicated.
Everything is removed afterwards. On 2 shared cores the load generator competes with the hub for CPU: the
figures are a floor for a dedicated hub machine. Run: `fieldkit bench --only hub_load`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sync.hub.loadtest import LoadPlan, LoadReport, run_loadtest

ROOT = Path(__file__).resolve().parents[2]
PG_SCRIPT = ROOT / "packaging" / "test-postgres.sh"
GOAL_PACKETS_PER_S = 100.0
GOAL_P99_S = 2.0


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL cluster of its own (packaging/test-postgres.sh), stopped and removed on exit."""
    work = Path(tempfile.mkdtemp(prefix="fk-hubload-pg-"))
    try:
        done = subprocess.run([str(PG_SCRIPT), "start", str(work)], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"could not start PostgreSQL: {done.stderr.strip()}")
        yield done.stdout.strip()
    finally:
        subprocess.run([str(PG_SCRIPT), "stop", str(work)], capture_output=True, timeout=120)
        shutil.rmtree(work, ignore_errors=True)


class HubProcess:
    """`fieldkit-hub serve --workers N` as a child process: its URL and its workers' pids."""

    def __init__(self, data: Path, db: str, workers: int):
        self.log = open(data.parent / "hub-serve.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync.hub_cli", "serve", "--data", str(data), "--db", db, "--port", "0",
             "--workers", str(workers)], stdout=subprocess.PIPE, stderr=self.log, text=True, cwd=ROOT)
        first = self.proc.stdout.readline()
        match = re.search(r"listening on (http://\S+)", first)
        if not match:
            self.stop()
            raise RuntimeError(f"hub did not start: {first!r}")
        self.url = match.group(1)
        self.workers = [int(self.proc.stdout.readline().split()[-1]) for _ in range(workers)]

    def live_workers(self) -> list[int]:
        """The supervisor's children now (a killed worker is replaced by a new pid)."""
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as fh:
                return sorted(int(pid) for pid in fh.read().split())
        except OSError:
            return []

    def kill_one_worker(self) -> int:
        pid = self.workers[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc.stdout.close()
        self.log.close()
        return self.proc.returncode


def load_hub(dsn: str, kits: int, packets: int, workers: int = 2, kill_midway: bool = False,
             max_seconds: float = 300.0) -> tuple[LoadReport, dict]:
    """One loadtest against a fresh hub (its own data directory) on `dsn`; (report, extra facts)."""
    from sync.hub.keys import load_or_create_hub_keys
    from sync.hub.open_storage import open_storage
    from sync.hub.service import HubService
    from sync.hub.verify import EnvelopeVerifier

    work = Path(tempfile.mkdtemp(prefix="fk-hubload-"))
    data = work / "hub"
    hub = None
    storage = None
    try:
        hub = HubProcess(data, dsn, workers)
        keys = load_or_create_hub_keys(data)
        storage = open_storage(data, dsn)
        service = HubService(storage, keys, EnvelopeVerifier())
        killed: list[int] = []
        midway = (lambda: killed.append(hub.kill_one_worker())) if kill_midway else None
        report = run_loadtest(LoadPlan(hub.url, kits, packets, max_seconds=max_seconds), service.issue_token,
                              lambda kit: [p.packet_id for p in storage.list_packets(kit)], midway=midway)
        return report, {"killed_worker_pids": killed, "workers_at_start": sorted(hub.workers),
                        "workers_at_end": hub.live_workers()}
    finally:
        if storage is not None:
            storage.close()
        if hub is not None:
            hub.stop()
        shutil.rmtree(work, ignore_errors=True)


def bench_hub_load(kits: int = 200, packets: int = 3, dsn: str | None = None) -> dict:
    def runs(db: str) -> dict:
        figures: dict = {"kits": kits, "packets_per_kit": packets, "hub_workers": 2,
                         "goal_packets_per_s": GOAL_PACKETS_PER_S, "goal_p99_s": GOAL_P99_S}
        for tag, kill in (("clean", False), ("killed", True)):
            # A fresh hub (new keys) per run, and a database belongs to one hub: a new database per run.
            with fresh_database(db, tag) as fresh:
                report, extra = load_hub(fresh, kits, packets, kill_midway=kill)
            for key in ("packets_per_s", "mb_per_s", "receipt_p50_s", "receipt_p95_s", "receipt_p99_s",
                        "refusals", "errors", "lost", "duplicated", "packets_acknowledged", "seconds"):
                figures[f"{key}_{tag}"] = getattr(report, key)
            if kill:
                figures["workers_killed"] = len(extra["killed_worker_pids"])
        print(f"hub_load: {figures['packets_per_s_clean']} packets/s, p99 {figures['receipt_p99_s_clean']} s; "
              f"with a worker killed: lost {figures['lost_killed']}, duplicated {figures['duplicated_killed']}",
              flush=True)
        return figures

    if dsn:
        return runs(dsn)
    with throwaway_postgres() as db:
        return runs(db)


def _url(params: dict) -> str:
    """A postgresql:// URL (what `fieldkit-hub --db` takes) from conninfo parameters."""
    from urllib.parse import quote

    auth = quote(params.get("user", ""), safe="")
    if params.get("password"):
        auth += ":" + quote(params["password"], safe="")
    host = params.get("host", "127.0.0.1")
    return f"postgresql://{auth + '@' if auth else ''}{host}:{params.get('port', '5432')}/{params['dbname']}"


@contextmanager
def fresh_database(dsn: str, tag: str) -> Iterator[str]:
    """A new database on the server of `dsn` (a hub's database belongs to one hub id), dropped afterwards."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"hubload_{tag}_{os.getpid()}_{time.monotonic_ns()}"
    params = {k: v for k, v in conninfo_to_dict(dsn).items() if k != "options"}  # no test search_path
    with psycopg.connect(make_conninfo(**params), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield _url(dict(params, dbname=name))
    finally:
        with psycopg.connect(make_conninfo(**params), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")



# ------------------------------------------------------------------------------------- 1 000 000 stored packets
# The statements the hub runs against `packets` while serving and exporting, each of which must use an index
# (the index each one is served by: INDEXES_USED, checked by tests/sync/test_hub_scale.py).
PACKET_QUERIES = {
    "get_packet": ("SELECT packet_id, receipt FROM packets WHERE kit_id = %s AND packet_id = %s",
                   ("kit-0000", "p-500000")),
    "find_packet": ("SELECT packet_id, kit_id, receipt FROM packets WHERE packet_id = %s", ("p-500000",)),
    "list_kit": ("SELECT packet_id, kit_id, sha256, size, received_at, route, receipt FROM packets WHERE kit_id = %s "
                 "ORDER BY received_at, packet_id", ("kit-0042",)),
    "export_page": ("SELECT packet_id, kit_id, sha256, size, received_at, route, receipt FROM packets "
                    "WHERE (received_at, kit_id, packet_id) > (%s, %s, %s) ORDER BY received_at, kit_id, packet_id "
                    "LIMIT 1000", (1_700_050_000, "kit-0000", "")),
}

# (a one-row look-up by (kit, packet id) may be served by the key or by the packet id index: both are fine)
INDEXES_USED = {"get_packet": ("packets_pkey", "packets_packet"), "find_packet": ("packets_packet",),
                "list_kit": ("packets_kit",), "export_page": ("packets_received",)}


def seq_scans(conn, sql: str, params: tuple) -> list[str]:
    """The lines of EXPLAIN that read the whole packets table (empty when an index serves the query)."""
    return [line for line in explain(conn, sql, params) if "Seq Scan on packets" in line]


def explain(conn, sql: str, params: tuple) -> list[str]:
    return [r[0] for r in conn.execute("EXPLAIN " + sql, params).fetchall()]


FILL_KITS = 1000


def _kit_of(i: int) -> str:
    """The kit fill_packets gave synthetic packet p-<i>."""
    return f"kit-{i % FILL_KITS:04d}"


def fill_packets(conn, rows: int, kits: int = FILL_KITS) -> None:
    """`rows` synthetic packet rows (no real envelopes: the metadata and a receipt-sized text each)."""
    conn.execute(
        "INSERT INTO packets (packet_id, kit_id, sha256, size, envelope, received_at, route, receipt) "
        "SELECT 'p-' || i, 'kit-' || lpad((i %% %s)::text, 4, '0'), md5(i::text) || md5((i + 1)::text), 250000, "
        "'\\x00'::bytea, 1700000000 + i / 10, 'network', repeat('r', 520) FROM generate_series(1, %s) AS i",
        (kits, rows))
    conn.execute("ANALYZE packets")


def bench_hub_packets(rows: int = 1_000_000, dsn: str | None = None) -> dict:
    """List/export/lookup timings with `rows` packets stored in PostgreSQL, and whether any reads the whole table."""
    import psycopg

    from sync.hub.storage_postgres import PostgresHubStorage

    def run(server: str) -> dict:
        with fresh_database(server, "rows") as db:
            return measure(db)

    def measure(db: str) -> dict:
        storage = PostgresHubStorage(db)
        try:
            with psycopg.connect(db, autocommit=True) as conn:
                started = time.perf_counter()
                fill_packets(conn, rows)
                figures: dict = {"rows": rows, "fill_s": round(time.perf_counter() - started, 1)}
                figures["seq_scans"] = sum(len(seq_scans(conn, sql, p)) for sql, p in PACKET_QUERIES.values())
            for name, call in (("get_packet", lambda: storage.get_packet(_kit_of(rows // 2), f"p-{rows // 2}")),
                               ("find_packet", lambda: storage.find_packets(f"p-{rows // 2}")),
                               ("list_kit", lambda: storage.list_packets("kit-0042")),
                               ("fates_500", lambda: storage.fates("kit-0042", [
                                   f"p-{i}" for i in range(42, 42 + 500 * FILL_KITS, FILL_KITS)]))):
                times = []
                for _ in range(5):
                    started = time.perf_counter()
                    call()
                    times.append(time.perf_counter() - started)
                figures[f"{name}_ms"] = round(sorted(times)[len(times) // 2] * 1000, 2)
            started = time.perf_counter()
            first = next(iter(storage.iter_packets(page=1000)))
            figures["export_first_row_ms"] = round((time.perf_counter() - started) * 1000, 2)
            started = time.perf_counter()
            count = sum(1 for _ in storage.iter_packets(page=5000))
            seconds = time.perf_counter() - started
            figures["export_walk_rows"] = count
            figures["export_walk_rows_per_s"] = round(count / seconds)
            if not first.packet_id or count != rows:
                raise RuntimeError(f"export walk saw {count} of {rows} rows")
            figures["list_kit_rows"] = len(storage.list_packets("kit-0042"))
        finally:
            storage.close()
        print(f"hub_packets: {rows} rows, list one kit ({figures['list_kit_rows']} rows) {figures['list_kit_ms']} ms, "
              f"export walk {figures['export_walk_rows_per_s']} rows/s, seq scans {figures['seq_scans']}", flush=True)
        return figures

    if dsn:
        return run(dsn)
    with throwaway_postgres() as db:
        return run(db)


if __name__ == "__main__":
    import json

    print(json.dumps(bench_hub_packets() if sys.argv[1:] == ['packets'] else bench_hub_load(), indent=2))
