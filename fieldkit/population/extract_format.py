"""The population extract file: a commune's residents sealed by the hub to one kit (docs/population.md).

    offset  size  field                                        (integers big-endian)
    0       4     magic b"FKEX"
    4       1     version (1)
    5       4     H = header length
    9       H     header: canonical JSON {extract_id, kit_id, hub_id, created_at, expires_at (ms),
                  communes [2025 codes], count, suite "x25519"}
    9+H     2     E = HPKE enc length (32)
    11+H    E     HPKE enc
    11+H+E  4     L = ciphertext length
    15+H+E  L     HPKE ciphertext (base mode, DHKEM-X25519/HKDF-SHA256/AES-256-GCM) of zlib(canonical JSON
                  {"residents": [Resident.to_dict(), ...]})
    end-64  64    hub Ed25519 signature over b"FieldKit extract signature v1\\x00" + every byte before it

HPKE is to the kit's X25519 key (fieldkit.population.kitkey: its device key, converted), with
info = b"FieldKit extract v1\\x00" + bytes [0, 9+H): the header (kit id, expiry, communes) is in the key
schedule, so a ciphertext moved under another header does not decrypt. The hub signature is checked first,
then the kit binding, then the expiry, then decryption: a refusal says which (`ExtractError.code`).
"""

from __future__ import annotations

import json
import struct
import uuid
import zlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from fieldkit.packets.container import canonical_json
from fieldkit.packets.suites import X25519
from fieldkit.population.bulk import gc_paused
from fieldkit.population.resident import Resident

MAGIC = b"FKEX"
VERSION = 1
INFO_PREFIX = b"FieldKit extract v1\x00"
SIGN_CONTEXT = b"FieldKit extract signature v1\x00"
SIGNATURE_LEN = 64
MAX_HEADER = 64 * 1024

CODES = {
    "malformed": "the file is not a FieldKit population extract, or it is damaged",
    "unsupported_version": "the extract was made by a newer hub",
    "bad_signature": "the hub's signature does not verify: the extract was altered or comes from another hub",
    "wrong_kit": "the extract was sealed to another kit",
    "expired": "the extract has expired: ask the hub for a new one",
    "decrypt_failed": "the extract cannot be decrypted with this kit's key",
    "superseded": "a newer extract of the same communes is already on this kit",
}


class ExtractError(ValueError):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(CODES[code] + (f" ({detail})" if detail else ""))
        self.code = code


@dataclass(frozen=True)
class ExtractHeader:
    extract_id: str
    kit_id: str
    hub_id: str
    created_at: int  # ms since epoch
    expires_at: int
    communes: tuple[str, ...]
    count: int

    def to_dict(self) -> dict:
        return {"extract_id": self.extract_id, "kit_id": self.kit_id, "hub_id": self.hub_id,
                "created_at": self.created_at, "expires_at": self.expires_at, "communes": list(self.communes),
                "count": self.count, "suite": X25519.name}

    @classmethod
    def from_dict(cls, raw: dict) -> "ExtractHeader":
        try:
            if raw["suite"] != X25519.name:
                raise ExtractError("malformed", f"unknown suite {raw['suite']!r}")
            return cls(str(uuid.UUID(raw["extract_id"])), str(uuid.UUID(raw["kit_id"])), str(raw["hub_id"]),
                       int(raw["created_at"]), int(raw["expires_at"]), tuple(str(c) for c in raw["communes"]),
                       int(raw["count"]))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ExtractError):
                raise
            raise ExtractError("malformed", "bad header") from None


def seal_extract(header: ExtractHeader, residents: list[Resident], kit_public_x25519: bytes,
                 hub_signing_key: Ed25519PrivateKey) -> bytes:
    """The extract file bytes: residents HPKE-sealed to the kit, the whole file signed by the hub."""
    if header.count != len(residents):
        raise ValueError("header count differs from the residents given")
    head = canonical_json(header.to_dict())
    prefix = MAGIC + bytes([VERSION]) + struct.pack(">I", len(head)) + head
    plain = zlib.compress(canonical_json({"residents": [r.to_dict() for r in residents]}), 6)
    sealed = X25519.hpke.encrypt(plain, X25519PublicKey.from_public_bytes(kit_public_x25519), info=INFO_PREFIX + prefix)
    enc, ct = sealed[:X25519.enc_len], sealed[X25519.enc_len:]
    body = prefix + struct.pack(">H", len(enc)) + enc + struct.pack(">I", len(ct)) + ct
    return body + hub_signing_key.sign(SIGN_CONTEXT + body)


