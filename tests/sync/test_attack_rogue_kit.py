"""Issue #11 attacks 5 and 6: a second enrolled kit claiming a victim's packet id, and one kit holding the hub's
upload space, performed over HTTP against a real hub on 127.0.0.1.
docs/sync.md "Threat model (hub side)" points here."""

from __future__ import annotations

import json
import secrets
import uuid

import pytest

from fieldkit.packets.seal import seal_packet
from sync.client.provisioning import enrol
from sync.client.transport import HubRefused
from sync.hub.usb_import import import_drive
from sync.protocol import API, ROUTE_USB, sha256_hex
from sync.usb import export_packets
from tests.sync.attack_kit import (  # noqa: F401  (helpers and fixtures)
    content, deliver, drive)
from tests.sync.conftest import FAST


def new_upload(size: int) -> str:
    """The path that opens an upload of a packet nobody will finish."""
    return f"{API}/uploads?packet_id={uuid.uuid4()}&size={size}&sha256={secrets.token_hex(32)}"


def test_another_kit_cannot_claim_a_victims_packet_id(hub_service, hub_server, hub_keys, client_for, tmp_path):
    from tests.sync.conftest import Kit

    victim, rogue = Kit(hub_keys), Kit(hub_keys)
    for k in (victim, rogue):
        enrol(hub_server.url, hub_service.issue_token(), k.identity, FAST, supervisors=k.supervisors)
    victim_id, victim_data = victim.seal()
    victim.outbox.add(victim_id, victim_data)
    # The rogue kit seals a valid packet of its own under the victim's (undelivered) id and sends it first.
    rogue_id, rogue_data = seal_packet(content("Kẻ Mạo Danh"), rogue.signers, hub_keys.hpke_public["x25519"],
                                       "x25519", packet_id=victim_id)
    assert rogue_id == victim_id
    rogue.outbox.add(rogue_id, rogue_data)
    assert deliver(rogue, hub_server.url, client_for, hub_keys).delivered == 1
    result = deliver(victim, hub_server.url, client_for, hub_keys)
    assert result.delivered == 1 and victim.outbox.state[victim_id] == "acknowledged"
    receipt = victim.outbox.receipts[victim_id]["receipt"]
    assert (receipt["kit_id"], receipt["sha256"], receipt["status"]) == (victim.kit_id, sha256_hex(victim_data),
                                                                        "received")
    assert hub_service.storage.packet_envelope(victim.kit_id, victim_id) == victim_data
    assert hub_service.storage.packet_envelope(rogue.kit_id, victim_id) == rogue_data
    # Each kit's fates and the downstream export see its own packet.
    fates = client_for(hub_server.url, victim.identity).request("POST", f"{API}/fates",
                                                                 json_body={"packet_ids": [victim_id]})[1]
    assert fates["fates"][victim_id]["receipt"]["receipt"]["sha256"] == sha256_hex(victim_data)
    from sync.hub.export import export_received

    out = tmp_path / "downstream"
    report = export_received(hub_service, out)
    assert sorted(report.written) == [victim_id, victim_id] and not report.failed
    names = {k.kit_id: json.loads((out / k.kit_id / victim_id / "record.json").read_text())["record"]["full_name"]
             for k in (victim, rogue)}
    assert names == {victim.kit_id: "Lò Văn Thử", rogue.kit_id: "Kẻ Mạo Danh"}
    # The same kit sending other bytes under an id it already used is still refused.
    _, again = victim.seal()
    signed = hub_service.ingest(hub_service.storage.get_kit(victim.kit_id), victim_id, again, ROUTE_USB)
    assert signed["receipt"]["reason"].startswith("duplicate_packet_id")


