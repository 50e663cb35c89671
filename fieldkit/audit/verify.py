"""`fieldkit audit verify`: check the chain, the signatures, and that records and packets match the log.

Detects (and names the seq of) a deleted, inserted, reordered or edited log line, a forged signature, a
record row that was deleted, inserted, edited (ciphertext hash or status differs from its last entry), and
a packet whose bytes changed, and a forged approval path: a user added by someone the log shows was not a
supervisor or technician, a login under a role the user was not given, an approval by a non-supervisor.
Works on a locked kit: it needs only the device public key.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldkit.audit.log import SIGN_CONTEXT, entry_hash, genesis_hash

# Actions whose detail states the record's status (and payload hash) after the action.
STATUS_ACTIONS = ("capture", "edit", "submit", "approve", "seal", "reject", "return", "void")


@dataclass(frozen=True)
class Problem:
    seq: int | None
    what: str

    def __str__(self) -> str:
        return f"seq {self.seq}: {self.what}" if self.seq is not None else self.what


@dataclass
class Report:
    entries: int
    signed: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_log(conn: sqlite3.Connection, kit_id: str, device_public_key: bytes, packets=()) -> Report:
    """`packets`: (packet id, sha256, bytes or None) of every queued packet, from the queue that owns them
    (fieldkit.store.queue.packet_hashes): each must match its seal entry."""
    pub = Ed25519PublicKey.from_public_bytes(device_public_key)
    problems: list[Problem] = []
    prev_hash, expected_seq, signed, count = genesis_hash(kit_id), 1, 0, 0
    last_state: dict[str, tuple[int, dict]] = {}
    roster = _Roster()
    for seq, at, actor, action, record_id, detail, prev, digest, sig in conn.execute(
            "SELECT seq, at, actor, action, record_id, detail, prev_hash, entry_hash, signature"
            " FROM audit_log ORDER BY seq"):
        count += 1
        if seq != expected_seq:
            problems.append(Problem(seq, f"entries {expected_seq}..{seq - 1} are missing (deleted)"
                                    if seq > expected_seq else "sequence number out of order"))
        if prev != prev_hash:
            problems.append(Problem(seq, "chain broken: prev_hash does not match the entry before "
                                         "(an entry was deleted, inserted or reordered)"))
        if entry_hash(prev, seq, at, actor, action, record_id, detail) != digest:
            problems.append(Problem(seq, "entry edited: its hash does not match its content"))
        if sig is not None:
            try:
                pub.verify(sig, SIGN_CONTEXT + bytes.fromhex(digest))
                signed += 1
            except (InvalidSignature, ValueError):
                problems.append(Problem(seq, "device signature does not verify"))
        elif action != "login_failed":
            problems.append(Problem(seq, f"unsigned {action} entry (only locked-kit events may be unsigned)"))
        problems += roster.check(seq, actor, action, detail)
        if record_id and action in STATUS_ACTIONS:
            try:
                last_state[record_id] = (seq, json.loads(detail))
            except ValueError:
                problems.append(Problem(seq, "detail is not JSON"))
        prev_hash, expected_seq = digest, seq + 1
    problems += _check_records(conn, last_state)
    problems += _check_packets(packets, last_state)
    return Report(count, signed, problems)


class _Roster:
    """Who the log says each user is: the first user (init) is an administrator, later ones have the role
    their `user_add` entry gave them. Catches the forged approval path of an officer who edits their role in
    keys/kit.json. On a kit whose log starts with `init` (made by the CLI, the app or the demo) a login or
    approval by a user the log never added is named too; kits made by code without an `init` entry (test
    harnesses) are not judged on that."""

    ADMIN = ("supervisor", "technician")

    def __init__(self):
        self.roles: dict[str, str] = {}
        self.has_init = False

    def check(self, seq: int, actor: str | None, action: str, detail: str) -> list[Problem]:
        try:
            info = json.loads(detail) if detail else {}
        except ValueError:
            return []
        role = self.roles.get(actor or "")
        if self.has_init and role is None and action in ("login", "approve"):
            return [Problem(seq, f"{action} by {actor}, a user no user_add entry introduced (added behind the "
                                 "app's back)")]
        if action == "init" and actor:
            self.has_init = True
            self.roles[actor] = str(info.get("role") or "technician")
        elif action == "user_add":
            if role is not None and role not in self.ADMIN:
                return [Problem(seq, f"user_add by {actor}, who was added as {role}: only a supervisor or "
                                     "technician adds users (forged role)")]
            if info.get("user_id"):
                self.roles[str(info["user_id"])] = str(info.get("role", ""))
        elif action == "login" and role is not None and info.get("role") not in (None, role):
            return [Problem(seq, f"login by {actor} as {info.get('role')}, but the user was added as {role} "
                                 "(forged role)")]
        elif action == "approve" and role is not None and role != "supervisor":
            return [Problem(seq, f"approval by {actor}, who was added as {role}, not as a supervisor")]
        return []


def _check_records(conn, last_state) -> list[Problem]:
    out = []
    seen = set()
    for rid, status, version, payload in conn.execute("SELECT id, status, version, payload FROM records"):
        seen.add(rid)
        if rid not in last_state:
            out.append(Problem(None, f"record {rid} has no audit entries (inserted outside the kit)"))
            continue
        seq, detail = last_state[rid]
        if detail.get("status") != status and not _moved_by_sync(detail.get("status"), status):
            out.append(Problem(seq, f"record {rid} is {status} but its last entry says {detail.get('status')}"))
        if detail.get("version") != version:
            out.append(Problem(seq, f"record {rid} is at version {version} but its last entry says {detail.get('version')}"))
        want = detail.get("payload")
        have = hashlib.sha256(payload).hexdigest()[:32] if payload else ""
        if want is not None and detail.get("status") not in ("sealed",) and want != have:
            out.append(Problem(seq, f"record {rid} ciphertext differs from the one last audited (edited)"))
    for rid, (seq, _) in last_state.items():
        if rid not in seen:
            out.append(Problem(seq, f"record {rid} is in the log but missing from the database (deleted)"))
    return out


def _moved_by_sync(audited: str | None, status: str) -> bool:
    # Sealed packets move on to uploading/acknowledged through the queue (its own audit actions).
    return audited == "sealed" and status in ("uploading", "acknowledged")


def _check_packets(packets, last_state) -> list[Problem]:
    out = []
    sealed = {d.get("packet_id"): (seq, d) for seq, d in last_state.values() if d.get("packet_id")}
    for pid, sha, data in packets:
        if pid not in sealed:
            out.append(Problem(None, f"packet {pid} has no seal entry in the log (inserted)"))
            continue
        seq, detail = sealed[pid]
        if detail.get("sha256") != sha or (data is not None and hashlib.sha256(data).hexdigest() != sha):
            out.append(Problem(seq, f"packet {pid} bytes differ from the sealed ones (edited)"))
    return out
