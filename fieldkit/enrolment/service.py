"""The enrolment service: what the UI and `fieldkit demo` call. Qt-free; every action is audited.

    service = EnrolmentService(data_dir, settings)
    session = service.unlock("lan", passphrase)              # KitSession, or BadPassphrase / Throttled
    ref = session.save_draft(record_dict, {"face.jpg": b"…"})  # encrypted autosave, durable on return
    session.submit_for_review(ref.record_id)
    supervisor.approve(ref.record_id)                        # seal + enqueue + erase draft: one transaction
    supervisor.list_for_review(ReviewFilter(search="nguyen"))
    service.close()

A state a method returns is on disk (one writer transaction, WAL + synchronous=FULL).
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from fieldkit.audit import log as audit
from fieldkit.domain.status import Status, transition
from fieldkit.enrolment import vault
from fieldkit.packets.seal import SealInput, Signers, seal_packet
from fieldkit.security import keystore
from fieldkit.security.hub_keys import load_hub_keys
from fieldkit.security.keystore import BadPassphrase, NotAllowed, UnlockedKit
from fieldkit.security.throttle import Throttled
from fieldkit.settings import Settings, load_settings
from fieldkit.store import records as rows
from fieldkit.store import search
from fieldkit.store.queue import PacketQueue
from fieldkit.store.store import Store

log = logging.getLogger(__name__)  # record ids and codes only: never people (fieldkit.logs redacts anyway)
S = Status
EDITABLE = (S.DRAFT.value, S.CAPTURED.value, S.RETURNED.value)
CAPTURE_ROLES = ("officer", "supervisor")


class RecordNotFound(KeyError):
    pass


class RecordLocked(RuntimeError):
    """The record's status does not allow this action (e.g. editing a record under review)."""


class StaleVersion(RuntimeError):
    """The record changed since the caller read it."""


class TokenNeeded(NotAllowed):
    """A supervisor bound to a PKCS#11 token tried to approve without it (the UI then asks for the PIN)."""


class RecordUnchanged(RuntimeError):
    """A returned record cannot go back for review unchanged: the supervisor's reason is not answered."""


@dataclass(frozen=True)
class RecordRef:
    record_id: str
    version: int
    status: str


@dataclass
class ReviewFilter:
    statuses: tuple[str, ...] = (S.PENDING_REVIEW.value,)
    session_id: str | None = None
    officer_id: str | None = None
    created_from: int | None = None  # ms since epoch
    created_to: int | None = None
    search: str = ""
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class RecordSummary:
    record_id: str
    status: str
    version: int
    session_id: str | None
    officer_id: str | None
    created_at: int
    updated_at: int
    name: str = ""  # "" once sealed: the kit cannot read a sealed record
    birth_date: str = ""
    packet_id: str | None = None
    personal_id: str = ""  # summaries sealed before these two fields read as "" / None
    possible_duplicate: bool | None = None  # None: the duplicate search has not run (or could not)


@dataclass
class RecordView:
    record_id: str
    status: str
    version: int
    record: dict
    capture: dict
    blobs: dict[str, bytes] = field(repr=False)
    note: str = ""
    packet_id: str | None = None


def _record_dict(record) -> dict:
    from fieldkit.domain.record import EnrolmentRecord
    if isinstance(record, EnrolmentRecord):
        return record.to_dict()
    if isinstance(record, dict):
        return dict(record)
    raise TypeError(f"save_draft takes an EnrolmentRecord, not {type(record).__name__}")


def _capture_dict(capture) -> dict:
    from fieldkit.enrolment.capture_meta import CaptureMetadata
    if capture is None:
        return CaptureMetadata().to_dict()
    if isinstance(capture, CaptureMetadata):
        return capture.to_dict()
    raise TypeError(f"save_draft takes CaptureMetadata, not {type(capture).__name__}")


def _now() -> int:
    return int(time.time() * 1000)


def _with_state(record: dict, version: int, status: str) -> dict:
    """The store owns version and status: a record dict that carries them (fieldkit.domain.record's
    to_dict()) gets the stored values, so from_dict() sees the truth."""
    out = dict(record)
    if "version" in out:
        out["version"] = version
    if "status" in out:
        out["status"] = status
    return out