def test_old_hub_database_is_migrated_to_kit_scoped_packet_ids(storage_kind, tmp_path, request, kit, hub_keys):
    """A schema-1 database (packets keyed by packet id alone) opens migrated, its packets and receipts kept."""
    from sync.hub.storage import SCHEMA_VERSION, PacketRecord
    from tests.sync.conftest import open_test_storage

    storage = open_test_storage(storage_kind, tmp_path, request)
    with storage._transaction():  # make it look like a hub of the previous version, with one packet
        storage._execute("DROP TABLE packets")
        storage._execute("CREATE TABLE packets (packet_id TEXT PRIMARY KEY, kit_id TEXT NOT NULL, "
                         "sha256 TEXT NOT NULL, "
                         f"size {storage.bigint_type} NOT NULL, envelope {storage.blob_type} NOT NULL, "
                         f"received_at {storage.bigint_type} NOT NULL, route TEXT NOT NULL, receipt TEXT NOT NULL)")
        storage._execute("INSERT INTO packets VALUES ('p-1', 'kit-a', 'aa', 3, ?, 1, 'usb', '{\"r\":1}')", (b"abc",))
        storage._execute("DELETE FROM hub_meta WHERE key = 'schema_version'")
    storage.close()
    storage = open_test_storage(storage_kind, tmp_path, request)
    try:
        assert storage.meta("schema_version") == str(SCHEMA_VERSION)
        # The rebuilt table has every index a fresh database has (export pages, look-up by packet id).
        with storage._transaction():
            sql = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'packets'"
                   if storage.name == "sqlite" else
                   "SELECT indexname FROM pg_indexes WHERE tablename = 'packets' AND schemaname = current_schema()")
            indexes = {r[0] for r in storage._execute(sql).fetchall()}
        assert {"packets_kit", "packets_received", "packets_packet"} <= indexes
        assert storage.get_packet("kit-a", "p-1").receipt == '{"r":1}'
        assert storage.packet_envelope("kit-a", "p-1") == b"abc"
        row = storage.store_packet(PacketRecord("p-1", "kit-b", "bb", 3, 2, "usb", '{"r":2}'), b"xyz")
        assert (row.kit_id, row.sha256) == ("kit-b", "bb")
        assert [(p.kit_id, p.packet_id) for p in storage.list_packets()] == [("kit-a", "p-1"), ("kit-b", "p-1")]
    finally:
        storage.close()


def test_schema_2_database_gets_the_outcomes_table_and_packet_id_index(storage_kind, tmp_path, request):
    """A database of the sechub hub (schema 2: no hub_outcomes, no packets_packet/packets_received index) opens
    at the current version with them, its packets kept; opening again changes nothing."""
    from sync.hub.storage import SCHEMA_VERSION, PacketRecord
    from tests.sync.conftest import open_test_storage

    storage = open_test_storage(storage_kind, tmp_path, request)
    storage.store_packet(PacketRecord("p-1", "kit-a", "aa", 3, 1, "usb", '{"r":1}'), b"abc")
    with storage._transaction():
        storage._execute("DROP TABLE hub_outcomes")
        storage._execute("DROP INDEX packets_packet")
        storage._execute("DROP INDEX packets_received")
        storage._execute("UPDATE hub_meta SET value = '2' WHERE key = 'schema_version'")
    storage.close()
    for _ in range(2):
        storage = open_test_storage(storage_kind, tmp_path, request)
        try:
            assert storage.meta("schema_version") == str(SCHEMA_VERSION) == "3"
            assert [p.packet_id for p in storage.find_packets("p-1")] == ["p-1"]
            assert storage.next_outcome_seq("kit-a") == 1  # the outcomes table is there
            with storage._transaction():
                sql = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'packets'"
                       if storage.name == "sqlite" else "SELECT indexname FROM pg_indexes WHERE tablename = 'packets' "
                       "AND schemaname = current_schema()")
                indexes = {r[0] for r in storage._execute(sql).fetchall()}
            assert {"packets_kit", "packets_received", "packets_packet"} <= indexes
        finally:
            storage.close()


