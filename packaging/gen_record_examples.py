"""Regenerate docs/examples/{good,bad}/*.json: synthetic enrolment records for docs/record-format.md.

    .venv/bin/python packaging/gen_record_examples.py

All people are invented. Each file carries "_about" (what it shows) and, for bad files, "_expect" (the error
codes `fieldkit validate` must report); good files may carry "_expect_warnings". Keys starting with "_" are
ignored by the record reader. tests/domain/test_examples.py validates every file as on EXAMPLES_TODAY.
After changing the record format, rerun this and review the diff.
"""

from __future__ import annotations

import copy
import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fieldkit.domain.captures import Captures, FingerSlot
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.fingers import Finger, FingerStatus, Slap
from fieldkit.domain.record import AuditNote, Demographics, EnrolmentRecord, Gps, Guardian, Residence, Session, Sex
from fieldkit.domain.status import Status

ROOT = Path(__file__).resolve().parents[1] / "docs" / "examples"
EXAMPLES_TODAY = "2026-11-23"  # the tests validate with --today 2026-11-23
ICT = timezone(timedelta(hours=7))
NS = uuid.UUID("6f1c1d2e-0000-4000-8000-000000000000")


def _ref(*parts) -> str:
    """A stable opaque blob id, like the encrypted blob store hands out."""
    return "blob-" + uuid.uuid5(NS, "/".join(map(str, parts))).hex


def full_captures(name: str) -> Captures:
    c = Captures()
    c.face.image_ref, c.face.quality, c.face.tries = _ref(name, "face"), 0.91, 1
    for slap in Slap:
        s = c.slaps[slap]
        s.image_ref, s.quality, s.tries = _ref(name, slap.name), 72, 1
        for finger in slap.fingers:
            s.fingers[finger] = FingerSlot(FingerStatus.CAPTURED, quality=70)
    for finger in Finger:
        c.rolled[finger] = FingerSlot(FingerStatus.CAPTURED, image_ref=_ref(name, finger.name), quality=68, tries=1)
    return c


def session(commune: str, village: str) -> Session:
    return Session(commune=commune, village=village, team="Tổ lưu động số 2", officer="canbo.thao",
                   started_at=datetime(2026, 11, 23, 7, 30, tzinfo=ICT), gps=Gps(14.6253, 107.9871, 12.0))


def record(name: str, demographics: Demographics, status=Status.PENDING_REVIEW, captures: Captures | None = None,
           sess: Session | None = None) -> EnrolmentRecord:
    at = datetime(2026, 11, 23, 9, 0, tzinfo=ICT)
    return EnrolmentRecord(
        record_id=uuid.uuid5(NS, name), version=2, status=status, created_at=at, updated_at=at + timedelta(minutes=14),
        demographics=demographics, captures=captures if captures is not None else full_captures(name),
        session=sess or session("Xã Đăk Mar", "Thôn 3"),
        audit=[AuditNote(at + timedelta(minutes=14), "canbo.thao", "Đã đối chiếu giấy khai sinh bản sao")])


def adult_kinh() -> EnrolmentRecord:
    d = Demographics(
        birth_name="Nguyễn Thị Hoà", other_names=[], personal_id="036188012345", cmnd="162345678",
        date_of_birth=PartialDate(1988, 4, 12), sex=Sex.FEMALE, ethnicity="Kinh", religion="Không",
        nationality="Việt Nam", birth_registration_province="Nam Định",
        residence=Residence("Ninh Bình", "Phường Phủ Lý", "Tổ 5"), hometown="Xã Hải Hậu, Nam Định",
        phone="0912 345 678")
    return record("adult_kinh", d, sess=session("Phường Phủ Lý", "Tổ 5"))


