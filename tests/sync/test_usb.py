"""The USB route: export to a drive, hub import with receipts back, receipts closing the loop on the kit."""

from __future__ import annotations

import json

import pytest

from sync.client.worker import SyncWorker
from sync.hub.usb_import import import_drive
from sync.usb import MANIFEST, export_packets, import_receipts, kit_dir, write_atomic


@pytest.fixture
def drive(tmp_path):
    path = tmp_path / "usb"
    path.mkdir()
    return path


@pytest.fixture
def usb_kit(kit, hub_service):
    """A kit enrolled directly in the hub's storage (the USB route needs no network)."""
    import time

    from sync.hub.service import token_hash

    token = hub_service.issue_token()
    assert hub_service.storage.enrol_kit(token_hash(token), kit.kit_id, kit.identity.public_key_bytes(),
                                         int(time.time()), kit.supervisors) == ""
    return kit


def all_drive_bytes(drive) -> bytes:
    return b"".join(p.read_bytes() for p in drive.rglob("*") if p.is_file())


def test_round_trip_by_drive(usb_kit, hub_service, hub_keys, drive):
    kit = usb_kit
    ids = kit.queue(3)
    exported = export_packets(drive, kit.identity, kit.outbox)
    assert sorted(exported.written) == sorted(ids)
    manifest = json.loads((kit_dir(drive, kit.kit_id) / MANIFEST).read_text())
    assert [e["packet_id"] for e in manifest["packets"]] == ids  # oldest first
    # The drive carries ciphertext only: no synthetic name or ID number in any file.
    blob = all_drive_bytes(drive)
    assert "Lò Văn Thử".encode() not in blob and b"001099000001" not in blob

    report = import_drive(hub_service, drive)
    assert report.ok and sorted(report.kits[0].received) == sorted(ids)
    assert hub_service.storage.count_packets() == 3

    settled = import_receipts(drive, kit.kit_id, kit.outbox, hub_keys.signing_public)
    assert sorted(settled.acknowledged) == sorted(ids) and not settled.invalid
    assert all(kit.outbox.state[i] == "acknowledged" for i in ids)
    # The next export clears delivered packets (and their receipts) off the drive.
    again = export_packets(drive, kit.identity, kit.outbox)
    assert sorted(again.removed) == sorted(ids) and not again.written
    assert not list((kit_dir(drive, kit.kit_id) / "packets").glob("*.fkp"))


def test_import_twice_and_both_routes_store_once(usb_kit, hub_service, hub_server, hub_keys, drive, client_for):
    kit = usb_kit
    ids = kit.queue(2)
    export_packets(drive, kit.identity, kit.outbox)
    # The link came back before the drive reached the office: the network delivers first.
    SyncWorker(client_for(hub_server.url, kit.identity), kit.outbox, hub_keys.signing_public).run_once()
    assert hub_service.storage.count_packets() == 2
    first = import_drive(hub_service, drive)
    receipts = {p.name: p.read_bytes() for p in (kit_dir(drive, kit.kit_id) / "receipts").iterdir()}
    second = import_drive(hub_service, drive)
    assert sorted(first.kits[0].received) == sorted(second.kits[0].received) == sorted(ids)
    assert hub_service.storage.count_packets() == 2
    assert receipts == {p.name: p.read_bytes() for p in (kit_dir(drive, kit.kit_id) / "receipts").iterdir()}
    settled = import_receipts(drive, kit.kit_id, kit.outbox, hub_keys.signing_public)
    assert sorted(settled.already_settled) == sorted(ids) and not settled.acknowledged
    acked = [i for i, s in kit.outbox.state.items() if s == "acknowledged"]
    assert sorted(acked) == sorted(p.packet_id for p in hub_service.storage.list_packets())


def test_unknown_kit_and_forged_manifest_are_refused(usb_kit, hub_service, hub_keys, drive, kit):
    stranger = type(kit)(hub_keys)
    stranger.queue(1)
    export_packets(drive, stranger.identity, stranger.outbox)
    usb_kit.queue(1)
    export_packets(drive, usb_kit.identity, usb_kit.outbox)
    manifest = kit_dir(drive, usb_kit.kit_id) / MANIFEST
    doc = json.loads(manifest.read_text())
    doc["exported_at"] = "2000-01-01T00:00:00Z"
    manifest.write_text(json.dumps(doc))
    report = {k.kit_id: k for k in import_drive(hub_service, drive).kits}
    assert report[stranger.kit_id].error.startswith("unknown_kit")
    assert "bad_manifest_signature" in report[usb_kit.kit_id].error
    assert hub_service.storage.count_packets() == 0
    assert not (kit_dir(drive, usb_kit.kit_id) / "receipts").exists()


def test_damaged_and_tampered_packets_on_the_drive(usb_kit, hub_service, hub_keys, drive):
    kit = usb_kit
    damaged, tampered = kit.queue(2)
    # A flipped byte in a packet (drive damage): the file no longer matches the signed manifest.
    path = kit_dir(drive, kit.kit_id) / "packets" / f"{damaged}.fkp"
    export_packets(drive, kit.identity, kit.outbox)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    # A packet whose bytes were altered before export (the manifest signs what the kit had): hub rejects it.
    packet = kit.outbox.packets[tampered]
    bad = bytearray(packet.data)
    bad[200] ^= 0x01
    kit.outbox.add(tampered, bytes(bad), created_at=packet.created_at)
    export_packets(drive, kit.identity, kit.outbox)
    path.write_bytes(bytes(data))
    result = import_drive(hub_service, drive).kits[0]
    assert result.skipped == [(damaged, "packet file differs from the manifest (damaged drive?)")]
    assert result.rejected and result.rejected[0][0] == tampered and "bad_signature" in result.rejected[0][1]
    settled = import_receipts(drive, kit.kit_id, kit.outbox, hub_keys.signing_public)
    assert settled.rejected and kit.outbox.state[tampered] == "rejected"
    assert kit.outbox.state[damaged] == "queued"  # still waiting for a good copy to reach the hub
    assert hub_service.storage.count_packets() == 0


def test_receipt_forged_on_the_drive_is_not_accepted(usb_kit, hub_service, hub_keys, drive):
    kit = usb_kit
    [packet_id] = kit.queue(1)
    export_packets(drive, kit.identity, kit.outbox)
    import_drive(hub_service, drive)
    path = kit_dir(drive, kit.kit_id) / "receipts" / f"{packet_id}.json"
    doc = json.loads(path.read_text())
    doc["receipt"]["received_at"] = "2030-01-01T00:00:00Z"
    path.write_text(json.dumps(doc))
    settled = import_receipts(drive, kit.kit_id, kit.outbox, hub_keys.signing_public)
    assert settled.invalid and "not signed by this kit's hub" in settled.invalid[0][1]
    assert kit.outbox.state[packet_id] == "queued"


def test_atomic_write_replaces_whole_files_and_leaves_no_temporaries(tmp_path):
    target = tmp_path / "d" / "f.bin"
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / ".f.bin.tmp").write_bytes(b"half-written by a pulled drive")
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["f.bin"]
