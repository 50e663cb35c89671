"""Helpers and fixtures for the issue #11 hub-side attack tests (tests/sync/test_attack_*.py): packets
co-signed by a supervisor of the attacker's choosing, roster updates, a kit enrolled for the USB route."""

from __future__ import annotations

import secrets
import threading
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.packets.seal import SealInput, Signers, certify_supervisor, seal_packet
from sync.client.worker import SyncWorker
from sync.hub.service import token_hash
from sync.protocol import API
from sync.roster import RosterUpdate, SupervisorKey


def content(name: str = "Lò Văn Thử") -> SealInput:
    return SealInput(record_id=str(uuid.uuid4()), record_version=1,
                     record={"full_name": name, "id_number": "001099000001"},
                     blobs={"face.jpg": secrets.token_bytes(4_000)}, capture={}, audit=[{"seq": 1, "action": "seal"}])


def new_supervisor(kit, user_id: str) -> tuple[Ed25519PrivateKey, SupervisorKey]:
    """A supervisor key certified by the kit's device key: what anyone logged in on the kit can make."""
    key = Ed25519PrivateKey.generate()
    pub = key.public_key().public_bytes_raw()
    return key, SupervisorKey(user_id, pub, certify_supervisor(kit.device_key, kit.kit_id, user_id, pub))


def seal_by(kit, key: Ed25519PrivateKey, sup: SupervisorKey, packet_id: str | None = None) -> tuple[str, bytes]:
    signers = Signers(kit.kit_id, kit.device_key, sup.user_id, key, sup.certificate)
    return seal_packet(content(), signers, kit.hub_keys.hpke_public["x25519"], "x25519", packet_id=packet_id)


def deliver(kit, url, client_for, hub_keys):
    return SyncWorker(client_for(url, kit.identity), kit.outbox, hub_keys.signing_public).run_once()


def post_roster(client, update: RosterUpdate | dict):
    body = update.to_json_obj() if isinstance(update, RosterUpdate) else update
    return client.request("POST", f"{API}/roster", json_body=body)[1]


@pytest.fixture
def drive(tmp_path):
    path = tmp_path / "usb"
    path.mkdir()
    return path


@pytest.fixture
def usb_kit_pinned(kit, hub_service):
    assert hub_service.storage.enrol_kit(token_hash(hub_service.issue_token()), kit.kit_id,
                                         kit.identity.public_key_bytes(), int(time.time()), kit.supervisors) == ""
    return kit


def run_bounded(fn, *args, timeout=20):
    """Run fn in a thread and fail (instead of hanging the suite) if it blocks, e.g. on a FIFO."""
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("value", fn(*args)), daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), f"{fn.__name__} hung"
    return box["value"]


def device_key_of(data_dir, passphrase):
    from fieldkit.security import keystore

    kit = keystore.unlock(data_dir, None, passphrase)
    return kit.device_key