def ede_year_only() -> EnrolmentRecord:
    d = Demographics(
        birth_name="Y Ben Niê", date_of_birth=PartialDate(1975), sex=Sex.MALE, ethnicity="Ê Đê",
        religion="Tin lành", nationality="Việt Nam", birth_registration_province="Đắk Lắk",
        residence=Residence("Đắk Lắk", "Phường Tân An", "Buôn Ko Tam",
                            card_address="Buôn Ko Tam, Xã Ea Tu, Thành phố Buôn Ma Thuột, Tỉnh Đắk Lắk"),
        hometown="Buôn Ko Tam, Đắk Lắk", phone="+84 987 654 321")
    r = record("ede_year_only", d, sess=session("Phường Tân An", "Buôn Ko Tam"))
    # Left little finger lost in an accident: recorded in the slap and the rolled slot, with the reason.
    reason = "Cụt ngón út trái do tai nạn lao động"
    r.captures.slaps[Slap.LEFT_FOUR].fingers[Finger.LEFT_LITTLE] = FingerSlot(FingerStatus.MISSING, reason)
    r.captures.rolled[Finger.LEFT_LITTLE] = FingerSlot(FingerStatus.MISSING, reason)
    return r


def bana_card_converted() -> EnrolmentRecord:
    d = Demographics(
        birth_name="A Vang", personal_id="062092000417", date_of_birth=PartialDate(1992, 6), sex=Sex.MALE,
        ethnicity="Ba Na", religion="Không", nationality="Việt Nam", birth_registration_province="Kon Tum",
        residence=Residence("Quảng Ngãi", "Xã Đăk Mar", "Thôn 3",
                            card_address="Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum"),
        hometown="Xã Đắk Hring, Kon Tum")
    return record("bana_card_converted", d)


def child_with_guardian() -> EnrolmentRecord:
    d = Demographics(
        birth_name="Đinh Thị Mai", date_of_birth=PartialDate(2016, 5, 20), sex=Sex.FEMALE, ethnicity="Xơ Đăng",
        religion="Không", nationality="Việt Nam", birth_registration_province="Kon Tum",
        residence=Residence("Quảng Ngãi", "Xã Đăk Mar", "Thôn 3"), hometown="Xã Đắk Hring, Kon Tum",
        guardian=Guardian("Đinh Văn Hùng", "062185000321", "cha"))
    return record("child_with_guardian", d)


def child_under_six() -> EnrolmentRecord:
    d = Demographics(
        birth_name="Rơ Mah H'Lan", date_of_birth=PartialDate(2022, 8, 1), sex=Sex.FEMALE, ethnicity="Gia Rai",
        religion="Không", nationality="Việt Nam", birth_registration_province="Gia Lai",
        residence=Residence("Gia Lai", "Xã Ia Khươl", "Làng Tung"), hometown="Xã Ia Khươl, Gia Lai",
        guardian=Guardian("Rơ Mah Thin", "064190000555", "mẹ"))
    return record("child_under_six", d, captures=Captures(), sess=session("Xã Ia Khươl", "Làng Tung"))


def draft_in_progress() -> EnrolmentRecord:
    r = adult_kinh()
    r.record_id, r.status, r.captures = uuid.uuid5(NS, "draft"), Status.DRAFT, Captures()
    return r


def id_reissued() -> EnrolmentRecord:
    r = adult_kinh()
    r.record_id = uuid.uuid5(NS, "id_reissued")
    r.demographics.personal_id = "036187012345"  # encodes 1987; the corrected birth certificate says 1988
    return r


GOOD = {
    "adult_kinh_full": (adult_kinh, "Adult, full date of birth, 12-digit ID matching DOB and sex, all captures", []),
    "ede_year_only_dob": (ede_year_only, "Central Highlands Ê Đê name, year-only date of birth, one finger missing "
                          "with its reason, residence converted from a card address", []),
    "bana_card_converted": (bana_card_converted, "Ba Na single-syllable name; old Kon Tum card address converted "
                            "to Xã Đăk Mar, Quảng Ngãi (2025 units); month/year date of birth", []),
    "child_10_with_guardian": (child_with_guardian, "Child of 10: guardian recorded, biometrics taken", []),
    "child_4_no_biometrics": (child_under_six, "Child of 4: guardian recorded, no face or fingerprints", []),
    "id_year_mismatch_warning_only": (id_reissued, "ID number encoding another birth year: a warning for the "
                                      "supervisor, not an error (numbers are re-issued)", ["id.year_mismatch"]),
    "draft_in_progress": (draft_in_progress, "A draft: captures still to do are one reminder, not errors",
                          ["captures.incomplete"]),
}


