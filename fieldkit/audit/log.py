"""Appending to the hash-chained audit log (table `audit_log`, written inside the action's own transaction).

Each entry: seq, at (ms), actor (user id, never a name), action, record id, detail (JSON of codes, statuses,
versions and ciphertext hashes: never personal data), prev_hash, entry_hash, signature.

    entry_hash = SHA-256(prev_hash bytes || canonical JSON {seq, at, actor, action, record_id, detail})
    signature  = Ed25519(device key, b"FieldKit audit v1\\x00" || entry_hash bytes)

Every entry is signed, not periodic checkpoints: Ed25519 costs ~50 µs, and a per-entry signature means a
forged tail cannot hide between two checkpoints. The one exception is an event that happens while the kit is
locked (a failed login): the device key is encrypted under the data key then, so that entry is chained but
unsigned, and the next signed entry vouches for it through the chain.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ACTIONS = ("init", "login", "login_failed", "user_add", "passwd", "capture", "edit", "submit", "approve", "seal",
           "reject", "return", "void", "export", "sync", "acknowledge", "purge", "wipe",
           "extract_load", "extract_drop")
SIGN_CONTEXT = b"FieldKit audit v1\x00"


def genesis_hash(kit_id: str) -> str:
    return hashlib.sha256(f"fieldkit audit genesis|{kit_id}".encode()).hexdigest()


def entry_hash(prev_hash: str, seq: int, at: int, actor: str | None, action: str, record_id: str | None,
               detail: str) -> str:
    body = json.dumps({"seq": seq, "at": at, "actor": actor or "", "action": action, "record_id": record_id or "",
                       "detail": detail}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(bytes.fromhex(prev_hash) + body.encode("utf-8")).hexdigest()


def append(conn: sqlite3.Connection, kit_id: str, actor: str | None, action: str, record_id: str | None = None,
           detail: dict[str, Any] | None = None, signer: Ed25519PrivateKey | None = None,
           at: int | None = None) -> int:
    """Append one entry in the caller's (writer) transaction; its seq."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = conn.execute("SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, genesis_hash(kit_id))
    at = int(time.time() * 1000) if at is None else at
    detail_text = json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    digest = entry_hash(prev, seq, at, actor, action, record_id, detail_text)
    signature = signer.sign(SIGN_CONTEXT + bytes.fromhex(digest)) if signer is not None else None
    conn.execute("INSERT INTO audit_log (seq, at, actor, action, record_id, detail, prev_hash, entry_hash, signature)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (seq, at, actor or "", action, record_id or "", detail_text, prev, digest, signature))
    return seq


def excerpt(conn: sqlite3.Connection, record_id: str) -> list[dict]:
    """This record's entries (for the packet): seq, at, actor, action, detail, entry_hash."""
    rows = conn.execute("SELECT seq, at, actor, action, detail, entry_hash FROM audit_log WHERE record_id = ?"
                        " ORDER BY seq", (record_id,)).fetchall()
    return [{"seq": s, "at": a, "actor": actor, "action": act, "detail": json.loads(d), "entry_hash": h}
            for s, a, actor, act, d, h in rows]
