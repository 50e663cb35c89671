"""The flow's "find in the database" step and VNeID request (fieldkit.enrolment.find), Qt-free and device-free."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from fieldkit.domain.card_qr import parse_card_qr
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.population import Dc01, DiscrepancySource, RegistryStatus, VneidError
from fieldkit.domain.record import EnrolmentRecord, Session, Sex
from fieldkit.enrolment.flow import ALL_STEPS, EnrolmentFlow, Step
from fieldkit.population.resident import Resident

TODAY = date(2026, 12, 1)


def resident(**changes) -> Resident:
    values = dict(resident_id="R1", birth_name="Nguyen Thi Hoa", sex="female",
                  date_of_birth=PartialDate(1975), personal_id="062175000123", ethnicity="Kinh",
                  religion="Không", birth_registration_place="Kon Tum", hometown="Xã Đăk Mar, Quảng Ngãi",
                  province="Quảng Ngãi", commune="Xã Đăk Mar", commune_code="23512", street="Thôn 3",
                  household_id="HK1", relation_to_head="chủ hộ", phone="0912345678")
    values.update(changes)
    return Resident(**values)


def flow() -> EnrolmentFlow:
    f = EnrolmentFlow(today=TODAY)
    f.start(Session(officer="lan", commune="Xã Đăk Mar"))
    return f


def test_find_is_the_first_step_for_everyone():
    f = flow()
    assert ALL_STEPS[0] is Step.FIND and f.steps()[0] is Step.FIND
    assert f.next_step(Step.FIND) is Step.CARD and f.previous_step(Step.CARD) is Step.FIND
    f.record.demographics.date_of_birth = PartialDate.from_date(date(2024, 1, 1))  # an infant: still found first
    assert f.steps()[:3] == (Step.FIND, Step.CARD, Step.FORM)


def test_choosing_prefills_and_every_later_difference_is_a_discrepancy():
    f = flow()
    f.choose_resident(resident(), extract_id="X1")
    d = f.record.demographics
    assert (d.birth_name, d.personal_id, d.hometown, d.residence.street) == \
        ("Nguyen Thi Hoa", "062175000123", "Xã Đăk Mar, Quảng Ngãi", "Thôn 3")
    assert f.record.registry.status is RegistryStatus.FOUND and f.record.registry.resident_id == "R1"
    assert f.record.discrepancies == []          # nothing confirmed differently yet
    assert f.seen == {"R1"}
    # The citizen corrects the name's marks and the birth date; the officer notes the proof on one of them.
    d.birth_name, d.date_of_birth = "Nguyễn Thị Hoà", PartialDate.from_date(date(1975, 3, 12))
    f.refresh_registry()
    fields = {x.field: x for x in f.record.discrepancies}
    assert set(fields) == {"birth_name", "date_of_birth"}
    assert (fields["birth_name"].registry_value, fields["birth_name"].observed_value) == ("Nguyen Thi Hoa", "Nguyễn Thị Hoà")
    fields["date_of_birth"].proof, fields["date_of_birth"].note = "giấy khai sinh", "năm sinh đúng"
    d.phone = "0987654321"                        # another correction, after the note
    snap = f.snapshot()                           # what is saved: recomputed, the note kept
    saved = {x.field: x for x in snap.record.discrepancies}
    assert set(saved) == {"birth_name", "date_of_birth", "phone"}
    assert (saved["date_of_birth"].proof, saved["date_of_birth"].note) == ("giấy khai sinh", "năm sinh đúng")
    again = EnrolmentRecord.from_dict(snap.record.to_dict())
    assert [x.field for x in again.discrepancies] == ["birth_name", "date_of_birth", "phone"]
    # Undoing a correction removes its discrepancy: the record never carries a stale one.
    d.phone = "0912 345 678"
    assert "phone" not in {x.field for x in f.snapshot().record.discrepancies}


def test_a_card_read_before_keeps_its_values_and_is_a_source():
    f = flow()
    f.apply_card(parse_card_qr("062175000123||Nguyễn Thị Hoà|12031975|Nữ|Thôn 3, Xã Đăk Mar, Huyện Đăk Hà, Tỉnh Kon Tum|01012022"))
    f.choose_resident(resident())
    assert f.record.demographics.birth_name == "Nguyễn Thị Hoà"       # the card wins over the registry
    assert f.record.demographics.hometown == "Xã Đăk Mar, Quảng Ngãi"  # empty fields from the registry
    sources = {(x.field, x.source) for x in f.record.discrepancies}
    assert ("birth_name", DiscrepancySource.CARD) in sources and ("date_of_birth", DiscrepancySource.CARD) in sources


def test_not_found_is_dc01_and_a_new_choice_replaces_the_old_one():
    f = flow()
    f.choose_resident(resident())
    f.not_in_database(Dc01(place_of_birth="Kon Tum", reason="vùng trắng"), "23512")
    assert f.seen == set()                          # the first choice was a mistake: not seen after all
    reg = f.record.registry
    assert reg.status is RegistryStatus.NOT_IN_DATABASE and reg.not_in_database and reg.resident_id is None
    assert reg.dc01.reason == "vùng trắng" and f.record.discrepancies == []
    f.set_dc01(Dc01(place_of_birth="Kon Tum", marital_status="độc thân", reason="chưa đăng ký khai sinh"))
    assert f.snapshot().record.registry.dc01.marital_status == "độc thân"
    f.choose_resident(resident(resident_id="R2"))
    with pytest.raises(ValueError):
        f.set_dc01(Dc01())
    assert f.record.registry.resident_id == "R2"


def test_seen_residents_stay_across_citizens_but_the_decision_does_not():
    f = flow()
    f.choose_resident(resident())
    f.start(Session(officer="lan"))
    assert f.decision is None and f.record.registry is None
    f.choose_resident(resident(resident_id="R7", household_id="HK1"))
    assert f.seen == {"R1", "R7"}


def test_vneid_request_is_checked_and_records_consent_time_and_officer():
    f = flow()
    with pytest.raises(VneidError) as bad:
        f.request_vneid("0212345678", None, True)     # a landline
    assert bad.value.code == "vneid.phone"
    with pytest.raises(VneidError) as bad:
        f.request_vneid("0912345678", "not-an-email", True)
    assert bad.value.code == "vneid.email"
    with pytest.raises(VneidError) as bad:
        f.request_vneid("0912345678", None, False)
    assert bad.value.code == "vneid.consent"
    assert f.record.vneid is None
    f.request_vneid("+84 912 345 678", "hoa@example.vn", True)
    v = EnrolmentRecord.from_dict(f.snapshot().record.to_dict()).vneid
    assert (v.phone, v.email, v.consent, v.consent_officer) == ("+84 912 345 678", "hoa@example.vn", True, "lan")
    assert isinstance(v.consent_at, datetime)
    f.drop_vneid()
    assert "vneid" not in f.snapshot().record.to_dict()


def test_resumed_dc01_record_keeps_its_decision(tmp_path):
    f = flow()
    f.record.demographics.birth_name, f.record.demographics.sex = "Y Blôi", Sex.FEMALE
    f.not_in_database(Dc01(reason="vùng trắng"), "23512")

    class View:  # what EnrolmentService.load gives back (the fields resume() reads)
        record = f.snapshot().record.to_dict()
        blobs, capture, version, status, note = {}, {}, 1, "draft", ""

    g = EnrolmentFlow(today=TODAY)
    g.resume(View())
    assert g.decision is not None and g.decision.not_in_database and g.decision.dc01.reason == "vùng trắng"
    assert g.snapshot().record.registry.not_in_database


def test_the_officer_annotates_a_discrepancy_and_it_survives_later_edits():
    f = flow()
    f.apply_card(parse_card_qr("062175000123||Nguyễn Thị Hoà|12031975|Nữ|Thôn 3, Xã Đăk Mar, Huyện Đăk Hà, Tỉnh Kon Tum|01012022"))
    f.choose_resident(resident())
    with pytest.raises(KeyError):
        f.annotate_discrepancy("religion", "sổ hộ khẩu")
    f.annotate_discrepancy("birth_name", "giấy khai sinh", "CSDL thiếu dấu")
    f.record.demographics.phone = "0987654321"          # another edit: everything is recomputed
    saved = {(d.field, d.source): d for d in f.snapshot().record.discrepancies}
    card_name = saved[("birth_name", DiscrepancySource.CARD)]
    assert (card_name.proof, card_name.note) == ("giấy khai sinh", "CSDL thiếu dấu")
    assert saved[("date_of_birth", DiscrepancySource.CARD)].proof == "thẻ căn cước / CCCD"   # the default stays
    assert ("phone", DiscrepancySource.STATEMENT) in saved


def test_a_continued_record_is_relinked_and_compared_again():
    f = flow()
    f.choose_resident(resident())
    f.record.demographics.birth_name = "Nguyễn Thị Hoà"

    class View:
        record = f.snapshot().record.to_dict()
        blobs, capture, version, status, note = {}, {}, 1, "returned", "sửa ngày sinh"

    g = EnrolmentFlow(today=TODAY)
    g.resume(View())
    assert g.decision is None and [d.field for d in g.record.discrepancies] == ["birth_name"]   # as saved
    with pytest.raises(ValueError):
        g.relink(resident(resident_id="R9"))
    g.relink(resident())
    g.record.demographics.date_of_birth = PartialDate.from_date(date(1975, 3, 12))
    assert [d.field for d in g.snapshot().record.discrepancies] == ["birth_name", "date_of_birth"]
    assert g.record.demographics.hometown == "Xã Đăk Mar, Quảng Ngãi"     # not prefilled again, kept as saved
    assert "R1" in g.seen
