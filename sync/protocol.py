"""The kit <-> hub wire protocol: request signatures, receipts and the limits both sides keep.

Everything here is pure (no I/O) so the client, the hub and the USB route share one definition;
docs/sync.md describes the same format for another team, and tests keep the two honest.

Request authentication: every request except `GET /v1/health` and `POST /v1/enrol` carries four headers
(`X-FieldKit-Kit`, `X-FieldKit-Time`, `X-FieldKit-Nonce`, `X-FieldKit-Signature`). The signature is the
kit's Ed25519 device signature over `canonical_request(...)`: method, path (with query), SHA-256 of the
body, timestamp, nonce and kit id, one per line. The hub accepts a timestamp within REPLAY_WINDOW_S of
its clock and each (kit, nonce) once, so a captured request cannot be replayed.

Receipts: `{"receipt": {...fields...}, "signature": "<base64 Ed25519 by the hub>"}` where the signature
covers `canonical_json(receipt)`. A receipt says a packet's fate: `received` or `rejected` with a reason.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PROTOCOL_VERSION = 1
API = "/v1"

HEADER_KIT = "X-FieldKit-Kit"
HEADER_TIME = "X-FieldKit-Time"
HEADER_NONCE = "X-FieldKit-Nonce"
HEADER_SIGNATURE = "X-FieldKit-Signature"

# A kit's clock may drift (no NTP in the hills), but not by more than this; nonces are kept this long.
REPLAY_WINDOW_S = 300
# Largest sealed packet the hub takes (a packet is ~100-400 KB; the margin covers the post-quantum suite).
MAX_PACKET_BYTES = 16 * 1024 * 1024
# Largest chunk in one PUT; the client's default keeps a chunk a few seconds long on a 2G link.
MAX_CHUNK_BYTES = 1024 * 1024
DEFAULT_CHUNK_BYTES = 64 * 1024  # the first chunk (8 s at 64 kbit/s); later ones follow the link
MAX_JSON_BYTES = 64 * 1024

STATUS_RECEIVED = "received"
STATUS_REJECTED = "rejected"

ROUTE_NETWORK = "network"
ROUTE_USB = "usb"


class ProtocolError(Exception):
    """A message that breaks the protocol. `code` is a stable machine-readable reason."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Signer(Protocol):
    """What the protocol needs of a key that signs (the kit's device key, the hub's receipt key)."""

    def sign(self, data: bytes) -> bytes: ...


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str, what: str = "value") -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError, AttributeError):
        raise ProtocolError("bad_base64", f"{what} is not valid base64") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(obj: Any) -> bytes:
    """The one byte form of a JSON object that gets signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def load_public_key(raw: bytes) -> Ed25519PublicKey:
    if not isinstance(raw, (bytes, bytearray)) or len(raw) != 32:
        raise ProtocolError("bad_key", "an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(bytes(raw))


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# ---------------------------------------------------------------------------------------------- requests

def canonical_request(method: str, path: str, body_sha256: str, timestamp: str, nonce: str, kit_id: str) -> bytes:
    """What the kit signs for one request; `path` includes the query string exactly as sent."""
    return "\n".join(["FIELDKIT-REQUEST-1", method.upper(), path, body_sha256, timestamp, nonce, kit_id]).encode()


def sign_request(signer: Signer, kit_id: str, method: str, path: str, body: bytes,
                 now: float | None = None, nonce: str | None = None) -> dict[str, str]:
    """The authentication headers for one request."""
    timestamp = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_hex(16)
    message = canonical_request(method, path, sha256_hex(body), timestamp, nonce, kit_id)
    return {HEADER_KIT: kit_id, HEADER_TIME: timestamp, HEADER_NONCE: nonce,
            HEADER_SIGNATURE: b64e(signer.sign(message))}


@dataclass(frozen=True)
class SignedRequestHeaders:
    kit_id: str
    timestamp: int
    nonce: str
    signature: bytes


def parse_auth_headers(headers: dict[str, str] | Any) -> SignedRequestHeaders:
    """Read the four headers, or raise ProtocolError('unsigned', ...) naming what is missing or malformed."""
    values = {}
    for name in (HEADER_KIT, HEADER_TIME, HEADER_NONCE, HEADER_SIGNATURE):
        value = headers.get(name)
        if not value:
            raise ProtocolError("unsigned", f"missing header {name}")
        values[name] = value
    kit_id, nonce = values[HEADER_KIT], values[HEADER_NONCE]
    if len(kit_id) > 128 or len(nonce) > 128 or not nonce.isascii():
        raise ProtocolError("bad_header", "kit id or nonce too long")
    try:
        timestamp = int(values[HEADER_TIME])
    except ValueError:
        raise ProtocolError("bad_header", f"{HEADER_TIME} is not an integer") from None
    signature = b64d(values[HEADER_SIGNATURE], HEADER_SIGNATURE)
    return SignedRequestHeaders(kit_id, timestamp, nonce, signature)


def verify_request(auth: SignedRequestHeaders, device_public_key: bytes, method: str, path: str,
                   body: bytes, now: float | None = None) -> None:
    """Check the time window and signature (the nonce is checked against the hub's store by the caller)."""
    now = time.time() if now is None else now
    if abs(now - auth.timestamp) > REPLAY_WINDOW_S:
        raise ProtocolError("stale_request", f"request time is more than {REPLAY_WINDOW_S} s from the hub's clock")
    message = canonical_request(method, path, sha256_hex(body), str(auth.timestamp), auth.nonce, auth.kit_id)
    try:
        load_public_key(device_public_key).verify(auth.signature, message)
    except InvalidSignature:
        raise ProtocolError("bad_signature", "request signature does not verify with the kit's device key") from None


# ---------------------------------------------------------------------------------------------- receipts

@dataclass(frozen=True)
class Receipt:
    """The hub's signed word on one packet: received (stored durably) or rejected (with the reason)."""

    packet_id: str
    kit_id: str
    sha256: str
    size: int
    status: str
    received_at: str
    hub_id: str
    route: str = ROUTE_NETWORK
    reason: str = ""
    version: int = PROTOCOL_VERSION

    @property
    def accepted(self) -> bool:
        return self.status == STATUS_RECEIVED

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SignedReceipt:
    receipt: Receipt
    signature: bytes
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json_obj(self) -> dict[str, Any]:
        return {"receipt": self.receipt.as_dict(), "signature": b64e(self.signature)}

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_json_obj())


