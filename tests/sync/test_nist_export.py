"""`fieldkit-hub export --format nist`: every file read back field by field with a reader written here.

The reader below shares no code with sync/hub/nist: it walks the bytes by the standard's rules (ANSI/NIST-ITL
1-2011 traditional encoding: `T.FFF:value`, GS between fields, RS between subfields, US between items, FS
closing a record, LEN = the record's byte count, binary data in field 999 last) and checks each rule it
relies on, so a writer bug shows up as a failed assertion here, not as a matching misreading.
"""

from __future__ import annotations

import io
import os
import re
import stat
import uuid

import numpy as np
import pytest
from PIL import Image

from fieldkit.domain.captures import Captures, FingerSlot
from fieldkit.domain.fingers import Finger, FingerStatus, Slap
from fieldkit.domain.record import Demographics, EnrolmentRecord, Guardian, Residence, Session, Sex
from fieldkit.domain.dates import PartialDate
from fieldkit.packets.seal import SealInput, seal_packet
from sync.hub.keys import load_or_create_hub_keys
from sync.hub.open_storage import open_storage
from sync.hub.service import HubService
from sync.hub.verify import EnvelopeVerifier
from sync.hub_cli import main as hub_main
from tests.sync.conftest import Kit

FS, GS, RS, US = 0x1C, 0x1D, 0x1E, 0x1F
TAG = re.compile(rb"^(\d+)\.(\d{3,}):")


# ------------------------------------------------------------------------------------- the independent reader
def read_transaction(data: bytes) -> list[dict]:
    """[{type, fields: {number: raw bytes}, data: bytes|None, order: [numbers]}] for every record in a file."""
    records, pos = [], 0
    while pos < len(data):
        head = TAG.match(data[pos:pos + 16])
        assert head, f"record at byte {pos} does not start with a tag"
        rtype, number = int(head.group(1)), int(head.group(2))
        assert number == 1, f"first field of the record at {pos} is {rtype}.{number:03d}, not LEN"
        end_len = data.index(bytes([GS]), pos)
        length = int(data[pos + head.end():end_len].decode("ascii"))
        raw = data[pos:pos + length]
        assert len(raw) == length, "record shorter than its LEN"
        assert raw[-1] == FS, f"Type-{rtype} record does not end with FS where LEN says"
        records.append(_read_fields(rtype, raw[:-1]))
        pos += length
    return records


def _read_fields(rtype: int, body: bytes) -> dict:
    fields, order, image, pos = {}, [], None, 0
    while pos < len(body):
        colon = body.index(b":", pos)
        t, n = body[pos:colon].decode("ascii").split(".")
        assert int(t) == rtype and len(n) >= 3, f"tag {body[pos:colon]!r} in a Type-{rtype} record"
        number = int(n)
        if number == 999:
            image = body[colon + 1:]
            order.append(number)
            break  # binary data runs to the end of the record
        end = body.find(bytes([GS]), colon)
        end = len(body) if end < 0 else end
        value = body[colon + 1:end]
        assert FS not in value and value, f"{rtype}.{number:03d} empty or holds FS"
        fields[number] = value
        order.append(number)
        pos = end + 1
    assert order == sorted(order), f"Type-{rtype} fields out of order: {order}"
    return {"type": rtype, "fields": fields, "data": image, "order": order}


def items(value: bytes, encoding: str = "ascii") -> list[list[str]]:
    return [[i.decode(encoding) for i in sub.split(bytes([US]))] for sub in value.split(bytes([RS]))]


def text(record: dict, number: int, encoding: str = "ascii") -> str:
    return record["fields"][number].decode(encoding)


# -------------------------------------------------------------------------------------------- synthetic people
def wsq_bytes(width: int, height: int, seed: int) -> bytes:
    import wsq  # noqa: F401  (registers the WSQ plugin with Pillow)

    rng = np.random.default_rng(seed)
    ridges = (np.sin(np.arange(width)[None, :] / 3.0 + np.arange(height)[:, None] / 7.0) * 60 + 128
              + rng.normal(0, 10, (height, width)))
    buf = io.BytesIO()
    Image.fromarray(np.clip(ridges, 0, 255).astype(np.uint8), "L").save(buf, "WSQ")
    return buf.getvalue()


