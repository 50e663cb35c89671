"""Attacks on the key files from outside: editing keys/kit.json (forged approval) and keys/hub.json (hub keys).

Each test performs the attack the way the security review did (the CLI, and a text editor on the data
folder) and checks the refusal and its message.
"""

from __future__ import annotations

import base64
import json

import pytest

from fieldkit.enrolment.service import EnrolmentService
from fieldkit.packets.envelope import generate_hub_keys
from fieldkit.security import crypto, keystore
from fieldkit.security.hub_keys import HubKeysTampered, hub_file, load_hub_keys, store_hub_keys

TECH, SUP, OFF, MAL = "tech-pass-123", "sup-pass-123", "off-pass-4567", "mallory-pass-99"


@pytest.fixture
def cli_kit(cli, data_dir):
    """A kit made through the CLI (technician, supervisor, officer), provisioned with a hub the test holds."""
    assert cli("init", "--user", "tech", passphrase=TECH)[0] == 0
    assert cli("user", "add", "sup", "--role", "supervisor", passphrase=TECH, new=SUP)[0] == 0
    assert cli("user", "add", "off", "--role", "officer", passphrase=TECH, new=OFF)[0] == 0
    hub = generate_hub_keys("x25519")
    store_hub_keys(data_dir, hub_url="http://127.0.0.1:9", signing_public_key=hub[3],
                   hpke_public_keys={"x25519": hub[1]}, signer=keystore.unlock(data_dir, "tech", TECH))
    return hub


def edit_kit_json(data_dir, change) -> None:
    path = keystore.kit_file(data_dir)
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def set_role(name: str, role: str):
    def change(doc):
        next(s for s in doc["slots"] if s["name"] == name)["role"] = role
    return change


def captured_record(data_dir) -> str:
    with EnrolmentService(data_dir) as service:
        off = service.unlock("off", OFF)
        ref = off.save_draft({"full_name": "Lường Văn Khiêm"}, {"face.jpg": b"\xff\xd8synthetic"})
        off.submit_for_review(ref.record_id)
        return ref.record_id


def audit_reasons(data_dir) -> list[str]:
    import sqlite3
    conn = sqlite3.connect(data_dir / "fieldkit.db")
    try:
        rows = conn.execute("SELECT detail FROM audit_log WHERE action = 'login_failed'").fetchall()
    finally:
        conn.close()
    return [json.loads(d)["reason"] for (d,) in rows]


# -- Attack 1: an officer forges a supervisor's approval by editing roles in keys/kit.json ---------------------

def test_officer_editing_roles_in_kit_json_is_refused(cli, cli_kit, data_dir):
    edit_kit_json(data_dir, set_role("off", "technician"))  # step 1 of the review's attack
    code, _, err = cli("user", "add", "mallory", "--role", "supervisor", "--user", "off", passphrase=OFF, new=MAL)
    assert code != 0 and "mallory" not in {u.name for u in keystore.list_users(data_dir)}
    assert "error:" in err and "name or passphrase" in err  # the officer's slot is bound to the role "officer"
    # Every other user's unlock now finds the file tampered: refused with the message, and audited.
    code, _, err = cli("user", "add", "mallory", "--role", "supervisor", "--user", "tech", passphrase=TECH, new=MAL)
    assert code == 1 and "keys/kit.json was changed outside FieldKit" in err and "refused" in err
    assert "key_file_tampered" in audit_reasons(data_dir)
    edit_kit_json(data_dir, set_role("off", "officer"))  # the officer puts it back: the file verifies again
    code, _, err = cli("user", "add", "mallory", "--role", "supervisor", "--user", "off", passphrase=OFF, new=MAL)
    assert code == 5 and "needs a supervisor or technician" in err
    assert cli("audit", "verify")[0] == 0  # nothing was forged: the log is sound


def test_renaming_or_adding_a_slot_by_hand_is_refused(cli, cli_kit, data_dir):
    def copy_supervisor_slot_as_mallory(doc):
        slot = dict(next(s for s in doc["slots"] if s["name"] == "sup"), name="mallory")
        doc["slots"].append(slot)
    edit_kit_json(data_dir, copy_supervisor_slot_as_mallory)
    code, _, err = cli("queue", "list", "--user", "sup", passphrase=SUP)
    assert code == 1 and "keys/kit.json was changed outside FieldKit" in err


def test_stripping_the_mac_does_not_downgrade_the_file(cli, cli_kit, data_dir):
    def strip(doc):
        doc.pop("mac")
        doc["format"] = 1
        next(s for s in doc["slots"] if s["name"] == "off")["role"] = "technician"
    edit_kit_json(data_dir, strip)
    code, _, err = cli("queue", "list", "--user", "tech", passphrase=TECH)
    assert code == 1 and "authentication code was removed" in err


