"""Downstream verdicts travelling hub -> kit: the signed outcome format both sides share (pure, no I/O).

    {"outcome": {"version": 1, "hub_id", "kit_id", "seq", "outcome_id", "packet_id", "record_id",
                 "status", "reason", "decided_at", "person": {"ct": b64 of HPKE enc || ciphertext}},
     "signature": b64 Ed25519 by the hub's signing key over OUTCOME_CONTEXT || canonical_json(outcome)}

- `status` is accepted, in_production or recapture (then `reason` says why: poor prints, duplicate of
  another person, data conflict, ...).
- `seq` numbers one kit's outcomes 1, 2, 3, ... at the hub: the kit fetches "after the last seq I hold", keeps
  each seq once and refuses a different outcome under a seq it already holds (a replay or a forgery).
- `person` (name, date of birth, village, household: what an officer needs to find the citizen again; the
  kit no longer holds a sealed record's demographics) is HPKE-sealed (RFC 9180, X25519, HKDF-SHA256,
  AES-256-GCM) to the kit's device key in its X25519 form (RFC 7748 birational map, as libsodium's
  crypto_sign_ed25519_pk_to_curve25519), with the outcome id and kit id in the HPKE info. So the outcome
  itself carries no plaintext personal data: not on the wire, not on a USB drive, not in the kit's table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol import ProtocolError, Signer, b64d, b64e, canonical_json, load_public_key

OUTCOME_VERSION = 1
OUTCOME_CONTEXT = b"FieldKit outcome v1\x00"
PERSON_INFO = b"FieldKit outcome person v1\x00"
STATUSES = ("accepted", "in_production", "recapture")
FIELDS = ("version", "hub_id", "kit_id", "seq", "outcome_id", "packet_id", "record_id", "status", "reason",
          "decided_at", "person")
_P = 2 ** 255 - 19
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


@dataclass(frozen=True)
class Person:
    """Who to find again; never stored or sent in plaintext (see `seal_person`)."""

    name: str
    date_of_birth: str = ""
    sex: str = ""
    commune: str = ""
    village: str = ""
    household: str = ""  # thôn/buôn/số nhà as recorded (the residence street)
    guardian: str = ""


@dataclass(frozen=True)
class Outcome:
    body: dict[str, Any]
    signature: str

    @property
    def seq(self) -> int:
        return int(self.body["seq"])

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["body"][name]
        except KeyError:
            raise AttributeError(name) from None

    def to_json_obj(self) -> dict[str, Any]:
        return {"outcome": self.body, "signature": self.signature}


# ------------------------------------------------------------------------------------- Ed25519 -> X25519
def x25519_public_from_ed25519(public: bytes) -> x25519.X25519PublicKey:
    """The Montgomery u = (1 + y) / (1 - y) of an Edwards25519 public key (RFC 7748 §4.1)."""
    y = int.from_bytes(public, "little") & ((1 << 255) - 1)
    u = (1 + y) * pow((1 - y) % _P, _P - 2, _P) % _P
    return x25519.X25519PublicKey.from_public_bytes(u.to_bytes(32, "little"))


def x25519_private_from_ed25519(private: Ed25519PrivateKey) -> x25519.X25519PrivateKey:
    """The scalar Ed25519 derives from its seed (first half of SHA-512, clamped by X25519 itself)."""
    return x25519.X25519PrivateKey.from_private_bytes(hashlib.sha512(private.private_bytes_raw()).digest()[:32])


def _info(outcome_id: str, kit_id: str) -> bytes:
    return PERSON_INFO + outcome_id.encode() + b"\x00" + kit_id.encode()


def seal_person(person: Person, kit_device_public: bytes, outcome_id: str, kit_id: str) -> dict[str, str]:
    plaintext = canonical_json(person.__dict__)
    sealed = _SUITE.encrypt(plaintext, x25519_public_from_ed25519(kit_device_public), info=_info(outcome_id, kit_id))
    return {"ct": b64e(sealed)}


def open_person(outcome: Outcome, device_key: Ed25519PrivateKey) -> Person:
    try:
        sealed = b64d(outcome.body["person"]["ct"], "person")
        raw = _SUITE.decrypt(sealed, x25519_private_from_ed25519(device_key),
                             info=_info(outcome.outcome_id, outcome.kit_id))
        return Person(**json.loads(raw))
    except (KeyError, TypeError, ValueError, ProtocolError) as exc:
        raise ProtocolError("bad_person", f"the outcome's person block does not open: {exc}") from None


# --------------------------------------------------------------------------------------- sign / verify
def sign_outcome(body: dict[str, Any], hub: Signer) -> Outcome:
    return Outcome(body, b64e(hub.sign(OUTCOME_CONTEXT + canonical_json(body))))


def verify_outcome(obj: Any, hub_public_key: bytes, kit_id: str) -> Outcome:
    """The outcome, checked: signed by our hub, well formed, addressed to this kit. ProtocolError otherwise."""
    if not isinstance(obj, dict) or not isinstance(obj.get("outcome"), dict) or not isinstance(obj.get("signature"), str):
        raise ProtocolError("bad_outcome", "an outcome is {outcome: {...}, signature: base64}")
    body = obj["outcome"]
    try:
        load_public_key(hub_public_key).verify(b64d(obj["signature"], "outcome signature"),
                                               OUTCOME_CONTEXT + canonical_json(body))
    except InvalidSignature:
        raise ProtocolError("bad_outcome_signature", "outcome not signed by this kit's hub") from None
    if set(body) != set(FIELDS) or body.get("version") != OUTCOME_VERSION:
        raise ProtocolError("bad_outcome", "outcome fields or version differ")
    if not isinstance(body["seq"], int) or isinstance(body["seq"], bool) or body["seq"] < 1:
        raise ProtocolError("bad_outcome", "outcome seq must be a positive integer")
    if body["status"] not in STATUSES or not all(isinstance(body[k], str) for k in
                                                 ("outcome_id", "packet_id", "record_id", "reason", "kit_id")):
        raise ProtocolError("bad_outcome", "outcome status or ids malformed")
    if body["kit_id"] != kit_id:
        raise ProtocolError("outcome_other_kit", "this outcome is addressed to another kit")
    return Outcome(body, obj["signature"])
