"""The commands end to end: `fieldkit-hub serve` as a real process, a kit scripted through `fieldkit`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from fieldkit.cli import main as fieldkit_main
from sync.hub_cli import main as hub_main


@pytest.fixture
def hub_db(storage_kind, request):
    """--db for the hub process: nothing (SQLite in --data) or this test's PostgreSQL schema."""
    return [] if storage_kind == "sqlite" else ["--db", request.getfixturevalue("pg_url")]


@pytest.fixture
def hub_process(tmp_path, hub_db):
    data = tmp_path / "hub"
    proc = subprocess.Popen([sys.executable, "-m", "sync.hub_cli", "serve", "--data", str(data), *hub_db,
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    try:
        line = proc.stdout.readline()  # "fieldkit-hub hub-... (sqlite) listening on http://127.0.0.1:PORT"
        assert "listening on" in line, proc.stderr.read() if proc.poll() is not None else line
        yield {"url": line.rsplit(" ", 1)[1].strip(), "args": ["--data", str(data), *hub_db]}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status says how it ended.
    assert proc.returncode in (0, -signal.SIGTERM) and "Finished server process" in log


@pytest.fixture
def kit_cli(data_dir, monkeypatch, capsys):
    from fieldkit.security import crypto

    monkeypatch.setattr(crypto, "DEFAULT_KDF", crypto.FAST_TEST_KDF)

    def run(*argv, passphrase=None, new=None):
        for name, value in (("FIELDKIT_PASSPHRASE", passphrase), ("FIELDKIT_NEW_PASSPHRASE", new)):
            if value:
                monkeypatch.setenv(name, value)
            else:
                monkeypatch.delenv(name, raising=False)
        code = fieldkit_main(["--data", str(data_dir), *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def hub_cli(capsys, *argv):
    code = hub_main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def approve_one(kit_cli, data_dir, name: str) -> str:
    from fieldkit.enrolment.service import EnrolmentService

    with EnrolmentService(data_dir) as svc:
        officer = svc.unlock("off", "off-pass-123")
        ref = officer.save_draft({"full_name": name, "id_number": "001099000123"}, {"face.jpg": b"\xff\xd8face"})
        officer.submit_for_review(ref.record_id)
    code, out, err = kit_cli("queue", "approve", ref.record_id, "--json", passphrase="sup-pass-123")
    assert code == 0, err
    return ref.record_id


def test_kit_and_hub_commands_end_to_end(kit_cli, hub_process, data_dir, tmp_path, capsys):
    assert kit_cli("init", "--user", "tech", passphrase="tech-pass-123")[0] == 0
    assert kit_cli("user", "add", "sup", "--role", "supervisor", passphrase="tech-pass-123", new="sup-pass-123")[0] == 0
    assert kit_cli("user", "add", "off", "--role", "officer", passphrase="tech-pass-123", new="off-pass-123")[0] == 0

    code, token, _ = hub_cli(capsys, "token", *hub_process["args"])
    assert code == 0
    code, out, err = kit_cli("provision", "--hub", hub_process["url"], "--token", token.strip(), "--json",
                             passphrase="tech-pass-123")
    assert code == 0, err
    assert json.loads(out)["hub_url"] == hub_process["url"]
    # The token was single-use.
    assert kit_cli("provision", "--hub", hub_process["url"], "--token", token.strip(),
                   passphrase="tech-pass-123")[0] == 1

    approve_one(kit_cli, data_dir, "Đinh Thị Thử")
    code, out, err = kit_cli("sync", "--once", "--json", passphrase="tech-pass-123")
    assert code == 0, out + err
    status = json.loads(out)
    assert status["queued"] == 0 and status["delivered_total"] == 1 and status["stuck"] == []

    code, out, _ = hub_cli(capsys, "list", "--json", *hub_process["args"])
    listed = json.loads(out)
    assert [r["status"] for r in listed] == ["received"] and listed[0]["route"] == "network"

    # The USB route for the next record, while the hub process keeps running on the same database.
    approve_one(kit_cli, data_dir, "Hà Văn Thử")
    drive = tmp_path / "usb"
    drive.mkdir()
    code, out, _ = kit_cli("export", str(drive), "--json", passphrase="tech-pass-123")
    assert code == 0 and len(json.loads(out)["written"]) == 1
    code, out, _ = hub_cli(capsys, "import", str(drive), "--json", *hub_process["args"])
    assert code == 0 and len(json.loads(out)["kits"][0]["received"]) == 1
    code, out, _ = kit_cli("import-receipts", str(drive), "--json", passphrase="tech-pass-123")
    assert code == 0 and len(json.loads(out)["acknowledged"]) == 1
    code, out, _ = kit_cli("sync", "--once", "--json", passphrase="tech-pass-123")
    assert json.loads(out)["queued"] == 0

    # The downstream export decrypts, with a loud warning, into owner-only files.
    out_dir = tmp_path / "downstream"
    code, out, err = hub_cli(capsys, "export", "--out", str(out_dir), *hub_process["args"])
    assert code == 0 and "PLAINTEXT" in err
    [kit_out] = out_dir.iterdir()  # one folder per kit (packet ids are unique within a kit), one per packet
    names = sorted(json.loads((d / "record.json").read_text())["record"]["full_name"] for d in kit_out.iterdir())
    assert names == ["Hà Văn Thử", "Đinh Thị Thử"]
    assert all((d / "face.jpg").read_bytes() == b"\xff\xd8face" for d in kit_out.iterdir())
    assert oct(out_dir.stat().st_mode & 0o777) == "0o700"
    code, out, _ = hub_cli(capsys, "export", "--out", str(out_dir), *hub_process["args"])
    assert "0 packet(s)" in out and "2 already there" in out


def test_sync_once_without_a_hub_reports_offline(kit_cli, data_dir, tmp_path, monkeypatch):
    import socket

    from fieldkit.security.hub_keys import store_hub_keys
    from sync.hub.keys import generate_hub_keys

    assert kit_cli("init", "--user", "tech", passphrase="tech-pass-123")[0] == 0
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    keys = generate_hub_keys()
    from fieldkit.security import keystore
    store_hub_keys(data_dir, hub_url=f"http://127.0.0.1:{port}", signing_public_key=keys.signing_public,
                   hpke_public_keys=keys.hpke_public, signer=keystore.unlock(data_dir, "tech", "tech-pass-123"))
    code, out, _ = kit_cli("sync", "--once", "--json", passphrase="tech-pass-123")
    status = json.loads(out)
    assert code == 1 and status["state"] == "offline" and "ConnectError" in status["last_error"]
    assert status["last_success_at"] is None


@pytest.mark.parametrize("storage_kind", ["sqlite"])
def test_doctor_shows_hub_queue_and_reachability(kit_cli, hub_process, data_dir, capsys):
    assert kit_cli("init", "--user", "tech", passphrase="tech-pass-123")[0] == 0
    code, out, _ = kit_cli("doctor")
    assert "== Sync" in out and "not provisioned" in out
    _, token, _ = hub_cli(capsys, "token", *hub_process["args"])
    assert kit_cli("provision", "--hub", hub_process["url"], "--token", token.strip(), passphrase="tech-pass-123")[0] == 0
    code, out, _ = kit_cli("doctor")
    assert f"at {hub_process['url']}" in out and "hub reachable now" in out and "queue:" in out


def test_a_packet_the_hub_refuses_is_kept_with_its_signed_receipt_and_listed(kit_cli, hub_process, data_dir,
                                                                              capsys):
    """The kit's hub keys are replaced (and sealed with the kit's own device key, as a mistaken re-provisioning
    would) by a key the hub does not hold. The hub refuses the packet with a signed reason; the kit keeps it (never purged, no longer offered), stores
    the receipt with it, and `fieldkit queue list --status refused --json` shows the hub's reason."""
    from fieldkit.security.hub_keys import load_hub_keys, store_hub_keys
    from sync.hub.keys import generate_hub_keys
    from sync.protocol import parse_signed_receipt

    assert kit_cli("init", "--user", "tech", passphrase="tech-pass-123")[0] == 0
    assert kit_cli("user", "add", "sup", "--role", "supervisor", passphrase="tech-pass-123", new="sup-pass-123")[0] == 0
    assert kit_cli("user", "add", "off", "--role", "officer", passphrase="tech-pass-123", new="off-pass-123")[0] == 0
    code, token, _ = hub_cli(capsys, "token", *hub_process["args"])
    assert kit_cli("provision", "--hub", hub_process["url"], "--token", token.strip(),
                   passphrase="tech-pass-123")[0] == 0
    real = load_hub_keys(data_dir)
    from fieldkit.security import keystore
    store_hub_keys(data_dir, hub_url=real.hub_url, signing_public_key=real.signing_public_key,
                   hpke_public_keys=generate_hub_keys().hpke_public, hub_id=real.hub_id,
                   signer=keystore.unlock(data_dir, "tech", "tech-pass-123"))
    record_id = approve_one(kit_cli, data_dir, "Lê Văn Từ Chối")

    code, out, err = kit_cli("sync", "--once", "--json", passphrase="tech-pass-123")
    status = json.loads(out)
    assert status["queued"] == 0 and status["delivered_total"] == 0
    [stuck] = status["stuck"]
    assert stuck["reason"].startswith("rejected by the hub: decrypt_failed")

    code, out, err = kit_cli("queue", "list", "--status", "refused", "--json", passphrase="sup-pass-123")
    assert code == 0, err
    [refused] = json.loads(out)
    assert refused["record_id"] == record_id and refused["status"] == "refused"
    assert refused["reason"].startswith("decrypt_failed")
    receipt = parse_signed_receipt(refused["hub_receipt"], real.signing_public_key)  # the hub's, verbatim
    assert receipt.receipt.status == "rejected" and receipt.receipt.packet_id == refused["packet_id"]
    # Still on the kit, not offered again: a second pass sends nothing and the packet stays refused.
    code, out, _ = kit_cli("sync", "--once", "--json", passphrase="tech-pass-123")
    assert json.loads(out)["queued"] == 0
    code, out, _ = kit_cli("queue", "list", "--status", "refused", "--json", passphrase="sup-pass-123")
    assert [r["packet_id"] for r in json.loads(out)] == [refused["packet_id"]]
    # The default listing and the other statuses work as before.
    code, out, _ = kit_cli("queue", "list", "--status", "sealed", "--json", passphrase="sup-pass-123")
    assert code == 0 and [r["record_id"] for r in json.loads(out)] == [record_id]
    code, out, _ = kit_cli("doctor", passphrase="tech-pass-123")
    assert "1 refused by the hub" in out
