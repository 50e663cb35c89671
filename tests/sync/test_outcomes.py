"""Downstream verdicts hub -> kit: `fieldkit-hub outcome` / CSV, delivered by the sync pass and by USB,
checked on the kit (forged, foreign, tampered or replayed outcomes refused), and the return-trip list."""

from __future__ import annotations

import base64
import json

import pytest

from fieldkit.domain.dates import PartialDate
from fieldkit.domain.record import Demographics, EnrolmentRecord, Residence, Session, Sex
from tests.sync.test_cli import hub_cli, hub_db, hub_process, kit_cli  # noqa: F401  (fixtures)

PEOPLE = [  # (name, village, household)
    ("Hoàng Văn Một", "Bản Chang", "Nhà số 3"),
    ("Nông Thị Hai", "Bản Chang", "Nhà số 7"),
    ("Lò Văn Ba", "Bản Mòng", "Nhà số 1"),
]


def enrol_and_approve(data_dir, name: str, village: str, household: str) -> str:
    from fieldkit.enrolment.service import EnrolmentService

    record = EnrolmentRecord(
        demographics=Demographics(birth_name=name, date_of_birth=PartialDate.parse("1980"), sex=Sex.MALE,
                                  residence=Residence("Cao Bằng", "Xã Quảng Uyên", household)),
        session=Session("Xã Quảng Uyên", village, "Đội 3", "off"))
    with EnrolmentService(data_dir) as svc:
        officer = svc.unlock("off", "off-pass-123")
        ref = officer.save_draft(record.to_dict(), {})
        officer.submit_for_review(ref.record_id)
        supervisor = svc.unlock("sup", "sup-pass-123")
        supervisor.approve(ref.record_id)
        return svc.store.reader().execute("SELECT packet_id FROM packets WHERE record_id = ?",
                                          (ref.record_id,)).fetchone()[0]


@pytest.fixture
def provisioned(kit_cli, hub_process, data_dir, capsys):  # noqa: F811
    assert kit_cli("init", "--user", "tech", passphrase="tech-pass-123")[0] == 0
    assert kit_cli("user", "add", "sup", "--role", "supervisor", passphrase="tech-pass-123", new="sup-pass-123")[0] == 0
    assert kit_cli("user", "add", "off", "--role", "officer", passphrase="tech-pass-123", new="off-pass-123")[0] == 0
    _, token, _ = hub_cli(capsys, "token", *hub_process["args"])
    # `--token=T`: a url-safe token may start with "-", which argparse would take for an option
    assert kit_cli("provision", "--hub", hub_process["url"], f"--token={token.strip()}", passphrase="tech-pass-123")[0] == 0
    packets = [enrol_and_approve(data_dir, *p) for p in PEOPLE]
    return packets


def revisit_list(kit_cli):  # noqa: F811
    code, out, err = kit_cli("revisit", "list", "--json", passphrase="off-pass-123")
    assert code == 0, err
    return json.loads(out)


def names(groups) -> list[str]:
    return sorted(p["name"] for g in groups for h in g["households"] for p in h["people"])