def test_one_kit_cannot_hold_more_than_its_share_of_unfinished_uploads(hub_service, hub_server, hub_keys,
                                                                        client_for):
    from tests.sync.conftest import Kit

    greedy, other = Kit(hub_keys), Kit(hub_keys)
    for k in (greedy, other):
        enrol(hub_server.url, hub_service.issue_token(), k.identity, FAST, supervisors=k.supervisors)
    client = client_for(hub_server.url, greedy.identity)
    limit = hub_service.limits.max_open_uploads_per_kit

    def open_unfinished(c, size=1024 * 1024):
        return c.request("POST", new_upload(size), body=b"x" * 1000, content_type="application/octet-stream")[1]

    opened = [open_unfinished(client) for _ in range(limit)]
    with pytest.raises(HubRefused) as refused:
        open_unfinished(client)
    assert refused.value.status == 429 and refused.value.code == "upload_limit"
    assert f"open uploads: {limit}" in refused.value.message
    # Resuming one of its own open uploads still works, and another kit is not affected.
    first = opened[0]
    status = client.request("GET", f"{API}/uploads/{first['upload_id']}")[1]
    assert status["offset"] == 1000
    packet = other.outbox.add(*other.seal())
    assert deliver(other, hub_server.url, client_for, hub_keys).delivered == 1
    assert other.outbox.state[packet.packet_id] == "acknowledged"


def test_one_kit_cannot_reserve_more_than_its_share_of_upload_bytes(hub_service, hub_server, hub_keys, client_for,
                                                                    enrolled_kit):
    client = client_for(hub_server.url, enrolled_kit.identity)
    sixteen = 16 * 1024 * 1024
    allowed = hub_service.limits.max_open_upload_bytes_per_kit // sixteen
    for _ in range(allowed):
        client.request("POST", new_upload(sixteen))
    with pytest.raises(HubRefused) as refused:
        client.request("POST", new_upload(sixteen))
    assert refused.value.code == "upload_limit" and "open upload bytes" in refused.value.message


def test_upload_limits_are_settings_and_a_packet_delivered_by_drive_frees_its_upload(
        hub_storage, hub_keys, kit, drive, client_for):
    """`fieldkit-hub serve --max-open-uploads N --max-open-upload-mib M` set the limits; an upload left open
    by a network link that dropped stops counting once the packet arrives by drive."""
    from sync.hub.app import build_app
    from sync.hub.server import HubServer
    from sync.hub.service import HubLimits, HubService
    from sync.hub.verify import EnvelopeVerifier
    from sync.hub_cli import build_parser

    args = build_parser().parse_args(["serve", "--data", "x", "--max-open-uploads", "2", "--max-open-upload-mib", "5"])
    assert (args.max_open_uploads, args.max_open_upload_mib) == (2, 5)
    service = HubService(hub_storage, hub_keys, EnvelopeVerifier(hub_keys.hpke_private), limits=HubLimits(2, 5 << 20))
    with HubServer(build_app(service), graceful_s=0.5) as server:
        enrol(server.url, service.issue_token(), kit.identity, FAST, supervisors=kit.supervisors)
        client = client_for(server.url, kit.identity)
        first, second = kit.queue(2)
        for packet_id in (first, second):
            data = kit.outbox.packets[packet_id].data
            client.request("POST", f"{API}/uploads?packet_id={packet_id}&size={len(data)}&sha256={sha256_hex(data)}",
                           body=data[:100], content_type="application/octet-stream")
        with pytest.raises(HubRefused) as refused:
            client.request("POST", new_upload(100))
        assert refused.value.code == "upload_limit" and refused.value.body["limit"] == 2
        export_packets(drive, kit.identity, kit.outbox)
        assert sorted(import_drive(service, drive).kits[0].received) == sorted([first, second])
        opened = client.request("POST", new_upload(100))
        assert opened[0] == 201
        with pytest.raises(HubRefused) as refused:  # 5 MiB declared in all
            client.request("POST", new_upload(5 << 20))
        assert "open upload bytes" in refused.value.message


