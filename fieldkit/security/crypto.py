"""The symmetric primitives the kit uses: Argon2id passphrase stretching, AES-256-GCM, HKDF sub-keys.

Argon2id rather than scrypt: it is the RFC 9106 recommendation and the Password Hashing Competition winner,
memory-hard with memory, time and parallelism tuned independently, and resistant to GPU cracking and
side channels. Defaults (t=3, 64 MiB, 4 lanes) take ~0.12-0.25 s on a kit: a thief guessing offline pays
that per guess, an officer pays it once per login. The parameters are stored with each slot, so they can be
raised later without breaking existing slots.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_LEN = 12
KEY_LEN = 32


@dataclass(frozen=True)
class KdfParams:
    iterations: int = 3
    memory_kib: int = 64 * 1024
    lanes: int = 4
    alg: str = "argon2id"

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> "KdfParams":
        if raw.get("alg") != "argon2id":
            raise ValueError(f"unknown passphrase KDF {raw.get('alg')!r}")
        return cls(int(raw["iterations"]), int(raw["memory_kib"]), int(raw["lanes"]))


DEFAULT_KDF = KdfParams()
# For tests and the crash harness only: cheap enough to unlock hundreds of times a second.
FAST_TEST_KDF = KdfParams(iterations=1, memory_kib=1024, lanes=1)


class DecryptError(ValueError):
    """Ciphertext, key or associated data do not match (wrong key, tampering, or a moved blob)."""


class RecordUnreadable(DecryptError):
    """A record's stored ciphertext does not belong to its row: copied from another record or version,
    edited, or from another kit. The message is for the person at the keyboard (no traceback)."""

    code = "record.tampered"
    message_vi = ("Không mở được hồ sơ: dữ liệu mã hoá không thuộc về hồ sơ này (bị sao chép từ hồ sơ khác hoặc "
                  "bị sửa). Không có gì bị thay đổi; hãy báo cho kỹ thuật viên.")

    def __init__(self, record_id: str, version: int | None = None, kind: str = "payload"):
        self.record_id, self.version, self.kind = record_id, version, kind
        at = f" (version {version})" if version is not None else ""
        super().__init__(f"record {record_id}{at} cannot be opened: its encrypted {kind} does not belong to this "
                         "row (copied from another record, edited, or from another kit). Nothing was changed; "
                         "run `fieldkit audit verify` and report the kit")


def decrypt_record(key: bytes, blob: bytes, aad: bytes, record_id: str, version: int | None = None,
                   kind: str = "payload") -> bytes:
    """decrypt() for a record's column: RecordUnreadable (a DecryptError) naming the record on failure."""
    try:
        return decrypt(key, blob, aad)
    except DecryptError:
        raise RecordUnreadable(record_id, version, kind) from None


def stretch_passphrase(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """A 256-bit key-encryption key from a passphrase.

    The passphrase is NFC-normalised first: Vietnamese input methods differ in whether they send "ễ" as one
    code point or as "e" + combining marks, and the same officer must unlock on any keyboard."""
    passphrase = unicodedata.normalize("NFC", passphrase)
    kdf = Argon2id(salt=salt, length=KEY_LEN, iterations=params.iterations, lanes=params.lanes,
                   memory_cost=params.memory_kib)
    return kdf.derive(passphrase.encode("utf-8"))


def new_key() -> bytes:
    return os.urandom(KEY_LEN)


def encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """nonce (12 random bytes) || AES-256-GCM ciphertext+tag, with `aad` authenticated."""
    nonce = os.urandom(NONCE_LEN)
    return nonce + AESGCM(bytes(key)).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < NONCE_LEN + 16:
        raise DecryptError("ciphertext too short")
    try:
        return AESGCM(bytes(key)).decrypt(blob[:NONCE_LEN], blob[NONCE_LEN:], aad)
    except InvalidTag:
        raise DecryptError("authentication failed") from None


def subkey(key: bytes, purpose: str) -> bytes:
    """An independent 256-bit key for one purpose, derived from the kit data key (HKDF-SHA256)."""
    return HKDF(hashes.SHA256(), KEY_LEN, salt=None, info=b"fieldkit " + purpose.encode()).derive(bytes(key))