def face_bytes(kind: str) -> bytes:
    rng = np.random.default_rng(7)
    img = Image.fromarray(rng.integers(0, 255, (120, 96, 3), dtype=np.uint8), "RGB")
    buf = io.BytesIO()
    if kind == "jp2":
        img.save(buf, "JPEG2000", irreversible=False)
    else:
        img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def adult(exceptions: dict[Finger, FingerStatus], face: str = "jp2") -> tuple[EnrolmentRecord, dict[str, bytes]]:
    caps, blobs = Captures(), {}
    name = f"face.{face}"
    blobs[name] = face_bytes(face)
    caps.face.image_ref = name
    for slap in Slap:
        present = [f for f in slap.fingers if f not in exceptions]
        for f in slap.fingers:
            caps.slaps[slap].fingers[f] = (FingerSlot(exceptions[f], "synthetic reason") if f in exceptions
                                           else FingerSlot(FingerStatus.CAPTURED, "", None, 60.0, 1))
        if present:
            ref = f"print/slap/{slap.name.lower()}.wsq"
            blobs[ref] = wsq_bytes(320 + 8 * int(slap), 200, int(slap))
            caps.slaps[slap].image_ref = ref
    for finger in Finger:
        if finger in exceptions:
            caps.rolled[finger] = FingerSlot(exceptions[finger], "synthetic reason")
        else:
            ref = f"print/rolled/{finger.name.lower()}.wsq"
            blobs[ref] = wsq_bytes(200 + int(finger), 240, 100 + int(finger))
            caps.rolled[finger] = FingerSlot(FingerStatus.CAPTURED, "", ref, 55.0, 1)
    record = EnrolmentRecord(
        demographics=Demographics(birth_name="Hoàng Thị Ngọc Ánh", other_names=["Mai"], personal_id="001199012345",
                                  date_of_birth=PartialDate.parse("1999-03"), sex=Sex.FEMALE, ethnicity="Tày",
                                  religion="Không", birth_registration_province="Cao Bằng",
                                  residence=Residence("Cao Bằng", "Xã Quảng Uyên", "Thôn Bản Chang"),
                                  hometown="Cao Bằng"),
        captures=caps, session=Session("Xã Quảng Uyên", "Bản Chang", "Đội 3", "officer1"))
    return record, blobs


def infant() -> tuple[EnrolmentRecord, dict[str, bytes]]:
    record = EnrolmentRecord(
        demographics=Demographics(birth_name="Lò Văn Bé", date_of_birth=PartialDate.parse("2024-05-02"),
                                  sex=Sex.MALE, ethnicity="Thái", religion="Không",
                                  residence=Residence("Sơn La", "Xã Chiềng Sơn", "Bản Mòng"),
                                  guardian=Guardian("Lò Thị Mẹ", "014190000111", "mẹ")),
        session=Session("Xã Chiềng Sơn", "Bản Mòng", "Đội 1", "officer2"))
    return record, {}


def seal(kit: Kit, record: EnrolmentRecord, blobs: dict[str, bytes]) -> str:
    content = SealInput(str(record.record_id), 1, record.to_dict(), blobs, {}, [{"seq": 1, "action": "seal"}])
    packet_id, data = seal_packet(content, kit.signers, kit.hub_keys.hpke_public["x25519"], "x25519")
    kit.outbox.add(packet_id, data)
    return packet_id


# ------------------------------------------------------------------------------------------------------ tests
@pytest.fixture
def hub_with_enrolments(tmp_path):
    """A hub data directory (SQLite) holding three received enrolments, and what each should export."""
    data = tmp_path / "hub"
    keys = load_or_create_hub_keys(data)
    storage = open_storage(data)
    storage.set_meta_once("hub_id", keys.hub_id)
    service = HubService(storage, keys, EnvelopeVerifier(keys.hpke_private))
    kit = Kit(keys)
    from sync.hub.service import token_hash

    token = service.issue_token()
    storage.enrol_kit(token_hash(token), kit.kit_id, kit.identity.public_key_bytes(), service.now(),
                      kit.supervisors)
    kit_record = storage.get_kit(kit.kit_id)
    cases = {}
    for label, (record, blobs) in {
        "full": adult({}),
        "exceptions": adult({Finger.RIGHT_LITTLE: FingerStatus.MISSING, Finger.LEFT_THUMB: FingerStatus.BANDAGED,
                             Finger.RIGHT_THUMB: FingerStatus.UNABLE}, face="jpg"),
        "infant": infant(),
    }.items():
        packet_id = seal(kit, record, blobs)
        receipt = service.ingest(kit_record, packet_id, kit.outbox.packets[packet_id].data, "network")
        assert receipt["receipt"]["status"] == "received"
        cases[label] = (packet_id, record, blobs)
    storage.close()
    return data, kit, cases


