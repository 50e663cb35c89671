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

This module owns every SQL statement on the `packets` table: approve inserts with `enqueue_in` (inside its
seal transaction), the sync client reads the waiting packets through `waiting_*`, the UI and `fieldkit
doctor` read `recent_packets` / `status_counts`, and the audit check reads `packet_hashes`.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from typing import NamedTuple

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


@dataclass(frozen=True)
class PacketSummaryRow:
    """A waiting packet without its bytes."""
    packet_id: str
    sha256: str
    size: int
    priority: int
    created_at: int


@dataclass(frozen=True)
class RefusedPacket:
    """A packet the hub refused for good: its signed reason and the hub's receipt (canonical JSON bytes)."""
    packet_id: str
    record_id: str
    reason: str
    refused_at: int
    receipt: bytes = field(repr=False)


class PacketRow(NamedTuple):
    """One line of the kit's packet list (sync panel): status, size, last error, and the hub's refusal.
    A named tuple: typed fields, and callers that unpack (id, status, size, error) keep working."""
    packet_id: str
    status: str
    size: int
    last_error: str
    refused_reason: str | None


class UnknownPacket(KeyError):
    pass


# Packets still to deliver: sealed or left uploading, bytes present, not refused by the hub.
_WAITING = "FROM packets WHERE status IN (?, ?) AND refused_at IS NULL AND data IS NOT NULL"
_SEND_ORDER = " ORDER BY priority DESC, created_at, packet_id"


def status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Packets per status, and refused ones under "refused" (they are also counted as sealed)."""
    counts = {status: n for status, n in conn.execute("SELECT status, count(*) FROM packets GROUP BY status")}
    refused = conn.execute("SELECT count(*) FROM packets WHERE refused_at IS NOT NULL").fetchone()[0]
    if refused:
        counts["refused"] = refused
    return counts


def recent_packets(conn: sqlite3.Connection, limit: int = 200) -> list[PacketRow]:
    """The newest packets, for the sync panel's list."""
    return [PacketRow(pid, status, size, err, reason) for pid, status, size, err, reason in conn.execute(
        "SELECT packet_id, status, size, COALESCE(last_error, ''), refused_reason FROM packets"
        " ORDER BY created_at DESC, packet_id LIMIT ?", (limit,))]


def packet_hashes(conn: sqlite3.Connection):
    """(packet id, sha256, bytes or None once purged) of every packet: the audit check compares them."""
    return conn.execute("SELECT packet_id, sha256, data FROM packets")


def packet_records(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(packet id, record id) of every packet: the crash harness checks one packet per sealed record."""
    return [tuple(r) for r in conn.execute("SELECT packet_id, record_id FROM packets")]


def _now() -> int:
    return int(time.time() * 1000)


class PacketQueue:
    """Queue operations over a Store. `actor`/`signer`: who is syncing (user id) and the device key if the
    kit is unlocked (audit entries are signed then; see fieldkit.audit.log)."""

    def __init__(self, store, kit_id: str, actor: str | None = None, signer=None):
        self.store, self.kit_id, self.actor, self.signer = store, kit_id, actor, signer

    @staticmethod
    def enqueue_in(conn: sqlite3.Connection, *, packet_id: str, record_id: str, kit_id: str, priority: int,
                   status: str, data: bytes, sha256: str, created_at: int | None = None) -> None:
        """Insert a freshly sealed packet inside the caller's transaction (approve seals and enqueues in one
        commit: the record turns sealed only together with its packet)."""
        conn.execute("INSERT INTO packets (packet_id, record_id, kit_id, created_at, priority, status, size,"
                     " sha256, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (packet_id, record_id, kit_id, _now() if created_at is None else created_at, priority, status,
                      len(data), sha256, data))

    _COLUMNS = "SELECT packet_id, record_id, created_at, priority, status, size, sha256, attempts, last_error, data "

    def next_packets_to_send(self, limit: int = 10) -> list[QueuedPacket]:
        rows = self.store.reader().execute(self._COLUMNS + _WAITING + _SEND_ORDER + " LIMIT ?",
                                           (*SEND_STATUSES, limit)).fetchall()
        return [QueuedPacket(*row) for row in rows]

    def waiting_summaries(self, limit: int = 100_000) -> list[PacketSummaryRow]:
        """The packets next_packets_to_send would give, in the same order, without their bytes."""
        rows = self.store.reader().execute("SELECT packet_id, sha256, size, priority, created_at " + _WAITING
                                           + _SEND_ORDER + " LIMIT ?", (*SEND_STATUSES, limit)).fetchall()
        return [PacketSummaryRow(*row) for row in rows]

    def waiting_packet(self, packet_id: str) -> QueuedPacket | None:
        """This packet if it is still to deliver (not acknowledged, purged or refused)."""
        row = self.store.reader().execute(self._COLUMNS + _WAITING + " AND packet_id = ?",
                                          (*SEND_STATUSES, packet_id)).fetchone()
        return QueuedPacket(*row) if row else None

    def in_flight_ids(self) -> list[str]:
        """Packets left `uploading` (an earlier pass or process was interrupted): ask the hub their fate."""
        return [r[0] for r in self.store.reader().execute(
            "SELECT packet_id " + _WAITING + " AND status = ?" + _SEND_ORDER,
            (*SEND_STATUSES, Status.UPLOADING.value))]

    def waiting_count(self) -> int:
        return int(self.store.reader().execute("SELECT count(*) " + _WAITING, SEND_STATUSES).fetchone()[0])

    def refused_packets(self) -> list[RefusedPacket]:
        """Packets the hub refused, oldest first, with its reason and signed receipt."""
        return [RefusedPacket(pid, rid, reason or "", at, bytes(receipt or b"")) for pid, rid, reason, at, receipt in
                self.store.reader().execute(
                    "SELECT packet_id, record_id, refused_reason, refused_at, refused_receipt FROM packets"
                    " WHERE refused_at IS NOT NULL ORDER BY created_at, packet_id")]

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

    def recent(self, limit: int = 200) -> list[PacketRow]:
        return recent_packets(self.store.reader(), limit)

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
