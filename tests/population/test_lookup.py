"""Lookup: every way an officer finds a citizen, on a small synthetic registry (the benchmark does 100 000)."""

from __future__ import annotations

import pytest

from fieldkit.domain.dates import PartialDate
from fieldkit.benchmarks.population_lookup import synthetic_residents
from fieldkit.population.lookup import PopulationIndex, QueryError, dob_compatible
from fieldkit.population.resident import Resident

HOA = Resident("R1", "Nguyễn Thị Hoà", "female", PartialDate(1975, 3, 12), "062175001234", "233456789",
               household_id="HK-7", commune_code="23512")
HOA2 = Resident("R2", "Nguyễn Thị Hòa", "female", PartialDate(1980), "062180004321", household_id="HK-8")
HOA_BARE = Resident("R3", "Nguyen Thi Hoa", "female", PartialDate(1975, 3), None, household_id="HK-7")
BEN = Resident("R4", "Y Ben Niê", "male", PartialDate(1990), "066090000777", other_names=("Ama Hùng",),
               household_id="HK-9")
BUN = Resident("R5", "Ksor H'Bưn", "female", PartialDate(2001, 6, 2), None, cmnd="245678901", household_id="HK-9")


@pytest.fixture(scope="module")
def index():
    return PopulationIndex([HOA, HOA2, HOA_BARE, BEN, BUN, *synthetic_residents(2000, seed=3)])


def ids(matches):
    return [m.resident.resident_id for m in matches]


def test_folded_name_finds_every_spelling(index):
    found = ids(index.search("nguyen thi hoa", 50))
    assert {"R1", "R2", "R3"} <= set(found)
    assert set(ids(index.search("NGUYỄN THỊ HOÀ", 50))) >= {"R1", "R2", "R3"}


def test_diacritics_typed_rank_first(index):
    found = ids(index.search("Nguyễn Thị Hoà", 50))
    assert found.index("R1") < found.index("R3") and found.index("R2") < found.index("R3")  # Hoà = Hòa, not Hoa


def test_word_prefixes_and_other_names(index):
    assert "R4" in ids(index.search("y be"))
    assert "R4" in ids(index.search("ama hung"))
    assert "R5" in ids(index.search("ksor h'b"))
    assert index.search("zzz") == []


def test_id_and_cmnd_prefix(index):
    found = index.search("062175", 100)
    assert "R1" in ids(found) and all(m.resident.personal_id.startswith("062175") for m in found)
    assert ids(index.search("0621750012")) == ["R1"]
    assert ids(index.search("233456789")) == ["R1"]
    assert ids(index.search("245678901")) == ["R5"] and index.search("245678901")[0].matched_by == ("cmnd",)


def test_birth_date_or_year(index):
    assert "R1" in ids(index.search("12/03/1975", 100)) and "R3" in ids(index.search("12/03/1975", 100))
    assert "R1" not in ids(index.search("13/03/1975", 100))
    assert {"R1", "R3"} <= set(ids(index.search("hoa 1975")))
    assert "R2" not in ids(index.search("hoa 1975"))
    assert ids(index.search("nguyen hoa 03/1975")) == ["R1", "R3"]


def test_household(index):
    assert sorted(ids(index.search("HK-7"))) == ["R1", "R3"]
    assert sorted(r.resident_id for r in index.household("hk-9")) == ["R4", "R5"]


def test_card_qr(index):
    qr = "062175001234|233456789|Nguyễn Thị Hoà|12031975|Nữ|Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum|20042021"
    assert ids(index.by_qr(qr)) == ["R1"] and ids(index.search(qr)) == ["R1"]
    unknown_id = "079175999999||Nguyen Thi Hoa|00031975|Nữ|Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum|20042021"
    assert ids(index.by_qr(unknown_id)) == ["R1", "R3"]  # no ID match: folded name and birth date
    with pytest.raises(QueryError):
        index.by_qr("not|a|card")


def test_dob_compatible_partial_dates():
    assert dob_compatible(PartialDate(1975), PartialDate(1975, 3, 12))
    assert dob_compatible(PartialDate(1975, 3, 12), PartialDate(1975))
    assert not dob_compatible(PartialDate(1975, 4), PartialDate(1975, 3, 12))
    assert not dob_compatible(PartialDate(1975), None)


def test_limit_and_empty_queries(index):
    assert len(index.search("y", 7)) == 7
    assert index.search("") == [] and index.search("  ,, ") == []


def test_best_match_never_guesses():
    from fieldkit.domain.record import Demographics, Sex

    index = PopulationIndex([HOA, HOA2, HOA_BARE, BEN, BUN])
    stated = Demographics(birth_name="Nguyễn Thị Hoà", date_of_birth=PartialDate(1975, 3, 12), sex=Sex.FEMALE)
    assert index.best_match(stated).resident_id == "R1"        # exact spelling beats the undiacritised twin
    stated.personal_id = "062180004321"
    assert index.best_match(stated).resident_id == "R2"        # an ID number decides first
    bare = Demographics(birth_name="Nguyen Thi Hoa", date_of_birth=PartialDate(1975, 3), sex=Sex.FEMALE)
    assert index.best_match(bare).resident_id == "R3"
    other = Demographics(birth_name="Nguyễn Thi Hoa", date_of_birth=PartialDate(1975), sex=Sex.FEMALE)
    assert index.best_match(other).resident_id == "R1"         # two fit, only one has an ID number
    nobody = Demographics(birth_name="Y Ben Niê", date_of_birth=PartialDate(1991), sex=Sex.MALE)
    assert index.best_match(nobody) is None
    assert index.best_match(Demographics(cmnd="245678901")).resident_id == "R5"