def test_verdicts_reach_the_kit_on_its_next_sync_and_make_the_return_trip_list(
        provisioned, kit_cli, hub_process, data_dir, tmp_path, capsys):  # noqa: F811
    one, two, three = provisioned
    code, out, err = kit_cli("sync", "--once", "--json", passphrase="tech-pass-123")
    assert code == 0 and json.loads(out)["delivered_total"] == 3, out + err
    assert hub_cli(capsys, "outcome", one, "--status", "recapture", "--reason", "poor prints", *hub_process["args"])[0] == 0
    assert hub_cli(capsys, "outcome", two, "--status", "accepted", *hub_process["args"])[0] == 0
    verdicts = tmp_path / "verdicts.csv"
    verdicts.write_text(f"packet_id,status,reason\n{three},recapture,duplicate of another person\n", encoding="utf-8")
    code, out, _ = hub_cli(capsys, "outcome", "--csv", str(verdicts), *hub_process["args"])
    assert code == 0 and "1 outcome(s) recorded" in out
    assert revisit_list(kit_cli) == []  # nothing until the kit syncs

    assert kit_cli("sync", "--once", "--json", passphrase="tech-pass-123")[0] == 0
    groups = revisit_list(kit_cli)
    assert [(g["village"], [h["household"] for h in g["households"]]) for g in groups] == [
        ("Bản Chang", ["Nhà số 3"]), ("Bản Mòng", ["Nhà số 1"])]
    person = groups[0]["households"][0]["people"][0]
    assert (person["name"], person["reason"], person["date_of_birth"]) == ("Hoàng Văn Một", "poor prints", "1980")
    assert groups[1]["households"][0]["people"][0]["reason"] == "duplicate of another person"
    code, text, _ = kit_cli("revisit", "list", passphrase="off-pass-123")
    assert code == 0 and "Return trip: 2 citizen(s)" in text and "[ ] Lò Văn Ba" in text

    # No personal data at rest on the kit: the table holds the person block sealed to the device key.
    from fieldkit.store.store import Store

    with Store(data_dir) as store:
        raw = b"".join(bytes(r[0]) for r in store.reader().execute("SELECT signed FROM kit_outcomes"))
    assert raw and "Hoàng".encode() not in raw and "Nhà số".encode() not in raw

    # A recapture starts a new draft linked to the old record, once.
    code, out, err = kit_cli("revisit", "start", person["outcome_id"], passphrase="off-pass-123")
    assert code == 0, err
    new_id = out.split()[2]
    from fieldkit.enrolment.service import EnrolmentService

    with EnrolmentService(data_dir) as svc:
        view = svc.unlock("off", "off-pass-123").get_record(new_id)
    assert view.status == "draft" and view.record["demographics"]["birth_name"] == "Hoàng Văn Một"
    assert view.capture["recapture_of"]["record_id"] == person["record_id"]
    assert kit_cli("revisit", "start", person["outcome_id"], passphrase="off-pass-123")[0] == 1
    assert revisit_list(kit_cli)[0]["households"][0]["people"][0]["recapture_record_id"] == new_id

    # A later verdict replaces the earlier one: recaptured and accepted, off the list.
    assert hub_cli(capsys, "outcome", one, "--status", "accepted", *hub_process["args"])[0] == 0
    assert kit_cli("sync", "--once", "--json", passphrase="tech-pass-123")[0] == 0
    assert names(revisit_list(kit_cli)) == ["Lò Văn Ba"]


def test_hub_refuses_bad_verdicts_and_a_bad_csv_records_nothing(provisioned, kit_cli, hub_process, tmp_path, capsys):  # noqa: F811
    one = provisioned[0]
    assert kit_cli("sync", "--once", passphrase="tech-pass-123")[0] == 0
    with pytest.raises(SystemExit, match="recapture needs --reason"):
        hub_cli(capsys, "outcome", one, "--status", "recapture", *hub_process["args"])
    with pytest.raises(SystemExit, match="no received packet"):
        hub_cli(capsys, "outcome", "not-a-packet", "--status", "accepted", *hub_process["args"])
    bad = tmp_path / "bad.csv"
    bad.write_text(f"packet_id,status,reason\n{one},accepted,\n{one},approved,\nnope,accepted,\n", encoding="utf-8")
    code, out, err = hub_cli(capsys, "outcome", "--csv", str(bad), *hub_process["args"])
    assert code == 1 and "0 outcome(s) recorded" in out and "line 3" in err and "nope" in err
    assert kit_cli("sync", "--once", passphrase="tech-pass-123")[0] == 0
    assert revisit_list(kit_cli) == []


