"""Issue #11 attack 3: a crafted USB drive (planted links to key files, links to /dev/zero, FIFOs, oversize
files, folders that are links) against `fieldkit-hub import`, `fieldkit export` and the kit's receipt import.
docs/sync.md "Threat model (hub side)" points here."""

from __future__ import annotations

import json
import os

import pytest

from sync.hub.usb_import import import_drive
from sync.usb import MANIFEST, PACKET_SUFFIX, export_packets, import_receipts, kit_dir
from tests.sync.attack_kit import (  # noqa: F401  (helpers and fixtures)
    drive, run_bounded, usb_kit_pinned)
from tests.sync.test_cli import kit_cli  # noqa: F401  (fixture: the kit CLI)


def test_planted_temporary_links_do_not_overwrite_key_files(usb_kit_pinned, hub_service, hub_keys, drive, tmp_path):
    kit = usb_kit_pinned
    kit_keys = tmp_path / "kit-keys" / "kit.json"
    hub_keys_file = tmp_path / "hub-data" / "hub-keys.json"
    for f in (kit_keys, hub_keys_file):
        f.parent.mkdir()
        f.write_text('{"secret": "keep me"}')
    [packet_id] = kit.queue(1)
    target = kit_dir(drive, kit.kit_id)
    (target / "packets").mkdir(parents=True)
    (target / "receipts").mkdir()
    # What the old code wrote through: .<name>.tmp links next to every file it writes.
    os.symlink(kit_keys, target / f".{MANIFEST}.tmp")
    os.symlink(kit_keys, target / "packets" / f".{packet_id}{PACKET_SUFFIX}.tmp")
    os.symlink(hub_keys_file, target / "receipts" / f".{packet_id}.json.tmp")
    os.symlink(hub_keys_file, target / "receipts" / f"{packet_id}.json")  # and a link at the final name
    export_packets(drive, kit.identity, kit.outbox)
    [report] = import_drive(hub_service, drive).kits
    assert report.received == [packet_id]
    assert kit_keys.read_text() == hub_keys_file.read_text() == '{"secret": "keep me"}'
    receipt = target / "receipts" / f"{packet_id}.json"
    assert not receipt.is_symlink() and json.loads(receipt.read_text())["receipt"]["status"] == "received"
    assert import_receipts(drive, kit.kit_id, kit.outbox, hub_keys.signing_public).acknowledged == [packet_id]


def test_folders_that_are_links_are_refused(usb_kit_pinned, hub_service, drive, tmp_path):
    from sync.usb import UnsafeDriveFile

    kit = usb_kit_pinned
    keys = tmp_path / "hub-keys"
    keys.mkdir()
    kit.queue(1)
    export_packets(drive, kit.identity, kit.outbox)
    os.symlink(keys, kit_dir(drive, kit.kit_id) / "receipts")  # receipts would land in the key folder
    [report] = import_drive(hub_service, drive).kits
    assert report.error.startswith("unsafe_file") and "receipts: is a symbolic link" in report.error
    assert list(keys.iterdir()) == [] and hub_service.storage.count_packets() == 0
    other = tmp_path / "usb2"
    (other / "fieldkit-usb").mkdir(parents=True)
    os.symlink(keys, other / "fieldkit-usb" / kit.kit_id)
    with pytest.raises(UnsafeDriveFile) as refused:
        export_packets(other, kit.identity, kit.outbox)
    assert "is a symbolic link" in refused.value.message and list(keys.iterdir()) == []
    [report] = import_drive(hub_service, other).kits
    assert report.error.startswith("unsafe_file") and kit.kit_id in report.error