def run_export(capsys, data, out):
    code = hub_main(["export", "--data", str(data), "--out", str(out), "--format", "nist", "--ori", "VN0100000"])
    return code, *capsys.readouterr()


def test_every_transaction_reads_back_field_by_field(hub_with_enrolments, tmp_path, capsys):
    data, kit, cases = hub_with_enrolments
    out = tmp_path / "afis"
    code, stdout, _ = run_export(capsys, data, out)
    assert code == 0 and "exported 3 packet(s)" in stdout
    # One folder per kit, as in the default export: packet ids are unique within one kit only.
    assert [p.name for p in out.iterdir()] == [kit.kit_id]
    kit_out = out / kit.kit_id
    assert sorted(p.name for p in kit_out.iterdir()) == sorted(f"{c[0]}.an2" for c in cases.values())
    assert stat.S_IMODE(kit_out.stat().st_mode) == 0o700
    for packet_id, record, blobs in cases.values():
        path = kit_out / f"{packet_id}.an2"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        records = read_transaction(path.read_bytes())
        check_type1(records, packet_id)
        check_type2(records[1], record, kit.kit_id, packet_id)
        check_images(records, record, blobs)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700


def check_type1(records: list[dict], packet_id: str) -> None:
    t1 = records[0]
    assert t1["type"] == 1 and t1["data"] is None
    for number, value in t1["fields"].items():
        assert value.isascii(), f"1.{number:03d} is not ASCII"
    assert text(t1, 2) == "0500"  # ANSI/NIST-ITL 1-2011
    cnt = items(t1["fields"][3])
    assert cnt[0] == ["1", str(len(records) - 1)]
    assert [(int(t), int(idc)) for t, idc in cnt[1:]] == [(r["type"], int(text(r, 2))) for r in records[1:]]
    assert len({int(text(r, 2)) for r in records[1:]}) == len(records) - 1, "IDCs are not unique"
    assert text(t1, 9) == packet_id and text(t1, 8) == "VN0100000" and text(t1, 7) == "AFIS"
    assert re.fullmatch(r"\d{8}", text(t1, 5)) and re.fullmatch(r"\d{14}Z", text(t1, 14))
    assert items(t1["fields"][15]) == [["3", "UTF-8"]]  # Type-2 text is UTF-8
    assert {1, 2, 3, 4, 5, 7, 8, 9, 11, 12} <= set(t1["fields"]) | {1}


def check_type2(t2: dict, record: EnrolmentRecord, kit_id: str, packet_id: str) -> None:
    d = record.demographics
    assert t2["type"] == 2 and t2["data"] is None
    assert text(t2, 18, "utf-8") == d.birth_name  # Vietnamese diacritics survive as UTF-8
    assert text(t2, 24) == {"male": "M", "female": "F"}[d.sex.value]
    iso = d.date_of_birth.isoformat().replace("-", "")
    assert text(t2, 22) == iso.ljust(8, "0")
    assert items(t2["fields"][41], "utf-8") == [[d.residence.province, d.residence.commune, d.residence.street]]
    assert items(t2["fields"][901]) == [[str(record.record_id), "1"]]
    assert items(t2["fields"][909])[0][:2] == [kit_id, packet_id]
    if d.guardian:
        assert items(t2["fields"][907], "utf-8") == [[d.guardian.name, d.guardian.personal_id, "mẹ"]]


