"""Issue #11, hub side: each attack performed from outside (HTTP to a real hub on 127.0.0.1, crafted drives,
the CLI) and shown refused with its code and message. docs/sync.md "Threat model (hub side)" points here."""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
import uuid

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.packets.seal import SealInput, Signers, certify_supervisor, seal_packet
from sync.client.provisioning import enrol
from sync.client.transport import HubRefused
from sync.client.worker import SyncWorker
from sync.hub.service import token_hash
from sync.hub.usb_import import import_drive
from sync.protocol import API, ROUTE_USB, sha256_hex
from sync.roster import RosterUpdate, SupervisorKey, sign_roster
from sync.usb import MANIFEST, PACKET_SUFFIX, export_packets, import_receipts, kit_dir
from tests.sync.conftest import FAST
from tests.sync.test_cli import hub_db, hub_process, kit_cli  # noqa: F401  (fixtures: a hub process, a kit CLI)


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


# ------------------------------------------------------------------ attack 1: a supervisor the officer made

def test_packet_cosigned_by_a_supervisor_the_hub_never_pinned_is_refused(enrolled_kit, hub_service, hub_server,
                                                                         client_for, hub_keys):
    kit = enrolled_kit
    assert list(hub_service.pinned_keys(kit.kit_id)) == ["sup-1"]  # learnt at provisioning
    mallory_key, mallory = new_supervisor(kit, "mallory")  # certified by the device key, as the forgery made
    forged = kit.outbox.add(*seal_by(kit, mallory_key, mallory))
    honest = kit.outbox.add(*kit.seal())
    result = deliver(kit, hub_server.url, client_for, hub_keys)
    assert result.rejected == 1 and result.delivered == 1
    reason = kit.outbox.reasons[forged.packet_id]
    assert reason.startswith("unknown_supervisor") and "not pinned for this kit" in reason
    assert kit.outbox.state[honest.packet_id] == "acknowledged"
    assert [p.packet_id for p in hub_service.storage.list_packets(kit.kit_id)] == [honest.packet_id]
    [rejection] = hub_service.storage.list_rejections(kit.kit_id, forged.packet_id)
    assert rejection.reason.startswith("unknown_supervisor")


def test_roster_update_not_signed_by_a_pinned_supervisor_is_refused(enrolled_kit, hub_service, hub_server,
                                                                    client_for, hub_keys):
    kit = enrolled_kit
    client = client_for(hub_server.url, kit.identity)
    mallory_key, mallory = new_supervisor(kit, "mallory")
    roster = (*kit.supervisors, mallory)
    # Signed by the device and by mallory herself: she is not a supervisor the hub trusts.
    with pytest.raises(HubRefused) as refused:
        post_roster(client, sign_roster(kit.kit_id, 1, roster, kit.device_key, "mallory", mallory_key))
    assert refused.value.status == 403 and refused.value.code == "untrusted_roster_signer"
    assert "not a supervisor this hub pins" in refused.value.message
    # Claiming the real supervisor as signer without their key: the signature does not verify.
    claimed = sign_roster(kit.kit_id, 1, roster, kit.device_key, "sup-1", mallory_key)
    with pytest.raises(HubRefused) as refused:
        post_roster(client, claimed)
    assert refused.value.code == "bad_roster_signature"
    # The real supervisor's signature but not the device's (another kit's device key).
    other_device = Ed25519PrivateKey.generate()
    with pytest.raises(HubRefused) as refused:
        post_roster(client, sign_roster(kit.kit_id, 1, roster, other_device, "sup-1", kit.signers.supervisor_key))
    assert refused.value.code == "bad_roster_signature" and "device key" in refused.value.message
    assert list(hub_service.pinned_keys(kit.kit_id)) == ["sup-1"]
    kit.outbox.add(*seal_by(kit, mallory_key, mallory))
    assert deliver(kit, hub_server.url, client_for, hub_keys).rejected == 1