def test_enrolment_tokens_never_look_like_a_command_line_option(hub_service, monkeypatch):
    tokens = iter(["-starts-with-a-dash", "--two-dashes", "fine-token"])
    monkeypatch.setattr("sync.hub.service.secrets.token_urlsafe", lambda n: next(tokens))
    assert hub_service.issue_token() == "fine-token"


def test_a_packet_id_two_kits_used_needs_its_kit_for_a_verdict_and_exports_twice(hub_service, hub_keys, tmp_path):
    """Two kits' packets under one id: `outcome PACKET_ID` refuses to guess which (names both kits and --kit),
    a CSV without a kit_id column records nothing, and the NIST export writes both (one folder per kit)."""
    from fieldkit.domain.dates import PartialDate
    from fieldkit.domain.record import Demographics, EnrolmentRecord, Residence, Session, Sex
    from fieldkit.packets.seal import SealInput
    from sync.hub.nist.export import export_nist
    from sync.hub.outcomes import OutcomeRefused, Verdict, import_verdicts_csv, record_outcome
    from sync.hub.service import token_hash
    from tests.sync.conftest import Kit

    shared_id = str(uuid.uuid4())
    kits = {}
    for name in ("Lò Văn Thật", "Kẻ Mạo Danh"):
        k = Kit(hub_keys)
        assert hub_service.storage.enrol_kit(token_hash(hub_service.issue_token()), k.kit_id,
                                             k.identity.public_key_bytes(), hub_service.now(), k.supervisors) == ""
        record = EnrolmentRecord(demographics=Demographics(birth_name=name, date_of_birth=PartialDate.parse("1980"),
                                                           sex=Sex.MALE, residence=Residence("Sơn La", "Xã A", "")),
                                 session=Session("Xã A", "Bản B", "Đội 1", "off"))
        sealed = SealInput(str(record.record_id), 1, record.to_dict(), {}, {}, [{"seq": 1, "action": "seal"}])
        _, data = seal_packet(sealed, k.signers, hub_keys.hpke_public["x25519"], "x25519", packet_id=shared_id)
        kit_row = hub_service.storage.get_kit(k.kit_id)
        assert hub_service.ingest(kit_row, shared_id, data, ROUTE_USB)["receipt"]["status"] == "received"
        kits[name] = k
    victim = kits["Lò Văn Thật"]

    with pytest.raises(OutcomeRefused, match="--kit") as refused:
        record_outcome(hub_service, Verdict(shared_id, "accepted"))
    assert all(k.kit_id in str(refused.value) for k in kits.values())
    csv = tmp_path / "verdicts.csv"
    csv.write_text(f"packet_id,status,reason\n{shared_id},accepted,\n", encoding="utf-8")
    result = import_verdicts_csv(hub_service, csv)
    assert not result.recorded and "--kit" in result.errors[0]
    assert hub_service.storage.outcomes_after(victim.kit_id, 0, 10) == []

    csv.write_text(f"packet_id,status,reason,kit_id\n{shared_id},recapture,poor prints,{victim.kit_id}\n",
                   encoding="utf-8")
    assert import_verdicts_csv(hub_service, csv).recorded == [shared_id]
    signed = record_outcome(hub_service, Verdict(shared_id, "accepted", kit_id=victim.kit_id))
    assert (signed["outcome"]["kit_id"], signed["outcome"]["seq"]) == (victim.kit_id, 2)
    assert [k for k in kits.values() if hub_service.storage.outcomes_after(k.kit_id, 0, 10)] == [victim]

    out = tmp_path / "afis"
    report = export_nist(hub_service, out)
    assert report.written == [shared_id, shared_id] and not report.failed
    files = {k.kit_id: out / k.kit_id / f"{shared_id}.an2" for k in kits.values()}
    assert all(f.exists() for f in files.values())
    assert "Mạo Danh".encode() in files[kits["Kẻ Mạo Danh"].kit_id].read_bytes()
    assert "Mạo Danh".encode() not in files[victim.kit_id].read_bytes()
