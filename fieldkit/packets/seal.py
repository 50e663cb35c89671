"""Sealing: turn an approved record into packet bytes only the hub can open (docs/packet-format.md)."""

from __future__ import annotations

import hashlib
import struct
import time
import uuid
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.packets.container import pack_entries
from fieldkit.packets.envelope import (COSIGN_CONTEXT, DEVICE_CONTEXT, HEADER, INFO_PREFIX, INNER_MAGIC,
                                       INNER_VERSION, INNER_VERSION_SIZED, MAGIC, SIGNATURE_LEN, VERSION,
                                       certificate_message)
from fieldkit.packets.cosigner import CoSigner, SoftwareCoSigner
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
    """The keys that vouch for a packet: the kit's device key and the approving supervisor's.

    The supervisor signs either with the kit-held Ed25519 key (`supervisor_key` + the device's
    `supervisor_certificate`) or through `cosigner` (fieldkit.packets.cosigner.CoSigner, e.g. a PKCS#11 token).
    """

    kit_id: str
    device_key: Ed25519PrivateKey
    supervisor_id: str
    supervisor_key: Ed25519PrivateKey | None = None
    supervisor_certificate: bytes = b""  # device signature over certificate_message(...)
    cosigner: CoSigner | None = None

    def supervisor(self) -> CoSigner:
        if self.cosigner is not None:
            return self.cosigner
        return SoftwareCoSigner(self.supervisor_id, self.supervisor_key, self.supervisor_certificate)


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
    cosigner = signers.supervisor()
    manifest = _manifest(content, cosigner.manifest_entry(), kit_id, packet_id, created_at, suite)
    body = pack_entries(manifest, content.blobs)
    inner = inner_bytes(body, signers.device_key.sign(DEVICE_CONTEXT + body), cosigner.sign(COSIGN_CONTEXT + body))
    header = HEADER.pack(MAGIC, VERSION, info.suite_id, uuid.UUID(packet_id).bytes,
                         uuid.UUID(kit_id).bytes, created_at)
    sealed = info.hpke.encrypt(inner, load_public_key(info, hub_public_key), info=INFO_PREFIX + header)
    enc, ciphertext = sealed[:info.enc_len], sealed[info.enc_len:]
    signed = b"".join((header, struct.pack(">H", len(enc)), enc, struct.pack(">I", len(ciphertext)), ciphertext))
    return packet_id, signed + signers.device_key.sign(signed)


def inner_bytes(body: bytes, device_signature: bytes, cosignature: bytes) -> bytes:
    """Inner version 1 for a 64-byte (Ed25519) co-signature, as always; version 2 length-prefixes a
    co-signature of any other size (ECDSA DER, RSA-2048), so older software-key packets stay byte-identical."""
    head = INNER_MAGIC + bytes([INNER_VERSION if len(cosignature) == SIGNATURE_LEN else INNER_VERSION_SIZED])
    tail = cosignature if len(cosignature) == SIGNATURE_LEN else struct.pack(">H", len(cosignature)) + cosignature
    return b"".join((head, struct.pack(">I", len(body)), body, device_signature, tail))


def _manifest(content: SealInput, supervisor: dict, kit_id: str, packet_id: str, created_at: int,
              suite: str) -> dict:
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
        "supervisor": supervisor,
    }
