"""The kit key file (`<data>/keys/kit.json`): kit id, device key, and one key slot per user (like LUKS).

The 256-bit kit data key (DK) encrypts everything personal the kit stores. It never touches the disk in
clear: each user's slot holds DK wrapped (AES-256-GCM) under a key-encryption key stretched from that user's
passphrase (Argon2id, parameters stored in the slot). Changing a passphrase re-wraps one slot and
re-encrypts no data. The device's Ed25519 signing key is stored encrypted under DK; a supervisor's Ed25519
co-signing key is stored encrypted under their own slot's KEK, with a device-signed certificate.
Every slot's associated data binds it to the kit id and user id, so slots cannot be moved between kits.
"""

from __future__ import annotations

import base64
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.packets.seal import certify_supervisor
from fieldkit.security import crypto
from fieldkit.security.files import read_json, shred_file, write_atomic, write_json_atomic
from fieldkit.security.throttle import LoginThrottle

KEY_DIR = "keys"
KIT_FILE = "kit.json"
THROTTLE_FILE = "throttle.json"
WIPED_FILE = "WIPED"
ROLES = ("officer", "supervisor", "technician")
ADMIN_ROLES = ("supervisor", "technician")


class KitError(RuntimeError):
    """A kit-level refusal with a message for the person at the keyboard."""


class KitNotInitialised(KitError):
    pass


class KitWiped(KitError):
    pass


class BadPassphrase(KitError):
    pass


class NotAllowed(KitError):
    pass


@dataclass(frozen=True)
class User:
    user_id: str
    name: str
    role: str


@dataclass
class UnlockedKit:
    """The keys of one logged-in user, in memory only. `lock()` overwrites them (best effort in Python)."""

    data_dir: Path
    kit_id: str
    user: User
    data_key: bytearray = field(repr=False)
    device_key: Ed25519PrivateKey = field(repr=False)
    cosign_key: Ed25519PrivateKey | None = field(default=None, repr=False)
    cosign_certificate: bytes = field(default=b"", repr=False)

    @property
    def device_public_key(self) -> bytes:
        return self.device_key.public_key().public_bytes_raw()

    def subkey(self, purpose: str) -> bytes:
        return crypto.subkey(bytes(self.data_key), purpose)

    def require_role(self, *roles: str) -> None:
        if self.user.role not in roles:
            raise NotAllowed(f"this needs a {' or '.join(roles)} (you are {self.user.role})")

    def lock(self) -> None:
        for i in range(len(self.data_key)):
            self.data_key[i] = 0
        self.device_key = None  # type: ignore[assignment]
        self.cosign_key = None