def test_roster_update_signed_by_a_pinned_supervisor_adds_one_and_cannot_be_replayed(
        enrolled_kit, hub_service, hub_server, client_for, hub_keys):
    kit = enrolled_kit
    client = client_for(hub_server.url, kit.identity)
    new_key, new = new_supervisor(kit, "sup-2")
    update = sign_roster(kit.kit_id, 10, (*kit.supervisors, new), kit.device_key, "sup-1", kit.signers.supervisor_key)
    assert post_roster(client, update)["supervisors"] == ["sup-1", "sup-2"]
    assert post_roster(client, update)["supervisors"] == ["sup-1", "sup-2"]  # a retry is answered the same
    packet = kit.outbox.add(*seal_by(kit, new_key, new))
    assert deliver(kit, hub_server.url, client_for, hub_keys).delivered == 1
    assert kit.outbox.state[packet.packet_id] == "acknowledged"
    # sup-2 is dropped by a newer roster; the older one (from an old drive, say) cannot bring it back.
    newer = sign_roster(kit.kit_id, 11, kit.supervisors, kit.device_key, "sup-1", kit.signers.supervisor_key)
    assert post_roster(client, newer)["supervisors"] == ["sup-1"]
    with pytest.raises(HubRefused) as refused:
        post_roster(client, update)
    assert refused.value.status == 409 and refused.value.code == "stale_roster"
    # A certificate not made by this kit's device is refused too.
    stranger_key, stranger = new_supervisor(type(kit)(hub_keys), "sup-3")
    bad = sign_roster(kit.kit_id, 12, (*kit.supervisors, stranger), kit.device_key, "sup-1",
                      kit.signers.supervisor_key)
    with pytest.raises(HubRefused) as refused:
        post_roster(client, bad)
    assert refused.value.code == "bad_certificate"
    assert list(hub_service.pinned_keys(kit.kit_id)) == ["sup-1"]


def test_roster_update_on_a_drive_is_applied_before_its_packets(usb_kit_pinned, hub_service, hub_keys, drive):
    kit = usb_kit_pinned
    new_key, new = new_supervisor(kit, "sup-2")
    packet_id, data = seal_by(kit, new_key, new)
    kit.outbox.add(packet_id, data)
    update = sign_roster(kit.kit_id, 5, (*kit.supervisors, new), kit.device_key, "sup-1", kit.signers.supervisor_key)
    export_packets(drive, kit.identity, kit.outbox, roster=update)
    [report] = import_drive(hub_service, drive).kits
    assert report.roster.startswith("applied") and report.received == [packet_id]
    # A roster forged on the drive (signed by the device only, via mallory) is refused with its reason.
    mallory_key, mallory = new_supervisor(kit, "mallory")
    forged = sign_roster(kit.kit_id, 6, (*kit.supervisors, new, mallory), kit.device_key, "mallory", mallory_key)
    (kit_dir(drive, kit.kit_id) / "roster.json").write_text(json.dumps(forged.to_json_obj()))
    [report] = import_drive(hub_service, drive).kits
    assert report.roster.startswith("refused: untrusted_roster_signer")
    assert "mallory" not in hub_service.pinned_keys(kit.kit_id)