def test_officer_who_recomputes_the_mac_is_caught_by_audit_verify(cli, cli_kit, data_dir):
    """The limit of a kit-side check: every user holds the data key, so an officer who writes code can
    re-wrap their own slot under a new role and recompute the MAC. `audit verify` still names the forgery
    (and the hub refuses the unknown supervisor's co-signature: docs/sync.md)."""
    rid = captured_record(data_dir)
    off = keystore.unlock(data_dir, "off", OFF)
    dk = bytes(off.data_key)

    def forge(role):
        def change(doc):
            slot = next(s for s in doc["slots"] if s["name"] == "off")
            slot["role"] = role
            kek = crypto.stretch_passphrase(OFF, base64.b64decode(slot["salt"]), crypto.KdfParams.from_dict(slot["kdf"]))
            slot["wrapped_key"] = base64.b64encode(crypto.encrypt(kek, dk, keystore._slot_aad(doc["kit_id"], slot))).decode()
            doc["mac"] = keystore._file_mac(dk, doc)
        return change
    edit_kit_json(data_dir, forge("technician"))
    assert cli("user", "add", "mallory", "--role", "supervisor", "--user", "off", passphrase=OFF, new=MAL)[0] == 0
    edit_kit_json(data_dir, forge("officer"))
    code, out, _ = cli("queue", "approve", rid, "--user", "mallory", passphrase=MAL)
    assert code == 0
    code, out, _ = cli("audit", "verify", "--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    text = json.dumps(report)
    assert "forged role" in text and "user_add by" in text


def test_format_1_key_file_is_upgraded_at_first_unlock(data_dir):
    """Kits made before the MAC keep working: the first unlock adds the MAC and binds that user's slot."""
    tech = keystore.init_kit(data_dir, "tech", "technician", TECH, crypto.FAST_TEST_KDF)
    keystore.add_user(tech, "off", "officer", OFF, crypto.FAST_TEST_KDF)

    def to_format_1(doc):  # what an older FieldKit wrote: no MAC, slots bound to kit and user id only
        doc.pop("mac")
        doc["format"] = 1
        for slot in doc["slots"]:
            slot.pop("aad")
            slot["wrapped_key"] = base64.b64encode(crypto.encrypt(
                crypto.stretch_passphrase({"tech": TECH, "off": OFF}[slot["name"]], base64.b64decode(slot["salt"]),
                                          crypto.KdfParams.from_dict(slot["kdf"])),
                bytes(tech.data_key), keystore._aad("slot", doc["kit_id"], slot["user_id"]))).decode()
    edit_kit_json(data_dir, to_format_1)
    assert keystore.unlock(data_dir, "off", OFF).user.role == "officer"
    doc = keystore.load_kit_file(data_dir)
    assert doc["format"] == 2 and "mac" in doc
    assert {s["name"]: s.get("aad", 1) for s in doc["slots"]} == {"tech": 1, "off": 2}
    assert keystore.unlock(data_dir, "tech", TECH).user.role == "technician"  # its slot upgrades now
    assert all(s["aad"] == 2 for s in keystore.load_kit_file(data_dir)["slots"])
    edit_kit_json(data_dir, set_role("off", "technician"))
    with pytest.raises(keystore.KitFileTampered):
        keystore.unlock(data_dir, "tech", TECH)


def test_an_older_kits_hub_keys_are_sealed_at_the_upgrade_unlock_only(data_dir):
    """A kit updated in the field keeps sealing without a link to re-provision; after that first unlock an
    unsealed hub.json (an attacker's) is refused again."""
    tech = keystore.init_kit(data_dir, "tech", "technician", TECH, crypto.FAST_TEST_KDF)
    hub = generate_hub_keys("x25519")
    store_hub_keys(data_dir, hub_url="http://127.0.0.1:9", signing_public_key=hub[3],
                   hpke_public_keys={"x25519": hub[1]}, signer=tech)

    def to_format_1(doc):
        doc.pop("mac")
        doc["format"] = 1
        for slot in doc["slots"]:
            slot.pop("aad")
            slot["wrapped_key"] = base64.b64encode(crypto.encrypt(
                crypto.stretch_passphrase(TECH, base64.b64decode(slot["salt"]), crypto.KdfParams.from_dict(slot["kdf"])),
                bytes(tech.data_key), keystore._aad("slot", doc["kit_id"], slot["user_id"]))).decode()
    edit_kit_json(data_dir, to_format_1)
    old = json.loads(hub_file(data_dir).read_text())
    old.pop("seal")  # what an older FieldKit wrote
    hub_file(data_dir).write_text(json.dumps(old))
    with pytest.raises(HubKeysTampered):
        load_hub_keys(data_dir)
    keystore.unlock(data_dir, "tech", TECH)           # the upgrade unlock seals it ...
    assert load_hub_keys(data_dir).signing_public_key == hub[3]
    write_attacker_hub(data_dir, keep_seal=False)     # ... and an unsealed file after that is refused
    keystore.unlock(data_dir, "tech", TECH)
    with pytest.raises(HubKeysTampered):
        load_hub_keys(data_dir)


# -- Attack 2: the hub's keys in keys/hub.json replaced without any passphrase ----------------------------------

def write_attacker_hub(data_dir, keep_seal: bool) -> tuple:
    attacker = generate_hub_keys("x25519")
    path = hub_file(data_dir)
    doc = json.loads(path.read_text())
    doc["signing_public_key"] = base64.b64encode(attacker[3]).decode()
    doc["hpke_public_keys"] = {"x25519": base64.b64encode(attacker[1]).decode()}
    if not keep_seal:
        doc.pop("seal")
    path.write_text(json.dumps(doc))
    return attacker


@pytest.mark.parametrize("keep_seal", [True, False])
def test_attacker_hub_keys_are_never_sealed_for(cli, cli_kit, data_dir, keep_seal):
    rid = captured_record(data_dir)
    write_attacker_hub(data_dir, keep_seal)
    code, _, err = cli("queue", "approve", rid, passphrase=SUP)
    assert code == 1 and "keys/hub.json" in err and "not sealed by this kit" in err
    with EnrolmentService(data_dir) as service:
        assert service.queue().stats() == {}  # nothing was sealed for the attacker
    with pytest.raises(HubKeysTampered):
        load_hub_keys(data_dir)


def test_hub_url_is_sealed_too(cli, cli_kit, data_dir):
    rid = captured_record(data_dir)
    doc = json.loads(hub_file(data_dir).read_text())
    doc["hub_url"] = "http://attacker.example"
    hub_file(data_dir).write_text(json.dumps(doc))
    code, _, err = cli("queue", "approve", rid, passphrase=SUP)
    assert code == 1 and "not sealed by this kit" in err


def test_receipt_signed_by_the_attacker_key_is_not_imported(cli, cli_kit, data_dir, tmp_path):
    from sync.protocol import STATUS_RECEIVED, Receipt, sign_receipt
    from sync.usb import kit_dir
    rid = captured_record(data_dir)
    assert cli("queue", "approve", rid, passphrase=SUP)[0] == 0
    drive = tmp_path / "usb"
    drive.mkdir()
    assert cli("export", str(drive), passphrase=SUP)[0] == 0
    with EnrolmentService(data_dir) as service:
        [packet] = service.queue().next_packets_to_send()
    attacker = write_attacker_hub(data_dir, keep_seal=True)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    import hashlib
    receipt = Receipt(packet_id=packet.packet_id, kit_id=keystore.kit_id(data_dir),
                      sha256=hashlib.sha256(packet.data).hexdigest(), size=len(packet.data), status=STATUS_RECEIVED,
                      received_at="2026-12-04T00:00:00Z", hub_id="attacker")
    signed = sign_receipt(receipt, Ed25519PrivateKey.from_private_bytes(attacker[2]))
    receipts = kit_dir(drive, keystore.kit_id(data_dir)) / "receipts"
    receipts.mkdir(parents=True, exist_ok=True)
    (receipts / f"{packet.packet_id}.json").write_bytes(signed.to_bytes())
    code, _, err = cli("import-receipts", str(drive), passphrase=SUP)
    assert code == 1 and "not sealed by this kit" in err
    with EnrolmentService(data_dir) as service:
        assert [p.packet_id for p in service.queue().next_packets_to_send()] == [packet.packet_id]  # still to send


def test_network_sync_refuses_replaced_hub_keys_before_connecting(cli, cli_kit, data_dir):
    rid = captured_record(data_dir)
    assert cli("queue", "approve", rid, passphrase=SUP)[0] == 0
    write_attacker_hub(data_dir, keep_seal=False)
    code, out, err = cli("sync", "--once", passphrase=SUP)
    assert code == 1 and "not sealed by this kit" in err
    with EnrolmentService(data_dir) as service:
        assert len(service.queue().next_packets_to_send()) == 1  # nothing acknowledged


def test_doctor_warns_loudly_on_replaced_hub_keys(cli, cli_kit, data_dir):
    code, out, _ = cli("doctor")
    assert "sealed by this kit" in out and "WARNING" not in out
    write_attacker_hub(data_dir, keep_seal=True)
    code, out, _ = cli("doctor")
    assert code == 1 and "WARNING: keys/hub.json" in out and "NOT SEALED BY THIS KIT" in out


def test_refusals_carry_vietnamese_text_for_the_ui():
    from fieldkit.security.crypto import RecordUnreadable
    for refusal in (keystore.KitFileTampered, HubKeysTampered, RecordUnreadable):
        assert refusal.code and not refusal.message_vi.isascii()
        assert "FieldKit" in refusal.message_vi or "hồ sơ" in refusal.message_vi


def test_supervisor_added_behind_the_apps_back_is_named_by_audit_verify(cli, cli_kit, data_dir):
    """An insider with the data key adds a slot with Python (no `user_add` entry) and approves with it."""
    rid = captured_record(data_dir)
    keystore.add_user(keystore.unlock(data_dir, "tech", TECH), "mallory", "supervisor", MAL, crypto.FAST_TEST_KDF)
    assert cli("queue", "approve", rid, "--user", "mallory", passphrase=MAL)[0] == 0
    code, out, _ = cli("audit", "verify", "--json")
    assert code == 1 and "no user_add entry introduced" in out