def key_dir(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_DIR


def kit_file(data_dir: Path) -> Path:
    return key_dir(data_dir) / KIT_FILE


def is_wiped(data_dir: Path) -> bool:
    return (key_dir(data_dir) / WIPED_FILE).exists()


def is_initialised(data_dir: Path) -> bool:
    return kit_file(data_dir).exists()


def check_usable(data_dir: Path) -> None:
    """Raise KitWiped / KitNotInitialised with the message every command shows."""
    if is_wiped(data_dir):
        raise KitWiped("this kit was wiped: its keys are destroyed and nothing on it can be read; "
                       "run `fieldkit init` to re-initialise it")
    if not is_initialised(data_dir):
        raise KitNotInitialised("this kit is not initialised: run `fieldkit init`")


def load_kit_file(data_dir: Path) -> dict:
    check_usable(data_dir)
    return read_json(kit_file(data_dir))


def kit_id(data_dir: Path) -> str:
    return load_kit_file(data_dir)["kit_id"]


def device_public_key(data_dir: Path) -> bytes:
    """The device's Ed25519 public key (readable while locked: the hub needs it at provisioning)."""
    return _unb64(load_kit_file(data_dir)["device_public_key"])


def list_users(data_dir: Path) -> list[User]:
    return [User(s["user_id"], s["name"], s["role"]) for s in load_kit_file(data_dir)["slots"]]


def throttle(data_dir: Path) -> LoginThrottle:
    return LoginThrottle(key_dir(data_dir) / THROTTLE_FILE)


def init_kit(data_dir: Path, name: str, role: str, passphrase: str,
             kdf: crypto.KdfParams | None = None) -> UnlockedKit:
    """Create a new kit (device key, kit id, data key) with its first user, and return it unlocked.

    A wiped kit can be re-initialised (its old data is unreadable and is removed by the caller first).
    """
    if is_initialised(data_dir) and not is_wiped(data_dir):
        raise KitError("this kit is already initialised")
    if role not in ADMIN_ROLES:
        raise NotAllowed("the first user of a kit must be a supervisor or technician")
    if is_wiped(data_dir):
        destroy_keys(data_dir)  # finish an interrupted wipe before anything new is written
    new_kit_id = str(uuid.uuid4())
    data_key, device = crypto.new_key(), Ed25519PrivateKey.generate()
    doc = {
        "format": 1, "kit_id": new_kit_id, "created_at": _now_ms(),
        "device_public_key": _b64(device.public_key().public_bytes_raw()),
        "device_key": _b64(crypto.encrypt(data_key, device.private_bytes_raw(), _aad("device", new_kit_id))),
        "slots": [],
    }
    kit = UnlockedKit(Path(data_dir), new_kit_id, User("", "", ""), bytearray(data_key), device)
    slot, user, cosign, cert = _new_slot(kit, name, role, passphrase, kdf)
    doc["slots"].append(slot)
    key_dir(data_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
    write_json_atomic(kit_file(data_dir), doc)
    wiped = key_dir(data_dir) / WIPED_FILE
    if wiped.exists():
        wiped.unlink()
    kit.user, kit.cosign_key, kit.cosign_certificate = user, cosign, cert
    return kit


def _new_slot(kit: UnlockedKit, name: str, role: str, passphrase: str, kdf: crypto.KdfParams):
    if role not in ROLES:
        raise KitError(f"role must be one of {', '.join(ROLES)}")
    if not name or not name.strip():
        raise KitError("a user needs a name")
    if len(passphrase) < 8:
        raise KitError("a passphrase needs at least 8 characters")
    user = User(str(uuid.uuid4()), name.strip(), role)
    kdf = kdf or crypto.DEFAULT_KDF  # looked up at call time (tests lower it for speed)
    salt = os.urandom(16)
    kek = crypto.stretch_passphrase(passphrase, salt, kdf)
    slot = {"user_id": user.user_id, "name": user.name, "role": role, "created_at": _now_ms(),
            "kdf": kdf.as_dict(), "salt": _b64(salt),
            "wrapped_key": _b64(crypto.encrypt(kek, bytes(kit.data_key), _aad("slot", kit.kit_id, user.user_id)))}
    cosign, cert = None, b""
    if role == "supervisor":
        cosign = Ed25519PrivateKey.generate()
        pub = cosign.public_key().public_bytes_raw()
        cert = certify_supervisor(kit.device_key, kit.kit_id, user.user_id, pub)
        slot.update(cosign_public=_b64(pub), cosign_certificate=_b64(cert),
                    cosign_key=_b64(crypto.encrypt(kek, cosign.private_bytes_raw(),
                                                   _aad("cosign", kit.kit_id, user.user_id))))
    return slot, user, cosign, cert


def add_user(kit: UnlockedKit, name: str, role: str, passphrase: str,
             kdf: crypto.KdfParams | None = None) -> User:
    """A new user slot, made by a logged-in supervisor or technician (who holds the data key)."""
    kit.require_role(*ADMIN_ROLES)
    doc = load_kit_file(kit.data_dir)
    if any(s["name"] == name.strip() for s in doc["slots"]):
        raise KitError(f"a user named {name.strip()!r} already exists")
    slot, user, _, _ = _new_slot(kit, name, role, passphrase, kdf)
    doc["slots"].append(slot)
    write_json_atomic(kit_file(kit.data_dir), doc)
    return user


def _find_slots(doc: dict, name: str | None) -> list[dict]:
    if name:
        return [s for s in doc["slots"] if s["name"] == name]
    return list(doc["slots"])


def unlock(data_dir: Path, name: str | None, passphrase: str) -> UnlockedKit:
    """The kit unlocked by `name`'s passphrase (any slot if `name` is None), or BadPassphrase / Throttled.

    A failure is counted durably before it is reported; while throttled no passphrase is even tried.
    """
    doc = load_kit_file(data_dir)
    gate = throttle(data_dir)
    gate.check("*")  # nameless attempts try every slot: while they are refused, named ones are too
    if name:
        gate.check(name)
    for slot in _find_slots(doc, name):
        kek = crypto.stretch_passphrase(passphrase, _unb64(slot["salt"]), crypto.KdfParams.from_dict(slot["kdf"]))
        try:
            data_key = crypto.decrypt(kek, _unb64(slot["wrapped_key"]), _aad("slot", doc["kit_id"], slot["user_id"]))
        except crypto.DecryptError:
            continue
        gate.record_success(name or "*")
        return _open_slot(Path(data_dir), doc, slot, kek, data_key)
    delay = gate.record_failure(name or "*")
    raise BadPassphrase("wrong user name or passphrase" + (f"; next try in {int(delay)} s" if delay else ""))


def _open_slot(data_dir: Path, doc: dict, slot: dict, kek: bytes, data_key: bytes) -> UnlockedKit:
    kid = doc["kit_id"]
    device = Ed25519PrivateKey.from_private_bytes(crypto.decrypt(data_key, _unb64(doc["device_key"]), _aad("device", kid)))
    kit = UnlockedKit(data_dir, kid, User(slot["user_id"], slot["name"], slot["role"]), bytearray(data_key), device)
    if "cosign_key" in slot:
        raw = crypto.decrypt(kek, _unb64(slot["cosign_key"]), _aad("cosign", kid, slot["user_id"]))
        kit.cosign_key = Ed25519PrivateKey.from_private_bytes(raw)
        kit.cosign_certificate = _unb64(slot["cosign_certificate"])
    return kit


def change_passphrase(data_dir: Path, name: str, old: str, new: str,
                      kdf: crypto.KdfParams | None = None) -> UnlockedKit:
    """Re-wrap `name`'s slot under a new passphrase; the data key and all data stay as they are.

    Returns the user's unlocked keys (to sign the audit entry); the caller locks them."""
    kit = unlock(data_dir, name, old)
    if len(new) < 8:
        raise KitError("a passphrase needs at least 8 characters")
    doc = load_kit_file(data_dir)
    slot = next(s for s in doc["slots"] if s["user_id"] == kit.user.user_id)
    params = kdf or crypto.KdfParams.from_dict(slot["kdf"])
    salt = os.urandom(16)
    kek = crypto.stretch_passphrase(new, salt, params)
    slot.update(kdf=params.as_dict(), salt=_b64(salt),
                wrapped_key=_b64(crypto.encrypt(kek, bytes(kit.data_key), _aad("slot", kit.kit_id, slot["user_id"]))))
    if kit.cosign_key is not None:
        slot["cosign_key"] = _b64(crypto.encrypt(kek, kit.cosign_key.private_bytes_raw(),
                                                 _aad("cosign", kit.kit_id, slot["user_id"])))
    write_json_atomic(kit_file(data_dir), doc)
    return kit


def supervisor_public_keys(data_dir: Path) -> dict[str, bytes]:
    """user id -> co-signing public key of every supervisor (for provisioning the hub)."""
    return {s["user_id"]: _unb64(s["cosign_public"]) for s in load_kit_file(data_dir)["slots"] if "cosign_public" in s}


def supervisor_certificates(data_dir: Path) -> list[tuple[str, bytes, bytes]]:
    """(user id, co-signing public key, device certificate) of every supervisor: what the hub pins (the kit
    sends them at provisioning and in signed roster updates, sync/roster.py)."""
    return [(s["user_id"], _unb64(s["cosign_public"]), _unb64(s["cosign_certificate"]))
            for s in load_kit_file(data_dir)["slots"] if "cosign_public" in s]


def destroy_keys(data_dir: Path) -> None:
    """Crypto-shred: overwrite and delete the key file (all slots, the wrapped device key) and leave a
    WIPED marker. Without the slots the data key is gone, and with it every encrypted byte on the kit."""
    kdir = key_dir(data_dir)
    write_atomic(kdir / WIPED_FILE, f"wiped at {_now_ms()}\n".encode())
    for name in (KIT_FILE, KIT_FILE + ".tmp", THROTTLE_FILE):
        shred_file(kdir / name)
    hub = kdir / "hub.json"  # public keys, but bound to the old device key: a re-initialised kit re-provisions
    if hub.exists():
        hub.unlink()


def _aad(kind: str, kit: str, user: str = "") -> bytes:
    return f"fieldkit {kind} v1|{kit}|{user}".encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


def _now_ms() -> int:
    return int(time.time() * 1000)
