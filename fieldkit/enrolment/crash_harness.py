"""Crash harness: SIGKILL a process at random points while it enrols, submits, approves and seals; then check
that nothing acknowledged as durable was lost, nothing was duplicated, and the database is intact.

A zygote process (`python -c "from fieldkit.enrolment.crash_harness import zygote; zygote()"`) imports
everything once and forks one worker per trial, so a trial costs a fork, not an interpreter start. The
worker writes one ack line after every call that returned (i.e. is durable) to an append-only file; the
parent kills it after a random delay and checks the database against the acks.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from fieldkit.store.queue import packet_records

RANK = {"draft": 0, "captured": 0, "pending_review": 1, "approved": 2, "sealed": 3}
PASSPHRASES = {"off": "officer-crash-1", "sup": "supervisor-crash-1", "tech": "technician-crash-1"}


def prepare_kit(data_dir: Path) -> bytes:
    """A kit with an officer and a supervisor (fast KDF), provisioned with a fresh hub; the hub private key."""
    from fieldkit.packets.envelope import generate_hub_keys
    from fieldkit.security import keystore
    from fieldkit.security.crypto import FAST_TEST_KDF
    from fieldkit.security.hub_keys import store_hub_keys
    tech = keystore.init_kit(data_dir, "tech", "technician", PASSPHRASES["tech"], FAST_TEST_KDF)
    keystore.add_user(tech, "off", "officer", PASSPHRASES["off"], FAST_TEST_KDF)
    keystore.add_user(tech, "sup", "supervisor", PASSPHRASES["sup"], FAST_TEST_KDF)
    hub = generate_hub_keys("x25519")
    store_hub_keys(data_dir, hub_url="http://127.0.0.1:9", signing_public_key=hub[3], hpke_public_keys={"x25519": hub[1]},
                   signer=tech)
    from fieldkit.store.store import Store
    Store(data_dir).close()  # migrated before the first kill
    return hub[0]


def worker(data_dir: str, ack_path: str, seed: int) -> None:
    """Enrol, edit, submit and approve forever, acking each durable step. Only SIGKILL ends it."""
    from fieldkit.enrolment.service import EnrolmentService, ReviewFilter
    rng = random.Random(seed)
    ack = os.open(ack_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def say(*words) -> None:
        os.write(ack, (" ".join(str(w) for w in words) + "\n").encode())

    service = EnrolmentService(Path(data_dir))
    off = service.unlock("off", PASSPHRASES["off"])
    sup = service.unlock("sup", PASSPHRASES["sup"])
    say("started")
    print("ready", flush=True)  # to the parent through the zygote's stdout
    while True:
        drafts = off.list_for_review(ReviewFilter(statuses=("draft",), limit=5))
        pending = sup.list_for_review(ReviewFilter(limit=5))
        choice = rng.random()
        if pending and choice < 0.4:
            ref = sup.approve(rng.choice(pending).record_id)
            say("sealed", ref.record_id, ref.version, sup.get_record(ref.record_id).packet_id)
        elif drafts and choice < 0.7:
            target = rng.choice(drafts)
            if rng.random() < 0.5:
                ref = off.submit_for_review(target.record_id)
                say("pending_review", ref.record_id, ref.version)
            else:
                ref = off.save_draft(_person(rng), _blobs(rng), record_id=target.record_id)
                say("draft", ref.record_id, ref.version)
        else:
            ref = off.save_draft(_person(rng), _blobs(rng))
            say("draft", ref.record_id, ref.version)


def _person(rng: random.Random) -> dict:
    return {"full_name": rng.choice(["Nguyễn Văn A", "Lò Thị B", "Hoàng Đức C"]), "id_number": f"{rng.randrange(10**11, 10**12)}"}


def _blobs(rng: random.Random) -> dict:
    return {"face.jpg": rng.randbytes(rng.randrange(2_000, 40_000)), "prints/01.png": rng.randbytes(3_000)}


def zygote() -> None:
    """Read `data_dir ack_path seed` lines on stdin; for each, fork a worker, print its pid, then its exit."""
    import fieldkit.enrolment.service  # noqa: F401  (imported once, before any fork)
    for line in sys.stdin:
        data_dir, ack_path, seed = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                worker(data_dir, ack_path, int(seed))
            finally:
                os._exit(70)
        print(pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)


@dataclass
class Ledger:
    """What the workers acknowledged as durable, across trials on one data directory."""

    states: dict[str, tuple[str, int]] = field(default_factory=dict)  # record id -> (status, version)
    packets: dict[str, str] = field(default_factory=dict)  # record id -> packet id
    known: set[str] = field(default_factory=set)  # every record id seen in the database

    def read_acks(self, path: Path) -> None:
        if not path.exists():
            return
        for line in path.read_text().splitlines():
            parts = line.split()
            if not parts or parts[0] == "started":
                continue
            status, rid, version = parts[0], parts[1], int(parts[2])
            self.states[rid] = (status, version)
            if status == "sealed":
                self.packets[rid] = parts[3]


def check_database(db: Path, ledger: Ledger) -> list[str]:
    """Problems found (empty = none lost, none duplicated, integrity ok). Updates ledger.known."""
    problems = []
    conn = sqlite3.connect(db)
    try:
        if (res := conn.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
            problems.append(f"integrity_check: {res}")
        rows = {rid: (st, v, pid, payload is None) for rid, st, v, pid, payload in
                conn.execute("SELECT id, status, version, packet_id, payload FROM records")}
        packets = packet_records(conn)
    finally:
        conn.close()
    for rid, (status, version) in ledger.states.items():
        if rid not in rows:
            problems.append(f"record {rid} acknowledged as {status} is lost")
            continue
        have, have_v, pid, erased = rows[rid]
        if RANK.get(have, 9) < RANK[status] or (status == "draft" and have == "draft" and have_v < version):
            problems.append(f"record {rid} acknowledged {status} v{version}, database has {have} v{have_v}")
        if status == "sealed" and pid != ledger.packets[rid]:
            problems.append(f"record {rid} sealed as {ledger.packets[rid]}, database says {pid}")
    by_record: dict[str, list[str]] = {}
    for pid, rid in packets:
        by_record.setdefault(rid, []).append(pid)
    for rid, (status, _v, pid, erased) in rows.items():
        if status == "approved":
            problems.append(f"record {rid} approved but not sealed (approve and seal must be one step)")
        if status == "sealed" and (by_record.get(rid) != [pid] or not erased):
            problems.append(f"record {rid} sealed with packets {by_record.get(rid)} (erased={erased})")
    for rid, pids in by_record.items():
        if len(pids) != 1 or rows.get(rid, ("",))[0] != "sealed":
            problems.append(f"record {rid} has packets {pids} but status {rows.get(rid, ('missing',))[0]}")
    new = set(rows) - ledger.known - set(ledger.states)
    if len(new) > 1:
        problems.append(f"{len(new)} unacknowledged new records after one kill (at most the one in flight)")
    ledger.known |= set(rows)
    return problems


class Zygote:
    def __init__(self, cwd: Path | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from fieldkit.enrolment.crash_harness import zygote; zygote()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=cwd)

    def trial(self, data_dir: Path, ack_path: Path, seed: int, kill_after_s: float, after_ready: bool) -> int:
        """Run one worker and SIGKILL it `kill_after_s` after the fork (during start-up: opening the database,
        unlocking, the login audit entries) or after it is ready (while it works); its wait status."""
        self.proc.stdin.write(f"{data_dir} {ack_path} {seed}\n")
        self.proc.stdin.flush()
        pid = int(self.proc.stdout.readline())
        if after_ready and self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the worker died before it was ready")
        time.sleep(kill_after_s)  # the random kill point itself: a sleep is the point, not a wait
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        line = self.proc.stdout.readline()
        if line.strip() == "ready":  # killed before the parent read the ready line
            line = self.proc.stdout.readline()
        return int(line.split()[1])

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


def run_trials(root: Path, trials: int, seed: int = 1, max_delay_s: float = 0.05,
               trials_per_kit: int = 50, startup_share: float = 0.25) -> dict:
    """`trials` kills over fresh kits under `root`; counts and any problems (the same checks as the test).

    A `startup_share` of the kills land 0..max_delay_s after the fork, the rest 0..max_delay_s after the
    worker is ready, so both start-up and steady work get killed."""
    rng = random.Random(seed)
    zyg = Zygote()
    problems: list[str] = []
    acked = sealed = 0
    started = time.perf_counter()
    try:
        for start in range(0, trials, trials_per_kit):
            data_dir = root / f"kit{start}"
            prepare_kit(data_dir)
            ledger = Ledger()
            for t in range(start, min(trials, start + trials_per_kit)):
                ack = root / f"ack{t}.txt"
                status = zyg.trial(data_dir, ack, rng.randrange(2**32), rng.uniform(0, max_delay_s),
                                   after_ready=rng.random() >= startup_share)
                if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
                    problems.append(f"trial {t}: worker ended by itself (status {status}) before the kill")
                ledger.read_acks(ack)
                problems += [f"trial {t}: {p}" for p in check_database(data_dir / "fieldkit.db", ledger)]
            problems += _verify_audit(data_dir)
            acked += len(ledger.states)
            sealed += len(ledger.packets)
    finally:
        zyg.close()
    return {"trials": trials, "records_acked": acked, "sealed_acked": sealed, "problems": problems,
            "seconds": round(time.perf_counter() - started, 1)}


def _verify_audit(data_dir: Path) -> list[str]:
    from fieldkit.audit.verify import verify_log
    from fieldkit.store.queue import packet_hashes
    from fieldkit.security import keystore
    conn = sqlite3.connect(data_dir / "fieldkit.db")
    try:
        report = verify_log(conn, keystore.kit_id(data_dir), keystore.device_public_key(data_dir), packet_hashes(conn))
    finally:
        conn.close()
    return [f"audit: {p}" for p in report.problems]
