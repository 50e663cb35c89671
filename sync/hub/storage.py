"""The hub's durable state, written once as SQL that runs on both SQLite and PostgreSQL.

Concurrency is left to the database, so several hub processes can share one PostgreSQL:
- a packet id is a primary key, and storing a packet is `INSERT ... ON CONFLICT DO NOTHING` followed by a
  read: two processes finalising the same packet store it once and both answer with the same receipt;
- a chunk is appended with `UPDATE ... WHERE received = <offset>`: a second writer at the same offset
  changes no row and is told the confirmed offset instead (the row lock serialises them);
- a nonce or an enrolment token is used by inserting or updating a row under a unique key, so a replay
  loses the race however the requests are spread over processes.

Subclasses supply a connection and a transaction (`_transaction`), the column types, and placeholders.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from typing import Any, Iterator, Protocol, Sequence

SCHEMA = """
CREATE TABLE IF NOT EXISTS hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS enrol_tokens (
    token_hash TEXT PRIMARY KEY, created_at {bigint} NOT NULL, expires_at {bigint} NOT NULL,
    used_at {bigint}, used_by TEXT);
CREATE TABLE IF NOT EXISTS kits (
    kit_id TEXT PRIMARY KEY, device_public_key {blob} NOT NULL, enrolled_at {bigint} NOT NULL,
    revoked_at {bigint});
CREATE TABLE IF NOT EXISTS nonces (
    kit_id TEXT NOT NULL, nonce TEXT NOT NULL, seen_at {bigint} NOT NULL, PRIMARY KEY (kit_id, nonce));
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces (seen_at);
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY, kit_id TEXT NOT NULL, packet_id TEXT NOT NULL, sha256 TEXT NOT NULL,
    size {bigint} NOT NULL, received {bigint} NOT NULL DEFAULT 0, created_at {bigint} NOT NULL,
    updated_at {bigint} NOT NULL, UNIQUE (kit_id, packet_id, sha256));
CREATE INDEX IF NOT EXISTS uploads_updated ON uploads (updated_at);
CREATE TABLE IF NOT EXISTS upload_chunks (
    upload_id TEXT NOT NULL, start_offset {bigint} NOT NULL, data {blob} NOT NULL,
    PRIMARY KEY (upload_id, start_offset));