def test_outcomes_need_a_signed_request(hub_process):  # noqa: F811
    import httpx

    answer = httpx.post(hub_process["url"] + "/v1/outcomes", json={"after": 0})
    assert answer.status_code == 401 and answer.json()["error"] == "unsigned"


def _drive_outcomes(drive, kit_id):
    return sorted((drive / "fieldkit-usb" / kit_id / "outcomes").glob("*.json"))


def test_usb_route_and_crafted_drives(provisioned, kit_cli, hub_process, data_dir, tmp_path, capsys):  # noqa: F811
    from fieldkit.security import keystore
    from sync.hub.keys import generate_hub_keys
    from sync.outcome_format import sign_outcome

    one, two, _ = provisioned
    kit_id = keystore.kit_id(data_dir)
    drive = tmp_path / "usb"
    drive.mkdir()
    assert kit_cli("export", str(drive), passphrase="tech-pass-123")[0] == 0
    assert hub_cli(capsys, "import", str(drive), *hub_process["args"])[0] == 0  # packets in, nothing to say yet
    assert hub_cli(capsys, "outcome", one, "--status", "recapture", "--reason", "data conflict", *hub_process["args"])[0] == 0
    with pytest.raises(SystemExit, match="from kit not-this-kit"):  # --kit names the sender: another kit's is refused
        hub_cli(capsys, "outcome", two, "--kit", "not-this-kit", "--status", "in_production", *hub_process["args"])
    assert hub_cli(capsys, "outcome", two, "--kit", kit_id, "--status", "in_production", *hub_process["args"])[0] == 0
    code, out, _ = hub_cli(capsys, "import", str(drive), *hub_process["args"])
    assert code == 0 and "2 outcome(s) written to the drive" in out
    files = _drive_outcomes(drive, kit_id)
    assert len(files) == 2 and "Hoàng".encode() not in b"".join(f.read_bytes() for f in files)  # sealed on the drive

    crafted = tmp_path / "crafted"
    (crafted / "fieldkit-usb" / kit_id / "outcomes").mkdir(parents=True)
    genuine = json.loads(files[0].read_bytes())
    # 1. tampered: recapture turned into accepted, signature left as it was
    tampered = json.loads(json.dumps(genuine))
    tampered["outcome"]["status"] = "accepted"
    # 2. forged: a well-formed outcome signed by some other hub key
    forged = sign_outcome(dict(genuine["outcome"], seq=50, outcome_id="forged"), generate_hub_keys()).to_json_obj()
    # 3. signature bytes flipped
    flipped = dict(genuine, signature=base64.b64encode(bytes(64)).decode())
    for i, obj in enumerate((tampered, forged, flipped)):
        (crafted / "fieldkit-usb" / kit_id / "outcomes" / f"{90 + i:08d}.json").write_text(json.dumps(obj))
    (crafted / "fieldkit-usb" / kit_id / "outcomes" / "99999999.json").write_text("{not json")
    code, out, _ = kit_cli("revisit", "import", str(crafted), "--json", passphrase="tech-pass-123")
    result = json.loads(out)
    assert code == 1 and result["added"] == [] and len(result["refused"]) == 4
    assert revisit_list(kit_cli) == []

    # The genuine drive: both outcomes taken; again: already held (a replay changes nothing).
    code, out, _ = kit_cli("revisit", "import", str(drive), "--json", passphrase="tech-pass-123")
    assert code == 0 and sorted(json.loads(out)["added"]) == [1, 2]
    code, out, _ = kit_cli("revisit", "import", str(drive), "--json", passphrase="tech-pass-123")
    assert code == 0 and json.loads(out) == {"added": [], "already": [1, 2], "refused": []}
    assert names(revisit_list(kit_cli)) == ["Hoàng Văn Một"]

    # A genuine outcome of seq 2 replayed under seq 1's number (re-signed impossible: the seq is signed) -
    # and a genuinely signed but different outcome reusing a held seq is refused as a conflict.
    keys_file = hub_process["args"][1]
    from sync.hub.keys import load_or_create_hub_keys

    hub_keys = load_or_create_hub_keys(keys_file)
    reuse = sign_outcome(dict(genuine["outcome"], outcome_id="another", status="accepted"), hub_keys).to_json_obj()
    (crafted / "fieldkit-usb" / kit_id / "outcomes").joinpath("00000001.json").write_text(json.dumps(reuse))
    for f in (crafted / "fieldkit-usb" / kit_id / "outcomes").glob("0000009*.json"):
        f.unlink()
    (crafted / "fieldkit-usb" / kit_id / "outcomes" / "99999999.json").unlink()
    code, out, _ = kit_cli("revisit", "import", str(crafted), "--json", passphrase="tech-pass-123")
    assert code == 1 and "differs" in json.loads(out)["refused"][0][1]
    # Another kit's outcome, genuinely signed by our hub, is refused too.
    other = sign_outcome(dict(genuine["outcome"], kit_id="other-kit", seq=7, outcome_id="o7"), hub_keys).to_json_obj()
    (crafted / "fieldkit-usb" / kit_id / "outcomes").joinpath("00000001.json").write_text(json.dumps(other))
    code, out, _ = kit_cli("revisit", "import", str(crafted), "--json", passphrase="tech-pass-123")
    assert code == 1 and "another kit" in json.loads(out)["refused"][0][1]
    assert names(revisit_list(kit_cli)) == ["Hoàng Văn Một"]


