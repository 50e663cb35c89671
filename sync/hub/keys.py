"""The hub's own keys: an Ed25519 key that signs receipts and one HPKE key pair per packet suite.

Kept in `<data>/hub-keys.json`, readable by the hub's user only (0600). Every hub process serving one
database must use the same file (copy it when adding a process): receipts and packets must not depend on
which process a kit reached. The hub id is derived from the signing key, so it changes only with the key.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.packets.suites import SUITES_BY_NAME, generate_keypair
from sync.protocol import b64d, b64e, public_key_bytes, sha256_hex

KEYS_FILE = "hub-keys.json"


@dataclass(frozen=True)
class HubKeys:
    signing_key: Ed25519PrivateKey = field(repr=False)
    hpke_private: dict[str, bytes] = field(repr=False)  # suite name -> raw private key
    hpke_public: dict[str, bytes] = field(repr=False)

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
                "hpke_public_keys": {s: b64e(k) for s, k in self.hpke_public.items()}}


def generate_hub_keys() -> HubKeys:
    private, public = {}, {}
    for name, suite in SUITES_BY_NAME.items():
        private[name], public[name] = generate_keypair(suite)
    return HubKeys(Ed25519PrivateKey.generate(), private, public)


def load_or_create_hub_keys(data_dir: Path) -> HubKeys:
    path = Path(data_dir) / KEYS_FILE
    if path.exists():
        return _load(path)
    keys = generate_hub_keys()
    doc = {"version": 1, "signing_private_key": b64e(keys.signing_key.private_bytes_raw()),
           "hpke": {s: {"private": b64e(keys.hpke_private[s]), "public": b64e(keys.hpke_public[s])}
                    for s in keys.hpke_private}}
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f"{KEYS_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)  # never replace keys another process created meanwhile
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return _load(path)


def _load(path: Path) -> HubKeys:
    doc = json.loads(path.read_text(encoding="utf-8"))
    signing = Ed25519PrivateKey.from_private_bytes(b64d(doc["signing_private_key"], "hub signing key"))
    return HubKeys(signing, {s: b64d(v["private"], "hub HPKE key") for s, v in doc["hpke"].items()},
                   {s: b64d(v["public"], "hub HPKE key") for s, v in doc["hpke"].items()})
