"""The kit CLI from a script's point of view: non-interactive unlock, --json, exit codes, wipe."""

from __future__ import annotations

import json

import pytest

from fieldkit.packets.envelope import generate_hub_keys
from fieldkit.security.hub_keys import store_hub_keys


def test_scripted_session(cli, data_dir, tmp_path):
    code, out, _ = cli("init", "--user", "tech", "--json", passphrase="tech-pass-123")
    assert code == 0 and json.loads(out)["role"] == "technician"
    assert cli("init", "--user", "x", passphrase="tech-pass-123")[0] == 1  # already initialised
    assert cli("user", "add", "sup", "--role", "supervisor", passphrase="tech-pass-123", new="sup-pass-123")[0] == 0
    assert cli("user", "add", "off", "--role", "officer", passphrase="tech-pass-123", new="off-pass-123")[0] == 0
    pfile = tmp_path / "pass"
    pfile.write_text("off-pass-123\n")
    code, out, err = cli("user", "passwd", "off", "--passphrase-file", str(pfile), new="off-pass-456")
    assert code == 0 and "off-pass" not in out + err
    assert cli("queue", "list", "--user", "off", "--passphrase-file", str(pfile))[0] == 4  # old passphrase

    hub = generate_hub_keys()
    from fieldkit.security import keystore
    store_hub_keys(data_dir, hub_url="http://h", signing_public_key=hub[3], hpke_public_keys={"x25519": hub[1]},
                   signer=keystore.unlock(data_dir, "tech", "tech-pass-123"))
    from fieldkit.enrolment.service import EnrolmentService
    with EnrolmentService(data_dir) as svc:
        off = svc.unlock("off", "off-pass-456")
        a = off.save_draft({"full_name": "Hoàng Văn Tú"}, {"face.jpg": b"jpg"})
        b = off.save_draft({"full_name": "Mùa Thị Sua"}, {})
        off.submit_for_review(a.record_id)
        off.submit_for_review(b.record_id)

    code, out, _ = cli("queue", "list", "--json", "--search", "hoang", passphrase="sup-pass-123")
    assert code == 0 and [r["name"] for r in json.loads(out)] == ["Hoàng Văn Tú"]
    code, out, _ = cli("queue", "show", a.record_id, "--json", passphrase="sup-pass-123")
    assert json.loads(out)["blobs"] == {"face.jpg": 3}
    assert cli("queue", "approve", a.record_id, "--user", "off", passphrase="off-pass-456")[0] == 5  # not allowed
    code, out, _ = cli("queue", "approve", a.record_id, "--json", passphrase="sup-pass-123")
    assert code == 0 and json.loads(out)["status"] == "sealed"
    code, out, _ = cli("queue", "reject", b.record_id, "--reason", "duplicate", passphrase="sup-pass-123")
    assert code == 0 and "rejected" in out
    assert cli("queue", "approve", b.record_id, passphrase="sup-pass-123")[0] == 1  # illegal transition
    code, out, _ = cli("audit", "verify", "--json")
    assert code == 0 and json.loads(out)["ok"]

    assert cli("wipe", "--yes", "--user", "off", passphrase="off-pass-456")[0] == 5  # officers cannot wipe
    assert cli("wipe", "--yes", passphrase="sup-pass-123")[0] == 0
    for argv in (("queue", "list"), ("audit", "verify"), ("user", "list")):
        code, _, err = cli(*argv, passphrase="sup-pass-123")
        assert code == 3 and "wiped" in err and "fieldkit init" in err
    assert cli("init", "--user", "tech2", passphrase="another-pass-1")[0] == 0  # re-initialised


def test_no_passphrase_and_no_terminal(cli):
    cli("init", "--user", "tech", passphrase="tech-pass-123")
    code, _, err = cli("queue", "list")
    assert code == 4 and "FIELDKIT_PASSPHRASE" in err


def test_not_initialised(cli):
    code, _, err = cli("queue", "list", passphrase="whatever-1")
    assert code == 3 and "not initialised" in err


def test_audit_verify_exit_code_on_tamper(cli, data_dir):
    import sqlite3
    cli("init", "--user", "tech", passphrase="tech-pass-123")
    cli("user", "add", "sup", "--role", "supervisor", passphrase="tech-pass-123", new="sup-pass-123")
    conn = sqlite3.connect(data_dir / "fieldkit.db")
    conn.execute("UPDATE audit_log SET action = 'capture' WHERE seq = 2")
    conn.commit()
    conn.close()
    code, out, _ = cli("audit", "verify")
    assert code == 1 and "seq 2" in out


def test_doctor_shows_key_state(cli):
    cli("init", "--user", "tech", passphrase="tech-pass-123")
    code, out, _ = cli("doctor")
    assert "== Keys" in out and "1 technician" in out and "hub not provisioned" in out
