"""The 12-digit personal ID: structure, century/sex digit, province codes; warnings, never errors."""

from datetime import date

import pytest
from hypothesis import assume, given, strategies as st

from fieldkit.domain.dates import PartialDate
from fieldkit.domain.personal_id import (PROVINCE_CODES, PersonalIdError, century_sex_digit, id_warnings,
                                         parse_cmnd, parse_personal_id)

people = st.tuples(st.dates(min_value=date(1900, 1, 1), max_value=date(2399, 12, 31)),
                   st.sampled_from(["male", "female"]),
                   st.sampled_from(sorted(PROVINCE_CODES)),
                   st.integers(0, 999_999))


def make_id(born: date, sex: str, province: str, serial: int) -> str:
    return f"{province}{century_sex_digit(born.year, sex)}{born.year % 100:02d}{serial:06d}"


@given(people)
def test_an_id_made_from_dob_and_sex_has_no_warnings(person):
    born, sex, province, serial = person
    pid = parse_personal_id(make_id(*person))
    assert (pid.birth_year, pid.sex, pid.province_code) == (born.year, sex, province)
    assert id_warnings(pid, PartialDate.from_date(born), sex) == []


@given(people, st.integers(0, 9))
def test_another_century_digit_gives_a_warning(person, digit):
    born, sex, province, serial = person
    number = make_id(*person)
    assume(int(number[3]) // 2 != digit // 2)  # a digit of another century
    pid = parse_personal_id(number[:3] + str(digit) + number[4:])
    codes = [code for code, _ in id_warnings(pid, PartialDate.from_date(born), sex)]
    assert "id.century_mismatch" in codes


@given(people)
def test_the_other_sex_digit_gives_a_sex_warning_only(person):
    born, sex, province, serial = person
    number = make_id(*person)
    flipped = number[:3] + str(int(number[3]) ^ 1) + number[4:]
    warnings = id_warnings(parse_personal_id(flipped), PartialDate.from_date(born), sex)
    assert [code for code, _ in warnings] == ["id.sex_mismatch"]


def test_century_sex_table():
    assert [century_sex_digit(y, s) for y in (1950, 2005, 2101) for s in ("male", "female")] == [0, 1, 2, 3, 4, 5]
    pid = parse_personal_id("079 3 05 012345".replace(" ", ""))
    assert (pid.birth_year, pid.sex, pid.province) == (2005, "female", ("Hồ Chí Minh", "Hồ Chí Minh"))
    assert parse_personal_id("062-190-001-234").province == ("Kon Tum", "Quảng Ngãi")


def test_province_table_has_the_63_old_provinces():
    assert len(PROVINCE_CODES) == 63
    assert len({new for _, new in PROVINCE_CODES.values()}) == 34


def test_unknown_code_is_a_warning_and_a_foreign_code_is_fine():
    assert [c for c, _ in id_warnings(parse_personal_id("003090001234"), PartialDate(1990), "male")] == [
        "id.unknown_province"]
    abroad = parse_personal_id("840090001234")
    assert abroad.registered_abroad and id_warnings(abroad, PartialDate(1990), "male") == []


def test_year_mismatch_in_the_same_century():
    warnings = id_warnings(parse_personal_id("001090001234"), PartialDate(1991, 5), "male")
    assert warnings == [("id.year_mismatch", {"id_year": 1990, "dob_year": 1991})]


@pytest.mark.parametrize("text", ["", "12345678901", "1234567890123", "00109000123A", "０01090001234"])
def test_malformed_ids_raise(text):
    with pytest.raises(PersonalIdError):
        parse_personal_id(text)


def test_cmnd_is_nine_digits():
    assert parse_cmnd("162 345 678") == "162345678"
    for bad in ("16234567", "1623456789", "16234567A"):
        with pytest.raises(PersonalIdError):
            parse_cmnd(bad)


def test_repr_hides_the_number():
    assert "190001234" not in repr(parse_personal_id("062190001234"))
