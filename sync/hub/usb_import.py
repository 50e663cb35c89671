"""`fieldkit-hub import DIR`: ingest packets a kit exported to a drive, and write signed receipts back.

Each kit directory on the drive is checked as a whole first (the kit must be enrolled and not revoked,
its folders must be real folders, and its manifest must carry its device signature), then a roster update
on the drive (roster.json) is applied like the network's, then each packet the manifest lists goes through
`HubService.ingest`, the same verification and exactly-once store as the network route. Running the
import twice, or after the same packets arrived over the network, stores nothing twice and writes the same
receipts. A drive holds ciphertext and receipts only. A drive is untrusted: no symbolic link is followed,
no device or FIFO is opened, sizes are checked before reading, and a refused file is named in the report
while every other packet on the drive is still imported.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from sync.hub.service import HubError, HubService
from sync.protocol import MAX_PACKET_BYTES, ROUTE_USB, STATUS_RECEIVED, ProtocolError, canonical_json, sha256_hex
from sync.usb import (MAX_ROSTER_BYTES, PACKET_SUFFIX, ROSTER, USB_ROOT, UnsafeDriveFile, ensure_dir, read_manifest,
                      read_regular, write_atomic)

_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass
class KitImport:
    kit_id: str
    received: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""
    roster: str = ""  # what became of the drive's roster update: "", "applied: ...", or the refusal


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
    try:
        if not stat.S_ISDIR(os.lstat(root).st_mode):  # a link or a file: nothing of ours
            return report
    except FileNotFoundError:
        return report
    for directory in sorted(root.iterdir()):
        mode = os.lstat(directory).st_mode
        if stat.S_ISLNK(mode):
            report.kits.append(KitImport(directory.name, error=f"unsafe_file: {directory.name}: is a symbolic link; "
                                                                "refused"))
        elif stat.S_ISDIR(mode):
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
        receipts = ensure_dir(directory, "receipts")  # refused before any ingest if it is a link
    except (ProtocolError, ValueError) as exc:
        result.error = str(exc)
        return result
    result.roster = _apply_roster(service, kit, directory)
    for entry in manifest["packets"]:
        packet_id = str(entry.get("packet_id", "")) if isinstance(entry, dict) else ""
        if not _ID.match(packet_id):
            result.skipped.append((packet_id[:40], "bad packet id in manifest"))
            continue
        path = directory / "packets" / f"{packet_id}{PACKET_SUFFIX}"
        size = entry.get("size")
        if not isinstance(size, int) or not 0 < size <= MAX_PACKET_BYTES:
            result.skipped.append((packet_id, f"manifest size {size!r} is not 1..{MAX_PACKET_BYTES} bytes"))
            continue
        try:
            _real_packets_dir(directory)
            data = read_regular(path, size)
        except UnsafeDriveFile as exc:
            result.skipped.append((packet_id, f"{exc.code}: packets/{exc.message}"))
            continue
        except OSError:
            result.skipped.append((packet_id, "packet file missing"))
            continue
        if sha256_hex(data) != entry.get("sha256") or len(data) != entry.get("size"):
            # Damaged on the drive: the kit still has the original and will send it again.
            result.skipped.append((packet_id, "packet file differs from the manifest (damaged drive?)"))
            continue
        receipt = service.ingest(kit, packet_id, data, ROUTE_USB)
        write_atomic(receipts / f"{packet_id}.json", canonical_json(receipt))
        if receipt["receipt"]["status"] == STATUS_RECEIVED:
            result.received.append(packet_id)
        else:
            result.rejected.append((packet_id, receipt["receipt"]["reason"]))
    return result


def _real_packets_dir(directory: Path) -> None:
    mode = os.lstat(directory / "packets").st_mode
    if not stat.S_ISDIR(mode):
        raise UnsafeDriveFile("unsafe_file", "packets: is a symbolic link or not a folder")


def _apply_roster(service: HubService, kit, directory: Path) -> str:
    """Apply the kit's signed roster update from the drive, if there is one (before its packets, which may
    be co-signed by the supervisor it adds). The same checks as the network route (HubService)."""
    try:
        raw = read_regular(directory / ROSTER, MAX_ROSTER_BYTES)
    except FileNotFoundError:
        return ""
    except (UnsafeDriveFile, OSError) as exc:
        return f"refused: {exc}"
    try:
        answer = service.apply_roster(kit, json.loads(raw))
    except HubError as exc:
        return f"refused: {exc.code}: {exc.message}"
    except ValueError:
        return "refused: bad_json: roster.json is not valid JSON"
    return f"applied: sequence {answer['sequence']}, {len(answer['supervisors'])} supervisor(s)"
