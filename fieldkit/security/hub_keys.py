"""The provisioned hub's public keys and URL, kept in `<data>/keys/hub.json`.

Written by `fieldkit provision` (sync), read when sealing (HPKE public key of the suite in force) and when
checking hub receipts (signing public key). These are public values; the file is still 0600 and replaced
atomically. A hub may give one HPKE public key per suite it supports.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from pathlib import Path

from fieldkit.packets.errors import PacketError
from fieldkit.packets.suites import load_public_key, suite_by_name
from fieldkit.security.files import read_json, write_json_atomic

HUB_FILE = Path("keys") / "hub.json"


class HubNotProvisioned(RuntimeError):
    """The kit has no hub keys yet, or none for the suite asked for."""


@dataclass(frozen=True)
class HubKeys:
    hub_url: str
    signing_public_key: bytes = field(repr=False)
    hpke_public_keys: dict[str, bytes] = field(repr=False)  # suite name -> raw public key
    hub_id: str = ""
    provisioned_at: int = 0  # ms since epoch
    ca_roots_pem: bytes = field(default=b"", repr=False)  # roots for supervisors' token certificates

    def hpke_public_key(self, suite: str) -> bytes:
        """The hub's key for `suite`, or HubNotProvisioned naming the suites it has."""
        try:
            return self.hpke_public_keys[suite]
        except KeyError:
            raise HubNotProvisioned(f"the hub gave no key for suite {suite!r} "
                                    f"(it has: {', '.join(sorted(self.hpke_public_keys)) or 'none'})") from None


def hub_file(data_dir: Path) -> Path:
    return Path(data_dir) / HUB_FILE


def store_hub_keys(data_dir: Path, *, hub_url: str, signing_public_key: bytes,
                   hpke_public_keys: dict[str, bytes], hub_id: str = "", ca_roots_pem: bytes = b"") -> HubKeys:
    """Validate and durably save the hub's keys (replacing any earlier ones); returns what was stored."""
    if len(signing_public_key) != 32:
        raise PacketError("bad_key", "hub signing key must be a 32-byte Ed25519 public key")
    if not hpke_public_keys:
        raise PacketError("bad_key", "at least one HPKE public key is needed")
    for suite, raw in hpke_public_keys.items():
        load_public_key(suite_by_name(suite), raw)
    keys = HubKeys(hub_url, bytes(signing_public_key), {s: bytes(k) for s, k in hpke_public_keys.items()},
                   hub_id, int(time.time() * 1000), bytes(ca_roots_pem))
    write_json_atomic(hub_file(data_dir), {
        "hub_url": keys.hub_url, "hub_id": keys.hub_id, "provisioned_at": keys.provisioned_at,
        "signing_public_key": _b64(keys.signing_public_key),
        "hpke_public_keys": {s: _b64(k) for s, k in keys.hpke_public_keys.items()},
        "ca_roots": keys.ca_roots_pem.decode("ascii"),
    })
    return keys


def load_hub_keys(data_dir: Path) -> HubKeys:
    """The stored hub keys, or HubNotProvisioned."""
    path = hub_file(data_dir)
    if not path.exists():
        raise HubNotProvisioned("this kit has not been provisioned with a hub (run `fieldkit provision`)")
    raw = read_json(path)
    return HubKeys(raw["hub_url"], base64.b64decode(raw["signing_public_key"]),
                   {s: base64.b64decode(k) for s, k in raw["hpke_public_keys"].items()},
                   raw.get("hub_id", ""), int(raw.get("provisioned_at", 0)), raw.get("ca_roots", "").encode("ascii"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
