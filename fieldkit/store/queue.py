"""The outgoing packet queue, for the sync worker (and `fieldkit export`).

Order: highest `priority` first, then oldest `created_at`. A packet and its record move together through
sealed → uploading → acknowledged (fieldkit.domain.status), always in one transaction:

- `next_packets_to_send(limit)`: packets still to deliver (sealed, or uploading after an interruption), not
  refused by the hub.
- `mark_uploading(packet_id)`: an upload started (crash-safe: uploading packets are offered again).
- `mark_upload_failed(packet_id, error)`: back to sealed, attempts + 1, last error kept for the status view.
- `mark_acknowledged(packet_id, receipt)`: the hub's receipt, already verified by the caller, is stored; the
  packet is never removed before this.
- `mark_refused(packet_id, reason, receipt)`: the hub refused the packet (its signed reason, verified by the
  caller): it goes back to sealed, is kept (never purged), and is no longer offered; `refused()` lists them.
- `purge_acknowledged(older_than_ms)`: drop the packet bytes of packets acknowledged before that time (the
  row, receipt and hash stay as the record's history).
Every call is one durable writer transaction and appends its audit entry (sync, acknowledge, purge).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field

from fieldkit.audit import log as audit
from fieldkit.domain.status import Status, transition

SEND_STATUSES = (Status.SEALED.value, Status.UPLOADING.value)


@dataclass(frozen=True)
class QueuedPacket:
    packet_id: str
    record_id: str
    created_at: int
    priority: int
    status: str
    size: int
    sha256: str
    attempts: int
    last_error: str | None
    data: bytes = field(repr=False)


class UnknownPacket(KeyError):
    pass


def _now() -> int:
    return int(time.time() * 1000)


class PacketQueue:
    """Queue operations over a Store. `actor`/`signer`: who is syncing (user id) and the device key if the
    kit is unlocked (audit entries are signed then; see fieldkit.audit.log)."""

    def __init__(self, store, kit_id: str, actor: str | None = None, signer=None):
        self.store, self.kit_id, self.actor, self.signer = store, kit_id, actor, signer

    def next_packets_to_send(self, limit: int = 10) -> list[QueuedPacket]:
        rows = self.store.reader().execute(
            "SELECT packet_id, record_id, created_at, priority, status, size, sha256, attempts, last_error, data"
            " FROM packets WHERE status IN (?, ?) AND refused_at IS NULL AND data IS NOT NULL"
            " ORDER BY priority DESC, created_at, packet_id LIMIT ?",
            (*SEND_STATUSES, limit)).fetchall()
        return [QueuedPacket(*row) for row in rows]

    def read_packet(self, packet_id: str) -> bytes:
        row = self.store.reader().execute("SELECT data FROM packets WHERE packet_id = ?", (packet_id,)).fetchone()
        if row is None or row[0] is None:
            raise UnknownPacket(packet_id)
        return row[0]

    def mark_uploading(self, packet_id: str) -> None:
        def job(conn):
            status = self._status(conn, packet_id)
            if status == Status.UPLOADING.value:
                return  # resumed after an interruption: already uploading
            self._move(conn, packet_id, transition(status, Status.UPLOADING), uploading_since=_now())
        self.store.write(job)

    def mark_upload_failed(self, packet_id: str, error: str) -> None:
        def job(conn):
            status = self._status(conn, packet_id)
            if status == Status.UPLOADING.value:
                self._move(conn, packet_id, transition(status, Status.SEALED), uploading_since=None)
            conn.execute("UPDATE packets SET attempts = attempts + 1, last_error = ? WHERE packet_id = ?",
                         (str(error)[:500], packet_id))
        self.store.write(job)

    def mark_acknowledged(self, packet_id: str, receipt: bytes) -> bool:
        """Store the verified receipt; False if the packet was already acknowledged (idempotent)."""
        def job(conn):
            status = self._status(conn, packet_id)
            if status == Status.ACKNOWLEDGED.value:
                return False
            self._move(conn, packet_id, transition(status, Status.ACKNOWLEDGED), receipt=bytes(receipt),
                       acknowledged_at=_now(), last_error=None)
            record_id = conn.execute("SELECT record_id FROM packets WHERE packet_id = ?", (packet_id,)).fetchone()[0]
            audit.append(conn, self.kit_id, self.actor, "acknowledge", record_id, {"packet_id": packet_id},
                         self.signer)
            return True
        return self.store.write(job)

    def mark_refused(self, packet_id: str, reason: str, receipt: bytes = b"") -> None:
        """The hub refused this packet for good: keep it sealed, stop offering it, remember why."""
        def job(conn):
            status = self._status(conn, packet_id)
            if status == Status.UPLOADING.value:
                self._move(conn, packet_id, transition(status, Status.SEALED), uploading_since=None)
            conn.execute("UPDATE packets SET refused_reason = ?, refused_receipt = ?, refused_at = ? WHERE packet_id = ?",
                         (str(reason)[:500], bytes(receipt), _now(), packet_id))
            record_id = conn.execute("SELECT record_id FROM packets WHERE packet_id = ?", (packet_id,)).fetchone()[0]
            audit.append(conn, self.kit_id, self.actor, "sync", record_id, {"packet_id": packet_id, "refused": True},
                         self.signer)
        self.store.write(job)

    def refused(self) -> list[tuple[str, str]]:
        """(packet id, the hub's reason) of refused packets, oldest first."""
        return [tuple(r) for r in self.store.reader().execute(
            "SELECT packet_id, refused_reason FROM packets WHERE refused_at IS NOT NULL ORDER BY created_at")]

    def purge_acknowledged(self, older_than_ms: int) -> int:
        """Drop the bytes of packets acknowledged before `older_than_ms`; how many were purged."""
        def job(conn):
            ids = [r[0] for r in conn.execute(
                "SELECT packet_id FROM packets WHERE status = ? AND acknowledged_at < ? AND data IS NOT NULL",
                (Status.ACKNOWLEDGED.value, older_than_ms))]
            for pid in ids:
                conn.execute("UPDATE packets SET data = NULL, purged_at = ? WHERE packet_id = ?", (_now(), pid))
            if ids:
                audit.append(conn, self.kit_id, self.actor, "purge", None, {"packets": len(ids)}, self.signer)
            return len(ids)
        return self.store.write(job)

    def record_sync(self, detail: dict, action: str = "sync") -> None:
        """Audit a sync (or, with action="export", a USB export) run: counts and hub id only."""
        if action not in ("sync", "export"):
            raise ValueError("action must be sync or export")
        self.store.write(lambda conn: audit.append(conn, self.kit_id, self.actor, action, None, detail, self.signer))

    def stats(self) -> dict:
        rows = self.store.reader().execute(
            "SELECT status, count(*), coalesce(sum(CASE WHEN data IS NULL THEN 0 ELSE size END), 0)"
            " FROM packets GROUP BY status").fetchall()
        return {status: {"packets": n, "bytes": b} for status, n, b in rows}

    @staticmethod
    def _status(conn: sqlite3.Connection, packet_id: str) -> str:
        row = conn.execute("SELECT status FROM packets WHERE packet_id = ?", (packet_id,)).fetchone()
        if row is None:
            raise UnknownPacket(packet_id)
        return row[0]

    @staticmethod
    def _move(conn: sqlite3.Connection, packet_id: str, status: Status, **fields) -> None:
        """Packet and record move to `status` together."""
        sets = ", ".join(["status = ?"] + [f"{k} = ?" for k in fields])
        conn.execute(f"UPDATE packets SET {sets} WHERE packet_id = ?", (status.value, *fields.values(), packet_id))
        conn.execute("UPDATE records SET status = ?, updated_at = ? WHERE packet_id = ?",
                     (status.value, _now(), packet_id))
