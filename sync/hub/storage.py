"""The hub's durable state, written once as SQL that runs on both SQLite and PostgreSQL.

Concurrency is left to the database, so several hub processes can share one PostgreSQL:
- a packet is keyed by (kit id, packet id), and storing it is `INSERT ... ON CONFLICT DO NOTHING` followed
  by a read: two processes finalising the same packet store it once and both answer with the same receipt,
  and another kit sending a packet under the same id cannot take that id from its real owner;
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
from typing import Any, Callable, Iterator, Protocol, Sequence

# The tables in their current shape. Each hub process runs this at start (IF NOT EXISTS), then the migrations
# a database from an older hub still needs, then INDEXES (after the migrations, so a rebuilt table gets them).
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
CREATE TABLE IF NOT EXISTS uploads (
    upload_id TEXT PRIMARY KEY, kit_id TEXT NOT NULL, packet_id TEXT NOT NULL, sha256 TEXT NOT NULL,
    size {bigint} NOT NULL, received {bigint} NOT NULL DEFAULT 0, created_at {bigint} NOT NULL,
    updated_at {bigint} NOT NULL, UNIQUE (kit_id, packet_id, sha256));
CREATE TABLE IF NOT EXISTS upload_chunks (
    upload_id TEXT NOT NULL, start_offset {bigint} NOT NULL, data {blob} NOT NULL,
    PRIMARY KEY (upload_id, start_offset));
CREATE TABLE IF NOT EXISTS packets (
    packet_id TEXT NOT NULL, kit_id TEXT NOT NULL, sha256 TEXT NOT NULL, size {bigint} NOT NULL,
    envelope {blob} NOT NULL, received_at {bigint} NOT NULL, route TEXT NOT NULL, receipt TEXT NOT NULL,
    PRIMARY KEY (kit_id, packet_id));
CREATE TABLE IF NOT EXISTS rejections (
    kit_id TEXT NOT NULL, packet_id TEXT NOT NULL, sha256 TEXT NOT NULL, reason TEXT NOT NULL,
    rejected_at {bigint} NOT NULL, receipt TEXT NOT NULL, PRIMARY KEY (kit_id, packet_id, sha256));
CREATE TABLE IF NOT EXISTS kit_supervisors (
    kit_id TEXT NOT NULL, user_id TEXT NOT NULL, public_key {blob} NOT NULL, certificate {blob},
    added_at {bigint} NOT NULL, added_by TEXT NOT NULL, removed_at {bigint}, removed_by TEXT,
    PRIMARY KEY (kit_id, user_id));
CREATE TABLE IF NOT EXISTS kit_rosters (
    kit_id TEXT PRIMARY KEY, sequence {bigint} NOT NULL, digest TEXT NOT NULL, applied_at {bigint} NOT NULL);
CREATE TABLE IF NOT EXISTS hub_outcomes (
    kit_id TEXT NOT NULL, seq {bigint} NOT NULL, outcome_id TEXT NOT NULL UNIQUE, packet_id TEXT NOT NULL,
    status TEXT NOT NULL, decided_at {bigint} NOT NULL, signed TEXT NOT NULL, PRIMARY KEY (kit_id, seq));
"""

INDEXES = """
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces (seen_at);
CREATE INDEX IF NOT EXISTS uploads_updated ON uploads (updated_at);
CREATE INDEX IF NOT EXISTS packets_kit ON packets (kit_id, received_at);
CREATE INDEX IF NOT EXISTS packets_received ON packets (received_at, kit_id, packet_id);
CREATE INDEX IF NOT EXISTS packets_packet ON packets (packet_id);
CREATE INDEX IF NOT EXISTS hub_outcomes_packet ON hub_outcomes (packet_id)
"""

# Schema history (hub_meta.schema_version):
#   1  packets keyed by packet id alone (no version row was written)
#   2  packets keyed by (kit id, packet id): MIGRATE_PACKETS_TO_KIT_KEY (issue #11 attack 5)
#   3  the outcomes table hub_outcomes, and the indexes packets_received (export pages) and packets_packet
#      (`fieldkit-hub outcome PACKET_ID` finds a packet across kits); created by SCHEMA and INDEXES, no copy
SCHEMA_VERSION = 3

