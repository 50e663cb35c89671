"""Tiny packet fixtures: keys and a sealed packet of a synthetic person."""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.packets.envelope import generate_hub_keys
from fieldkit.packets.seal import SealInput, Signers, certify_supervisor, seal_packet


@pytest.fixture(scope="session")
def hub_keys():
    return {suite: generate_hub_keys(suite) for suite in ("x25519", "mlkem768-x25519")}


@pytest.fixture
def signers():
    device = Ed25519PrivateKey.generate()
    sup = Ed25519PrivateKey.generate()
    kit_id = str(uuid.uuid4())
    cert = certify_supervisor(device, kit_id, "sup-1", sup.public_key().public_bytes_raw())
    return Signers(kit_id, device, "sup-1", sup, cert)


@pytest.fixture
def content():
    return SealInput(
        record_id=str(uuid.uuid4()), record_version=3,
        record={"full_name": "Nguyễn Thị Hoà", "id_number": "001190012345", "phone": "0912345678"},
        blobs={"face.jpg": bytes(range(256)) * 40, "print/01.wsq": b"\x01\x02" * 500},
        capture={"camera": "camera:sim:studio", "retries": {"01": 1}, "exceptions": {"10": "amputated"}},
        audit=[{"seq": 1, "action": "capture"}])


def seal(content, signers, hub_keys, suite="x25519", **kw):
    """(packet id, bytes) sealed to the hub's `suite` key."""
    return seal_packet(content, signers, hub_keys[suite][1], suite, **kw)


def device_pub(signers) -> bytes:
    return signers.device_key.public_key().public_bytes_raw()
