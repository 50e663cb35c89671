"""Discrepancies between registry, card and statement; the new record fields round-trip; old records load."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from fieldkit.domain.card_qr import parse_card_qr
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.population import (Dc01, Discrepancy, DiscrepancySource, RegistryLink, RegistryStatus,
                                        Relative, VneidError, VneidRequest)
from fieldkit.domain.record import Demographics, EnrolmentRecord, Residence, Sex
from fieldkit.population.discrepancies import compute_discrepancies
from fieldkit.population.resident import Resident

REG = Resident("R1", "Nguyen Thi Hoa", "female", PartialDate(1975), "062175001234", None, ethnicity="Kinh",
               religion="Không", province="Quảng Ngãi", commune="Xã Đăk Mar", commune_code="23512", street="Thôn 3",
               phone="0912345678", old_address="Thôn 3, Xã Đăk Hring, Huyện Đăk Hà, Tỉnh Kon Tum")
QR = "062175001234|233456789|Nguyễn Thị Hoà|12031975|Nữ|Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum|20042021"


def statement(**changes) -> Demographics:
    d = Demographics(birth_name="Nguyễn Thị Hòa", personal_id="062175001234", date_of_birth=PartialDate(1975, 3, 12),
                     sex=Sex.FEMALE, ethnicity="Kinh", religion="Không",
                     residence=Residence("Quảng Ngãi", "Xã Đăk Mar", "Thôn 3"), phone="091 234 5678")
    for k, v in changes.items():
        setattr(d, k, v)
    return d


def by_field(found):
    return {(d.field, d.source.value): d for d in found}


def test_card_and_statement_against_registry():
    found = by_field(compute_discrepancies(REG, statement(), parse_card_qr(QR)))
    # The card proves name and date of birth; the statement agrees with it (Hòa = Hoà): counted once.
    assert set(found) == {("birth_name", "card"), ("date_of_birth", "card"), ("cmnd", "card"),
                          ("residence", "statement")}
    assert found[("birth_name", "card")].registry_value == "Nguyen Thi Hoa"
    assert found[("date_of_birth", "card")].observed_value == "1975-03-12"
    assert found[("residence", "statement")].observed_value == "Thôn 3, Xã Đăk Mar, Quảng Ngãi"
    assert found[("birth_name", "card")].proof


def test_statement_only_and_what_is_not_a_difference():
    reg = Resident("R2", "Y Ben Niê", "male", PartialDate(1990, 1, 2), None, ethnicity="Ê Đê", religion="Tin lành",
                   province="Quảng Ngãi", commune="Xã Đăk Mar", commune_code="23512", street="Thôn 3",
                   phone="+84912345678")
    same = Demographics(birth_name="y ben  niê", date_of_birth=PartialDate(1990, 1, 2), sex=Sex.MALE, ethnicity="Ede",
                        religion="Tin lành", residence=Residence("Quảng Ngãi", "Xã Đăk Mar", "Thôn 3"),
                        phone="0912.345.678")
    assert compute_discrepancies(reg, same) == []
    changed = Demographics(birth_name="Y Ben Niê", date_of_birth=PartialDate(1991, 1, 2), sex=Sex.MALE,
                           residence=Residence("Quảng Ngãi", "Xã Đăk Mar", "Thôn 5"))
    assert {d.field for d in compute_discrepancies(reg, changed)} == {"date_of_birth", "residence"}


def test_card_older_than_statement_gives_both():
    found = compute_discrepancies(REG, statement(birth_name="Nguyễn Thị Hoà Mai"), parse_card_qr(QR))
    names = [d for d in found if d.field == "birth_name"]
    assert [d.source for d in names] == [DiscrepancySource.CARD, DiscrepancySource.STATEMENT]


def test_record_round_trips_population_fields_and_old_records_load():
    record = EnrolmentRecord()
    plain = record.to_dict()
    assert not {"registry", "discrepancies", "vneid"} & set(plain)  # unchanged when unused
    assert EnrolmentRecord.from_dict(plain).registry is None
    at = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    record.registry = RegistryLink(RegistryStatus.NOT_IN_DATABASE, "23512",
                                   dc01=Dc01(place_of_birth="Kon Tum", father=Relative("A Vang", None),
                                             reason="vùng trắng"))
    record.discrepancies = [Discrepancy("date_of_birth", "1975", "1975-03-12", DiscrepancySource.DOCUMENT,
                                        "giấy khai sinh", "bản gốc")]
    record.vneid = VneidRequest.create("0912 345 678", "hoa@example.vn", True, "off", at)
    back = EnrolmentRecord.from_dict(record.to_dict())
    assert back.to_dict() == record.to_dict()
    assert back.registry.not_in_database and back.registry.dc01.father.name == "A Vang"
    assert back.vneid.consent_at == at and "giấy khai sinh" not in repr(back.discrepancies)


@pytest.mark.parametrize("phone, email, consent, code", [
    ("0241234567", None, True, "vneid.phone"), ("12345", None, True, "vneid.phone"),
    ("0912345678", "not-an-email", True, "vneid.email"), ("0912345678", None, False, "vneid.consent"),
])
def test_vneid_request_is_checked(phone, email, consent, code):
    with pytest.raises(VneidError) as err:
        VneidRequest.create(phone, email, consent, "off")
    assert err.value.code == code
    assert VneidRequest.create("+84 912 345 678", "", True, "off").email is None


def test_validation_blocks_an_unusable_vneid_request():
    from datetime import date

    from fieldkit.domain.validation import validate

    record = EnrolmentRecord(demographics=Demographics(birth_name="A Vang", sex=Sex.MALE))
    record.vneid = VneidRequest(phone="0241234567", email="x@", consent=False)
    codes = {i.code for i in validate(record, today=date(2026, 11, 23)) if i.is_error}
    assert {"vneid.phone", "vneid.email", "vneid.consent"} <= codes
    record.vneid = VneidRequest.create("0912345678", None, True, "off")
    assert not {i.code for i in validate(record, today=date(2026, 11, 23))} & {"vneid.phone", "vneid.consent"}


def test_prefill_from_registry_confirmed_as_is_differs_only_where_the_registry_is_outdated():
    from fieldkit.population.discrepancies import prefill_from_resident

    current = Resident("R9", "A Vang", "male", PartialDate(1980, 5), "062080001111", ethnicity="Ba Na",
                       religion="Không", province="Quảng Ngãi", commune="Xã Đăk Mar", commune_code="23512",
                       street="Thôn 3", household_id="HK1")
    assert compute_discrepancies(current, prefill_from_resident(current)) == []
    demo = prefill_from_resident(REG)   # old-units address: the street is asked again
    assert demo.residence.street == "" and demo.sex is Sex.FEMALE
    demo.residence.street = "Thôn 3"
    assert [d.field for d in compute_discrepancies(REG, demo)] == ["residence"]
