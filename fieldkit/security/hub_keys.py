"""The provisioned hub's public keys and URL, kept in `<data>/keys/hub.json`.

Written by `fieldkit provision` (sync), read when sealing (HPKE public key of the suite in force) and when
checking hub receipts (signing public key). These are public values; the file is still 0600 and replaced
atomically. A hub may give one HPKE public key per suite it supports.

Public, but not harmless: whoever can replace them reads the next packets and forges receipts. So the file
is SEALED when it is stored: `seal` = Ed25519 signature by the kit's device key (which only an unlocked kit
holds) over the kit id, hub URL, hub id and every key. `load_hub_keys` checks the seal against the device
public key on every load — before every packet is sealed and before any receipt is trusted — and refuses a
file without a valid seal (HubKeysTampered, a HubNotProvisioned: every caller that handles "no hub" stops
there too). The device public key comes from keys/kit.json, whose own MAC is checked at every unlock.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from fieldkit.packets.errors import PacketError
from fieldkit.packets.suites import load_public_key, suite_by_name
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fieldkit.security.files import read_json, write_json_atomic

HUB_FILE = Path("keys") / "hub.json"
SEAL_CONTEXT = b"FieldKit hub keys v1\x00"


class HubNotProvisioned(RuntimeError):
    """The kit has no hub keys yet, or none for the suite asked for."""


class HubKeysTampered(HubNotProvisioned):
    """keys/hub.json is not sealed by this kit's device key: someone else wrote it. Never used."""

    code = "hub.keys_not_sealed"
    message_vi = ("Tệp keys/hub.json (khoá và địa chỉ máy chủ) không do máy này niêm phong: nó đã bị thay đổi bên "
                  "ngoài FieldKit. Không hồ sơ nào được niêm phong và không biên nhận nào được tin. Báo cho kỹ "
                  "thuật viên để đăng ký lại máy với máy chủ.")


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
                   hpke_public_keys: dict[str, bytes], hub_id: str = "", signer, ca_roots_pem: bytes = b"") -> HubKeys:
    """Validate, seal and durably save the hub's keys (replacing any earlier ones); returns what was stored.

    `signer` holds the kit's device key: an Ed25519PrivateKey, an UnlockedKit / KitSession's kit (its
    `device_key`), or a sync KitIdentity (anything with `sign(bytes) -> bytes`)."""
    if len(signing_public_key) != 32:
        raise PacketError("bad_key", "hub signing key must be a 32-byte Ed25519 public key")
    if not hpke_public_keys:
        raise PacketError("bad_key", "at least one HPKE public key is needed")
    for suite, raw in hpke_public_keys.items():
        load_public_key(suite_by_name(suite), raw)
    keys = HubKeys(hub_url, bytes(signing_public_key), {s: bytes(k) for s, k in hpke_public_keys.items()},
                   hub_id, int(time.time() * 1000), bytes(ca_roots_pem))
    doc = _as_doc(keys)
    doc["seal"] = _b64(_sign(signer, SEAL_CONTEXT + _sealed_bytes(_kit_id(data_dir), doc)))
    write_json_atomic(hub_file(data_dir), doc)
    return keys


def seal_legacy_hub_keys(data_dir: Path, signer) -> bool:
    """Seal a hub.json written before hub keys were sealed (no "seal" at all); True if it was sealed now.

    Called only while the kit's key file itself is upgraded from format 1 (keystore.unlock), i.e. once, on
    the first unlock after the update: from then on, a hub.json without a valid seal is refused."""
    path = hub_file(data_dir)
    if not path.exists():
        return False
    raw = read_json(path)
    if "seal" in raw:
        return False
    try:
        keys = HubKeys(str(raw["hub_url"]), base64.b64decode(raw["signing_public_key"]),
                       {str(s): base64.b64decode(k) for s, k in raw["hpke_public_keys"].items()},
                       str(raw.get("hub_id", "")), int(raw.get("provisioned_at", 0)))
    except (KeyError, TypeError, ValueError, AttributeError):
        return False  # unreadable: stays refused, `fieldkit provision` again
    doc = _as_doc(keys)
    doc["seal"] = _b64(_sign(signer, SEAL_CONTEXT + _sealed_bytes(_kit_id(data_dir), doc)))
    write_json_atomic(path, doc)
    return True


