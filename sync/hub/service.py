"""What the hub does, independent of HTTP: enrol kits, authenticate requests, take uploads, issue receipts.

The HTTP app (app.py) and the USB import (usb_import.py) both end in `HubService.ingest`, so a packet that
arrives by both routes is verified the same way and stored once ((kit id, packet id) is the primary key).
A packet's co-signer must be a supervisor the hub pinned for that kit (docs/sync.md, "Supervisor keys").
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from sync.frames import Frame, verify_frame
from sync.hub.keys import HubKeys
from sync.hub.storage import (FinalizeState, KitRecord, OffsetConflict, PacketRecord, RejectionRecord,
                              SqlHubStorage, StaleRoster, UploadLimitExceeded)
from sync.hub.verify import PacketRejected, PacketVerifier
from sync.roster import MAX_SUPERVISORS, RosterUpdate, SupervisorKey, verify_signature
from sync.protocol import (MAX_CHUNK_BYTES, MAX_PACKET_BYTES, REPLAY_WINDOW_S, ROUTE_NETWORK, STATUS_RECEIVED,
                           STATUS_REJECTED, ProtocolError, Receipt, b64d, canonical_json, load_public_key,
                           parse_auth_headers, sha256_hex, sign_receipt, verify_request)

log = logging.getLogger(__name__)

_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
TOKEN_TTL_S = 7 * 86400
# An upload untouched this long is dropped (a kit that comes back later simply starts that packet again).
UPLOAD_TTL_S = 14 * 86400
_NOT_READ = object()  # ingest(): the caller did not read the stored packet row


@dataclass(frozen=True)
class HubLimits:
    """Per-kit limits on unfinished uploads (issue #11, attack 6: one enrolled kit must not fill the hub).

    An upload is *open* until its last byte arrives; its declared size counts against the bytes limit from
    the moment it is opened. A kit delivers one packet at a time, so the defaults leave room for retries and
    a second worker while capping what one kit can hold at 8 uploads and 64 MiB (`fieldkit-hub serve
    --max-open-uploads N --max-open-upload-mib M`)."""

    max_open_uploads_per_kit: int = 8
    max_open_upload_bytes_per_kit: int = 64 * 1024 * 1024


class HubError(Exception):
    """A refusal with an HTTP status, a stable code and a message for people."""

    def __init__(self, status: int, code: str, message: str, **extra: Any):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.extra}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def _require_str(body: Mapping[str, Any], name: str, pattern: re.Pattern[str] | None = None) -> str:
    value = body.get(name)
    if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
        raise HubError(400, "bad_request", f"field {name!r} missing or malformed")
    return value


def _require_int(body: Mapping[str, Any], name: str) -> int:
    value = body.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise HubError(400, "bad_request", f"field {name!r} must be an integer")
    return value


@dataclass
class HubService:
    storage: SqlHubStorage
    keys: HubKeys
    verifier: PacketVerifier
    clock: Callable[[], float] = time.time
    limits: HubLimits = HubLimits()
    _next_upload_purge: float = field(default=0.0, repr=False)

    def now(self) -> int:
        return int(self.clock())

    # ------------------------------------------------------------------------------------- provisioning
    def issue_token(self, ttl_s: int = TOKEN_TTL_S) -> str:
        """A one-time enrolment token; only its hash is stored, so a database dump cannot enrol a kit."""
        token = secrets.token_urlsafe(24)
        while token.startswith("-"):  # `fieldkit provision --token -x…` would read it as an option
            token = secrets.token_urlsafe(24)
        self.storage.add_token(token_hash(token), self.now(), self.now() + ttl_s)
        return token

    def enrol(self, body: Mapping[str, Any], headers: Mapping[str, str], method: str, path: str,
              raw_body: bytes) -> dict[str, Any]:
        """Exchange keys: the kit proves it holds the device key by signing this very request with it."""
        token = _require_str(body, "token")
        kit_id = _require_str(body, "kit_id", _ID)
        device_key = b64d(_require_str(body, "device_public_key"), "device_public_key")
        supervisors = _supervisors_field(body, kit_id, device_key)
        try:
            auth = parse_auth_headers(headers)
            if auth.kit_id != kit_id:
                raise ProtocolError("bad_header", "signed kit id differs from the enrolment's kit id")
            verify_request(auth, device_key, method, path, raw_body, now=self.clock())
        except ProtocolError as exc:
            raise HubError(401, exc.code, exc.message) from None
        refusal = self.storage.enrol_kit(token_hash(token), kit_id, device_key, self.now(), supervisors)
        if refusal == "token_invalid":
            raise HubError(403, "token_invalid", "enrolment token unknown, expired or already used")
        if refusal == "kit_exists":
            raise HubError(409, "kit_exists", "this kit id is enrolled with another device key")
        log.info("kit %s enrolled with %d supervisor key(s)", kit_id, len(supervisors))
        return {"kit_id": kit_id, "supervisors": [s.user_id for s in self.storage.supervisors(kit_id)],
                **self.keys.public_info(), "ca_roots": self._ca_roots_pem()}

    def _ca_roots_pem(self) -> str:
        """The roots of supervisors' token certificates, for the kit to check a binding against."""
        from fieldkit.packets.certificates import to_pem

        policy = self.verifier.policy() if hasattr(self.verifier, "policy") else None
        return b"".join(to_pem(c) for c in policy.store.roots).decode("ascii") if policy else ""

    # ----------------------------------------------------------------------------------- supervisor keys
    def pinned_keys(self, kit_id: str) -> dict[str, bytes]:
        """user id -> co-signing key of every supervisor the hub accepts for this kit now."""
        return {s.user_id: s.public_key for s in self.storage.supervisors(kit_id)}

    def apply_roster(self, kit: KitRecord, body: Mapping[str, Any]) -> dict[str, Any]:
        """Pin a kit's new supervisor roster, signed by its device AND a supervisor the hub already pins."""
        try:
            update = RosterUpdate.from_json_obj(body)
        except ProtocolError as exc:
            raise HubError(400, exc.code, exc.message) from None
        if update.kit_id != kit.kit_id:
            raise HubError(403, "kit_mismatch", "the roster update is for another kit")
        message = update.message()
        if not verify_signature(kit.device_public_key, update.device_signature, message):
            raise HubError(403, "bad_roster_signature", "the roster update is not signed by this kit's device key")
        signer = self.pinned_keys(kit.kit_id).get(update.signer_id)
        if signer is None:
            raise HubError(403, "untrusted_roster_signer",
                           f"{update.signer_id!r} is not a supervisor this hub pins for the kit: a roster change "
                           "must be signed by one (or made by an administrator at the hub)")
        if not verify_signature(signer, update.supervisor_signature, message):
            raise HubError(403, "bad_roster_signature", "the supervisor's signature on the roster does not verify")
        for sup in update.supervisors:
            if not sup.certified_by(kit.kit_id, kit.device_public_key):
                raise HubError(400, "bad_certificate", f"supervisor {sup.user_id}: device certificate does not verify")
        try:
            pinned = self.storage.apply_roster(kit.kit_id, update.sequence, update.digest, update.supervisors,
                                               self.now())
        except StaleRoster as exc:
            raise HubError(409, "stale_roster", str(exc)) from None
        log.info("kit %s roster %d applied (signed by %s): %d supervisor(s)", kit.kit_id, update.sequence,
                 update.signer_id, len(pinned))
        return {"kit_id": kit.kit_id, "sequence": update.sequence, "supervisors": pinned}

    # ----------------------------------------------------------------------------------- authentication
    def authenticate(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> KitRecord:
        """The enrolled kit that signed this request, or HubError 401 saying why not."""
        try:
            auth = parse_auth_headers(headers)
        except ProtocolError as exc:
            raise HubError(401, exc.code, exc.message) from None

        def check(kit: KitRecord | None) -> None:
            if kit is None:
                raise HubError(401, "unknown_kit", "this kit is not enrolled at this hub")
            if kit.revoked:
                raise HubError(401, "kit_revoked", "this kit has been revoked (lost or stolen)")
            try:
                verify_request(auth, kit.device_public_key, method, path, body, now=self.clock())
            except ProtocolError as exc:
                raise HubError(401, exc.code, exc.message) from None

        # One transaction: the kit read, checked, and (only for a correctly signed request, so junk cannot fill
        # the store) the nonce spent.
        kit, fresh = self.storage.authenticate(auth.kit_id, auth.nonce, self.now(), REPLAY_WINDOW_S, check)
        if not fresh:
            raise HubError(401, "replayed_request", "this request (nonce) was already seen")
        return kit

    # ---------------------------------------------------------------------------------------- uploads
    def open_upload(self, kit: KitRecord, params: Mapping[str, str], first_chunk: bytes = b"") -> dict[str, Any]:
        """Start or resume the upload of (packet_id, size, sha256) given as query parameters.

        The body may carry the packet's first bytes, saving a round trip for a packet the kit has not sent
        before; they are stored only if the upload is at offset 0 (a resumed upload answers its offset and
        the kit continues from there). A packet already stored is answered with its receipt.
        """
        packet_id = _require_str(params, "packet_id", _ID)
        sha256 = _require_str(params, "sha256", _SHA256)
        size_text = _require_str(params, "size")
        size = int(size_text) if size_text.isdigit() and len(size_text) < 12 else -1
        if size <= 0:
            raise HubError(400, "bad_request", "size must be a positive integer")
        if size > MAX_PACKET_BYTES:
            raise HubError(413, "too_large", f"packets are at most {MAX_PACKET_BYTES} bytes")
        if len(first_chunk) > size:
            raise HubError(400, "bad_request", "more first bytes than the declared size")
        self._purge_stale_uploads()
        try:
            upload = self.storage.open_upload_or_fate(kit.kit_id, packet_id, sha256, size, self.now(),
                                                      self.limits.max_open_uploads_per_kit,
                                                      self.limits.max_open_upload_bytes_per_kit)
        except UploadLimitExceeded as exc:
            raise HubError(429, "upload_limit", f"this kit already has the most unfinished uploads the hub allows "
                           f"({exc.what}: {exc.limit}); finish or let them expire first", limit=exc.limit) from None
        if isinstance(upload, PacketRecord):  # already stored: no upload needed, its receipt straight away
            return {"status": STATUS_RECEIVED, "receipt": json.loads(upload.receipt)}
        if upload.size != size:
            raise HubError(409, "size_mismatch", "an upload of this packet exists with another size")
        if first_chunk and upload.received == 0:
            try:
                return self.put_chunk(kit, upload.upload_id, "0", first_chunk)
            except HubError as exc:
                if exc.code != "offset_conflict":  # a parallel opener stored its first bytes first: fine
                    raise
                upload = self.storage.get_upload(upload.upload_id) or upload
        return {"upload_id": upload.upload_id, "offset": upload.received, "size": upload.size}

    def _purge_stale_uploads(self) -> None:
        """Drop uploads untouched for UPLOAD_TTL_S; at most once a minute per process (not once per upload)."""
        if self.clock() >= self._next_upload_purge:
            self._next_upload_purge = self.clock() + 60
            self.storage.purge_stale_uploads(self.now() - UPLOAD_TTL_S)

    def _known_fate(self, kit: KitRecord, packet_id: str, sha256: str) -> dict[str, Any] | None:
        """A packet already stored needs no upload: answer with its receipt straight away."""
        stored = self.storage.get_packet(kit.kit_id, packet_id)
        if stored is not None and stored.sha256 == sha256:
            return {"status": STATUS_RECEIVED, "receipt": json.loads(stored.receipt)}
        return None

    def _own_upload(self, kit: KitRecord, upload_id: str):
        upload = self.storage.get_upload(upload_id) if _ID.match(upload_id or "") else None
        if upload is None or upload.kit_id != kit.kit_id:
            raise HubError(404, "unknown_upload", "no such upload for this kit (finished or expired?)")
        return upload

    def upload_status(self, kit: KitRecord, upload_id: str) -> dict[str, Any]:
        upload = self._own_upload(kit, upload_id)
        return {"upload_id": upload.upload_id, "offset": upload.received, "size": upload.size}

    def put_chunk(self, kit: KitRecord, upload_id: str, offset_text: str | None, data: bytes) -> dict[str, Any]:
        try:
            offset = int(offset_text) if offset_text is not None else -1
        except ValueError:
            offset = -1
        if not 0 <= offset <= MAX_PACKET_BYTES:
            raise HubError(400, "bad_offset", "query parameter offset must be an integer from 0 to the packet size")
        if not data:
            raise HubError(400, "empty_chunk", "a chunk carries at least one byte")
        if len(data) > MAX_CHUNK_BYTES:
            raise HubError(413, "too_large", f"chunks are at most {MAX_CHUNK_BYTES} bytes")
        if not _ID.match(upload_id or ""):
            raise HubError(404, "unknown_upload", "no such upload for this kit (finished or expired?)")
        # One transaction: the kit's own upload, at the confirmed offset. The last chunk is held back (not
        # written) and comes with the stored bytes, so that verifying and storing the packet finishes the upload.
        appended = self._append(kit, upload_id, offset, data, hold_last=True)
        if isinstance(appended, FinalizeState):
            answer = self._complete_with_last_chunk(kit, appended, offset)
            if answer is not None:
                return answer
            appended = self._append(kit, upload_id, offset, data, hold_last=False)  # the general way
            if isinstance(appended, FinalizeState):  # pragma: no cover - hold_last=False never holds
                raise AssertionError("chunk held back")
        confirmed, size = appended
        if confirmed == size:
            # The last byte is in: finalise now and answer with the receipt, saving the kit a round trip.
            status, answer = self.finalize(kit, upload_id)
            if status != 200:
                raise HubError(status, "rejected", answer["receipt"]["receipt"]["reason"], receipt=answer["receipt"])
            return {"upload_id": upload_id, "offset": confirmed, "size": size, **answer}
        return {"upload_id": upload_id, "offset": confirmed, "size": size}

    def frame_checker(self, kit: KitRecord, params: Mapping[str, str]) -> Callable[[int, Frame], None]:
        """Checks each frame of a streamed upload of the packet `params` names against the kit's device key,
        bound to this packet and the frame's offset (sync/frames.py): HubError 403 `bad_frame` if it fails.
        Checked frames are stored like chunks (sync/hub/stream_upload.py)."""
        key = load_public_key(kit.device_public_key)
        packet_id, digest = params["packet_id"], params["sha256"]

        def check(offset: int, frame: Frame) -> None:
            try:
                verify_frame(key, packet_id, digest, offset, frame)
            except ProtocolError as exc:
                raise HubError(403, exc.code, exc.message, offset=offset) from None

        return check

    def _append(self, kit: KitRecord, upload_id: str, offset: int, data: bytes, hold_last: bool):
        try:
            return self.storage.append_chunk(kit.kit_id, upload_id, offset, data, self.now(), hold_last=hold_last)
        except OffsetConflict as exc:
            raise HubError(409, "offset_conflict", f"resume from offset {exc.confirmed}",
                           offset=exc.confirmed, size=exc.size) from None
        except KeyError:
            raise HubError(404, "unknown_upload", "no such upload for this kit (finished or expired?)") from None

    def _complete_with_last_chunk(self, kit: KitRecord, state: FinalizeState, offset: int) -> dict[str, Any] | None:
        """The common case of a packet's last chunk: the whole packet is in `state.data`, nothing stored under
        its id yet. Verify, then store it and complete the upload in one transaction. None when this case does
        not apply (already stored, wrong bytes, or another writer moved the upload meanwhile): the caller then
        writes the chunk and finalises the general way, which answers each of those."""
        upload = state.upload
        if state.packet is not None or len(state.data) != upload.size or sha256_hex(state.data) != upload.sha256:
            return None
        try:
            signed = self.ingest(kit, upload.packet_id, state.data, ROUTE_NETWORK, stored=None, pinned=state.pinned,
                                 upload_id=upload.upload_id, digest=upload.sha256, last_chunk_at=offset)
        except OffsetConflict:
            return None
        status = signed["receipt"]["status"]
        if status != STATUS_RECEIVED:
            self.storage.delete_upload(upload.upload_id)  # as finalize does: a new try starts afresh
            raise HubError(422, "rejected", signed["receipt"]["reason"], receipt=signed)
        return {"upload_id": upload.upload_id, "offset": upload.size, "size": upload.size, "status": status,
                "receipt": signed}

    def finalize(self, kit: KitRecord, upload_id: str) -> tuple[int, dict[str, Any]]:
        """Check the whole upload, verify the packet, store it and answer with the signed receipt.

        Two transactions on the way to a receipt: one reads everything (upload, stored packet, bytes, pinned
        keys), one stores the packet and drops the upload's bytes; the signature checks run between them."""
        state = self.storage.finalize_state(kit.kit_id, upload_id) if _ID.match(upload_id or "") else None
        if state is None:
            raise HubError(404, "unknown_upload", "no such upload for this kit (finished or expired?)")
        upload = state.upload
        if state.packet is not None and state.packet.sha256 == upload.sha256:
            # finalised already (a retry, or another hub process): the same receipt
            return 200, {"status": STATUS_RECEIVED, "receipt": json.loads(state.packet.receipt)}
        if upload.received != upload.size:
            raise HubError(409, "incomplete", f"{upload.received} of {upload.size} bytes received",
                           offset=upload.received, size=upload.size)
        data = state.data
        if len(data) != upload.size or sha256_hex(data) != upload.sha256:
            done = self._known_fate(kit, upload.packet_id, upload.sha256)
            if done is not None:  # another hub process finished this upload a moment ago
                return 200, done
            # The bytes are wrong, not the packet: start over, and say so.
            self.storage.delete_upload(upload.upload_id)
            raise HubError(422, "hash_mismatch", "received bytes do not match the declared sha256; upload again")
        signed = self.ingest(kit, upload.packet_id, data, ROUTE_NETWORK, stored=state.packet, pinned=state.pinned,
                             upload_id=upload.upload_id, digest=upload.sha256)  # the bytes' hash, checked above
        if signed["receipt"]["status"] != STATUS_RECEIVED:
            self.storage.delete_upload(upload.upload_id)  # a new try of the same bytes starts afresh
        status = 200 if signed["receipt"]["status"] == STATUS_RECEIVED else 422
        return status, {"status": signed["receipt"]["status"], "receipt": signed}

    # ---------------------------------------------------------------------------------------- ingest
    def ingest(self, kit: KitRecord, packet_id: str, data: bytes, route: str, *, stored: Any = _NOT_READ,
               pinned: Mapping[str, bytes] | None = None, upload_id: str | None = None,
               digest: str | None = None, last_chunk_at: int | None = None) -> dict[str, Any]:
        """Verify and store one packet exactly once; return the signed receipt (received or rejected).

        `stored` (the packet row already under this (kit, packet id), or None) and `pinned` may come from the
        caller's own read (finalize); `upload_id` is the upload whose bytes are dropped once stored; `digest`
        the SHA-256 of `data` when the caller has just checked it; `last_chunk_at` see store_packet (raises
        OffsetConflict when another writer completed the upload first: nothing stored, nothing signed away)."""
        digest = digest or sha256_hex(data)
        # Packet ids are unique per kit: another kit's packet under the same id is another packet.
        if stored is _NOT_READ:
            stored = self.storage.get_packet(kit.kit_id, packet_id)
        if stored is not None:
            if stored.sha256 == digest:
                return json.loads(stored.receipt)  # the same packet again (retry, other route): same receipt
            return self._reject(kit, packet_id, digest, len(data), route, "duplicate_packet_id",
                                "a different packet with this id was already received from this kit")
        try:
            verified = self.verifier.verify(data, kit.device_public_key,
                                            pinned if pinned is not None else self.pinned_keys(kit.kit_id))
        except PacketRejected as exc:
            return self._reject(kit, packet_id, digest, len(data), route, exc.code, exc.message)
        if verified.packet_id != packet_id:
            return self._reject(kit, packet_id, digest, len(data), route, "packet_id_mismatch",
                                "the signed packet id differs from the one declared")
        if verified.kit_id != kit.kit_id:
            return self._reject(kit, packet_id, digest, len(data), route, "kit_mismatch",
                                "the packet was signed for another kit")
        receipt = Receipt(packet_id=packet_id, kit_id=kit.kit_id, sha256=digest, size=len(data),
                          status=STATUS_RECEIVED, received_at=_iso(self.now()), hub_id=self.keys.hub_id, route=route)
        signed = sign_receipt(receipt, self.keys).to_json_obj()
        # One transaction: the packet stored once, and (once it is) the upload's bytes and the kit's other
        # unfinished uploads of it (e.g. a half network upload, then USB) dropped.
        row = self.storage.store_packet(
            PacketRecord(packet_id, kit.kit_id, digest, len(data), self.now(), route,
                         canonical_json(signed).decode("utf-8")), data, finished_upload=upload_id,
            last_chunk_at=last_chunk_at)
        if row.sha256 != digest:  # another process stored other bytes of this kit first
            return self._reject(kit, packet_id, digest, len(data), route, "duplicate_packet_id",
                                "a different packet with this id was already received from this kit")
        log.info("packet %s from kit %s stored (%s)", packet_id, kit.kit_id, route)
        return json.loads(row.receipt)

    def _reject(self, kit: KitRecord, packet_id: str, digest: str, size: int, route: str, code: str,
                message: str) -> dict[str, Any]:
        reason = f"{code}: {message}"
        receipt = Receipt(packet_id=packet_id, kit_id=kit.kit_id, sha256=digest, size=size, status=STATUS_REJECTED,
                          received_at=_iso(self.now()), hub_id=self.keys.hub_id, route=route, reason=reason)
        signed = sign_receipt(receipt, self.keys).to_json_obj()
        row = self.storage.record_rejection(RejectionRecord(kit.kit_id, packet_id, digest, reason, self.now(),
                                                            canonical_json(signed).decode("utf-8")))
        log.warning("packet %s from kit %s rejected: %s", packet_id, kit.kit_id, code)
        return json.loads(row.receipt)

    # ------------------------------------------------------------------------------------------ fates
    def fates(self, kit: KitRecord, body: Mapping[str, Any]) -> dict[str, Any]:
        """Each asked packet's fate for this kit: received or rejected (with the signed receipt), or unknown."""
        ids = body.get("packet_ids")
        if not isinstance(ids, list) or len(ids) > 500 or not all(isinstance(i, str) and _ID.match(i) for i in ids):
            raise HubError(400, "bad_request", "packet_ids must be a list of at most 500 packet ids")
        known = self.storage.fates(kit.kit_id, ids)  # one transaction for the whole list
        answer: dict[str, Any] = {}
        for packet_id in ids:
            fate = known.get(packet_id)
            if isinstance(fate, PacketRecord):
                answer[packet_id] = {"status": STATUS_RECEIVED, "receipt": json.loads(fate.receipt)}
            elif fate is not None:
                answer[packet_id] = {"status": STATUS_REJECTED, "reason": fate.reason,
                                     "receipt": json.loads(fate.receipt)}
            else:
                answer[packet_id] = {"status": "unknown"}
        return {"fates": answer}


def _supervisors_field(body: Mapping[str, Any], kit_id: str, device_key: bytes) -> list[SupervisorKey]:
    """The supervisor keys a kit sends at enrolment, each certified by the device key being enrolled."""
    entries = body.get("supervisors", [])
    if not isinstance(entries, list) or len(entries) > MAX_SUPERVISORS:
        raise HubError(400, "bad_request", f"field 'supervisors' must be a list of at most {MAX_SUPERVISORS}")
    try:
        supervisors = [SupervisorKey.from_json_obj(e) for e in entries]
    except ProtocolError as exc:
        raise HubError(400, exc.code, exc.message) from None
    for sup in supervisors:
        if not sup.certified_by(kit_id, device_key):
            raise HubError(400, "bad_certificate", f"supervisor {sup.user_id}: device certificate does not verify")
    return supervisors


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
