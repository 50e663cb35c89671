"""The kit key file (`<data>/keys/kit.json`): kit id, device key, and one key slot per user (like LUKS).

The 256-bit kit data key (DK) encrypts everything personal the kit stores. It never touches the disk in
clear: each user's slot holds DK wrapped (AES-256-GCM) under a key-encryption key stretched from that user's
passphrase (Argon2id, parameters stored in the slot). Changing a passphrase re-wraps one slot and
re-encrypts no data. The device's Ed25519 signing key is stored encrypted under DK; a supervisor's Ed25519
co-signing key is stored encrypted under their own slot's KEK, with a device-signed certificate.
Every slot's associated data binds it to the kit id, the user id, the user's name and role (format 2), so
slots cannot be moved between kits and a role edited in the file no longer opens the slot. The whole file
carries an HMAC-SHA256 under a key derived from DK (`mac`), checked at every unlock: a file edited by
anyone who cannot unlock the kit is refused (KitFileTampered). A format-1 file (no MAC, slots bound to kit
and user only) is upgraded at its first successful unlock: the MAC is added and the unlocking user's slot
re-wrapped; other slots are re-wrapped when their users next log in (until then the MAC covers them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.packets.seal import certify_supervisor
from fieldkit.security import crypto
from fieldkit.security.files import (exclusive_lock, leftover_temporaries, read_json, shred_file, write_atomic,
                                     write_json_atomic)
from fieldkit.security.passphrase import WeakPassphrase, check_new_passphrase
from fieldkit.security.throttle import LoginThrottle

KEY_DIR = "keys"
KIT_FILE = "kit.json"
THROTTLE_FILE = "throttle.json"
LOCK_FILE = "kit.lock"
FORMAT = 2
SLOT_AAD_VERSION = 2
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
    audit_reason = "bad_passphrase"


class NotAllowed(KitError):
    pass


class KitFileTampered(KitError):
    """keys/kit.json was changed by someone who could not unlock the kit: refused, never used."""

    audit_reason = "key_file_tampered"
    code = "kit.key_file_tampered"
    # For the Vietnamese UI (the login page shows it instead of the English text):
    message_vi = ("Tệp khoá keys/kit.json đã bị sửa bên ngoài FieldKit (vai trò, tên người dùng hoặc khoá): "
                  "máy từ chối dùng tệp này. Giữ nguyên máy, báo cho huyện và không thu nhận tiếp.")


class PassphraseTooWeak(KitError):
    """A new passphrase refused by the strength rule (fieldkit.security.passphrase): code and vi/en text."""

    def __init__(self, weak: WeakPassphrase):
        super().__init__(f"{weak.message_en} [{weak.code}]")
        self.code, self.message_vi, self.message_en = weak.code, weak.message_vi, weak.message_en


def check_passphrase_strength(passphrase: str, name: str = "") -> None:
    """PassphraseTooWeak (code, message_vi, message_en) unless `passphrase` is strong enough to be CHOSEN now."""
    try:
        check_new_passphrase(passphrase, name)
    except WeakPassphrase as weak:
        raise PassphraseTooWeak(weak) from None


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
    token_certificate: bytes = field(default=b"", repr=False)  # DER: this supervisor approves with a PKCS#11 token

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
        "format": FORMAT, "kit_id": new_kit_id, "created_at": _now_ms(),
        "device_public_key": _b64(device.public_key().public_bytes_raw()),
        "device_key": _b64(crypto.encrypt(data_key, device.private_bytes_raw(), _aad("device", new_kit_id))),
        "slots": [],
    }
    kit = UnlockedKit(Path(data_dir), new_kit_id, User("", "", ""), bytearray(data_key), device)
    slot, user, cosign, cert = _new_slot(kit, name, role, passphrase, kdf)
    doc["slots"].append(slot)
    key_dir(data_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
    _write_kit_file(Path(data_dir), doc, data_key)
    wiped = key_dir(data_dir) / WIPED_FILE
    if wiped.exists():
        wiped.unlink()
    kit.user, kit.cosign_key, kit.cosign_certificate = user, cosign, cert
    return kit


def _new_slot(kit: UnlockedKit, name: str, role: str, passphrase: str, kdf: crypto.KdfParams,
              token_certificate: bytes | None = None):
    if role not in ROLES:
        raise KitError(f"role must be one of {', '.join(ROLES)}")
    if not name or not name.strip():
        raise KitError("a user needs a name")
    if name.strip() == "*" or name.strip().startswith("#"):  # the throttle's nameless and kit-wide counters
        raise KitError("a user name cannot be '*' or start with '#'")
    check_passphrase_strength(passphrase, name.strip())
    user = User(str(uuid.uuid4()), name.strip(), role)
    kdf = kdf or crypto.DEFAULT_KDF  # looked up at call time (tests lower it for speed)
    salt = os.urandom(16)
    kek = crypto.stretch_passphrase(passphrase, salt, kdf)
    slot = {"user_id": user.user_id, "name": user.name, "role": role, "created_at": _now_ms(),
            "kdf": kdf.as_dict(), "salt": _b64(salt), "aad": SLOT_AAD_VERSION}
    slot["wrapped_key"] = _b64(crypto.encrypt(kek, bytes(kit.data_key), _slot_aad(kit.kit_id, slot)))
    cosign, cert = None, b""
    if token_certificate:
        if role != "supervisor":
            raise KitError("only a supervisor approves with a token")
        slot["token_certificate"] = _b64(token_certificate)  # the token holds the key: none is made here
    elif role == "supervisor":
        cosign = Ed25519PrivateKey.generate()
        pub = cosign.public_key().public_bytes_raw()
        cert = certify_supervisor(kit.device_key, kit.kit_id, user.user_id, pub)
        slot.update(cosign_public=_b64(pub), cosign_certificate=_b64(cert),
                    cosign_key=_b64(crypto.encrypt(kek, cosign.private_bytes_raw(),
                                                   _aad("cosign", kit.kit_id, user.user_id))))
    return slot, user, cosign, cert


def add_user(kit: UnlockedKit, name: str, role: str, passphrase: str,
             kdf: crypto.KdfParams | None = None, token_certificate: bytes | None = None) -> User:
    """A new user slot, made by a logged-in supervisor or technician (who holds the data key).

    `token_certificate` (DER) binds a supervisor to the government certificate on their PKCS#11 token: they
    approve with that token (fieldkit.security.token), and get no kit-held co-signing key."""
    kit.require_role(*ADMIN_ROLES)
    with exclusive_lock(key_dir(kit.data_dir) / LOCK_FILE):
        doc = _load_verified(kit.data_dir, bytes(kit.data_key))
        if any(s["name"] == name.strip() for s in doc["slots"]):
            raise KitError(f"a user named {name.strip()!r} already exists")
        slot, user, _, _ = _new_slot(kit, name, role, passphrase, kdf, token_certificate)
        doc["slots"].append(slot)
        _write_kit_file(kit.data_dir, doc, bytes(kit.data_key))
    return user


def _find_slots(doc: dict, name: str | None) -> list[dict]:
    if name:
        return [s for s in doc["slots"] if s["name"] == name]
    return list(doc["slots"])


def unlock(data_dir: Path, name: str | None, passphrase: str) -> UnlockedKit:
    """The kit unlocked by `name`'s passphrase (any slot if `name` is None), or BadPassphrase / Throttled /
    KitFileTampered.

    The attempt is counted as a failure durably, under a lock shared by every process, BEFORE the passphrase
    is tried (a success cancels it): parallel guessers get no more tries than one guesser. While throttled no
    passphrase is even tried; a nameless attempt skips the slots of users who are being throttled.
    """
    data_dir = Path(data_dir)
    doc = load_kit_file(data_dir)
    gate = throttle(data_dir)
    reservation = gate.reserve(name)
    for slot in _find_slots(doc, name):
        if not name and gate.is_throttled(slot["name"]):
            continue
        kek = crypto.stretch_passphrase(passphrase, _unb64(slot["salt"]), crypto.KdfParams.from_dict(slot["kdf"]))
        try:
            data_key = crypto.decrypt(kek, _unb64(slot["wrapped_key"]), _slot_aad(doc["kit_id"], slot))
        except crypto.DecryptError:
            continue
        gate.record_success(name, reservation)
        _check_file(doc, data_key)
        kit = _open_slot(data_dir, doc, slot, kek, data_key)
        if doc.get("format") != FORMAT or slot.get("aad") != SLOT_AAD_VERSION:
            _upgrade(kit, kek)
        if doc.get("format", 1) == 1:
            _seal_legacy_hub_keys(kit)
        return kit
    gate.confirm_failure(reservation)
    delay = reservation.delay
    raise BadPassphrase("wrong user name or passphrase" + (f"; next try in {int(delay)} s" if delay else ""))


def _check_file(doc: dict, data_key: bytes) -> None:
    """Refuse a key file whose MAC does not verify (or was stripped), naming what to do."""
    mac = doc.get("mac")
    if mac is None:
        if doc.get("format", 1) == 1 and not any(s.get("aad", 1) != 1 for s in doc["slots"]):
            return  # a format-1 file from before MACs: upgraded by the caller
        raise KitFileTampered(_TAMPERED + " (its authentication code was removed)")
    if not hmac.compare_digest(str(mac), _file_mac(data_key, doc)):
        raise KitFileTampered(_TAMPERED)


_TAMPERED = ("the key file keys/kit.json was changed outside FieldKit (a user's role or name, a slot, or a key "
             "was edited): it is refused and was not used. Keep the kit as it is and report it to the district "
             "(a technician can put back a copy of keys/kit.json taken before the change); do not enrol with it")


def _file_mac(data_key: bytes, doc: dict) -> str:
    body = {k: v for k, v in doc.items() if k != "mac"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hmac.new(crypto.subkey(data_key, "key file mac"), canonical, hashlib.sha256).hexdigest()


def _write_kit_file(data_dir: Path, doc: dict, data_key: bytes) -> None:
    doc["format"] = FORMAT
    doc["mac"] = _file_mac(data_key, doc)
    write_json_atomic(kit_file(data_dir), doc)


def _load_verified(data_dir: Path, data_key: bytes) -> dict:
    doc = load_kit_file(data_dir)
    _check_file(doc, data_key)
    return doc


def _upgrade(kit: UnlockedKit, kek: bytes) -> None:
    """Bring a format-1 file (or this user's format-1 slot) to format 2: MAC added, slot bound to name and role."""
    with exclusive_lock(key_dir(kit.data_dir) / LOCK_FILE):
        doc = _load_verified(kit.data_dir, bytes(kit.data_key))
        slot = next(s for s in doc["slots"] if s["user_id"] == kit.user.user_id)
        if slot.get("aad") != SLOT_AAD_VERSION:
            slot["aad"] = SLOT_AAD_VERSION
            slot["wrapped_key"] = _b64(crypto.encrypt(kek, bytes(kit.data_key), _slot_aad(kit.kit_id, slot)))
        _write_kit_file(kit.data_dir, doc, bytes(kit.data_key))


def _seal_legacy_hub_keys(kit: UnlockedKit) -> None:
    """A kit provisioned by a FieldKit older than the sealed hub.json: seal the file it has, once, at the same
    first unlock that adds the key file's MAC (after it, an unsealed hub.json is refused). Without this an
    updated kit in a village with no link could not approve anything until it is provisioned again."""
    from fieldkit.security.hub_keys import seal_legacy_hub_keys  # noqa: PLC0415 (hub_keys imports keystore)

    seal_legacy_hub_keys(kit.data_dir, kit)


def _open_slot(data_dir: Path, doc: dict, slot: dict, kek: bytes, data_key: bytes) -> UnlockedKit:
    kid = doc["kit_id"]
    device = Ed25519PrivateKey.from_private_bytes(crypto.decrypt(data_key, _unb64(doc["device_key"]), _aad("device", kid)))
    if device.public_key().public_bytes_raw() != _unb64(doc["device_public_key"]):
        raise KitFileTampered(_TAMPERED + " (the device public key does not match the device key)")
    kit = UnlockedKit(data_dir, kid, User(slot["user_id"], slot["name"], slot["role"]), bytearray(data_key), device)
    if "cosign_key" in slot:
        raw = crypto.decrypt(kek, _unb64(slot["cosign_key"]), _aad("cosign", kid, slot["user_id"]))
        kit.cosign_key = Ed25519PrivateKey.from_private_bytes(raw)
        kit.cosign_certificate = _unb64(slot["cosign_certificate"])
    if "token_certificate" in slot:
        kit.token_certificate = _unb64(slot["token_certificate"])
    return kit


def change_passphrase(data_dir: Path, name: str, old: str, new: str,
                      kdf: crypto.KdfParams | None = None) -> UnlockedKit:
    """Re-wrap `name`'s slot under a new passphrase; the data key and all data stay as they are.

    Returns the user's unlocked keys (to sign the audit entry); the caller locks them."""
    check_passphrase_strength(new, name)
    kit = unlock(data_dir, name, old)
    with exclusive_lock(key_dir(data_dir) / LOCK_FILE):
        doc = _load_verified(Path(data_dir), bytes(kit.data_key))
        slot = next(s for s in doc["slots"] if s["user_id"] == kit.user.user_id)
        params = kdf or crypto.KdfParams.from_dict(slot["kdf"])
        salt = os.urandom(16)
        kek = crypto.stretch_passphrase(new, salt, params)
        slot.update(kdf=params.as_dict(), salt=_b64(salt), aad=SLOT_AAD_VERSION)
        slot["wrapped_key"] = _b64(crypto.encrypt(kek, bytes(kit.data_key), _slot_aad(kit.kit_id, slot)))
        if kit.cosign_key is not None:
            slot["cosign_key"] = _b64(crypto.encrypt(kek, kit.cosign_key.private_bytes_raw(),
                                                     _aad("cosign", kit.kit_id, slot["user_id"])))
        _write_kit_file(Path(data_dir), doc, bytes(kit.data_key))
    return kit


def supervisor_public_keys(data_dir: Path, kit: UnlockedKit | None = None) -> dict[str, bytes]:
    """user id -> co-signing public key of every supervisor (for provisioning the hub).

    Pass the unlocked kit to have the key file's MAC checked first (KitFileTampered if edited): what the hub
    pins must come from an authenticated file."""
    doc = _load_verified(Path(data_dir), bytes(kit.data_key)) if kit is not None else load_kit_file(data_dir)
    return {s["user_id"]: _unb64(s["cosign_public"]) for s in doc["slots"] if "cosign_public" in s}


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
    for path in (kdir / KIT_FILE, kdir / THROTTLE_FILE):
        for leftover in leftover_temporaries(path):  # a crash mid-write may have left a whole copy
            shred_file(leftover)
        shred_file(path)
    hub = kdir / "hub.json"  # public keys, but bound to the old device key: a re-initialised kit re-provisions
    if hub.exists():
        hub.unlink()


def _aad(kind: str, kit: str, user: str = "") -> bytes:
    return f"fieldkit {kind} v1|{kit}|{user}".encode()


def _slot_aad(kit: str, slot: dict) -> bytes:
    """What a slot's wrapped key authenticates: v2 binds the user's name and role too (JSON-escaped, so a "|"
    in a name cannot shift fields); v1 (format-1 files, until upgraded) binds kit and user id only."""
    if slot.get("aad", 1) == 1:
        return _aad("slot", kit, slot["user_id"])
    return ("fieldkit slot v2|" + json.dumps([kit, slot["user_id"], slot["name"], slot["role"]],
                                             ensure_ascii=False)).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


def _now_ms() -> int:
    return int(time.time() * 1000)