# Version 1 keyed packets by packet id alone, so a second kit could claim a victim kit's id (issue #11
# attack 5). SQLite cannot change a primary key in place: the table is rebuilt (PostgreSQL alters the key).
MIGRATE_PACKETS_TO_KIT_KEY = """
CREATE TABLE packets_v2 (
    packet_id TEXT NOT NULL, kit_id TEXT NOT NULL, sha256 TEXT NOT NULL, size {bigint} NOT NULL,
    envelope {blob} NOT NULL, received_at {bigint} NOT NULL, route TEXT NOT NULL, receipt TEXT NOT NULL,
    PRIMARY KEY (kit_id, packet_id));
INSERT INTO packets_v2 (packet_id, kit_id, sha256, size, envelope, received_at, route, receipt)
    SELECT packet_id, kit_id, sha256, size, envelope, received_at, route, receipt FROM packets;
DROP TABLE packets;
ALTER TABLE packets_v2 RENAME TO packets
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


_PACKET_COLUMNS = "packet_id, kit_id, sha256, size, received_at, route, receipt"


@dataclass(frozen=True)
class FinalizeState:
    """An upload being finalised, read in one transaction (SqlHubStorage.finalize_state)."""

    upload: UploadRecord
    packet: PacketRecord | None  # already stored under the upload's (kit, packet id)
    data: bytes  # the uploaded bytes: only when complete and not stored yet
    pinned: dict[str, bytes]  # user id -> co-signing key of the supervisors pinned for the kit


@dataclass(frozen=True)
class PinnedSupervisor:
    """A supervisor co-signing key the hub accepts for one kit (issue #11: supervisor keys are pinned)."""

    kit_id: str
    user_id: str
    public_key: bytes
    certificate: bytes
    added_at: int
    added_by: str  # "provisioning", "roster" or "admin"
    removed_at: int | None = None
    removed_by: str | None = None

    @property
    def active(self) -> bool:
        return self.removed_at is None


class UploadLimitExceeded(Exception):
    """A kit already holds as many unfinished uploads (or declared bytes) as the hub allows it."""

    def __init__(self, what: str, limit: int):
        super().__init__(f"{what} limit {limit} reached")
        self.what = what
        self.limit = limit


class StaleRoster(Exception):
    """A roster update not newer than the one the hub applied last (a replay or an old drive)."""


@dataclass(frozen=True)
class RejectionRecord:
    kit_id: str
    packet_id: str
    sha256: str
    reason: str
    rejected_at: int
    receipt: str


class SupervisorPin(Protocol):
    """What pinning needs of a supervisor key (sync.roster.SupervisorKey has it)."""

    user_id: str
    public_key: bytes
    certificate: bytes


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

    def _table_exists(self, name: str) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def _lock_schema(self) -> None:
        """Order concurrent schema changes (several hub processes starting together); no-op by default."""

    # -- schema
    def create_schema(self) -> None:
        """Create the tables, bring a database from an earlier hub version up to SCHEMA_VERSION, then the
        indexes: one transaction under the schema lock, so hub processes starting together do it once."""
        with self._transaction():
            self._lock_schema()
            had_packets = self._table_exists("packets")
            self._run_ddl(SCHEMA)
            row = self._one("SELECT value FROM hub_meta WHERE key = 'schema_version'")
            version = int(row[0]) if row else (1 if had_packets else SCHEMA_VERSION)
            if version < 2:
                self._migrate_packets_to_kit_key()
            self._run_ddl(INDEXES)
            if version < SCHEMA_VERSION or row is None:
                self._execute("INSERT INTO hub_meta (key, value) VALUES ('schema_version', ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(SCHEMA_VERSION),))

    def _migrate_packets_to_kit_key(self) -> None:
        """Schema 1 -> 2: key packets by (kit id, packet id). SQLite cannot change a primary key in place,
        so the table is rebuilt (a copy of every envelope, once); PostgreSQL overrides this."""
        self._run_ddl(MIGRATE_PACKETS_TO_KIT_KEY)

    def _run_ddl(self, ddl: str) -> None:
        for statement in filter(str.strip, ddl.format(blob=self.blob_type, bigint=self.bigint_type).split(";")):
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

    def enrol_kit(self, token_hash: str, kit_id: str, device_public_key: bytes, now: int,
                  supervisors: Sequence["SupervisorPin"] = ()) -> str:
        """Use a token, register the kit and pin the supervisor keys it sent, in one transaction.

        Returns '' or the refusal reason. Re-enrolling the same kit (same device key, a new token from an
        administrator) pins the supervisors it sends now, except keys an administrator removed."""
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
                else:
                    self._execute("INSERT INTO kits (kit_id, device_public_key, enrolled_at) VALUES (?, ?, ?)",
                                  (kit_id, device_public_key, now))
                self._pin(kit_id, supervisors, now, "provisioning")
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

    # -- pinned supervisor keys
    def _pin(self, kit_id: str, supervisors: Sequence["SupervisorPin"], now: int, by: str) -> list[str]:
        """Pin keys inside the caller's transaction; a key an administrator removed comes back only by an
        administrator. Returns the user ids pinned."""
        pinned = []
        for sup in supervisors:
            row = self._one("SELECT public_key, removed_by FROM kit_supervisors WHERE kit_id = ? AND user_id = ?",
                            (kit_id, sup.user_id))
            if row is not None and bytes(row[0]) == sup.public_key:
                if row[1] == "admin" and by != "admin":
                    continue  # the administrator removed this key: only they bring it back
                if row[1] is None and by != "admin":
                    pinned.append(sup.user_id)  # already pinned: keep when and how it was first pinned
                    continue
            self._execute(
                "INSERT INTO kit_supervisors (kit_id, user_id, public_key, certificate, added_at, added_by) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kit_id, user_id) DO UPDATE SET "
                "public_key = excluded.public_key, certificate = excluded.certificate, added_at = excluded.added_at, "
                "added_by = excluded.added_by, removed_at = NULL, removed_by = NULL",
                (kit_id, sup.user_id, sup.public_key, sup.certificate or None, now, by))
            pinned.append(sup.user_id)
        return pinned

    def pin_supervisor(self, kit_id: str, supervisor: "SupervisorPin", now: int, by: str = "admin") -> None:
        with self._transaction():
            self._pin(kit_id, [supervisor], now, by)

    def unpin_supervisor(self, kit_id: str, user_id: str, now: int, by: str = "admin") -> bool:
        with self._transaction():
            return self._execute("UPDATE kit_supervisors SET removed_at = ?, removed_by = ? "
                                 "WHERE kit_id = ? AND user_id = ? AND removed_at IS NULL",
                                 (now, by, kit_id, user_id)).rowcount == 1

    def supervisors(self, kit_id: str, include_removed: bool = False) -> list[PinnedSupervisor]:
        sql = ("SELECT kit_id, user_id, public_key, certificate, added_at, added_by, removed_at, removed_by "
               "FROM kit_supervisors WHERE kit_id = ?" + ("" if include_removed else " AND removed_at IS NULL"))
        with self._transaction():
            rows = self._execute(sql + " ORDER BY user_id", (kit_id,)).fetchall()
        return [PinnedSupervisor(r[0], r[1], bytes(r[2]), bytes(r[3] or b""), r[4], r[5], r[6], r[7]) for r in rows]

    def apply_roster(self, kit_id: str, sequence: int, digest: str, supervisors: Sequence["SupervisorPin"],
                     now: int) -> list[str]:
        """Make the kit's pinned set the roster's (a verified, signed update): pin its keys, unpin the
        others. Raises StaleRoster for a sequence not newer than the last applied one (the same update
        again is answered as applied). Returns the user ids pinned now."""
        try:
            with self._transaction():
                self._execute("UPDATE kits SET kit_id = kit_id WHERE kit_id = ?", (kit_id,))  # per-kit row lock
                row = self._one("SELECT sequence, digest FROM kit_rosters WHERE kit_id = ?", (kit_id,))
                if row is not None and (row[0], row[1]) == (sequence, digest):
                    return self._active_ids(kit_id)
                if row is not None and row[0] >= sequence:
                    raise _Rollback(StaleRoster(f"roster sequence {sequence} is not newer than {row[0]}"))
                self._pin(kit_id, supervisors, now, "roster")
                keep = {s.user_id for s in supervisors}
                for user_id in self._active_ids(kit_id):
                    if user_id not in keep:
                        self._execute("UPDATE kit_supervisors SET removed_at = ?, removed_by = 'roster' "
                                      "WHERE kit_id = ? AND user_id = ?", (now, kit_id, user_id))
                self._execute("INSERT INTO kit_rosters (kit_id, sequence, digest, applied_at) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT (kit_id) DO UPDATE SET sequence = excluded.sequence, "
                              "digest = excluded.digest, applied_at = excluded.applied_at",
                              (kit_id, sequence, digest, now))
                return self._active_ids(kit_id)
        except _Rollback as exc:
            return unwrap_rollback(exc)

    def _active_ids(self, kit_id: str) -> list[str]:
        rows = self._execute("SELECT user_id FROM kit_supervisors WHERE kit_id = ? AND removed_at IS NULL "
                             "ORDER BY user_id", (kit_id,)).fetchall()
        return [r[0] for r in rows]

    # -- replay protection
    def authenticate(self, kit_id: str, nonce: str, now: int, window_s: int,
                     check: Callable[[KitRecord | None], None]) -> tuple[KitRecord, bool]:
        """One transaction per signed request: read the kit, let `check` refuse the request (it raises, and
        nothing is written), then spend the nonce. (kit, False) for a nonce already seen (a replay)."""
        with self._transaction():
            row = self._one("SELECT kit_id, device_public_key, enrolled_at, revoked_at FROM kits WHERE kit_id = ?",
                            (kit_id,))
            kit = KitRecord(row[0], bytes(row[1]), row[2], row[3] is not None) if row else None
            check(kit)
            return kit, self._remember_nonce(kit_id, nonce, now, window_s)

    def _remember_nonce(self, kit_id: str, nonce: str, now: int, window_s: int) -> bool:
        """True the first time a (kit, nonce) is seen within the window; False for a replay."""
        # Old nonces only take space (a request that old is refused by its timestamp): purge them now and
        # then, not on every request.
        if now >= getattr(self, "_next_nonce_purge", 0):
            self._execute("DELETE FROM nonces WHERE seen_at < ?", (now - 2 * window_s,))
            self._next_nonce_purge = now + max(1, window_s // 2)
        return self._execute("INSERT INTO nonces (kit_id, nonce, seen_at) VALUES (?, ?, ?) "
                             "ON CONFLICT (kit_id, nonce) DO NOTHING", (kit_id, nonce, now)).rowcount == 1

    # -- resumable uploads
    def open_upload_or_fate(self, kit_id: str, packet_id: str, sha256: str, size: int, now: int,
                            max_open: int | None = None,
                            max_open_bytes: int | None = None) -> PacketRecord | UploadRecord:
        """In one transaction: this kit's stored packet with this id and content if there is one (its receipt
        answers the kit), else the upload for this (kit, packet, content), created if new (an existing one
        keeps its bytes).

        A new upload is refused (UploadLimitExceeded) when the kit already has `max_open` unfinished uploads
        or their declared sizes plus this one would pass `max_open_bytes`: one kit cannot fill the hub."""
        try:
            with self._transaction():
                row = self._one(f"SELECT {_PACKET_COLUMNS} FROM packets WHERE kit_id = ? AND packet_id = ?",
                                (kit_id, packet_id))
                if row is not None and row[2] == sha256:
                    return PacketRecord(*row)
                return self._open_upload(kit_id, packet_id, sha256, size, now, max_open, max_open_bytes)
        except _Rollback as exc:
            return unwrap_rollback(exc)

    def _open_upload(self, kit_id, packet_id, sha256, size, now, max_open, max_open_bytes) -> UploadRecord:
        select = ("SELECT upload_id, kit_id, packet_id, sha256, size, received FROM uploads "
                  "WHERE kit_id = ? AND packet_id = ? AND sha256 = ?")
        existing = self._one(select, (kit_id, packet_id, sha256))
        if existing is not None:
            return UploadRecord(*existing)
        if max_open is not None or max_open_bytes is not None:
            # Lock the kit's row so parallel opens of one kit (several hub processes) count one at a time.
            self._execute("UPDATE kits SET kit_id = kit_id WHERE kit_id = ?", (kit_id,))
            count, declared = self._one("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM uploads "
                                        "WHERE kit_id = ? AND received < size", (kit_id,))
            if max_open is not None and int(count) >= max_open:
                raise _Rollback(UploadLimitExceeded("open uploads", max_open))
            if max_open_bytes is not None and int(declared) + size > max_open_bytes:
                raise _Rollback(UploadLimitExceeded("open upload bytes", max_open_bytes))
        self._execute(
            "INSERT INTO uploads (upload_id, kit_id, packet_id, sha256, size, received, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (kit_id, packet_id, sha256) DO NOTHING",
            (secrets.token_urlsafe(18), kit_id, packet_id, sha256, size, now, now))
        return UploadRecord(*self._one(select, (kit_id, packet_id, sha256)))

    def get_upload(self, upload_id: str) -> UploadRecord | None:
        with self._transaction():
            row = self._one("SELECT upload_id, kit_id, packet_id, sha256, size, received FROM uploads "
                            "WHERE upload_id = ?", (upload_id,))
        return UploadRecord(*row) if row else None

    def append_chunk(self, kit_id: str, upload_id: str, offset: int, data: bytes, now: int,
                     hold_last: bool = False) -> "tuple[int, int] | FinalizeState":
        """Append `data` at `offset` of kit `kit_id`'s upload if that is the confirmed offset; return (the new
        confirmed offset, the upload's size). One transaction per chunk.

        With `hold_last`, a chunk that would complete the upload is not written: the answer is instead the
        FinalizeState with the whole packet in `data` (the stored bytes and this chunk), for the caller to
        verify and then store with `store_packet(..., last_chunk_at=offset)` - the packet's last bytes never
        go through upload_chunks.

        Raises OffsetConflict (with the confirmed offset) for any other offset or for bytes past the declared
        size, and KeyError for an upload that is unknown or another kit's.
        """
        try:
            with self._transaction():
                within = "received + ? < size" if hold_last else "received + ? <= size"
                rows = self._execute(  # fetchall: a RETURNING statement must run to its end before COMMIT
                    "UPDATE uploads SET received = received + ?, updated_at = ? "
                    f"WHERE upload_id = ? AND kit_id = ? AND received = ? AND {within} RETURNING received, size",
                    (len(data), now, upload_id, kit_id, offset, len(data))).fetchall()
                if not rows:
                    row = self._one("SELECT received, size FROM uploads WHERE upload_id = ? AND kit_id = ?",
                                    (upload_id, kit_id))
                    if row is None:
                        raise _Rollback(KeyError(upload_id))
                    if hold_last and row[0] == offset and offset + len(data) == row[1]:
                        held = self._finalize_state(kit_id, upload_id, partial=True)
                        return FinalizeState(held.upload, held.packet, held.data + data, held.pinned)
                    raise _Rollback(OffsetConflict(row[0], row[1]))
                self._execute("INSERT INTO upload_chunks (upload_id, start_offset, data) VALUES (?, ?, ?)",
                              (upload_id, offset, data))
                return int(rows[0][0]), int(rows[0][1])
        except _Rollback as exc:
            return unwrap_rollback(exc)

    def finalize_state(self, kit_id: str, upload_id: str) -> "FinalizeState | None":
        """What finalising kit `kit_id`'s upload needs, read in one transaction: the upload, the packet already
        stored under its (kit, packet id) if any, the bytes (when complete and not stored yet) and the
        supervisor keys pinned for the kit. None for an upload that is unknown or another kit's."""
        with self._transaction():
            return self._finalize_state(kit_id, upload_id)

    def _finalize_state(self, kit_id: str, upload_id: str, partial: bool = False) -> "FinalizeState | None":
        """(In the caller's transaction.) `partial`: read the bytes of an upload not complete yet too."""
        row = self._one("SELECT upload_id, kit_id, packet_id, sha256, size, received FROM uploads "
                        "WHERE upload_id = ? AND kit_id = ?", (upload_id, kit_id))
        if row is None:
            return None
        upload = UploadRecord(*row)
        prow = self._one(f"SELECT {_PACKET_COLUMNS} FROM packets WHERE kit_id = ? AND packet_id = ?",
                         (kit_id, upload.packet_id))
        packet = PacketRecord(*prow) if prow else None
        data = b""
        if (partial or upload.received == upload.size) and (packet is None or packet.sha256 != upload.sha256):
            data = b"".join(bytes(r[0]) for r in self._execute(
                "SELECT data FROM upload_chunks WHERE upload_id = ? ORDER BY start_offset", (upload_id,)).fetchall())
        pinned = {r[0]: bytes(r[1]) for r in self._execute(
            "SELECT user_id, public_key FROM kit_supervisors WHERE kit_id = ? AND removed_at IS NULL",
            (kit_id,)).fetchall()}
        return FinalizeState(upload, packet, data, pinned)

    def delete_upload(self, upload_id: str) -> None:
        with self._transaction():
            self._execute("DELETE FROM upload_chunks WHERE upload_id = ?", (upload_id,))
            self._execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))

    def _drop_unfinished_uploads(self, kit_id: str, packet_id: str) -> int:
        """Once a packet is stored (by any route), its other unfinished uploads only hold the kit's quota."""
        ids = [r[0] for r in self._execute("SELECT upload_id FROM uploads WHERE kit_id = ? AND packet_id = ? "
                                           "AND received < size", (kit_id, packet_id)).fetchall()]
        for upload_id in ids:
            self._execute("DELETE FROM upload_chunks WHERE upload_id = ?", (upload_id,))
            self._execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))
        return len(ids)

    def purge_stale_uploads(self, older_than: int) -> int:
        with self._transaction():
            ids = [r[0] for r in self._execute("SELECT upload_id FROM uploads WHERE updated_at < ?",
                                               (older_than,)).fetchall()]
            for upload_id in ids:
                self._execute("DELETE FROM upload_chunks WHERE upload_id = ?", (upload_id,))
                self._execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))
        return len(ids)

    # -- packets and fates
    def store_packet(self, record: PacketRecord, envelope: bytes, finished_upload: str | None = None,
                     last_chunk_at: int | None = None) -> PacketRecord:
        """Store a verified packet once; return the stored row (the earlier one if it was already there).

        In the same transaction, once this content is the stored one: the bytes of `finished_upload` (the
        upload it came by; its row stays, so a repeated finalize finds the receipt) and the kit's other
        unfinished uploads of this packet (e.g. half a network upload, then the USB route) are dropped.

        `last_chunk_at`: the packet's last chunk was held back (append_chunk(hold_last=True)); storing the
        packet also moves `finished_upload` from that offset to complete, in this transaction. If another
        writer moved it first, nothing is stored and OffsetConflict is raised (the caller asks again)."""
        try:
            with self._transaction():
                if last_chunk_at is not None:
                    moved = self._execute("UPDATE uploads SET received = size, updated_at = ? "
                                          "WHERE upload_id = ? AND received = ?",
                                          (record.received_at, finished_upload, last_chunk_at)).rowcount
                    if moved != 1:
                        raise _Rollback(OffsetConflict(-1, record.size))
                self._execute(
                    "INSERT INTO packets (packet_id, kit_id, sha256, size, envelope, received_at, route, receipt) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kit_id, packet_id) DO NOTHING",
                    (record.packet_id, record.kit_id, record.sha256, record.size, envelope, record.received_at,
                     record.route, record.receipt))
                row = PacketRecord(*self._one(f"SELECT {_PACKET_COLUMNS} FROM packets WHERE kit_id = ? "
                                              "AND packet_id = ?", (record.kit_id, record.packet_id)))
                if row.sha256 == record.sha256:
                    if finished_upload is not None:
                        self._execute("DELETE FROM upload_chunks WHERE upload_id = ?", (finished_upload,))
                    self._drop_unfinished_uploads(record.kit_id, record.packet_id)
                return row
        except _Rollback as exc:
            return unwrap_rollback(exc)

    def get_packet(self, kit_id: str, packet_id: str) -> PacketRecord | None:
        """Kit `kit_id`'s packet `packet_id` (packet ids are only unique within one kit)."""
        with self._transaction():
            row = self._one("SELECT packet_id, kit_id, sha256, size, received_at, route, receipt FROM packets "
                            "WHERE kit_id = ? AND packet_id = ?", (kit_id, packet_id))
        return PacketRecord(*row) if row else None

    def packet_envelope(self, kit_id: str, packet_id: str) -> bytes | None:
        with self._transaction():
            row = self._one("SELECT envelope FROM packets WHERE kit_id = ? AND packet_id = ?", (kit_id, packet_id))
        return bytes(row[0]) if row else None

    def find_packets(self, packet_id: str) -> list[PacketRecord]:
        """Every kit's packet with this id (index packets_packet): usually one; more when two kits happened
        to use the same id, and then the caller must ask which kit."""
        with self._transaction():
            rows = self._execute("SELECT packet_id, kit_id, sha256, size, received_at, route, receipt FROM packets "
                                 "WHERE packet_id = ? ORDER BY kit_id", (packet_id,)).fetchall()
        return [PacketRecord(*r) for r in rows]

    def list_packets(self, kit_id: str | None = None) -> list[PacketRecord]:
        sql = "SELECT packet_id, kit_id, sha256, size, received_at, route, receipt FROM packets"
        params: tuple = ()
        if kit_id:
            sql, params = sql + " WHERE kit_id = ?", (kit_id,)
        with self._transaction():
            rows = self._execute(sql + " ORDER BY received_at, kit_id, packet_id", params).fetchall()
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

    def fates(self, kit_id: str, packet_ids: Sequence[str]) -> dict[str, "PacketRecord | RejectionRecord"]:
        """One kit's stored packet, else its latest rejection, for each of `packet_ids` that has either; one
        transaction and two indexed queries for the whole list (a kit asks about up to 500 at a time)."""
        ids = list(dict.fromkeys(packet_ids))
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        with self._transaction():
            stored = self._execute(f"SELECT {_PACKET_COLUMNS} FROM packets WHERE kit_id = ? AND packet_id IN ({marks})",
                                   (kit_id, *ids)).fetchall()
            rejected = self._execute(
                "SELECT kit_id, packet_id, sha256, reason, rejected_at, receipt FROM rejections "
                f"WHERE kit_id = ? AND packet_id IN ({marks}) ORDER BY rejected_at, packet_id",
                (kit_id, *ids)).fetchall()
        found: dict[str, PacketRecord | RejectionRecord] = {r[1]: RejectionRecord(*r) for r in rejected}  # latest wins
        found.update({r[0]: PacketRecord(*r) for r in stored})
        return found

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

    # -- downstream outcomes (sync/hub/outcomes.py signs them; each kit has its own sequence)
    def next_outcome_seq(self, kit_id: str) -> int:
        with self._transaction():
            return int(self._one("SELECT COALESCE(MAX(seq), 0) FROM hub_outcomes WHERE kit_id = ?", (kit_id,))[0]) + 1

    def add_outcome(self, kit_id: str, seq: int, outcome_id: str, packet_id: str, status: str, decided_at: int,
                    signed: str) -> bool:
        """Store a signed outcome under (kit, seq); False when another writer took that seq first."""
        with self._transaction():
            return self._execute(
                "INSERT INTO hub_outcomes (kit_id, seq, outcome_id, packet_id, status, decided_at, signed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kit_id, seq) DO NOTHING",
                (kit_id, seq, outcome_id, packet_id, status, decided_at, signed)).rowcount == 1

    def outcomes_after(self, kit_id: str, after: int, limit: int) -> list[str]:
        """The signed outcomes (JSON text) of one kit numbered after `after`, in order."""
        with self._transaction():
            rows = self._execute("SELECT signed FROM hub_outcomes WHERE kit_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                                 (kit_id, after, limit)).fetchall()
        return [r[0] for r in rows]


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