def test_sync_pass_refuses_forged_and_foreign_outcomes_from_a_false_hub(tmp_path, kit, hub_keys):
    """A man in the middle (or a false hub) answers the pass's outcome request: only what our hub signed for
    this kit is kept - not another key's outcome, not another kit's, not a status changed after signing."""
    from types import SimpleNamespace

    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from fieldkit.store.outcomes import OutcomeStore
    from fieldkit.store.store import Store
    from sync.client.transport import HubClient
    from sync.client.worker import SyncWorker
    from sync.hub.keys import generate_hub_keys
    from sync.hub.server import HubServer
    from sync.outcome_format import Person, seal_person, sign_outcome

    def body(kit_id, seq, status="recapture"):
        return {"version": 1, "hub_id": hub_keys.hub_id, "kit_id": kit_id, "seq": seq, "outcome_id": f"o{seq}",
                "packet_id": "p", "record_id": "r", "status": status, "reason": "x", "decided_at": "2026-12-04T00:00:00Z",
                "person": seal_person(Person("Ai Đó"), kit.identity.public_key_bytes(), f"o{seq}", kit_id)}

    forged = [sign_outcome(body(kit.kit_id, 1), generate_hub_keys()).to_json_obj(),  # another key
              sign_outcome(body("someone-else", 2), hub_keys).to_json_obj(),          # another kit
              dict(sign_outcome(body(kit.kit_id, 3), hub_keys).to_json_obj(), outcome=body(kit.kit_id, 3, "accepted"))]
    genuine = sign_outcome(body(kit.kit_id, 4), hub_keys).to_json_obj()  # control: the real hub's word is kept

    async def health(request):
        return JSONResponse({"ok": True, "hub_id": hub_keys.hub_id, "protocol": 1})

    async def outcomes(request):
        return JSONResponse({"outcomes": forged + [genuine], "more": False})

    app = Starlette(routes=[Route("/v1/health", health), Route("/v1/outcomes", outcomes, methods=["POST"])])
    with HubServer(app) as server, Store(tmp_path / "kit") as store, HubClient(server.url, kit.identity) as client:
        kit.outbox.queue = SimpleNamespace(store=store)
        result = SyncWorker(client, kit.outbox, hub_keys.signing_public).run_once()
        assert result.reached_hub
        kept = OutcomeStore(store).current()
        assert [(o.seq, o.status) for o in kept] == [(4, "recapture")]
