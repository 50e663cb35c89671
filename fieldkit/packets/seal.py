"""Sealing: turn an approved record into packet bytes only the hub can open (docs/packet-format.md)."""

from __future__ import annotations

import base64
import hashlib
import struct
import time
import uuid
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.packets.container import pack_entries
from fieldkit.packets.envelope import (COSIGN_CONTEXT, DEVICE_CONTEXT, HEADER, INFO_PREFIX, INNER_MAGIC,
                                       INNER_VERSION, MAGIC, VERSION, certificate_message)
from fieldkit.packets.suites import load_public_key, suite_by_name


@dataclass
class SealInput:
    """Everything that goes inside one packet. `record` is the JSON-safe record dict (demographics)."""

    record_id: str
    record_version: int
    record: dict
    blobs: dict[str, bytes] = field(repr=False)
    capture: dict = field(default_factory=dict)  # device ids, quality scores, retries, finger exceptions
    audit: list = field(default_factory=list)  # audit excerpt: this record's entries (no personal data)


@dataclass
class Signers:
    """The keys that vouch for a packet: the kit's device key and the approving supervisor's."""

    kit_id: str
    device_key: Ed25519PrivateKey
    supervisor_id: str
    supervisor_key: Ed25519PrivateKey
    supervisor_certificate: bytes  # device signature over certificate_message(...)


def certify_supervisor(device_key: Ed25519PrivateKey, kit_id: str, supervisor_id: str,
                       supervisor_public_key: bytes) -> bytes:
    """The device's certificate for a supervisor co-signing key (travels in every packet they approve)."""
    return device_key.sign(certificate_message(kit_id, supervisor_id, supervisor_public_key))


def seal_packet(content: SealInput, signers: Signers, hub_public_key: bytes, suite: str = "x25519",
                packet_id: str | None = None, created_at: int | None = None) -> tuple[str, bytes]:
    """(packet id, packet bytes): signed, co-signed, HPKE-encrypted to the hub, outer envelope signed."""
    info = suite_by_name(suite)
    # Canonical lower-case UUID text: the reader compares the manifest's ids with the envelope's as strings.
    packet_id = str(uuid.UUID(packet_id)) if packet_id else str(uuid.uuid4())
    kit_id = str(uuid.UUID(signers.kit_id))
    created_at = int(time.time() * 1000) if created_at is None else int(created_at)
    manifest = _manifest(content, signers, kit_id, packet_id, created_at, suite)
    body = pack_entries(manifest, content.blobs)
    inner = b"".join((INNER_MAGIC, bytes([INNER_VERSION]), struct.pack(">I", len(body)), body,
                      signers.device_key.sign(DEVICE_CONTEXT + body),
                      signers.supervisor_key.sign(COSIGN_CONTEXT + body)))
    header = HEADER.pack(MAGIC, VERSION, info.suite_id, uuid.UUID(packet_id).bytes,
                         uuid.UUID(kit_id).bytes, created_at)
    sealed = info.hpke.encrypt(inner, load_public_key(info, hub_public_key), info=INFO_PREFIX + header)
    enc, ciphertext = sealed[:info.enc_len], sealed[info.enc_len:]
    signed = b"".join((header, struct.pack(">H", len(enc)), enc, struct.pack(">I", len(ciphertext)), ciphertext))
    return packet_id, signed + signers.device_key.sign(signed)


def _manifest(content: SealInput, signers: Signers, kit_id: str, packet_id: str, created_at: int,
              suite: str) -> dict:
    sup_pub = signers.supervisor_key.public_key().public_bytes_raw()
    return {
        "format": VERSION,
        "suite": suite,
        "packet_id": packet_id,
        "kit_id": kit_id,
        "created_at": created_at,
        "record_id": content.record_id,
        "record_version": int(content.record_version),
        "record": content.record,
        "capture": content.capture,
        "audit": content.audit,
        "blobs": {name: {"length": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in content.blobs.items()},
        "supervisor": {"user_id": signers.supervisor_id,
                       "public_key": base64.b64encode(sup_pub).decode("ascii"),
                       "certificate": base64.b64encode(signers.supervisor_certificate).decode("ascii")},
    }
