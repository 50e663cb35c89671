"""Validation rules: stable codes, severities, field paths, vi/en messages, age rules on partial dates."""

import unicodedata
from datetime import date

import pytest

from fieldkit.domain.captures import Captures, FingerSlot
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.fingers import Finger, FingerStatus, Slap
from fieldkit.domain.messages import MESSAGES
from fieldkit.domain.record import Guardian, Residence
from fieldkit.domain.status import Status
from fieldkit.domain.validation import has_errors, validate, validate_dict

from .helpers import adult, child

TODAY = date(2026, 11, 23)


def codes(record, severity=None):
    return [i.code for i in validate(record, today=TODAY) if severity is None or i.severity == severity]


def test_the_reference_adult_is_clean():
    assert validate(adult(), today=TODAY) == []


def test_every_code_has_both_messages_with_diacritics():
    for code, (severity, vi, en) in MESSAGES.items():
        assert severity in ("error", "warning") and vi and en, code
        assert unicodedata.is_normalized("NFC", vi)
    assert any(ch in "ăâđêôơư" for ch in "".join(vi for _, vi, _ in MESSAGES.values()))


@pytest.mark.parametrize("change,code,field", [
    ({"birth_name": ""}, "name.required", "demographics.birth_name"),
    ({"birth_name": "Trần Văn B1nh"}, "name.bad_characters", "demographics.birth_name"),
    ({"other_names": ["ok", "x$"]}, "name.bad_characters", "demographics.other_names[1]"),
    ({"personal_id": "05109001234"}, "id.format", "demographics.personal_id"),
    ({"cmnd": "12345"}, "cmnd.format", "demographics.cmnd"),
    ({"date_of_birth": None}, "dob.required", "demographics.date_of_birth"),
    ({"date_of_birth": PartialDate(2027)}, "dob.future", "demographics.date_of_birth"),
    ({"sex": None}, "sex.required", "demographics.sex"),
    ({"ethnicity": ""}, "ethnicity.required", "demographics.ethnicity"),
    ({"nationality": ""}, "nationality.required", "demographics.nationality"),
    ({"birth_registration_province": ""}, "birth_registration.required",
     "demographics.birth_registration_province"),
    ({"residence": Residence("Quảng Ngãi", "")}, "residence.required", "demographics.residence.commune"),
    ({"residence": Residence("Kon Tum", "Xã Đăk Mar")}, "residence.unknown_province", "demographics.residence.province"),
    ({"residence": Residence("Quảng Ngãi", "Phường Hoàn Kiếm")}, "residence.unknown_commune",
     "demographics.residence.commune"),
    ({"residence": Residence("Quảng Ngãi", "ba to")}, "residence.ambiguous_commune", "demographics.residence.commune"),
    ({"phone": "0228384512"}, "phone.format", "demographics.phone"),
    ({"phone": "090512345"}, "phone.format", "demographics.phone"),
])
def test_errors(change, code, field):
    issues = [i for i in validate(adult(**change), today=TODAY) if i.code == code]
    assert issues and issues[0].severity == "error" and issues[0].field == field
    assert issues[0].message_vi != issues[0].message_en


@pytest.mark.parametrize("change,code", [
    ({"personal_id": "051290012345"}, "id.century_mismatch"),
    ({"personal_id": "051091012345"}, "id.year_mismatch"),
    ({"personal_id": "051190012345"}, "id.sex_mismatch"),
    ({"personal_id": "003090012345"}, "id.unknown_province"),
    ({"date_of_birth": PartialDate(1890), "personal_id": None}, "dob.too_old"),
    ({"ethnicity": "Klingon"}, "ethnicity.unknown"),
    ({"religion": ""}, "religion.missing"),
    ({"hometown": ""}, "hometown.missing"),
    ({"birth_registration_province": "Mordor"}, "birth_registration.unknown_province"),
    ({"birth_name": "Tra\u0302\u0300n  Văn Bình"}, "name.not_normalized"),
])
def test_warnings_do_not_block(change, code):
    issues = validate(adult(**change), today=TODAY)
    assert [i.code for i in issues] == [code] and not has_errors(issues)


@pytest.mark.parametrize("text", ["0905123456", "090 512 3456", "+84905123456", "+84 905.123.456", "0387654321"])
def test_mobile_numbers_accepted(text):
    assert codes(adult(phone=text)) == []


@pytest.mark.parametrize("ethnicity", ["Ê Đê", "Ê-đê", "ede", "Xơ Đăng", "Khơ-me", "H'Mông", "Ba Na", "Gia Rai"])
def test_ethnic_group_spellings(ethnicity):
    assert codes(adult(ethnicity=ethnicity)) == []


