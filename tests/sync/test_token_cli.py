"""Token approval through the commands, against a real `fieldkit-hub serve` process: the hub's CA reaches the
kit at provisioning, `user add --token` binds, `queue approve` signs with the token PIN, the hub accepts and
`export` names the signer's certificate; after `fieldkit-hub ca crl`, a revoked certificate's packet is refused.
"""

from __future__ import annotations

import json

import pytest

from drivers.token.softhsm import USER_PIN
from tests.sync.test_cli import hub_cli, hub_db, hub_process, kit_cli  # noqa: F401 - fixtures

TECH, SUP = "tech-pass-123-token", "tsup-pass-123-token"


def approve_with_token(kit_cli, data_dir, pin_file, name: str, user: str) -> str:  # noqa: F811
    from fieldkit.enrolment.service import EnrolmentService

    with EnrolmentService(data_dir) as svc:
        officer = svc.unlock("off", "off-pass-123-token")
        ref = officer.save_draft({"full_name": name, "id_number": "062095000123"}, {"face.jpg": b"\xff\xd8face"})
        officer.submit_for_review(ref.record_id)
    code, out, err = kit_cli("queue", "approve", ref.record_id, "--user", user, "--pin-file", str(pin_file),
                             "--json", passphrase=SUP)
    assert code == 0, err
    return ref.record_id


@pytest.mark.parametrize("storage_kind", ["sqlite"])
def test_token_approval_through_the_commands(kit_cli, hub_process, data_dir, tmp_path, capsys, soft_tokens,  # noqa: F811
                                             monkeypatch):
    root = tmp_path / "root.pem"
    root.write_bytes(soft_tokens.ca.pem())
    code, out, err = hub_cli(capsys, "ca", "add", str(root), "--data", hub_process["args"][1])
    assert code == 0 and "trusted root: CN=FieldKit Test Root CA" in out, err

    monkeypatch.setenv("FIELDKIT_TOKEN_MODULE", soft_tokens.module)
    monkeypatch.setenv("FIELDKIT_TOKEN_LABEL", "sup-ec")
    assert kit_cli("init", "--user", "tech", passphrase=TECH)[0] == 0
    assert kit_cli("user", "add", "off", "--role", "officer", passphrase=TECH, new="off-pass-123-token")[0] == 0
    # Before provisioning the kit knows no roots: binding is refused with a message that says what to do.
    code, _out, err = kit_cli("user", "add", "tsup", "--role", "supervisor", "--token", passphrase=TECH, new=SUP)
    assert code != 0 and "fieldkit provision" in err
    _, token, _ = hub_cli(capsys, "token", *hub_process["args"])
    assert kit_cli("provision", "--hub", hub_process["url"], "--token", token.strip(), passphrase=TECH)[0] == 0
    code, out, err = kit_cli("user", "add", "tsup", "--role", "supervisor", "--token", passphrase=TECH, new=SUP)
    assert code == 0 and "Giám sát sup-ec" in out, err
    # A token supervisor has no kit-held co-signing key: provisioning (again, with a new token from the
    # administrator) sends none for them and still works; the hub checks their packets by certificate chain.
    from fieldkit.security import keystore
    from sync.client.roster import kit_supervisors

    slots = {s["name"]: s for s in keystore.load_kit_file(data_dir)["slots"]}
    assert "token_certificate" in slots["tsup"] and "cosign_public" not in slots["tsup"]
    assert slots["tsup"]["user_id"] not in [s.user_id for s in kit_supervisors(data_dir)]
    _, token, _ = hub_cli(capsys, "token", *hub_process["args"])
    code, _out, err = kit_cli("provision", "--hub", hub_process["url"], f"--token={token.strip()}", passphrase=TECH)
    assert code == 0, err
    code, out, _ = hub_cli(capsys, "kits", "--json", *hub_process["args"])
    (kit_entry,) = json.loads(out)
    assert slots["tsup"]["user_id"] not in json.dumps(kit_entry)

    pin = tmp_path / "pin"
    pin.write_text("999999\n")
    from fieldkit.enrolment.service import EnrolmentService
    with EnrolmentService(data_dir) as svc:
        ref = svc.unlock("off", "off-pass-123-token").save_draft({"full_name": "Đinh Thử"}, {})
        svc.unlock("off", "off-pass-123-token").submit_for_review(ref.record_id)
    code, _out, err = kit_cli("queue", "approve", ref.record_id, "--user", "tsup", "--pin-file", str(pin),
                              passphrase=SUP)
    assert code == 4 and "[wrong_pin]" in err     # the record stays pending: approve again with the right PIN
    pin.write_text(USER_PIN + "\n")
    code, _out, err = kit_cli("queue", "approve", ref.record_id, "--user", "tsup", "--pin-file", str(pin),
                              passphrase=SUP)
    assert code == 0, err

    code, out, err = kit_cli("sync", "--once", "--json", passphrase=TECH)
    assert json.loads(out)["delivered_total"] == 1, out + err
    code, out, err = hub_cli(capsys, "export", "--out", str(tmp_path / "downstream"), *hub_process["args"])
    assert code == 0 and "approved with token certificate CN=Giám sát sup-ec" in out
    # <out>/<kit id>/<packet id>/record.json: packet ids are unique within one kit only
    (packet_dir,) = [p for kit_dir in (tmp_path / "downstream").iterdir() for p in kit_dir.iterdir()]
    record = json.loads(packet_dir.joinpath("record.json").read_text())
    assert record["supervisor_certificate_subject"].startswith("CN=Giám sát sup-ec")

    # A second supervisor's certificate is revoked at the hub: their next packet is refused with its own code.
    monkeypatch.setenv("FIELDKIT_TOKEN_LABEL", "revoked-sup")
    assert kit_cli("user", "add", "rsup", "--role", "supervisor", "--token", passphrase=TECH, new=SUP)[0] == 0
    crl = tmp_path / "ca.crl"
    crl.write_bytes(soft_tokens.ca.crl([soft_tokens.certificates["revoked-sup"]]))
    code, out, err = hub_cli(capsys, "ca", "crl", str(crl), "--data", hub_process["args"][1])
    assert code == 0, err
    approve_with_token(kit_cli, data_dir, pin, "Hà Thử", "rsup")
    kit_cli("sync", "--once", "--json", passphrase=TECH)
    code, out, _ = hub_cli(capsys, "list", "--json", *hub_process["args"])
    rows = json.loads(out)
    assert sorted(r["status"] for r in rows) == ["received", "rejected"]
    assert any("revoked_certificate" in json.dumps(r) for r in rows)
