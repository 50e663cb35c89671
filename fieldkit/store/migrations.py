"""Named schema migrations, applied in order, each recorded in `migrations` in the same transaction.

Add a migration by appending a (name, function) pair; never edit or reorder an applied one.
"""

from __future__ import annotations

import sqlite3
import time

import sqlite_utils


def m001_records(db: sqlite_utils.Database) -> None:
    """Enrolment records. Every personal field lives in encrypted blobs: a locked kit shows only ids,
    statuses and times. `payload`/`summary` are NULL once a record is sealed (the packet holds it)."""
    db["records"].create({
        "id": str, "status": str, "version": int, "session_id": str, "officer_id": str, "reviewer_id": str,
        "created_at": int, "updated_at": int, "payload": bytes, "summary": bytes, "note": bytes,
        "packet_id": str,
    }, pk="id", not_null={"status", "version", "created_at", "updated_at"})
    # The supervisor's list: filter by status and/or session, newest first (order by created_at).
    db["records"].create_index(["status", "created_at"], index_name="records_status_created")
    db["records"].create_index(["session_id", "status", "created_at"], index_name="records_session_status_created")
    db["records"].create_index(["created_at"], index_name="records_created")


def m002_search_tokens(db: sqlite_utils.Database) -> None:
    """Keyed HMAC tokens of folded name words (and their prefixes), for search without plaintext on disk."""
    db["search_tokens"].create({"token": bytes, "record_id": str}, pk=("token", "record_id"),
                               foreign_keys=[("record_id", "records", "id")])
    db["search_tokens"].create_index(["record_id"], index_name="search_tokens_record")


def m003_packets(db: sqlite_utils.Database) -> None:
    """Sealed packets waiting for (or done with) upload. `data` is NULL once purged after acknowledgement."""
    db["packets"].create({
        "packet_id": str, "record_id": str, "kit_id": str, "created_at": int, "priority": int, "status": str,
        "size": int, "sha256": str, "data": bytes, "attempts": int, "last_error": str, "receipt": bytes,
        "uploading_since": int, "acknowledged_at": int, "purged_at": int,
    }, pk="packet_id", not_null={"record_id", "created_at", "priority", "status", "size", "sha256"},
        defaults={"priority": 0, "attempts": 0})
    db["packets"].create_index(["record_id"], unique=True, index_name="packets_record")  # one packet per record
    db["packets"].create_index(["status", "priority", "created_at"], index_name="packets_send_order")


def m004_audit_log(db: sqlite_utils.Database) -> None:
    """The hash-chained audit log (fieldkit.audit). Ids and codes only, never names."""
    db["audit_log"].create({
        "seq": int, "at": int, "actor": str, "action": str, "record_id": str, "detail": str,
        "prev_hash": str, "entry_hash": str, "signature": bytes,
    }, pk="seq", not_null={"at", "action", "prev_hash", "entry_hash"})
    db["audit_log"].create_index(["record_id", "seq"], index_name="audit_record")


def m005_packet_refusals(db: sqlite_utils.Database) -> None:
    """A packet the hub refused (signed reason) stays on the kit, sealed, but is no longer offered for upload."""
    db["packets"].add_column("refused_reason", str)
    db["packets"].add_column("refused_receipt", bytes)
    db["packets"].add_column("refused_at", int)


def m006_kit_outcomes(db: sqlite_utils.Database) -> None:
    """Downstream verdicts from the hub (fieldkit.store.outcomes): the signed outcome as received (its person
    block stays sealed to the device key), one row per hub sequence number."""
    db["kit_outcomes"].create({
        "seq": int, "outcome_id": str, "packet_id": str, "record_id": str, "status": str, "reason": str,
        "decided_at": str, "signed": bytes, "route": str, "received_at": int, "recapture_record_id": str,
    }, pk="seq", not_null={"outcome_id", "packet_id", "record_id", "status", "signed", "received_at"})
    db["kit_outcomes"].create_index(["outcome_id"], unique=True, index_name="kit_outcomes_id")
    db["kit_outcomes"].create_index(["record_id", "seq"], index_name="kit_outcomes_record")


MIGRATIONS = (
    ("001_records", m001_records),
    ("002_search_tokens", m002_search_tokens),
    ("003_packets", m003_packets),
    ("004_audit_log", m004_audit_log),
    ("005_packet_refusals", m005_packet_refusals),
    ("006_kit_outcomes", m006_kit_outcomes),
)


def applied(conn: sqlite3.Connection) -> list[str]:
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
    return [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply the missing migrations, each in its own transaction; the names applied now."""
    done, new = set(applied(conn)), []
    for name, migrate in MIGRATIONS:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone() is None:
                migrate(sqlite_utils.Database(conn))
                conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, int(time.time() * 1000)))
                new.append(name)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return new