def check_images(records: list[dict], record: EnrolmentRecord, blobs: dict[str, bytes]) -> None:
    images = records[2:]
    caps = record.captures
    if not blobs:  # the infant: Type-1 and Type-2 only, and no finger exceptions claimed
        assert [r["type"] for r in records] == [1, 2]
        assert 84 not in records[1]["fields"]
        return
    excepted = {f: s for f, s in caps.rolled.items() if s.status is not FingerStatus.CAPTURED}
    faces = [r for r in images if r["type"] == 10]
    assert len(faces) == 1
    face = faces[0]
    assert face["order"][-1] == 999 and face["data"] == blobs[caps.face.image_ref]
    with Image.open(io.BytesIO(face["data"])) as img:
        assert (int(text(face, 6)), int(text(face, 7))) == img.size
        expected_cga = {"JPEG": "JPEGB", "JPEG2000": "JP2L"}[img.format]  # the jp2 faces here are lossless
    assert text(face, 3) == "FACE" and text(face, 11) == expected_cga and text(face, 20) == "F"
    prints = [r for r in images if r["type"] == 14]
    by_position = {int(text(r, 13)): r for r in prints}
    assert len(by_position) == len(prints)
    expected_rolled = {int(f) for f in Finger if f not in excepted}
    expected_slaps = {int(s) for s in Slap if any(f not in excepted for f in s.fingers)}
    assert set(by_position) == expected_rolled | expected_slaps
    for position, r in by_position.items():
        assert r["order"][-1] == 999 and text(r, 11) == "WSQ20" and text(r, 12) == "8"
        assert text(r, 8) == "1" and text(r, 9) == "500" and text(r, 10) == "500"
        assert text(r, 3) == ("1" if position <= 10 else "0")  # rolled live-scan / plain live-scan
        ref = caps.rolled[Finger(position)].image_ref if position <= 10 else caps.slaps[Slap(position)].image_ref
        assert r["data"] == blobs[ref]
        with Image.open(io.BytesIO(r["data"])) as img:  # decoded by the wsq plugin, not the writer
            img.load()
            assert (int(text(r, 6)), int(text(r, 7))) == img.size
    codes = {FingerStatus.MISSING: "XX", FingerStatus.BANDAGED: "UP", FingerStatus.UNABLE: "UP",
             FingerStatus.INJURED: "UP"}
    want = sorted([str(int(f)), codes[s.status]] for f, s in excepted.items())
    if excepted:
        assert sorted(items(records[1]["fields"][84])) == want
        for slap in Slap:
            in_slap = sorted([str(int(f)), codes[excepted[f].status]] for f in slap.fingers if f in excepted)
            if int(slap) in by_position:
                amp = by_position[int(slap)]["fields"].get(18)
                assert (sorted(items(amp)) if amp else []) == in_slap
    else:
        assert 84 not in records[1]["fields"]
        assert all(18 not in r["fields"] for r in prints)


def test_exceptions_case_really_has_exceptions(hub_with_enrolments):
    """Guard for the round trip above: the exceptions enrolment must exercise AMP in Type-2 and a slap."""
    _, _, cases = hub_with_enrolments
    _, record, _ = cases["exceptions"]
    statuses = {s.status for s in record.captures.rolled.values()}
    assert {FingerStatus.MISSING, FingerStatus.BANDAGED, FingerStatus.UNABLE} <= statuses


def test_export_again_keeps_files_and_reports_them(hub_with_enrolments, tmp_path, capsys):
    data, _, cases = hub_with_enrolments
    out = tmp_path / "afis"
    assert run_export(capsys, data, out)[0] == 0
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, stdout, _ = run_export(capsys, data, out)
    assert code == 0 and "exported 0 packet(s)" in stdout and "3 already there" in stdout
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert len(before) == 3 and not [p for p in out.rglob("*") if p.name.startswith(".")]


def test_default_export_format_is_unchanged(hub_with_enrolments, tmp_path, capsys):
    data, kit, cases = hub_with_enrolments
    out = tmp_path / "dirs"
    assert hub_main(["export", "--data", str(data), "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / kit.kit_id).iterdir()) == sorted(c[0] for c in cases.values())
    assert all((out / kit.kit_id / c[0] / "record.json").exists() for c in cases.values())


def test_a_packet_that_is_not_an_enrolment_record_fails_clearly(tmp_path, capsys):
    """A packet whose record cannot be read is reported failed (exit 1); the others still export."""
    data = tmp_path / "hub"
    keys = load_or_create_hub_keys(data)
    storage = open_storage(data)
    service = HubService(storage, keys, EnvelopeVerifier(keys.hpke_private))
    kit = Kit(keys)
    from sync.hub.service import token_hash

    token = service.issue_token()
    storage.enrol_kit(token_hash(token), kit.kit_id, kit.identity.public_key_bytes(), service.now(),
                      kit.supervisors)
    packet_id, raw = kit.seal()  # the fixture's free-form record, not an EnrolmentRecord
    service.ingest(storage.get_kit(kit.kit_id), packet_id, raw, "network")
    storage.set_meta_once("hub_id", keys.hub_id)
    storage.close()
    out = tmp_path / "afis"
    code, stdout, stderr = run_export(capsys, data, out)
    assert code == 1 and f"failed {packet_id}" in stderr
    assert list(out.iterdir()) == []


def test_separator_bytes_in_a_name_are_refused_not_written():
    from sync.hub.nist.encoding import NistEncodingError, Record, encode_record

    with pytest.raises(NistEncodingError):
        encode_record(Record(2).set(2, "00").set(18, "Nguyễn\x1eVăn"))
    with pytest.raises(NistEncodingError):
        encode_record(Record(1).set(2, "0500").set(8, "Sở Công an"))  # Type-1 is ASCII only
