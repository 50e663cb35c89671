"""The kit's table of downstream verdicts (`kit_outcomes`, migration 006): the one owner of its SQL.

Rows hold the hub-signed outcome exactly as received, already verified by the caller
(sync.client.outcomes); the person block inside stays sealed to the device key, so the table holds no
plaintext personal data. One row per hub sequence number: the same outcome again is `already`, a different
outcome under a number already held is refused (`OutcomeConflict`: a replay or a forgery). A record's
current verdict is its outcome with the highest number.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

ADDED, ALREADY = "added", "already"


class OutcomeConflict(Exception):
    """Another outcome already holds this sequence number."""


@dataclass(frozen=True)
class NewOutcome:
    """A verified outcome to keep: its fields and its signed form (bytes, as received)."""

    seq: int
    outcome_id: str
    packet_id: str
    record_id: str
    status: str
    reason: str
    decided_at: str
    signed: bytes
    route: str


@dataclass(frozen=True)
class StoredOutcome(NewOutcome):
    """A kept outcome, with the new enrolment started for it (a recapture), if any."""

    recapture_record_id: str | None = None


_COLUMNS = "seq, outcome_id, packet_id, record_id, status, reason, decided_at, signed, route, recapture_record_id"


class OutcomeStore:
    def __init__(self, store):
        self.store = store

    def last_seq(self) -> int:
        return int(self.store.reader().execute("SELECT COALESCE(MAX(seq), 0) FROM kit_outcomes").fetchone()[0])

    def add(self, outcome: NewOutcome) -> str:
        """Keep a verified outcome; ADDED, ALREADY (the same outcome again) or OutcomeConflict."""

        def job(conn: sqlite3.Connection) -> str:
            row = conn.execute("SELECT outcome_id FROM kit_outcomes WHERE seq = ? OR outcome_id = ?",
                               (outcome.seq, outcome.outcome_id)).fetchall()
            if row:
                if [r[0] for r in row] == [outcome.outcome_id]:
                    same = conn.execute("SELECT signed FROM kit_outcomes WHERE seq = ?", (outcome.seq,)).fetchone()
                    if same is not None and bytes(same[0]) == outcome.signed:
                        return ALREADY
                raise OutcomeConflict(f"outcome {outcome.seq} differs from the one this kit holds")
            conn.execute(
                "INSERT INTO kit_outcomes (seq, outcome_id, packet_id, record_id, status, reason, decided_at, signed,"
                " route, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (outcome.seq, outcome.outcome_id, outcome.packet_id, outcome.record_id, outcome.status,
                 outcome.reason, outcome.decided_at, outcome.signed, outcome.route,
                 int(time.time() * 1000)))
            return ADDED

        return self.store.write(job)

    def current(self) -> list[StoredOutcome]:
        """Each record's latest verdict (highest seq), oldest record first."""
        rows = self.store.reader().execute(
            f"SELECT {_COLUMNS} FROM kit_outcomes o WHERE seq = "
            "(SELECT MAX(seq) FROM kit_outcomes i WHERE i.record_id = o.record_id) ORDER BY seq").fetchall()
        return [StoredOutcome(*r[:7], bytes(r[7]), *r[8:]) for r in rows]

    def get(self, outcome_id: str) -> StoredOutcome | None:
        r = self.store.reader().execute(f"SELECT {_COLUMNS} FROM kit_outcomes WHERE outcome_id = ?",
                                        (outcome_id,)).fetchone()
        return StoredOutcome(*r[:7], bytes(r[7]), *r[8:]) if r else None

    def link_recapture(self, outcome_id: str, new_record_id: str) -> bool:
        """Note the new enrolment started for this recapture verdict; False if one was already linked."""
        return self.store.write(lambda conn: conn.execute(
            "UPDATE kit_outcomes SET recapture_record_id = ? WHERE outcome_id = ? AND status = 'recapture'"
            " AND recapture_record_id IS NULL", (new_record_id, outcome_id)).rowcount == 1)