def sign_receipt(receipt: Receipt, hub_signer: Signer) -> SignedReceipt:
    return SignedReceipt(receipt, hub_signer.sign(canonical_json(receipt.as_dict())))


_RECEIPT_FIELDS = {f: t for f, t in Receipt.__annotations__.items()}


def parse_signed_receipt(obj: Any, hub_public_key: bytes) -> SignedReceipt:
    """Verify a receipt's hub signature and shape; raise ProtocolError if anything is off."""
    if not isinstance(obj, dict) or not isinstance(obj.get("receipt"), dict) or not isinstance(obj.get("signature"), str):
        raise ProtocolError("bad_receipt", "a receipt is {receipt: {...}, signature: base64}")
    body = obj["receipt"]
    signature = b64d(obj["signature"], "receipt signature")
    try:
        load_public_key(hub_public_key).verify(signature, canonical_json(body))
    except InvalidSignature:
        raise ProtocolError("bad_receipt_signature", "receipt is not signed by this kit's hub") from None
    expected = set(Receipt.__dataclass_fields__)
    if set(body) != expected:
        raise ProtocolError("bad_receipt", f"receipt fields differ: {sorted(set(body) ^ expected)}")
    for name in ("packet_id", "kit_id", "sha256", "status", "received_at", "hub_id", "route", "reason"):
        if not isinstance(body[name], str):
            raise ProtocolError("bad_receipt", f"receipt field {name} is not a string")
    if not isinstance(body["size"], int) or body["status"] not in (STATUS_RECEIVED, STATUS_REJECTED):
        raise ProtocolError("bad_receipt", "receipt size or status malformed")
    return SignedReceipt(Receipt(**body), signature, obj)


def check_receipt_matches(signed: SignedReceipt, packet_id: str, sha256: str, kit_id: str) -> None:
    """A verified receipt must be about this packet: same id, same bytes (sha256), same kit."""
    r = signed.receipt
    if r.packet_id != packet_id or r.sha256 != sha256 or r.kit_id != kit_id:
        raise ProtocolError("receipt_mismatch",
                            f"receipt is for packet {r.packet_id} ({r.sha256[:12]}), not {packet_id} ({sha256[:12]})")