def load_hub_keys(data_dir: Path, device_public_key: bytes | None = None) -> HubKeys:
    """The stored hub keys after checking their seal; HubNotProvisioned, or HubKeysTampered (its subclass).

    `device_public_key` defaults to the one in keys/kit.json; an unlocked caller may pass its own."""
    keys, problem = read_hub_keys(data_dir, device_public_key)
    if problem:
        raise HubKeysTampered(problem)
    return keys


def read_hub_keys(data_dir: Path, device_public_key: bytes | None = None) -> tuple[HubKeys, str | None]:
    """The stored keys AND what is wrong with their seal (None if nothing): for `fieldkit doctor`, which
    shows the fingerprints of a refused file next to the warning. Everything else calls load_hub_keys."""
    path = hub_file(data_dir)
    if not path.exists():
        raise HubNotProvisioned("this kit has not been provisioned with a hub (run `fieldkit provision`)")
    raw = read_json(path)
    try:
        keys = HubKeys(str(raw["hub_url"]), base64.b64decode(raw["signing_public_key"]),
                       {str(s): base64.b64decode(k) for s, k in raw["hpke_public_keys"].items()},
                       str(raw.get("hub_id", "")), int(raw.get("provisioned_at", 0)),
                       str(raw.get("ca_roots", "")).encode("ascii"))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise HubKeysTampered(_NOT_SEALED + " (the file is malformed)") from None
    return keys, _seal_problem(data_dir, raw, keys, device_public_key)


_NOT_SEALED = ("keys/hub.json (the hub's keys and address) is not sealed by this kit: it was written or changed "
               "outside `fieldkit provision`. Nothing is sealed for it and no receipt is trusted. Compare the "
               "hub fingerprint in `fieldkit doctor` with the district's, then run `fieldkit provision` again")


def _seal_problem(data_dir: Path, raw: dict, keys: HubKeys, device_public_key: bytes | None) -> str | None:
    if "seal" not in raw:
        return _NOT_SEALED + " (it has no seal)"
    from fieldkit.security import keystore  # noqa: PLC0415 (keystore is heavier; only needed here)
    pub = device_public_key if device_public_key is not None else keystore.device_public_key(data_dir)
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(
            base64.b64decode(raw["seal"]), SEAL_CONTEXT + _sealed_bytes(_kit_id(data_dir), _as_doc(keys)))
    except (InvalidSignature, ValueError, TypeError):
        return _NOT_SEALED + " (its seal does not verify)"
    return None


def _as_doc(keys: HubKeys) -> dict:
    return {"hub_url": keys.hub_url, "hub_id": keys.hub_id, "provisioned_at": keys.provisioned_at,
            "signing_public_key": _b64(keys.signing_public_key),
            "hpke_public_keys": {s: _b64(k) for s, k in keys.hpke_public_keys.items()},
            **({"ca_roots": keys.ca_roots_pem.decode("ascii")} if keys.ca_roots_pem else {})}


def _sealed_bytes(kit_id: str, doc: dict) -> bytes:
    body = {k: v for k, v in doc.items() if k != "seal"} | {"kit_id": kit_id}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _kit_id(data_dir: Path) -> str:
    from fieldkit.security import keystore  # noqa: PLC0415
    return keystore.kit_id(data_dir)


def _sign(signer, data: bytes) -> bytes:
    if isinstance(signer, Ed25519PrivateKey) or hasattr(signer, "sign"):
        return signer.sign(data)
    device_key = getattr(signer, "device_key", None) or getattr(getattr(signer, "kit", None), "device_key", None)
    if device_key is None:
        raise TypeError("store_hub_keys needs the kit's device key (an unlocked kit) to seal the hub keys")
    return device_key.sign(data)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
