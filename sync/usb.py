"""The USB route: sealed packets carried on a removable drive when no link appears for a week.

Layout on the drive (docs/sync.md):

    <drive>/fieldkit-usb/<kit id>/
        manifest.json          {"version", "kit_id", "exported_at", "packets": [{"packet_id", "sha256", "size"}]}
        manifest.sig           base64 Ed25519 signature by the kit's device key over manifest.json's bytes
        packets/<packet id>.fkp    sealed packet bytes, exactly as queued
        receipts/<packet id>.json  hub-signed receipts, written back by `fieldkit-hub import`

Every file is written atomically (temporary file, fsync, rename, fsync of the directory), so a drive pulled
out mid-write holds either the old file or the new one. Packets are sealed to the hub: the drive carries
only ciphertext. The kit side lives here; the hub side is sync/hub/usb_import.py.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sync.client.kit import KitIdentity, Outbox
from sync.client.uploader import ReceiptInvalid, verify_receipt
from sync.protocol import PROTOCOL_VERSION, STATUS_RECEIVED, ProtocolError, b64d, b64e, canonical_json, load_public_key

USB_ROOT = "fieldkit-usb"
MANIFEST = "manifest.json"
MANIFEST_SIG = "manifest.sig"
PACKET_SUFFIX = ".fkp"


def kit_dir(drive: Path, kit_id: str) -> Path:
    return Path(drive) / USB_ROOT / kit_id


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash or a pulled drive leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # some file systems (and Windows) cannot open a directory: the rename is what we have
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------------------ kit side

@dataclass
class ExportResult:
    directory: Path
    written: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def export_packets(drive: Path, identity: KitIdentity, outbox: Outbox, limit: int = 100_000) -> ExportResult:
    """Put every undelivered packet on the drive with a signed manifest; clear what the hub already has."""
    target = kit_dir(drive, identity.kit_id)
    result = ExportResult(target)
    waiting = {p.packet_id: p for p in outbox.summaries(limit=limit)}
    packets_dir = target / "packets"
    for summary in list(waiting.values()):  # one packet's bytes in memory at a time
        path = packets_dir / f"{summary.packet_id}{PACKET_SUFFIX}"
        if path.exists() and path.stat().st_size == summary.size and _sha256_file(path) == summary.sha256:
            result.already_there.append(summary.packet_id)
            continue
        packet = outbox.packet(summary.packet_id)
        if packet is None:  # delivered by the network a moment ago
            del waiting[summary.packet_id]
            continue
        write_atomic(path, packet.data)
        result.written.append(summary.packet_id)
    # Packets delivered meanwhile (by the network or an earlier trip) leave the drive with their receipts.
    for stale in sorted(packets_dir.glob(f"*{PACKET_SUFFIX}")) if packets_dir.exists() else []:
        packet_id = stale.name[:-len(PACKET_SUFFIX)]
        if packet_id not in waiting:
            stale.unlink()
            (target / "receipts" / f"{packet_id}.json").unlink(missing_ok=True)
            result.removed.append(packet_id)
    manifest = {"version": PROTOCOL_VERSION, "kit_id": identity.kit_id,
                "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "packets": [{"packet_id": p.packet_id, "sha256": p.sha256, "size": p.size}
                            for p in sorted(waiting.values(), key=lambda p: (-p.priority, p.created_at))]}
    raw = canonical_json(manifest)
    write_atomic(target / MANIFEST, raw)
    write_atomic(target / MANIFEST_SIG, b64e(identity.sign(raw)).encode("ascii"))
    return result


@dataclass
class ReceiptImport:
    acknowledged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)
    already_settled: list[str] = field(default_factory=list)


def import_receipts(drive: Path, kit_id: str, outbox: Outbox, hub_signing_key: bytes) -> ReceiptImport:
    """Close the loop on the kit: acknowledge (or mark rejected) each packet whose hub receipt verifies."""
    result = ReceiptImport()
    receipts_dir = kit_dir(drive, kit_id) / "receipts"
    if not receipts_dir.is_dir():
        return result
    for path in sorted(receipts_dir.glob("*.json")):
        packet_id = path.stem
        packet = outbox.packet(packet_id)
        if packet is None:
            result.already_settled.append(packet_id)
            continue
        try:
            signed = verify_receipt(json.loads(path.read_bytes()), packet, kit_id, hub_signing_key)
        except (ReceiptInvalid, ValueError, OSError) as exc:
            result.invalid.append((packet_id, str(exc)))
            continue
        receipt = signed.to_json_obj()
        if signed.receipt.status == STATUS_RECEIVED:
            outbox.mark_acknowledged(packet_id, receipt)
            result.acknowledged.append(packet_id)
        else:
            outbox.mark_rejected(packet_id, signed.receipt.reason, receipt)
            result.rejected.append((packet_id, signed.receipt.reason))
    return result


# -------------------------------------------------------------------------------------------- shared reads

def read_manifest(directory: Path, device_public_key: bytes) -> dict:
    """The drive's manifest for one kit, after checking the kit's signature; ProtocolError if it fails."""
    try:
        raw = (directory / MANIFEST).read_bytes()
        signature = b64d((directory / MANIFEST_SIG).read_text(encoding="ascii").strip(), "manifest signature")
    except (OSError, UnicodeDecodeError):
        raise ProtocolError("no_manifest", f"{directory.name}: manifest or its signature is missing") from None
    from cryptography.exceptions import InvalidSignature

    try:
        load_public_key(device_public_key).verify(signature, raw)
    except InvalidSignature:
        raise ProtocolError("bad_manifest_signature", f"{directory.name}: manifest not signed by this kit") from None
    manifest = json.loads(raw)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("packets"), list):
        raise ProtocolError("bad_manifest", f"{directory.name}: manifest malformed")
    return manifest


def _sha256_file(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
