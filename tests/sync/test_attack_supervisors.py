"""Issue #11 attack 1, hub side: a supervisor the hub never pinned (made by an officer who holds the device key)
cannot get a packet accepted, nor get itself pinned by a forged or replayed roster update; honest roster
updates and the hub administrator can change the pinned keys. Performed over HTTP against a real hub on
127.0.0.1, with crafted drives and through the CLI. docs/sync.md "Threat model (hub side)" points here."""

from __future__ import annotations

import base64
import json
import time

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.client.transport import HubRefused
from sync.hub.service import token_hash
from sync.hub.usb_import import import_drive
from sync.protocol import API
from sync.roster import SupervisorKey, sign_roster
from sync.usb import export_packets, kit_dir
from tests.sync.attack_kit import (  # noqa: F401  (helpers and fixtures)
    deliver, device_key_of, drive, new_supervisor, post_roster, seal_by, usb_kit_pinned)
from tests.sync.conftest import FAST
from tests.sync.test_cli import hub_db, hub_process, kit_cli  # noqa: F401  (fixtures: a hub process, a kit CLI)


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
    otherdevice_key_of = Ed25519PrivateKey.generate()
    with pytest.raises(HubRefused) as refused:
        post_roster(client, sign_roster(kit.kit_id, 1, roster, otherdevice_key_of, "sup-1", kit.signers.supervisor_key))
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
    try:
        keystore.add_user(officer, "mallory", "supervisor", passes["mallory"])
    except keystore.KitError as refused:
        # A kit that binds roles into what it authenticates stops the forgery itself (the kit side of
        # issue #11); the hub side is shown over HTTP by the tests above.
        officer.lock()
        assert "mallory" not in [u.name for u in keystore.list_users(data_dir)], refused
        return
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
        ref = off.save_draft({"full_name": "Đinh Thị Thử", "id_number": "001099000123"},
                             {"face.jpg": b"\xff\xd8face"})
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
    with HubClient(hub_process["url"], DeviceIdentity(keystore.kit_id(data_dir), device_key_of(data_dir, sup_pass)),
                   FAST) as client:
        outcome = send_roster_update(client, data_dir, None)
    assert outcome.state == "sent" and len(outcome.pinned) == 2
    assert not roster_changed(data_dir)
    code, out, _ = hub_cli(capsys, "kits", "--json", *hub_process["args"])
    names = {u.user_id: u.name for u in keystore.list_users(data_dir)}
    assert sorted(names[s["user_id"]] for s in json.loads(out)[0]["supervisors"]) == ["sup", "sup2"]


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
        ref = off.save_draft({"full_name": "Hà Văn Thử", "id_number": "001099000124"},
                             {"face.jpg": b"\xff\xd8face"})
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


def test_upgraded_hub_pins_the_supervisors_of_packets_it_already_received(tmp_path, kit, capsys, drive):
    """A kit enrolled before pinning: `kits supervisor add KIT --from-received` pins who co-signed the packets
    the hub accepted under the old rules, and only them."""
    from sync.hub.keys import load_or_create_hub_keys
    from sync.hub.storage import PacketRecord
    from sync.hub_cli import main as hub_main
    from sync.hub_cli import open_service

    data = tmp_path / "hub"
    service = open_service(type("Args", (), {"data": str(data), "db": None})())
    kit.hub_keys = load_or_create_hub_keys(data)
    enrolled = service.storage.enrol_kit(token_hash(service.issue_token()), kit.kit_id,
                                         kit.identity.public_key_bytes(), int(time.time()))
    assert enrolled == ""  # with no supervisor key
    packet_id, data_bytes = kit.seal()  # stored as the previous hub version did, before pinning existed
    service.storage.store_packet(PacketRecord(packet_id, kit.kit_id, "x", len(data_bytes), 1, "network", "{}"),
                                 data_bytes)
    service.storage.close()
    mallory_key, mallory = new_supervisor(kit, "mallory")
    kit.outbox.add(*seal_by(kit, mallory_key, mallory))
    kit.outbox.add(*kit.seal())
    export_packets(drive, kit.identity, kit.outbox)

    assert hub_main(["kits", "supervisor", "add", kit.kit_id, "--from-received", "--data", str(data)]) == 0
    assert "supervisor sup-1 pinned" in capsys.readouterr().out
    assert hub_main(["import", str(drive), "--json", "--data", str(data)]) == 0
    [report] = json.loads(capsys.readouterr().out)["kits"]
    assert len(report["received"]) == 1 and report["rejected"][0][1].startswith("unknown_supervisor")