def test_officer_forging_a_supervisor_on_a_real_kit_is_refused_by_the_hub(kit_cli, hub_process, data_dir, capsys):
    """The issue's attack 1 end to end: an officer (who can log in, so holds the device and data keys) makes
    a supervisor 'mallory' on the kit, approves a record as mallory and syncs. The hub refuses the packet
    (unknown_supervisor), and the kit's roster client cannot get mallory pinned either."""
    from fieldkit.enrolment.service import EnrolmentService
    from fieldkit.security import keystore
    from sync.client.kit import DeviceIdentity
    from sync.client.roster import prepare_roster_update, send_roster_update
    from sync.client.transport import HubClient
    from tests.sync.test_cli import hub_cli

    passes = {"tech": "tech-pass-123 long enough", "sup": "sup-pass-123 long enough",
              "off": "off-pass-123 long enough", "mallory": "mallory-pass-123 long enough"}
    assert kit_cli("init", "--user", "tech", passphrase=passes["tech"])[0] == 0
    assert kit_cli("user", "add", "sup", "--role", "supervisor", passphrase=passes["tech"], new=passes["sup"])[0] == 0
    assert kit_cli("user", "add", "off", "--role", "officer", passphrase=passes["tech"], new=passes["off"])[0] == 0
    code, token, _ = hub_cli(capsys, "token", *hub_process["args"])
    assert kit_cli("provision", "--hub", hub_process["url"], "--token", token.strip(),
                   passphrase=passes["tech"])[0] == 0
    code, out, _ = hub_cli(capsys, "kits", "--json", *hub_process["args"])
    [listed] = json.loads(out)
    sup_id = next(u.user_id for u in keystore.list_users(data_dir) if u.name == "sup")
    assert [s["user_id"] for s in listed["supervisors"]] == [sup_id]

    # The officer's own code: their unlocked keys with the role changed in memory, then a new slot.
    officer = keystore.unlock(data_dir, "off", passes["off"])
    officer.user = keystore.User(officer.user.user_id, "off", "technician")
    keystore.add_user(officer, "mallory", "supervisor", passes["mallory"])
    assert prepare_roster_update(data_dir, officer) is None  # an officer holds no co-signing key
    mallory = keystore.unlock(data_dir, "mallory", passes["mallory"])
    assert prepare_roster_update(data_dir, mallory) is None  # mallory is not pinned: she cannot sign
    forced = sign_roster(mallory.kit_id, 99, [SupervisorKey(u, p, c) for u, p, c in
                                              keystore.supervisor_certificates(data_dir)],
                         mallory.device_key, mallory.user.user_id, mallory.cosign_key)
    with HubClient(hub_process["url"], DeviceIdentity(mallory.kit_id, mallory.device_key), FAST) as client:
        with pytest.raises(HubRefused) as refused:
            post_roster(client, forced)
        assert refused.value.code == "untrusted_roster_signer"
        assert send_roster_update(client, data_dir, mallory).state == "waiting"
    officer.lock()
    mallory.lock()

    with EnrolmentService(data_dir) as svc:
        off = svc.unlock("off", passes["off"])
        ref = off.save_draft({"full_name": "Đinh Thị Thử", "id_number": "001099000123"}, {"face.jpg": b"\xff\xd8face"})
        off.submit_for_review(ref.record_id)
    code, _, err = kit_cli("queue", "approve", ref.record_id, "--json", passphrase=passes["mallory"])
    assert code == 0, err
    code, out, _ = kit_cli("sync", "--once", "--json", passphrase=passes["off"])
    status = json.loads(out)
    assert status["delivered_total"] == 0 and status["stuck"][0]["reason"].count("unknown_supervisor") == 1
    code, out, _ = hub_cli(capsys, "list", "--json", *hub_process["args"])
    [row] = json.loads(out)
    assert row["status"] == "rejected" and row["reason"].startswith("unknown_supervisor")


def test_roster_client_sends_a_new_supervisor_signed_by_a_pinned_one(kit_cli, hub_process, data_dir, capsys):
    """The honest path: a supervisor adds another supervisor; the next sync pass pins it at the hub, and the
    new supervisor's approvals are received."""
    from fieldkit.security import keystore
    from sync.client.kit import DeviceIdentity
    from sync.client.roster import prepare_roster_update, roster_changed, send_roster_update
    from sync.client.transport import HubClient
    from tests.sync.test_cli import hub_cli

    sup_pass, new_pass = "sup-pass-123 long enough", "sup2-pass-123 long enough"
    assert kit_cli("init", "--user", "sup", "--role", "supervisor", passphrase=sup_pass)[0] == 0
    code, token, _ = hub_cli(capsys, "token", *hub_process["args"])
    assert kit_cli("provision", "--hub", hub_process["url"], "--token", token.strip(), passphrase=sup_pass)[0] == 0
    assert not roster_changed(data_dir)
    sup = keystore.unlock(data_dir, "sup", sup_pass)
    keystore.add_user(sup, "sup2", "supervisor", new_pass)
    assert roster_changed(data_dir)
    assert prepare_roster_update(data_dir, sup) is not None  # signed now, waits for the next pass
    sup.lock()
    # The next pass may run under any login (here none at all): the waiting update is already signed.
    with HubClient(hub_process["url"], DeviceIdentity(keystore.kit_id(data_dir), _device(data_dir, sup_pass)),
                   FAST) as client:
        outcome = send_roster_update(client, data_dir, None)
    assert outcome.state == "sent" and len(outcome.pinned) == 2
    assert not roster_changed(data_dir)
    code, out, _ = hub_cli(capsys, "kits", "--json", *hub_process["args"])
    names = {u.user_id: u.name for u in keystore.list_users(data_dir)}
    assert sorted(names[s["user_id"]] for s in json.loads(out)[0]["supervisors"]) == ["sup", "sup2"]