def _mutate(base, path: list, value):
    data = copy.deepcopy(base)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


_DELETE = object()
DEM = "demographics"

# name: (about, expected error codes, mutations as (path, value) applied to adult_kinh_full)
BAD = {
    "dob_future": ("Date of birth after today", ["dob.future"], [([DEM, "date_of_birth"], "2031-02-01")]),
    "dob_impossible": ("30 February", ["dob.impossible"], [([DEM, "date_of_birth"], "1990-02-30")]),
    "dob_missing": ("No date of birth", ["dob.required"], [([DEM, "date_of_birth"], None)]),
    "name_with_digits": ("Digits and symbols in the name", ["name.bad_characters"],
                         [([DEM, "birth_name"], "Nguyễn Thị H0à #2")]),
    "name_missing_and_sex_missing": ("Required fields empty", ["name.required", "sex.required"],
                                     [([DEM, "birth_name"], ""), ([DEM, "sex"], None)]),
    "id_eleven_digits": ("Personal ID with 11 digits", ["id.format"], [([DEM, "personal_id"], "03618801234")]),
    "cmnd_format": ("Old CMND with letters", ["cmnd.format"], [([DEM, "cmnd"], "16234567A")]),
    "phone_landline": ("Not a mobile number", ["phone.format"], [([DEM, "phone"], "0228 3845 123")]),
    "guardian_missing": ("A 9-year-old without a guardian", ["guardian.required"],
                         [([DEM, "date_of_birth"], "2017-03-04"), ([DEM, "personal_id"], None),
                          ([DEM, "cmnd"], None), ([DEM, "phone"], None)]),
    "under_six_with_biometrics": ("A 3-year-old with face and prints captured", ["biometrics.under_six"],
                                  [([DEM, "date_of_birth"], "2023-09-09"), ([DEM, "personal_id"], None),
                                   ([DEM, "cmnd"], None),
                                   ([DEM, "guardian"], {"name": "Nguyễn Văn Long", "personal_id": "036185000111",
                                                        "relationship": "cha"})]),
    "residence_old_province": ("Residence still in Kon Tum (merged into Quảng Ngãi in 2025)",
                               ["residence.unknown_province"],
                               [([DEM, "residence", "province"], "Kon Tum"),
                                ([DEM, "residence", "commune"], "Xã Đắk Hring")]),
    "residence_commune_elsewhere": ("Commune of another province", ["residence.unknown_commune"],
                                    [([DEM, "residence", "commune"], "Phường Ba Đình")]),
    "finger_missing_no_reason": ("Finger marked injured without a reason", ["finger.reason_required"],
                                 [(["captures", "rolled", "right_ring"],
                                   {"status": "injured", "reason": "", "image_ref": None, "quality": None,
                                    "tries": 2})]),
    "face_missing_under_review": ("Sent for review without a face photo", ["face.missing"],
                                  [(["captures", "face"], {"image_ref": None, "quality": None, "tries": 0})]),
    "version_not_integer": ("A field of the wrong type", ["record.format"], [(["version"], "two")]),
    "misspelt_field": ("A misspelt field name is caught, not dropped", ["record.format"],
                       [([DEM, "birth_nmae"], "Nguyễn Thị Hoà")]),
}


def write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    for name, (build, about, warnings) in GOOD.items():
        data = {"_about": about, **({"_expect_warnings": warnings} if warnings else {}), **build().to_dict()}
        write(ROOT / "good" / f"{name}.json", data)
    base = adult_kinh().to_dict()
    for name, (about, expect, mutations) in BAD.items():
        data = base
        for path, value in mutations:
            data = _mutate(data, path, value)
        data = {"_about": about, "_expect": expect, **data, "record_id": str(uuid.uuid5(NS, "bad/" + name))}
        write(ROOT / "bad" / f"{name}.json", data)
    print(f"wrote {len(GOOD)} good and {len(BAD)} bad examples under {ROOT}")


if __name__ == "__main__":
    main()
