"""The hub's own keys: an Ed25519 key that signs receipts and the HPKE key pair kits seal packets to.

Kept in `<data>/hub-keys.json`, readable by the hub's user only (0600). Every hub process serving one
database must use the same file (copy it when adding a process): receipts and packets must not depend on
which process a kit reached. The hub id is derived from the signing key, so it changes only with the key.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol import b64d, b64e, public_key_bytes, sha256_hex

KEYS_FILE = "hub-keys.json"

# (suite) -> (private key bytes, public key bytes) for packet encryption.
EncryptionKeyFactory = Callable[[str], tuple[bytes, bytes]]


@dataclass(frozen=True)
class HubKeys:
    signing_key: Ed25519PrivateKey
    encryption_suite: str
    encryption_private: bytes
    encryption_public: bytes

    @property
    def signing_public(self) -> bytes:
        return public_key_bytes(self.signing_key)

    @property
    def hub_id(self) -> str:
        return "hub-" + sha256_hex(self.signing_public)[:16]

    def sign(self, data: bytes) -> bytes:
        return self.signing_key.sign(data)

    def public_info(self) -> dict:
        """What a kit receives at enrolment."""
        return {"hub_id": self.hub_id, "signing_public_key": b64e(self.signing_public),
                "encryption_suite": self.encryption_suite, "encryption_public_key": b64e(self.encryption_public)}


def default_encryption_keys(suite: str) -> tuple[bytes, bytes]:
    """An HPKE key pair from the packet module (imported late: the packet code is not needed to import sync)."""
    from fieldkit.packets.envelope import generate_hub_keys

    keys = generate_hub_keys(suite)
    return keys.private_bytes, keys.public_bytes


def load_or_create_hub_keys(data_dir: Path, suite: str = "x25519",
                            make_encryption_keys: EncryptionKeyFactory | None = None) -> HubKeys:
    path = Path(data_dir) / KEYS_FILE
    if path.exists():
        return _load(path)
    make = make_encryption_keys or default_encryption_keys
    private, public = make(suite)
    signing = Ed25519PrivateKey.generate()
    raw_signing = signing.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                        serialization.NoEncryption())
    doc = {"version": 1, "signing_private_key": b64e(raw_signing), "encryption_suite": suite,
           "encryption_private_key": b64e(private), "encryption_public_key": b64e(public)}
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)  # never overwrite keys another process created meanwhile
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return _load(path)


def _load(path: Path) -> HubKeys:
    doc = json.loads(path.read_text(encoding="utf-8"))
    signing = Ed25519PrivateKey.from_private_bytes(b64d(doc["signing_private_key"], "hub signing key"))
    return HubKeys(signing, doc["encryption_suite"], b64d(doc["encryption_private_key"], "hub HPKE key"),
                   b64d(doc["encryption_public_key"], "hub HPKE public key"))