CREATE TABLE IF NOT EXISTS packets (
    packet_id TEXT PRIMARY KEY, kit_id TEXT NOT NULL, sha256 TEXT NOT NULL, size {bigint} NOT NULL,
    envelope {blob} NOT NULL, received_at {bigint} NOT NULL, route TEXT NOT NULL, receipt TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS packets_kit ON packets (kit_id, received_at);
CREATE INDEX IF NOT EXISTS packets_received ON packets (received_at, kit_id, packet_id);
CREATE TABLE IF NOT EXISTS rejections (
    kit_id TEXT NOT NULL, packet_id TEXT NOT NULL, sha256 TEXT NOT NULL, reason TEXT NOT NULL,
    rejected_at {bigint} NOT NULL, receipt TEXT NOT NULL, PRIMARY KEY (kit_id, packet_id, sha256));
"""


class OffsetConflict(Exception):
    """A chunk was sent for an offset other than the confirmed one; `confirmed` is where to resume."""

    def __init__(self, confirmed: int, size: int):
        super().__init__(f"confirmed offset is {confirmed} of {size}")
        self.confirmed = confirmed
        self.size = size


@dataclass(frozen=True)
class KitRecord:
    kit_id: str
    device_public_key: bytes
    enrolled_at: int
    revoked: bool


@dataclass(frozen=True)
class UploadRecord:
    upload_id: str
    kit_id: str
    packet_id: str
    sha256: str
    size: int
    received: int


@dataclass(frozen=True)
class PacketRecord:
    packet_id: str
    kit_id: str
    sha256: str
    size: int
    received_at: int
    route: str
    receipt: str


@dataclass(frozen=True)
class RejectionRecord:
    kit_id: str
    packet_id: str
    sha256: str
    reason: str
    rejected_at: int
    receipt: str


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Sequence[Any] | None: ...
    def fetchall(self) -> list[Sequence[Any]]: ...


class SqlHubStorage:
    """Hub storage logic shared by the SQLite and PostgreSQL back ends."""

    blob_type = "BLOB"
    bigint_type = "INTEGER"
    name = "sql"

    # -- to be provided by a back end
    @contextlib.contextmanager
    def _transaction(self) -> Iterator["SqlHubStorage"]:  # pragma: no cover - abstract
        raise NotImplementedError
        yield self

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def is_unique_violation(self, exc: Exception) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- schema
    def create_schema(self) -> None:
        ddl = SCHEMA.format(blob=self.blob_type, bigint=self.bigint_type)
        with self._transaction():
            for statement in filter(str.strip, ddl.split(";")):
                self._execute(statement)

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Any] | None:
        return self._execute(sql, params).fetchone()

    # -- hub identity
    def meta(self, key: str) -> str | None:
        with self._transaction():
            row = self._one("SELECT value FROM hub_meta WHERE key = ?", (key,))
        return row[0] if row else None

    def set_meta_once(self, key: str, value: str) -> str:
        """Store `value` unless one is already there; return the value in force (first writer wins)."""
        with self._transaction():
            self._execute("INSERT INTO hub_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", (key, value))
            return self._one("SELECT value FROM hub_meta WHERE key = ?", (key,))[0]

    # -- enrolment tokens and kits
    def add_token(self, token_hash: str, created_at: int, expires_at: int) -> None:
        with self._transaction():
            self._execute("INSERT INTO enrol_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)",
                          (token_hash, created_at, expires_at))

    def enrol_kit(self, token_hash: str, kit_id: str, device_public_key: bytes, now: int) -> str:
        """Use a token and register the kit in one transaction. Returns '' or the refusal reason."""
        try:
            with self._transaction():
                used = self._execute(
                    "UPDATE enrol_tokens SET used_at = ?, used_by = ? "
                    "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                    (now, kit_id, token_hash, now)).rowcount
                if used != 1:
                    return "token_invalid"
                existing = self._one("SELECT device_public_key FROM kits WHERE kit_id = ?", (kit_id,))
                if existing is not None:
                    # Re-enrolling a kit id with another key would let a stranger speak for that kit; the token
                    # is not spent either (the transaction rolls back).
                    if bytes(existing[0]) != device_public_key:
                        raise _Rollback("kit_exists")
                    return ""
                self._execute("INSERT INTO kits (kit_id, device_public_key, enrolled_at) VALUES (?, ?, ?)",
                              (kit_id, device_public_key, now))
        except _Rollback as exc:
            return unwrap_rollback(exc)
        return ""

    def get_kit(self, kit_id: str) -> KitRecord | None:
        with self._transaction():
            row = self._one("SELECT kit_id, device_public_key, enrolled_at, revoked_at FROM kits WHERE kit_id = ?",
                            (kit_id,))
        return KitRecord(row[0], bytes(row[1]), row[2], row[3] is not None) if row else None

    def revoke_kit(self, kit_id: str, now: int) -> bool:
        with self._transaction():
            return self._execute("UPDATE kits SET revoked_at = ? WHERE kit_id = ? AND revoked_at IS NULL",
                                 (now, kit_id)).rowcount == 1

    def list_kits(self) -> list[KitRecord]:
        with self._transaction():
            rows = self._execute("SELECT kit_id, device_public_key, enrolled_at, revoked_at FROM kits ORDER BY kit_id").fetchall()
        return [KitRecord(r[0], bytes(r[1]), r[2], r[3] is not None) for r in rows]

    # -- replay protection
    def remember_nonce(self, kit_id: str, nonce: str, now: int, window_s: int) -> bool:
        """True the first time a (kit, nonce) is seen within the window; False for a replay."""
        with self._transaction():
            self._execute("DELETE FROM nonces WHERE seen_at < ?", (now - 2 * window_s,))
            return self._execute("INSERT INTO nonces (kit_id, nonce, seen_at) VALUES (?, ?, ?) "
                                 "ON CONFLICT (kit_id, nonce) DO NOTHING", (kit_id, nonce, now)).rowcount == 1

    # -- resumable uploads
    def open_upload(self, kit_id: str, packet_id: str, sha256: str, size: int, now: int) -> UploadRecord:
        """The upload for this (kit, packet, content), created if new; an existing one keeps its bytes."""
        with self._transaction():
            self._execute(
                "INSERT INTO uploads (upload_id, kit_id, packet_id, sha256, size, received, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (kit_id, packet_id, sha256) DO NOTHING",
                (secrets.token_urlsafe(18), kit_id, packet_id, sha256, size, now, now))
            row = self._one("SELECT upload_id, kit_id, packet_id, sha256, size, received FROM uploads "
                            "WHERE kit_id = ? AND packet_id = ? AND sha256 = ?", (kit_id, packet_id, sha256))
        return UploadRecord(*row)

    def get_upload(self, upload_id: str) -> UploadRecord | None:
        with self._transaction():
            row = self._one("SELECT upload_id, kit_id, packet_id, sha256, size, received FROM uploads "
                            "WHERE upload_id = ?", (upload_id,))
        return UploadRecord(*row) if row else None

    def append_chunk(self, upload_id: str, offset: int, data: bytes, now: int) -> int:
        """Append `data` at `offset` if that is the confirmed offset; return the new confirmed offset.

        Raises OffsetConflict (with the confirmed offset) for any other offset or for bytes past the declared
        size, and KeyError for an unknown upload.
        """
        try:
            with self._transaction():
                changed = self._execute(
                    "UPDATE uploads SET received = received + ?, updated_at = ? "
                    "WHERE upload_id = ? AND received = ? AND received + ? <= size",
                    (len(data), now, upload_id, offset, len(data))).rowcount
                if changed != 1:
                    row = self._one("SELECT received, size FROM uploads WHERE upload_id = ?", (upload_id,))
                    raise _Rollback(KeyError(upload_id) if row is None else OffsetConflict(row[0], row[1]))
                self._execute("INSERT INTO upload_chunks (upload_id, start_offset, data) VALUES (?, ?, ?)",
                              (upload_id, offset, data))
                return offset + len(data)
        except _Rollback as exc:
            return unwrap_rollback(exc)

    def upload_bytes(self, upload_id: str) -> bytes:
        with self._transaction():
            rows = self._execute("SELECT data FROM upload_chunks WHERE upload_id = ? ORDER BY start_offset",
                                 (upload_id,)).fetchall()
        return b"".join(bytes(r[0]) for r in rows)

    def finish_upload(self, upload_id: str) -> None:
        """Drop a finished upload's bytes (the packet row holds them) but keep the row, so a repeated
        finalize of this upload id still finds its packet's receipt."""
        with self._transaction():
            self._execute("DELETE FROM upload_chunks WHERE upload_id = ?", (upload_id,))

    def delete_upload(self, upload_id: str) -> None:
        with self._transaction():
            self._execute("DELETE FROM upload_chunks WHERE upload_id = ?", (upload_id,))
            self._execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))

    def purge_stale_uploads(self, older_than: int) -> int:
        with self._transaction():
            ids = [r[0] for r in self._execute("SELECT upload_id FROM uploads WHERE updated_at < ?",
                                               (older_than,)).fetchall()]
            for upload_id in ids:
                self._execute("DELETE FROM upload_chunks WHERE upload_id = ?", (upload_id,))
                self._execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))
        return len(ids)

    # -- packets and fates
    def store_packet(self, record: PacketRecord, envelope: bytes) -> PacketRecord:
        """Store a verified packet once; return the stored row (the earlier one if it was already there)."""
        with self._transaction():
            self._execute(
                "INSERT INTO packets (packet_id, kit_id, sha256, size, envelope, received_at, route, receipt) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (packet_id) DO NOTHING",
                (record.packet_id, record.kit_id, record.sha256, record.size, envelope, record.received_at,
                 record.route, record.receipt))
            row = self._one("SELECT packet_id, kit_id, sha256, size, received_at, route, receipt FROM packets "
                            "WHERE packet_id = ?", (record.packet_id,))
        return PacketRecord(*row)

    def get_packet(self, packet_id: str) -> PacketRecord | None:
        with self._transaction():
            row = self._one("SELECT packet_id, kit_id, sha256, size, received_at, route, receipt FROM packets "
                            "WHERE packet_id = ?", (packet_id,))
        return PacketRecord(*row) if row else None

    def packet_envelope(self, packet_id: str) -> bytes | None:
        with self._transaction():
            row = self._one("SELECT envelope FROM packets WHERE packet_id = ?", (packet_id,))
        return bytes(row[0]) if row else None

    def list_packets(self, kit_id: str | None = None) -> list[PacketRecord]:
        sql = "SELECT packet_id, kit_id, sha256, size, received_at, route, receipt FROM packets"
        params: tuple = ()
        if kit_id:
            sql, params = sql + " WHERE kit_id = ?", (kit_id,)
        with self._transaction():
            rows = self._execute(sql + " ORDER BY received_at, packet_id", params).fetchall()
        return [PacketRecord(*r) for r in rows]

    def iter_packets(self, kit_id: str | None = None, page: int = 1000) -> Iterator[PacketRecord]:
        """Every packet (or one kit's) oldest first, read a page at a time by keyset on an index, so a hub
        holding millions never loads them all nor scans the table once per page (export, list)."""
        where, params = ("kit_id = ? AND ", [kit_id]) if kit_id else ("", [])
        after: tuple = (-1, "", "")
        while True:
            with self._transaction():
                rows = self._execute(
                    "SELECT packet_id, kit_id, sha256, size, received_at, route, receipt FROM packets "
                    f"WHERE {where}(received_at, kit_id, packet_id) > (?, ?, ?) "
                    "ORDER BY received_at, kit_id, packet_id LIMIT ?", (*params, after[0], after[1], after[2], page)
                ).fetchall()
            for r in rows:
                yield PacketRecord(*r)
            if len(rows) < page:
                return
            after = (rows[-1][4], rows[-1][1], rows[-1][0])

    def count_packets(self) -> int:
        with self._transaction():
            return int(self._one("SELECT COUNT(*) FROM packets")[0])

    def record_rejection(self, record: RejectionRecord) -> RejectionRecord:
        with self._transaction():
            self._execute(
                "INSERT INTO rejections (kit_id, packet_id, sha256, reason, rejected_at, receipt) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kit_id, packet_id, sha256) DO NOTHING",
                (record.kit_id, record.packet_id, record.sha256, record.reason, record.rejected_at, record.receipt))
            row = self._one("SELECT kit_id, packet_id, sha256, reason, rejected_at, receipt FROM rejections "
                            "WHERE kit_id = ? AND packet_id = ? AND sha256 = ?",
                            (record.kit_id, record.packet_id, record.sha256))
        return RejectionRecord(*row)

    def list_rejections(self, kit_id: str | None = None, packet_id: str | None = None) -> list[RejectionRecord]:
        sql = "SELECT kit_id, packet_id, sha256, reason, rejected_at, receipt FROM rejections WHERE 1 = 1"
        params: list[Any] = []
        if kit_id:
            sql += " AND kit_id = ?"
            params.append(kit_id)
        if packet_id:
            sql += " AND packet_id = ?"
            params.append(packet_id)
        with self._transaction():
            rows = self._execute(sql + " ORDER BY rejected_at, packet_id", params).fetchall()
        return [RejectionRecord(*r) for r in rows]


class _Rollback(Exception):
    """Raised inside a transaction to undo it and hand `value` (a result or an exception) to the caller."""

    def __init__(self, value: Any):
        super().__init__(value)
        self.value = value


def unwrap_rollback(exc: _Rollback) -> Any:
    """After a rolled-back transaction: raise the carried exception, or return the carried value."""
    if isinstance(exc.value, BaseException):
        raise exc.value
    return exc.value