def _device(data_dir, passphrase):
    from fieldkit.security import keystore

    kit = keystore.unlock(data_dir, None, passphrase)
    return kit.device_key


def test_administrator_adds_and_removes_supervisors_at_the_hub(tmp_path, kit, hub_keys, capsys, drive):
    """`fieldkit-hub kits supervisor add|remove` on a hub data folder, with packets arriving by drive."""
    from sync.hub.keys import load_or_create_hub_keys
    from sync.hub_cli import main as hub_main
    from sync.hub_cli import open_service

    data = tmp_path / "hub"
    args = ["--data", str(data)]

    def cli(*argv):
        code = hub_main(list(argv))
        return code, capsys.readouterr()

    class Args:
        pass

    a = Args()
    a.data, a.db = str(data), None
    service = open_service(a)
    kit.hub_keys = load_or_create_hub_keys(data)
    assert service.storage.enrol_kit(token_hash(service.issue_token()), kit.kit_id, kit.identity.public_key_bytes(),
                                     int(time.time())) == ""  # enrolled with no supervisor (an older kit)
    service.storage.close()
    kit.outbox.add(*kit.seal())
    export_packets(drive, kit.identity, kit.outbox)
    code, (out, _) = cli("import", str(drive), "--json", *args)
    assert "unknown_supervisor" in out
    code, (out, _) = cli("kits", *args)
    assert "no supervisor pinned" in out
    sup = kit.supervisors[0]
    code, (out, _) = cli("kits", "supervisor", "add", kit.kit_id, sup.user_id,
                         base64.b64encode(sup.public_key).decode(), *args)
    assert code == 0 and f"supervisor {sup.user_id} pinned" in out
    kit.outbox.add(*kit.seal())
    export_packets(drive, kit.identity, kit.outbox)
    code, (out, _) = cli("import", str(drive), "--json", *args)
    # Both packets now: the one refused before is acceptable once its supervisor is pinned (the kit kept it).
    assert code == 0 and len(json.loads(out)["kits"][0]["received"]) == 2
    code, (out, _) = cli("kits", "--json", *args)
    assert json.loads(out)[0]["supervisors"][0]["added_by"] == "admin"
    code, (out, _) = cli("kits", "supervisor", "remove", kit.kit_id, sup.user_id, *args)
    assert code == 0 and "removed" in out
    kit.outbox.add(*kit.seal())
    export_packets(drive, kit.identity, kit.outbox)
    code, (out, _) = cli("import", str(drive), "--json", *args)
    assert code == 0 and out.count("unknown_supervisor") == 1  # the new packet; the two stored stay stored
    # A roster update cannot bring back what the administrator removed.
    update = sign_roster(kit.kit_id, 3, kit.supervisors, kit.device_key, "sup-1", kit.signers.supervisor_key)
    export_packets(drive, kit.identity, kit.outbox, roster=update)
    code, (out, _) = cli("import", str(drive), "--json", *args)
    assert "untrusted_roster_signer" in json.loads(out)["kits"][0]["roster"]
    # --from-drive: the administrator pins the roster the kit exported (device signature checked).
    code, (out, _) = cli("kits", "supervisor", "add", kit.kit_id, "--from-drive", str(drive), *args)
    assert code == 0 and "sup-1 pinned" in out
    code, (out, _) = cli("import", str(drive), "--json", *args)
    assert code == 0 and not json.loads(out)["kits"][0]["rejected"]


# ------------------------------------------------------------- attack 5: another kit claims a packet id