@dataclass(frozen=True)
class _Parsed:
    header: ExtractHeader
    prefix: bytes
    sealed: bytes
    body: bytes
    signature: bytes


def _parse(data: bytes) -> _Parsed:
    data = bytes(data)
    if len(data) < 9 + SIGNATURE_LEN or data[:4] != MAGIC:
        raise ExtractError("malformed", "no FKEX magic")
    if data[4] != VERSION:
        raise ExtractError("unsupported_version", f"version {data[4]}")
    (hlen,) = struct.unpack_from(">I", data, 5)
    if hlen > MAX_HEADER or 9 + hlen + 2 > len(data):
        raise ExtractError("malformed", "header length")
    prefix = data[:9 + hlen]
    pos = 9 + hlen
    (elen,) = struct.unpack_from(">H", data, pos)
    if elen != X25519.enc_len or pos + 2 + elen + 4 > len(data):
        raise ExtractError("malformed", "enc length")
    enc = data[pos + 2:pos + 2 + elen]
    pos += 2 + elen
    (clen,) = struct.unpack_from(">I", data, pos)
    end = pos + 4 + clen
    if end + SIGNATURE_LEN != len(data):
        raise ExtractError("malformed", "length")
    try:
        raw = json.loads(prefix[9:].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ExtractError("malformed", "header is not JSON") from None
    if not isinstance(raw, dict):
        raise ExtractError("malformed", "header is not an object")
    return _Parsed(ExtractHeader.from_dict(raw), prefix, enc + data[pos + 4:end], data[:end], data[end:])


def read_header(data: bytes, hub_signing_public: bytes) -> ExtractHeader:
    """The header of a hub-signed extract (signature checked; nothing decrypted)."""
    parsed = _parse(data)
    try:
        Ed25519PublicKey.from_public_bytes(bytes(hub_signing_public)).verify(parsed.signature,
                                                                            SIGN_CONTEXT + parsed.body)
    except (InvalidSignature, ValueError):
        raise ExtractError("bad_signature") from None
    return parsed.header


def open_extract_raw(data: bytes, hub_signing_public: bytes, kit_id: str, kit_key: X25519PrivateKey,
                     now_ms: int) -> tuple[ExtractHeader, bytes]:
    """Verify (hub signature, this kit, not expired) and decrypt: (header, zlib-compressed residents JSON).

    The residents are checked to be a JSON list of `header.count` objects; ExtractError with a code otherwise."""
    header = read_header(data, hub_signing_public)
    if header.kit_id != str(uuid.UUID(kit_id)):
        raise ExtractError("wrong_kit", f"sealed to kit {header.kit_id}")
    if now_ms >= header.expires_at:
        raise ExtractError("expired")
    parsed = _parse(data)
    try:
        plain = X25519.hpke.decrypt(parsed.sealed, kit_key, info=INFO_PREFIX + parsed.prefix)
    except (InvalidTag, ValueError):
        raise ExtractError("decrypt_failed") from None
    try:
        with gc_paused():
            items = json.loads(zlib.decompress(plain).decode("utf-8"))["residents"]
    except (KeyError, TypeError, ValueError, zlib.error):
        raise ExtractError("malformed", "content") from None
    if not isinstance(items, list) or len(items) != header.count or not all(isinstance(i, dict) for i in items):
        raise ExtractError("malformed", "resident count differs from the header")
    return header, plain


def residents_of(plain: bytes) -> list[Resident]:
    """The residents of decrypted extract content (as returned by open_extract_raw)."""
    try:
        return [Resident.from_dict(r) for r in json.loads(zlib.decompress(plain).decode("utf-8"))["residents"]]
    except (KeyError, TypeError, ValueError, zlib.error):
        raise ExtractError("malformed", "content") from None


def open_extract(data: bytes, hub_signing_public: bytes, kit_id: str, kit_key: X25519PrivateKey,
                 now_ms: int) -> tuple[ExtractHeader, list[Resident]]:
    """Verify, decrypt and read an extract; ExtractError with a code otherwise."""
    header, plain = open_extract_raw(data, hub_signing_public, kit_id, kit_key, now_ms)
    return header, residents_of(plain)
