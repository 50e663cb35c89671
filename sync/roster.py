"""A kit's supervisor roster as the hub pins it: the signed update format, shared by kit and hub.

The hub accepts a packet's co-signature only from a supervisor key it has pinned for that kit (issue #11,
attack 1: anyone logged in on a kit can use the device key, so a device certificate alone cannot vouch for a
new supervisor). Keys are pinned at provisioning, by an administrator at the hub, or by a *roster update*:

    {"roster": {"version": 1, "kit_id", "sequence", "signer_id",
                "supervisors": [{"user_id", "public_key", "certificate"}, ...]},     (sorted by user id)
     "device_signature": b64, "supervisor_signature": b64}

Both signatures cover `FieldKit roster v1\\x00` || canonical JSON of `roster`: the device key (this kit) and
the co-signing key of `signer_id`, a supervisor the hub *already* pins for the kit. `sequence` grows with
every update, so an old update (a replayed request, an old drive) cannot undo a newer one. Each entry's
`certificate` is the device's supervisor certificate (docs/packet-format.md), checked too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol import ProtocolError, b64d, b64e, canonical_json, load_public_key

ROSTER_CONTEXT = b"FieldKit roster v1\x00"
ROSTER_VERSION = 1
MAX_SUPERVISORS = 64


@dataclass(frozen=True)
class SupervisorKey:
    """One supervisor's co-signing public key, with the device's certificate for it (may be empty when an
    administrator pins a key by hand)."""

    user_id: str
    public_key: bytes
    certificate: bytes = b""

    def to_json_obj(self) -> dict[str, str]:
        return {"user_id": self.user_id, "public_key": b64e(self.public_key), "certificate": b64e(self.certificate)}

    @classmethod
    def from_json_obj(cls, obj: Any) -> "SupervisorKey":
        try:
            user_id = obj["user_id"]
            if not isinstance(user_id, str) or not 0 < len(user_id) <= 128:
                raise TypeError
            key = cls(user_id, b64d(obj["public_key"], "supervisor public key"),
                      b64d(obj.get("certificate") or "", "supervisor certificate"))
        except (KeyError, TypeError, AttributeError):
            raise ProtocolError("bad_roster", "a supervisor entry is malformed") from None
        if len(key.public_key) != 32:
            raise ProtocolError("bad_roster", f"supervisor {user_id}: public key is not 32 bytes")
        return key

    def certified_by(self, kit_id: str, device_public_key: bytes) -> bool:
        """Whether the certificate is this kit's device signature over (kit, user id, key)."""
        from fieldkit.packets.envelope import certificate_message

        try:
            load_public_key(device_public_key).verify(self.certificate,
                                                       certificate_message(kit_id, self.user_id, self.public_key))
        except (InvalidSignature, ValueError, ProtocolError):
            return False
        return True


@dataclass(frozen=True)
class RosterUpdate:
    kit_id: str
    sequence: int
    signer_id: str
    supervisors: tuple[SupervisorKey, ...]
    device_signature: bytes = b""
    supervisor_signature: bytes = b""

    def body(self) -> dict[str, Any]:
        return {"version": ROSTER_VERSION, "kit_id": self.kit_id, "sequence": self.sequence,
                "signer_id": self.signer_id,
                "supervisors": [s.to_json_obj() for s in sorted(self.supervisors, key=lambda s: s.user_id)]}

    def message(self) -> bytes:
        return ROSTER_CONTEXT + canonical_json(self.body())

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.message()).hexdigest()

    def user_ids(self) -> list[str]:
        return sorted(s.user_id for s in self.supervisors)

    def to_json_obj(self) -> dict[str, Any]:
        return {"roster": self.body(), "device_signature": b64e(self.device_signature),
                "supervisor_signature": b64e(self.supervisor_signature)}

    @classmethod
    def from_json_obj(cls, obj: Any) -> "RosterUpdate":
        try:
            body = obj["roster"]
            sequence = body["sequence"]
            if body["version"] != ROSTER_VERSION or not isinstance(sequence, int) or isinstance(sequence, bool) \
                    or sequence < 0 or not isinstance(body["kit_id"], str) or not isinstance(body["signer_id"], str):
                raise TypeError
            entries = body["supervisors"]
            if not isinstance(entries, list) or len(entries) > MAX_SUPERVISORS:
                raise TypeError
            supervisors = tuple(SupervisorKey.from_json_obj(e) for e in entries)
            update = cls(body["kit_id"], sequence, body["signer_id"], supervisors,
                         b64d(obj["device_signature"], "device signature"),
                         b64d(obj["supervisor_signature"], "supervisor signature"))
        except (KeyError, TypeError, AttributeError):
            raise ProtocolError("bad_roster", "the roster update is malformed") from None
        if len({s.user_id for s in supervisors}) != len(supervisors):
            raise ProtocolError("bad_roster", "a supervisor is listed twice")
        return update


def sign_roster(kit_id: str, sequence: int, supervisors, device_key: Ed25519PrivateKey, signer_id: str,
                signer_key: Ed25519PrivateKey) -> RosterUpdate:
    """A roster update signed by the device and by the signing supervisor's co-signing key."""
    unsigned = RosterUpdate(kit_id, sequence, signer_id, tuple(supervisors))
    message = unsigned.message()
    return RosterUpdate(kit_id, sequence, signer_id, unsigned.supervisors, device_key.sign(message),
                        signer_key.sign(message))


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        load_public_key(public_key).verify(signature, message)
    except (InvalidSignature, ValueError, ProtocolError):
        return False
    return True