def test_old_province_names_are_fine_for_birth_registration():
    assert codes(adult(birth_registration_province="Kon Tum")) == []


def test_under_14_needs_a_guardian():
    assert codes(child(2016, guardian=False)) == ["guardian.required"]
    assert codes(child(2016)) == []
    assert codes(child(2012, 11, 23, guardian=False)) == []  # 14 today


def test_guardian_rule_on_a_year_only_date_is_a_warning():
    r = child(2012, guardian=False)
    r.demographics.date_of_birth = PartialDate(2012)  # 13 or 14 on TODAY
    assert codes(r) == ["guardian.age_uncertain"]


def test_guardian_must_be_complete():
    r = child(2016)
    r.demographics.guardian = Guardian("", "123", "")
    assert sorted(codes(r, "error")) == ["guardian.id_format", "guardian.incomplete", "guardian.incomplete"]


def test_under_six_takes_no_biometrics():
    r = child(2022)
    assert codes(r) == ["biometrics.under_six"]
    r.captures = Captures()
    assert codes(r) == []                                    # and missing fingers are fine


def test_biometric_age_uncertain_from_a_partial_date():
    r = child(2020)
    r.demographics.date_of_birth = PartialDate(2020)         # 5 or 6 on TODAY
    r.captures = Captures()
    assert codes(r) == ["biometrics.age_uncertain"]


def test_captures_complete_once_captured():
    r = adult()
    r.captures.face.image_ref = None
    r.captures.rolled[Finger.LEFT_RING] = FingerSlot()
    r.captures.slaps[Slap.TWO_THUMBS].image_ref = None
    assert codes(r, "error") == ["face.missing", "slap.not_done", "finger.not_done"]
    assert next(i for i in validate(r, today=TODAY) if i.code == "finger.not_done").field == "captures.rolled.left_ring"
    r.status = Status.DRAFT
    assert codes(r) == ["captures.incomplete"]


def test_finger_exceptions_need_a_reason():
    r = adult()
    r.captures.rolled[Finger.RIGHT_INDEX] = FingerSlot(FingerStatus.BANDAGED)
    issues = validate(r, today=TODAY)
    assert [(i.code, i.field) for i in issues] == [("finger.reason_required", "captures.rolled.right_index")]
    assert "trỏ phải" in issues[0].message_vi and "right index finger" in issues[0].message_en
    r.captures.rolled[Finger.RIGHT_INDEX].reason = "băng bó sau tai nạn"
    assert codes(r) == []


def test_a_missing_finger_cannot_also_be_printed():
    r = adult()
    r.captures.rolled[Finger.LEFT_LITTLE] = FingerSlot(FingerStatus.MISSING, "cụt ngón")
    r.captures.slaps[Slap.LEFT_FOUR].fingers[Finger.LEFT_LITTLE] = FingerSlot(FingerStatus.CAPTURED)
    assert codes(r) == ["finger.inconsistent"]


def test_no_printable_finger_goes_to_the_supervisor():
    r = adult()
    for finger in Finger:
        r.captures.rolled[finger] = FingerSlot(FingerStatus.UNABLE, "mòn vân tay")
    for slap in Slap:
        r.captures.slaps[slap].image_ref = None
        for finger in slap.fingers:
            r.captures.slaps[slap].fingers[finger] = FingerSlot(FingerStatus.UNABLE, "mòn vân tay")
    assert codes(r) == ["fingers.none_captured"]


def test_captured_finger_needs_an_image():
    r = adult()
    r.captures.rolled[Finger.LEFT_THUMB].image_ref = None
    assert codes(r) == ["finger.no_image"]


def test_session_and_gps():
    r = adult()
    r.session.officer = ""
    r.session.team = ""
    issues = validate(r, today=TODAY)
    assert [i.code for i in issues] == ["session.incomplete"] and "team, officer" in issues[0].message_en
    from fieldkit.domain.record import Gps
    r = adult()
    r.session.gps = Gps(123.0, 10.0)
    assert codes(r) == ["session.gps_range"]


def test_errors_come_before_warnings():
    issues = validate(adult(religion="", birth_name=""), today=TODAY)
    assert [i.severity for i in issues] == ["error", "warning"]


def test_validate_dict_reports_unreadable_records_as_issues():
    d = adult().to_dict()
    d["demographics"]["date_of_birth"] = "1990-02-30"
    [issue] = validate_dict(d, today=TODAY)
    assert (issue.code, issue.field) == ("dob.impossible", "demographics.date_of_birth")
    assert "30/02/1990" in issue.message_en
    [issue] = validate_dict({"format_version": 1}, today=TODAY)
    assert issue.code == "record.format" and issue.to_dict()["severity"] == "error"
