"""The record's dict form: round trip, format version, errors naming the field, no personal data in repr."""

import json
import uuid

import pytest
from hypothesis import given, strategies as st

from fieldkit.domain.dates import PartialDate
from fieldkit.domain.fingers import Finger, FingerStatus, Slap
from fieldkit.domain.jsonread import RecordFormatError
from fieldkit.domain.record import FORMAT_VERSION, EnrolmentRecord, Guardian

from .helpers import adult


def roundtrip(record):
    return EnrolmentRecord.from_dict(json.loads(json.dumps(record.to_dict(), ensure_ascii=False)))


def test_full_record_round_trips_through_json():
    r = adult(guardian=Guardian("Trần Thị Hoa", None, "mẹ"), other_names=["Bình Em"])
    r.captures.slaps[Slap.LEFT_FOUR].fingers[Finger.LEFT_RING].status = FingerStatus.BANDAGED
    r.captures.slaps[Slap.LEFT_FOUR].fingers[Finger.LEFT_RING].reason = "băng bó"
    back = roundtrip(r)
    assert back == r
    assert back.to_dict()["format_version"] == FORMAT_VERSION


@given(st.sampled_from(["1950", "1950-02", "1950-02-28"]), st.text(alphabet="aăâđêôơưy Ỳ", max_size=20))
def test_round_trip_keeps_partial_dates_and_names(dob, name):
    r = adult(date_of_birth=PartialDate.parse(dob), birth_name=" ".join(name.split()))
    back = roundtrip(r)
    assert back.demographics.date_of_birth.isoformat() == dob
    assert back.demographics.birth_name == r.demographics.birth_name


def test_images_are_references_not_data():
    text = json.dumps(adult().to_dict())
    assert '"image_ref": "blob-face"' in text and "base64" not in text


def test_names_are_read_as_nfc():
    d = adult().to_dict()
    d["demographics"]["birth_name"] = "Tra\u0302\u0300n  Va\u0306n Bi\u0300nh"
    assert EnrolmentRecord.from_dict(d).demographics.birth_name == "Trần Văn Bình"


@pytest.mark.parametrize("path,value,field,code", [
    (["version"], "two", "version", "record.format"),
    (["record_id"], "not-a-uuid", "record_id", "record.format"),
    (["status"], "finished", "status", "record.format"),
    (["format_version"], 99, "format_version", "record.format"),
    (["demographics", "sex"], "M", "demographics.sex", "record.format"),
    (["demographics", "date_of_birth"], "1990-02-30", "demographics.date_of_birth", "dob.impossible"),
    (["demographics", "date_of_birth"], "last spring", "demographics.date_of_birth", "dob.format"),
    (["demographics", "other_names"], ["ok", 5], "demographics.other_names[1]", "record.format"),
    (["demographics", "residence", "commune"], 12, "demographics.residence.commune", "record.format"),
    (["demographics", "birth_nmae"], "x", "demographics.birth_nmae", "record.format"),
    (["captures", "rolled", "right_toe"], {}, "captures.rolled.right_toe", "record.format"),
    (["captures", "rolled", "left_ring", "status"], "lost", "captures.rolled.left_ring.status", "record.format"),
    (["captures", "slaps", "two_thumbs", "fingers", "left_index"], {}, "captures.slaps.two_thumbs.fingers.left_index",
     "record.format"),
    (["session", "gps"], {"lat": "north", "lon": 1}, "session.gps.lat", "record.format"),
    (["created_at"], "yesterday", "created_at", "record.format"),
])
def test_bad_input_names_the_field(path, value, field, code):
    d = adult().to_dict()
    target = d
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(RecordFormatError) as info:
        EnrolmentRecord.from_dict(d)
    assert (info.value.field, info.value.code) == (field, code)
    assert field in str(info.value)


def test_not_an_object_and_missing_sections():
    with pytest.raises(RecordFormatError, match="expected an object"):
        EnrolmentRecord.from_dict([1, 2])
    d = adult().to_dict()
    del d["demographics"]
    with pytest.raises(RecordFormatError, match="demographics: is required"):
        EnrolmentRecord.from_dict(d)


def test_comment_keys_are_ignored():
    d = {"_expect": "nothing", **adult().to_dict()}
    d["demographics"]["_note"] = "comment"
    assert EnrolmentRecord.from_dict(d).demographics.birth_name == "Trần Văn Bình"


def test_repr_never_shows_personal_data():
    r = adult(guardian=Guardian("Lê Thị Guardian", "051190099999", "mẹ"), other_names=["Bí Danh"])
    texts = [repr(r), repr(r.demographics), repr(r.demographics.guardian), repr(r.demographics.residence),
             repr(r.session), str(r)]
    for secret in ("Trần", "Bình", "051090012345", "0905123456", "Lê Thị", "Đăk Mar", "Bí Danh", "canbo.a"):
        assert not any(secret in t for t in texts), secret
    assert str(r.record_id) in repr(r) and isinstance(r.record_id, uuid.UUID)


def test_a_boolean_is_not_a_status_or_a_number():
    d = adult().to_dict()
    d["status"] = True
    with pytest.raises(RecordFormatError, match="status: 'True' is not one of"):
        EnrolmentRecord.from_dict(d)
    d = adult().to_dict()
    d["version"] = True
    with pytest.raises(RecordFormatError, match="version: expected an integer, got true/false"):
        EnrolmentRecord.from_dict(d)