def test_another_kit_cannot_claim_a_victims_packet_id(hub_service, hub_server, hub_keys, client_for, tmp_path,
                                                      capsys):
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
    from sync.hub.storage import PacketRecord
    from tests.sync.conftest import open_test_storage

    storage = open_test_storage(storage_kind, tmp_path, request)
    with storage._transaction():  # make it look like a hub of the previous version, with one packet
        storage._execute("DROP TABLE packets")
        storage._execute("CREATE TABLE packets (packet_id TEXT PRIMARY KEY, kit_id TEXT NOT NULL, sha256 TEXT NOT NULL, "
                         f"size {storage.bigint_type} NOT NULL, envelope {storage.blob_type} NOT NULL, "
                         f"received_at {storage.bigint_type} NOT NULL, route TEXT NOT NULL, receipt TEXT NOT NULL)")
        storage._execute("INSERT INTO packets VALUES ('p-1', 'kit-a', 'aa', 3, ?, 1, 'usb', '{\"r\":1}')", (b"abc",))
        storage._execute("DELETE FROM hub_meta WHERE key = 'schema_version'")
    storage.close()
    storage = open_test_storage(storage_kind, tmp_path, request)
    try:
        assert storage.meta("schema_version") == "2"
        assert storage.get_packet("kit-a", "p-1").receipt == '{"r":1}'
        assert storage.packet_envelope("kit-a", "p-1") == b"abc"
        row = storage.store_packet(PacketRecord("p-1", "kit-b", "bb", 3, 2, "usb", '{"r":2}'), b"xyz")
        assert (row.kit_id, row.sha256) == ("kit-b", "bb")
        assert [(p.kit_id, p.packet_id) for p in storage.list_packets()] == [("kit-a", "p-1"), ("kit-b", "p-1")]
    finally:
        storage.close()


# ------------------------------------------------------------------ attack 6: one kit fills the hub

def test_one_kit_cannot_hold_more_than_its_share_of_unfinished_uploads(hub_service, hub_server, hub_keys,
                                                                        client_for):
    from tests.sync.conftest import Kit

    greedy, other = Kit(hub_keys), Kit(hub_keys)
    for k in (greedy, other):
        enrol(hub_server.url, hub_service.issue_token(), k.identity, FAST, supervisors=k.supervisors)
    client = client_for(hub_server.url, greedy.identity)
    limit = hub_service.limits.max_open_uploads_per_kit

    def open_unfinished(c, size=1024 * 1024):
        path = f"{API}/uploads?packet_id={uuid.uuid4()}&size={size}&sha256={secrets.token_hex(32)}"
        return c.request("POST", path, body=b"x" * 1000, content_type="application/octet-stream")[1]

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
        client.request("POST", f"{API}/uploads?packet_id={uuid.uuid4()}&size={sixteen}&sha256={secrets.token_hex(32)}")
    with pytest.raises(HubRefused) as refused:
        client.request("POST", f"{API}/uploads?packet_id={uuid.uuid4()}&size={sixteen}&sha256={secrets.token_hex(32)}")
    assert refused.value.code == "upload_limit" and "open upload bytes" in refused.value.message


# ------------------------------------------------------------------------ attack 3: a crafted drive

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


