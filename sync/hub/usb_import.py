"""`fieldkit-hub import DIR`: ingest packets a kit exported to a drive, and write signed receipts back.

Each kit directory on the drive is checked as a whole first (the kit must be enrolled and not revoked,
and its manifest must carry its device signature), then each packet the manifest lists goes through
`HubService.ingest`, the same verification and exactly-once store as the network route. Running the
import twice, or after the same packets arrived over the network, stores nothing twice and writes the same
receipts. A drive holds ciphertext and receipts only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sync.hub.service import HubService
from sync.protocol import ROUTE_USB, STATUS_RECEIVED, ProtocolError, canonical_json, sha256_hex
from sync.usb import PACKET_SUFFIX, USB_ROOT, read_manifest, write_atomic

_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass
class KitImport:
    kit_id: str
    received: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""


@dataclass
class DriveImport:
    kits: list[KitImport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(k.error or k.skipped for k in self.kits)

    def as_dict(self) -> dict:
        return {"kits": [k.__dict__ for k in self.kits], "ok": self.ok}


def import_drive(service: HubService, drive: Path) -> DriveImport:
    report = DriveImport()
    root = Path(drive) / USB_ROOT
    if not root.is_dir():
        return report
    for directory in sorted(p for p in root.iterdir() if p.is_dir()):
        report.kits.append(import_kit_dir(service, directory))
    return report


def import_kit_dir(service: HubService, directory: Path) -> KitImport:
    kit_id = directory.name
    result = KitImport(kit_id)
    kit = service.storage.get_kit(kit_id) if _ID.match(kit_id) else None
    if kit is None or kit.revoked:
        result.error = "unknown_kit: this kit is not enrolled at this hub" if kit is None else "kit_revoked"
        return result
    try:
        manifest = read_manifest(directory, kit.device_public_key)
    except (ProtocolError, ValueError) as exc:
        result.error = str(exc)
        return result
    for entry in manifest["packets"]:
        packet_id = str(entry.get("packet_id", "")) if isinstance(entry, dict) else ""
        if not _ID.match(packet_id):
            result.skipped.append((packet_id[:40], "bad packet id in manifest"))
            continue
        path = directory / "packets" / f"{packet_id}{PACKET_SUFFIX}"
        try:
            data = path.read_bytes()
        except OSError:
            result.skipped.append((packet_id, "packet file missing"))
            continue
        if sha256_hex(data) != entry.get("sha256") or len(data) != entry.get("size"):
            # Damaged on the drive: the kit still has the original and will send it again.
            result.skipped.append((packet_id, "packet file differs from the manifest (damaged drive?)"))
            continue
        receipt = service.ingest(kit, packet_id, data, ROUTE_USB)
        write_atomic(directory / "receipts" / f"{packet_id}.json", canonical_json(receipt))
        if receipt["receipt"]["status"] == STATUS_RECEIVED:
            result.received.append(packet_id)
        else:
            result.rejected.append((packet_id, receipt["receipt"]["reason"]))
    return result