def testdevice_key_ofs_fifos_and_oversize_files_on_the_drive_are_refused_and_the_rest_imported(
        usb_kit_pinned, hub_service, hub_keys, drive):
    kit = usb_kit_pinned
    zero, fifo, big, good = kit.queue(4)
    export_packets(drive, kit.identity, kit.outbox)
    packets = kit_dir(drive, kit.kit_id) / "packets"
    (packets / f"{zero}{PACKET_SUFFIX}").unlink()
    os.symlink("/dev/zero", packets / f"{zero}{PACKET_SUFFIX}")
    (packets / f"{fifo}{PACKET_SUFFIX}").unlink()
    os.mkfifo(packets / f"{fifo}{PACKET_SUFFIX}")
    with open(packets / f"{big}{PACKET_SUFFIX}", "ab") as fh:
        fh.write(b"\0" * 1_000_000)
    [report] = run_bounded(import_drive, hub_service, drive).kits
    reasons = dict(report.skipped)
    assert report.received == [good]
    assert reasons[zero] == f"unsafe_file: packets/{zero}{PACKET_SUFFIX}: is a symbolic link; refused"
    assert reasons[fifo].startswith(f"unsafe_file: packets/{fifo}{PACKET_SUFFIX}: not a regular file")
    assert reasons[big].startswith(f"too_large: packets/{big}{PACKET_SUFFIX}:")
    # The kit side: receipts that are links to a device or FIFOs are refused by name, no hang, no MemoryError.
    receipts = kit_dir(drive, kit.kit_id) / "receipts"
    os.symlink("/dev/zero", receipts / f"{zero}.json")
    os.mkfifo(receipts / f"{fifo}.json")
    settled = run_bounded(import_receipts, drive, kit.kit_id, kit.outbox, hub_keys.signing_public)
    invalid = dict(settled.invalid)
    assert settled.acknowledged == [good]
    assert "is a symbolic link" in invalid[zero] and "not a regular file" in invalid[fifo]
    # A manifest that is a device is refused with the file named.
    manifest = kit_dir(drive, kit.kit_id) / MANIFEST
    manifest.unlink()
    os.symlink("/dev/zero", manifest)
    [report] = run_bounded(import_drive, hub_service, drive).kits
    assert report.error.startswith("unsafe_file") and "manifest.json: is a symbolic link" in report.error
    assert hub_service.storage.count_packets() == 1
    assert kit.outbox.state[zero] == kit.outbox.state[fifo] == "queued"  # the kit keeps what was refused


def test_fieldkit_export_to_a_crafted_drive_never_writes_through_links(kit_cli, data_dir, tmp_path):
    """The issue's attack 3 on the kit: a drive with `.manifest.json.tmp` linked to keys/kit.json (the old code
    overwrote it: all data lost), then a drive whose kit folder links to the kit's key folder."""
    from fieldkit.security import keystore

    pw = "tech-pass-123 long enough"
    assert kit_cli("init", "--user", "tech", passphrase=pw)[0] == 0
    key_file = keystore.kit_file(data_dir)
    before = key_file.read_bytes()
    drive = tmp_path / "usb"
    target = kit_dir(drive, keystore.kit_id(data_dir))
    target.mkdir(parents=True)
    for name in (MANIFEST, "manifest.sig"):
        os.symlink(key_file, target / f".{name}.tmp")
    os.symlink(key_file, target / "manifest.sig")  # a link at the final name is replaced, not followed
    code, out, err = kit_cli("export", str(drive), "--json", passphrase=pw)
    assert code == 0, err
    assert key_file.read_bytes() == before and not (target / "manifest.sig").is_symlink()
    assert kit_cli("user", "list", passphrase=pw)[0] == 0  # the kit still opens

    linked = tmp_path / "usb2"
    (linked / "fieldkit-usb").mkdir(parents=True)
    os.symlink(key_file.parent, linked / "fieldkit-usb" / keystore.kit_id(data_dir))
    listing = sorted(p.name for p in key_file.parent.iterdir())
    code, out, err = kit_cli("export", str(linked), passphrase=pw)
    assert code == 1 and "the drive was refused" in err and "is a symbolic link" in err
    assert sorted(p.name for p in key_file.parent.iterdir()) == listing and key_file.read_bytes() == before