def test_devices_fifos_and_oversize_files_on_the_drive_are_refused_and_the_rest_imported(
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


def test_unrelated_http_roster_body_is_refused_cleanly(enrolled_kit, hub_server, client_for):
    client = client_for(hub_server.url, enrolled_kit.identity)
    for body in ({}, {"roster": "x"}, {"roster": {"version": 1, "kit_id": enrolled_kit.kit_id, "sequence": -1,
                                                  "signer_id": "sup-1", "supervisors": []},
                                       "device_signature": "", "supervisor_signature": ""}):
        with pytest.raises(HubRefused) as refused:
            client.request("POST", f"{API}/roster", json_body=body)
        assert refused.value.status == 400 and refused.value.code == "bad_roster"
    answer = httpx.post(hub_server.url + f"{API}/roster", json={})
    assert answer.status_code == 401 and answer.json()["error"] == "unsigned"


def test_fieldkit_export_carries_a_new_supervisor_to_the_hub_by_drive(kit_cli, hub_process, data_dir, tmp_path,
                                                                       capsys):
    """The USB route of the honest path: a supervisor adds a supervisor; `fieldkit export` puts the signed roster
    update on the drive and `fieldkit-hub import` pins the new key before the packet the new supervisor
    approved, so that packet is received."""
    from fieldkit.enrolment.service import EnrolmentService
    from fieldkit.security import keystore
    from tests.sync.test_cli import hub_cli

    sup_pass, new_pass, off_pass = "sup-pass-123 long enough", "sup2-pass-123 long enough", "off-pass-123 long enough"
    assert kit_cli("init", "--user", "sup", "--role", "supervisor", passphrase=sup_pass)[0] == 0
    assert kit_cli("user", "add", "off", "--role", "officer", passphrase=sup_pass, new=off_pass)[0] == 0
    code, token, _ = hub_cli(capsys, "token", *hub_process["args"])
    assert kit_cli("provision", "--hub", hub_process["url"], "--token", token.strip(), passphrase=sup_pass)[0] == 0
    assert kit_cli("user", "add", "sup2", "--role", "supervisor", passphrase=sup_pass, new=new_pass)[0] == 0
    with EnrolmentService(data_dir) as svc:
        off = svc.unlock("off", off_pass)
        ref = off.save_draft({"full_name": "Hà Văn Thử", "id_number": "001099000124"}, {"face.jpg": b"\xff\xd8face"})
        off.submit_for_review(ref.record_id)
    assert kit_cli("queue", "approve", ref.record_id, "--json", passphrase=new_pass)[0] == 0
    drive = tmp_path / "usb"
    drive.mkdir()
    code, out, err = kit_cli("export", str(drive), "--json", passphrase=sup_pass)  # signed by sup, pinned
    assert code == 0, err
    assert (kit_dir(drive, keystore.kit_id(data_dir)) / "roster.json").is_file()
    code, out, _ = hub_cli(capsys, "import", str(drive), "--json", *hub_process["args"])
    [report] = json.loads(out)["kits"]
    assert report["roster"].startswith("applied") and len(report["received"]) == 1 and not report["rejected"]
    code, out, _ = hub_cli(capsys, "kits", "--json", *hub_process["args"])
    assert len(json.loads(out)[0]["supervisors"]) == 2


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


def test_a_key_the_administrator_removed_does_not_come_back_by_roster(enrolled_kit, hub_service, hub_server,
                                                                      client_for):
    kit = enrolled_kit
    client = client_for(hub_server.url, kit.identity)
    _, second = new_supervisor(kit, "sup-2")
    roster = (*kit.supervisors, second)
    assert post_roster(client, sign_roster(kit.kit_id, 1, roster, kit.device_key, "sup-1",
                                           kit.signers.supervisor_key))["supervisors"] == ["sup-1", "sup-2"]
    assert hub_service.storage.unpin_supervisor(kit.kit_id, "sup-2", int(time.time()), by="admin")
    again = post_roster(client, sign_roster(kit.kit_id, 2, roster, kit.device_key, "sup-1", kit.signers.supervisor_key))
    assert again["supervisors"] == ["sup-1"]
    [removed] = [s for s in hub_service.storage.supervisors(kit.kit_id, include_removed=True) if s.user_id == "sup-2"]
    assert removed.removed_by == "admin" and not removed.active


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
            client.request("POST", f"{API}/uploads?packet_id={uuid.uuid4()}&size=100&sha256={secrets.token_hex(32)}")
        assert refused.value.code == "upload_limit" and refused.value.body["limit"] == 2
        export_packets(drive, kit.identity, kit.outbox)
        assert sorted(import_drive(service, drive).kits[0].received) == sorted([first, second])
        opened = client.request("POST", f"{API}/uploads?packet_id={uuid.uuid4()}&size=100&sha256={secrets.token_hex(32)}")
        assert opened[0] == 201
        with pytest.raises(HubRefused) as refused:  # 5 MiB declared in all
            client.request("POST", f"{API}/uploads?packet_id={uuid.uuid4()}&size={5 << 20}&sha256={secrets.token_hex(32)}")
        assert "open upload bytes" in refused.value.message


def test_enrolment_tokens_never_look_like_a_command_line_option(hub_service, monkeypatch):
    tokens = iter(["-starts-with-a-dash", "--two-dashes", "fine-token"])
    monkeypatch.setattr("sync.hub.service.secrets.token_urlsafe", lambda n: next(tokens))
    assert hub_service.issue_token() == "fine-token"