class EnrolmentService:
    """One per data directory: owns the Store (and its writer thread). Close it when done."""

    def __init__(self, data_dir: Path, settings: Settings | None = None):
        self.data_dir = Path(data_dir)
        keystore.check_usable(self.data_dir)
        self.settings = settings or load_settings(self.data_dir)
        self.kit_id = keystore.kit_id(self.data_dir)
        self.store = Store(self.data_dir)

    def unlock(self, name: str | None, passphrase: str) -> "KitSession":
        """Log in; failures are throttled and audited (unsigned: the kit is locked then)."""
        try:
            kit = keystore.unlock(self.data_dir, name, passphrase)
        except (BadPassphrase, Throttled, keystore.KitFileTampered) as exc:
            reason = exc.audit_reason  # bad_passphrase, throttled or key_file_tampered
            log.warning("login refused: %s", reason)
            users = {u.name: u.user_id for u in keystore.list_users(self.data_dir)}
            self.store.write(lambda c: audit.append(c, self.kit_id, users.get(name or ""), "login_failed", None,
                                                    {"reason": reason}))
            raise
        session = KitSession(self, kit)
        session._audit("login", None, {"role": kit.user.role})
        return session

    def change_passphrase(self, name: str, old: str, new: str) -> None:
        """Re-wrap `name`'s key slot (no data re-encrypted); audited as `passwd`."""
        kit = keystore.change_passphrase(self.data_dir, name, old, new)
        try:
            KitSession(self, kit)._audit("passwd", None, {})
        finally:
            kit.lock()

    def session_for(self, kit: UnlockedKit) -> "KitSession":
        """A session around keys unlocked elsewhere (e.g. right after `fieldkit init`)."""
        return KitSession(self, kit)

    def queue(self, session: "KitSession | None" = None) -> PacketQueue:
        """The packet queue for the sync worker; audit entries are signed when a session is given."""
        if session is None:
            return PacketQueue(self.store, self.kit_id)
        return PacketQueue(self.store, self.kit_id, session.kit.user.user_id, session.kit.device_key)

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class KitSession:
    """A logged-in user's actions. Role checks here; the status machine guards every status change."""

    def __init__(self, service: EnrolmentService, kit: UnlockedKit):
        self.service, self.kit = service, kit
        self._search_key = kit.subkey("search tokens")

    @property
    def user(self):
        return self.kit.user

    # -- helpers ---------------------------------------------------------------------------------------------
    def _audit(self, action: str, record_id: str | None, detail: dict | None = None) -> int:
        return self.service.store.write(lambda c: self._audit_in(c, action, record_id, detail))

    def _audit_in(self, conn, action, record_id, detail=None) -> int:
        return audit.append(conn, self.kit.kit_id, self.kit.user.user_id, action, record_id, detail,
                            self.kit.device_key)

    def _row(self, conn, record_id: str, with_payload: bool = True) -> dict:
        row = rows.get_row(conn, record_id, with_payload)
        if row is None:
            raise RecordNotFound(record_id)
        return row

    @staticmethod
    def _payload_hash(blob: bytes | None) -> str:
        return hashlib.sha256(blob).hexdigest()[:32] if blob else ""

    def add_user(self, name: str, role: str, passphrase: str, token_certificate: bytes | None = None
                 ) -> keystore.User:
        """A new user slot (supervisor or technician only); audited as `user_add` (user id and role).

        `token_certificate`: a supervisor bound to the certificate on their PKCS#11 token (checked by the
        caller against the provisioned roots, fieldkit.security.token_binding)."""
        user = keystore.add_user(self.kit, name, role, passphrase, token_certificate=token_certificate)
        detail = {"user_id": user.user_id, "role": user.role}
        if token_certificate:
            detail["token_certificate_sha256"] = hashlib.sha256(token_certificate).hexdigest()
        self._audit("user_add", None, detail)
        return user

    # -- officer ---------------------------------------------------------------------------------------------
    def save_draft(self, record: "EnrolmentRecord | dict", blobs: dict[str, bytes] | None = None,
                   record_id: str | None = None, session_id: str | None = None,
                   capture: "CaptureMetadata | None" = None, expected_version: int | None = None) -> RecordRef:
        """Encrypted autosave of the WHOLE record state (record, blobs, capture replace the previous ones).

        `record` is the domain EnrolmentRecord and `capture` the typed CaptureMetadata (what the enrolment
        flow hands over); a raw record dict is still taken from tools and tests that store free-form records.
        A new record starts as a draft; a returned record STAYS returned (with the supervisor's reason) until
        it is submitted again. Returns once durable. Only the service sets a record's status.
        """
        self.kit.require_role(*CAPTURE_ROLES)
        record, capture = _record_dict(record), _capture_dict(capture)
        blobs = dict(blobs or {})
        key, kid = bytes(self.kit.data_key), self.kit.kit_id
        tokens = search.index_tokens(self._search_key, vault.searchable_texts(record))

        if record_id and record.get("record_id") not in (None, record_id):
            raise ValueError("record_id differs from the record's own record_id")
        record_id = record_id or record.get("record_id")

        def job(conn):
            now = _now()
            rid = record_id or str(uuid.uuid4())
            old = rows.get_row(conn, rid, with_payload=False)
            if old is None:
                version, status, action = 1, S.DRAFT.value, "capture"
            else:
                if old["status"] not in EDITABLE:
                    raise RecordLocked(f"record {rid} is {old['status']} and cannot be edited")
                if expected_version is not None and old["version"] != expected_version:
                    raise StaleVersion(f"record {rid} is at version {old['version']}, not {expected_version}")
                version, action, status = old["version"] + 1, "edit", old["status"]
            payload = vault.seal_payload(key, kid, rid, version, record, capture, blobs)
            fields = dict(status=status, version=version, updated_at=now, payload=payload,
                          summary=vault.seal_json(key, "summary", kid, rid, version, vault.summary_of(record, capture)))
            if old is None:
                rows.insert_record(conn, dict(id=rid, created_at=now, officer_id=self.user.user_id,
                                              session_id=session_id, **fields))
            else:
                rows.update_record(conn, rid, **fields)
            rows.set_tokens(conn, rid, tokens)
            self._audit_in(conn, action, rid, {"status": status, "version": version,
                                               "payload": self._payload_hash(payload)})
            return RecordRef(rid, version, status)
        return self.service.store.write(job)

    def _move(self, record_id: str, path: tuple[Status, ...], action: str, *, roles=CAPTURE_ROLES,
              note: str | None = None, erase: bool = False, digest_content: bool = False) -> RecordRef:
        """Walk the record through `path` (each step checked by the status machine) in one transaction."""
        self.kit.require_role(*roles)

        def job(conn):
            row = self._row(conn, record_id, with_payload=False)
            status = Status(row["status"])
            for step in path:
                if step != status:
                    status = transition(status, step)
            fields = dict(status=status.value, updated_at=_now())
            if action in ("reject", "return"):
                fields["reviewer_id"] = self.user.user_id
            if note is not None:
                fields["note"] = vault.seal_json(bytes(self.kit.data_key), "note", self.kit.kit_id, record_id, 0, note)
            if erase:
                fields["payload"] = None
                rows.clear_tokens(conn, record_id)
            detail = {"status": status.value, "version": row["version"],
                      "payload": "" if erase else self._payload_of(conn, record_id)}
            if digest_content:
                detail["content"] = self._content_digest(conn, record_id, row["version"])
            rows.update_record(conn, record_id, **fields)
            self._audit_in(conn, action, record_id, detail)
            return RecordRef(record_id, row["version"], status.value)
        ref = self.service.store.write(job)
        log.info("record %s: %s -> %s", record_id, action, ref.status)
        return ref

    def _payload_of(self, conn, record_id: str) -> str:
        blob = conn.execute("SELECT payload FROM records WHERE id = ?", (record_id,)).fetchone()[0]
        return self._payload_hash(blob)

    def mark_captured(self, record_id: str) -> RecordRef:
        return self._move(record_id, (S.CAPTURED,), "edit")

    def submit_for_review(self, record_id: str) -> RecordRef:
        """draft/returned → captured → pending_review (a returned record may go straight back)."""
        row = rows.get_row(self.service.store.reader(), record_id, with_payload=False)
        if row is None:
            raise RecordNotFound(record_id)
        if row["status"] == S.RETURNED.value and not self._edited_since_return(record_id):
            raise RecordUnchanged(f"record {record_id} was returned and has not been changed since")
        path = (S.PENDING_REVIEW,) if row["status"] in (S.RETURNED.value, S.CAPTURED.value) \
            else (S.CAPTURED, S.PENDING_REVIEW)
        return self._move(record_id, path, "submit")

    def _edited_since_return(self, record_id: str) -> bool:
        """The content differs from what the supervisor returned (keyed digest in the `return` audit entry).

        Saving the same content again does not count: an autosave of an untouched record is no answer."""
        conn = self.service.store.reader()
        returns = [e for e in audit.excerpt(conn, record_id) if e["action"] == "return"]
        if not returns or "content" not in returns[-1]["detail"]:
            return True   # returned before digests were kept: nothing to compare with
        row = self._row(conn, record_id, with_payload=False)
        return self._content_digest(conn, record_id, row["version"]) != returns[-1]["detail"]["content"]

    def _content_digest(self, conn, record_id: str, version: int) -> str:
        payload = conn.execute("SELECT payload FROM records WHERE id = ?", (record_id,)).fetchone()[0]
        key = bytes(self.kit.data_key)
        record, _capture, blobs = vault.open_payload(key, self.kit.kit_id, record_id, version, payload)
        return vault.content_digest(key, record, blobs)

    def void(self, record_id: str) -> RecordRef:
        return self._move(record_id, (S.VOIDED,), "void", roles=("officer", "supervisor"), erase=True)

    # -- supervisor ------------------------------------------------------------------------------------------
    def return_to_officer(self, record_id: str, reason: str) -> RecordRef:
        """Back to the officer with a reason. The content's keyed digest goes into the audit entry: the record
        cannot be submitted again until its content differs from it."""
        return self._move(record_id, (S.RETURNED,), "return", roles=("supervisor",), note=reason,
                          digest_content=True)

    def reject(self, record_id: str, reason: str) -> RecordRef:
        """Final refusal: the reason is kept (encrypted), the biometrics are erased."""
        return self._move(record_id, (S.REJECTED,), "reject", roles=("supervisor",), note=reason, erase=True)

    def approve(self, record_id: str, expected_version: int | None = None, priority: int = 0,
                cosigner=None) -> RecordRef:
        """Approve, seal and enqueue in ONE durable transaction; the plaintext draft is erased in it.

        Afterwards the kit holds only the packet, which only the hub can open. A supervisor bound to a token
        passes `cosigner` (fieldkit.security.token.open_token_signer): a token failure inside the transaction
        rolls it back, so the record stays pending review, never half-sealed.
        """
        self.kit.require_role("supervisor")
        self._check_cosigner(cosigner)
        suite = self.service.settings.hpke_suite
        hub_key = load_hub_keys(self.service.data_dir).hpke_public_key(suite)
        signers = Signers(self.kit.kit_id, self.kit.device_key, self.user.user_id, self.kit.cosign_key,
                          self.kit.cosign_certificate, cosigner=cosigner)

        def job(conn):
            row = self._row(conn, record_id)
            if row["officer_id"] == self.user.user_id:
                raise NotAllowed("a supervisor cannot approve a record they captured (four eyes)")
            if expected_version is not None and row["version"] != expected_version:
                raise StaleVersion(f"record {record_id} is at version {row['version']}, not {expected_version}")
            approved = transition(row["status"], S.APPROVED)
            sealed = transition(approved, S.SEALED)
            record, capture, blobs = vault.open_payload(bytes(self.kit.data_key), self.kit.kit_id, record_id,
                                                        row["version"], row["payload"])
            self._audit_in(conn, "approve", record_id, {"status": approved.value, "version": row["version"],
                                                        "payload": self._payload_hash(row["payload"])})
            content = SealInput(record_id, row["version"], _with_state(record, row["version"], sealed.value), blobs,
                                capture, audit.excerpt(conn, record_id))
            packet_id, packet = seal_packet(content, signers, hub_key, suite)
            digest = hashlib.sha256(packet).hexdigest()
            PacketQueue.enqueue_in(conn, packet_id=packet_id, record_id=record_id, kit_id=self.kit.kit_id,
                                   priority=priority, status=sealed.value, data=packet, sha256=digest,
                                   created_at=_now())
            rows.update_record(conn, record_id, status=sealed.value, updated_at=_now(), payload=None, summary=None,
                               note=None, packet_id=packet_id, reviewer_id=self.user.user_id)
            rows.clear_tokens(conn, record_id)
            self._audit_in(conn, "seal", record_id, {"status": sealed.value, "version": row["version"],
                                                     "packet_id": packet_id, "sha256": digest, "suite": suite})
            return RecordRef(record_id, row["version"], sealed.value), packet_id, len(packet)
        ref, packet_id, size = self.service.store.write(job)
        log.info("record %s approved and sealed as packet %s (%d bytes, %s)", record_id, packet_id, size, suite)
        return ref

    def _check_cosigner(self, cosigner) -> None:
        """Software key or the bound token, whichever this supervisor approves with, and nothing else."""
        if not self.kit.token_certificate:
            if cosigner is not None:
                raise NotAllowed("this supervisor approves with the kit-held key, not a token")
            if self.kit.cosign_key is None:
                raise NotAllowed("this supervisor has no co-signing key")
            return
        from fieldkit.security.token_binding import check_cosigner_certificate

        if cosigner is None:
            raise TokenNeeded("this supervisor approves with their token: plug it in and give its PIN")
        check_cosigner_certificate(self.service.data_dir, self.kit.token_certificate, cosigner.chain)

    # -- reading ---------------------------------------------------------------------------------------------
    def list_for_review(self, f: ReviewFilter | None = None) -> list[RecordSummary]:
        """A page of records, newest first; names decrypted in memory for this page only.

        Officers see their own records only. `search` matches folded name/ID prefixes (diacritics ignored).
        """
        f = f or ReviewFilter()
        officer = self.user.user_id if self.user.role == "officer" else f.officer_id
        q = rows.ListFilter(tuple(f.statuses), f.session_id, officer, f.created_from, f.created_to,
                            search.query_tokens(self._search_key, f.search) if f.search.strip() else [],
                            f.limit, f.offset)
        out = []
        for r in rows.list_rows(self.service.store.reader(), q):
            summary = {}
            if r["summary"]:
                summary = vault.open_json(bytes(self.kit.data_key), "summary", self.kit.kit_id, r["id"],
                                          r["version"], r["summary"])
            out.append(RecordSummary(r["id"], r["status"], r["version"], r["session_id"], r["officer_id"],
                                     r["created_at"], r["updated_at"], summary.get("name", ""),
                                     summary.get("birth_date", ""), r["packet_id"],
                                     str(summary.get("personal_id") or ""), summary.get("possible_duplicate")))
        return out

    def count(self, f: ReviewFilter | None = None) -> int:
        f = f or ReviewFilter()
        q = rows.ListFilter(tuple(f.statuses), f.session_id, f.officer_id, f.created_from, f.created_to,
                            search.query_tokens(self._search_key, f.search) if f.search.strip() else [])
        return rows.count_rows(self.service.store.reader(), q)

    def get_record(self, record_id: str) -> RecordView:
        """The decrypted record (record dict, capture metadata, blobs); empty once sealed."""
        row = self._row(self.service.store.reader(), record_id)
        if self.user.role == "officer" and row["officer_id"] != self.user.user_id:
            raise NotAllowed("officers see their own records only")
        record, capture, blobs = {}, {}, {}
        key, kid = bytes(self.kit.data_key), self.kit.kit_id
        if row["payload"]:
            record, capture, blobs = vault.open_payload(key, kid, record_id, row["version"], row["payload"])
            record = _with_state(record, row["version"], row["status"])
        note = vault.open_json(key, "note", kid, record_id, 0, row["note"]) if row["note"] else ""
        return RecordView(record_id, row["status"], row["version"], record, capture, blobs, note, row["packet_id"])

    def lock(self) -> None:
        """Forget the keys (the service and its queue stay usable for sync)."""
        self.kit.lock()
        self._search_key = b""
