"""Benchmarks (functions that return flat dicts of figures, for `fieldkit bench`, and print them).

- bench_seal_enqueue(): approve = decrypt draft + sign + co-sign + HPKE-seal + durable enqueue + erase draft,
  per enrolment of realistic size (goal ≤ 50 ms).
- bench_queue_list(): a supervisor's list queries with 100 000 records in the database (goal ≤ 50 ms).
- bench_crash(): 1 000 SIGKILL trials of the crash harness.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from fieldkit.enrolment.capture_meta import CaptureMetadata

FACE_BYTES = 120_000  # a 1080p face crop as JPEG
PRINT_BYTES = 15_000  # one WSQ print at 500 ppi (~15:1)
PRINTS = 13  # 3 slaps (4-4-2) + 10 rolled


def _kit(root: Path, suite: str):
    from fieldkit.enrolment.crash_harness import PASSPHRASES, prepare_kit
    from fieldkit.enrolment.service import EnrolmentService
    from fieldkit.packets.envelope import generate_hub_keys
    from fieldkit.security import keystore
    from fieldkit.security.hub_keys import store_hub_keys
    from fieldkit.settings import load_settings
    prepare_kit(root)
    hub = generate_hub_keys(suite)
    store_hub_keys(root, hub_url="http://127.0.0.1:9", signing_public_key=hub[3], hpke_public_keys={suite: hub[1]},
                   signer=keystore.unlock(root, "tech", PASSPHRASES["tech"]))
    service = EnrolmentService(root, load_settings(root, environ={"FIELDKIT_HPKE_SUITE": suite}))
    return service, service.unlock("off", PASSPHRASES["off"]), service.unlock("sup", PASSPHRASES["sup"])


def _blobs(rng: random.Random) -> dict[str, bytes]:
    blobs = {"face.jpg": rng.randbytes(FACE_BYTES)}
    blobs.update({f"prints/{i:02d}.wsq": rng.randbytes(PRINT_BYTES) for i in range(PRINTS)})
    return blobs


def _flat(prefix: str, stats: dict) -> dict:
    return {f"{prefix} {key}": value for key, value in stats.items() if key != "n"}


def _stats(samples_s: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples_s)
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 2),
            "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2), "max_ms": round(ms[-1], 2)}


CAPTURE = CaptureMetadata(devices={"camera": "camera:sim:studio"})


def bench_seal_enqueue(n: int = 40, suites: tuple[str, ...] = ("x25519", "mlkem768-x25519")) -> dict:
    """Per-enrolment approve time (seal + durable enqueue), and the draft autosave time for comparison."""
    rng = random.Random(1)
    out = {"goal_ms": 50, "packet_plaintext_bytes": FACE_BYTES + PRINTS * PRINT_BYTES}
    for suite in suites:
        with tempfile.TemporaryDirectory() as tmp:
            service, off, sup = _kit(Path(tmp), suite)
            try:
                saves, approvals, sizes = [], [], []
                for i in range(n):
                    record = {"full_name": f"Nguyễn Văn {i}", "id_number": f"{rng.randrange(10**11, 10**12)}"}
                    t = time.perf_counter()
                    ref = off.save_draft(record, _blobs(rng), capture=CAPTURE)
                    saves.append(time.perf_counter() - t)
                    off.submit_for_review(ref.record_id)
                    t = time.perf_counter()
                    sup.approve(ref.record_id)
                    approvals.append(time.perf_counter() - t)
                sizes = [p.size for p in service.queue().next_packets_to_send(n)]
            finally:
                service.close()
        out.update(_flat(f"{suite} seal+enqueue", _stats(approvals)))
        out.update(_flat(f"{suite} draft save", _stats(saves)))
        out[f"{suite} packet_bytes"] = int(statistics.median(sizes))
    print(f"seal+enqueue: {out}")
    return out


def _fill(service, sup, records: int, pending_share: float, sessions: int, rng: random.Random) -> None:
    """Insert `records` rows in bulk: a share awaiting review (encrypted summary + search tokens), the rest
    sealed or acknowledged (no personal data left, as after approval)."""
    from fieldkit.enrolment import vault
    from fieldkit.store import search
    key, kid = bytes(sup.kit.data_key), sup.kit.kit_id
    skey = sup.kit.subkey("search tokens")
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vàng", "Lò", "Giàng", "Hà", "Đinh"]
    given = ["Văn An", "Thị Hoà", "Đức Minh", "Thị Mai", "A Sử", "Văn Pảo", "Thị Dợ", "Quỳnh Anh"]
    start = int(time.time() * 1000) - records * 1000
    rows, tokens = [], []
    for i in range(records):
        rid = str(uuid.UUID(int=rng.getrandbits(128)))
        created = start + i * 1000
        session = f"session-{i * sessions // records}"
        if rng.random() < pending_share:
            name = f"{rng.choice(surnames)} {rng.choice(given)}"
            summary = vault.seal_json(key, "summary", kid, rid, 1, {"name": name, "birth_date": "1990-01-01"})
            rows.append((rid, "pending_review", 1, session, "officer", created, created, summary, None))
            tokens += [(t, rid) for t in search.index_tokens(skey, [name])]
        else:
            status = "acknowledged" if rng.random() < 0.7 else "sealed"
            rows.append((rid, status, 1, session, "officer", created, created, None, str(uuid.uuid4())))

    def job(conn):
        conn.executemany("INSERT INTO records (id, status, version, session_id, officer_id, created_at, updated_at,"
                         " summary, packet_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT OR IGNORE INTO search_tokens (token, record_id) VALUES (?, ?)", tokens)
    service.store.write(job)
    service.store.write(lambda conn: conn.execute("ANALYZE"))  # planner statistics, as a kit gets over time


def bench_queue_list(records: int = 100_000, repeats: int = 30) -> dict:
    """Median/p95 ms of the supervisor's list queries (page of 50, names decrypted) at `records` records."""
    from fieldkit.enrolment.service import ReviewFilter
    rng = random.Random(2)
    with tempfile.TemporaryDirectory() as tmp:
        service, _off, sup = _kit(Path(tmp), "x25519")
        try:
            t = time.perf_counter()
            _fill(service, sup, records, pending_share=0.03, sessions=500, rng=rng)
            fill_s = time.perf_counter() - t
            day = int(time.time() * 1000) - records * 1000 + records * 500
            queries = {
                "pending_review newest 50": ReviewFilter(),
                "pending_review in one session": ReviewFilter(session_id="session-250"),
                "all statuses, one day": ReviewFilter(statuses=(), created_from=day, created_to=day + 86_400_000),
                "sealed, page 100": ReviewFilter(statuses=("sealed",), offset=5000),
                "search 'nguyen hoa'": ReviewFilter(search="nguyen hoa"),
                "search 'tran'": ReviewFilter(search="tran"),
            }
            results = {}
            for label, f in queries.items():
                samples, count = [], 0
                for _ in range(repeats):
                    t = time.perf_counter()
                    count = len(sup.list_for_review(f))
                    samples.append(time.perf_counter() - t)
                results.update(_flat(label, _stats(samples)))
                results[f"{label} rows"] = count
        finally:
            service.close()
    out = {"records": records, "fill_s": round(fill_s, 1), "goal_ms": 50, **results}
    print(f"queue list: {out}")
    return out


def bench_crash(trials: int = 1000) -> dict:
    from fieldkit.enrolment.crash_harness import run_trials
    with tempfile.TemporaryDirectory() as tmp:
        out = run_trials(Path(tmp), trials, seed=trials)
    problems = out.pop("problems")
    out["problems"] = len(problems)
    out["first_problem"] = problems[0] if problems else ""
    print(f"crash: {out}")
    return out


if __name__ == "__main__":
    which = sys.argv[1:] or ["seal", "list", "crash"]
    if "seal" in which:
        bench_seal_enqueue()
    if "list" in which:
        bench_queue_list()
    if "crash" in which:
        bench_crash()
