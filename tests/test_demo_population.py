import unicodedata
from datetime import date

from fieldkit.demo.population import personal_id_for, village

TODAY = date(2026, 11, 23)


def test_village_is_deterministic_and_varied():
    a, b = village(300, seed=7, today=TODAY), village(300, seed=7, today=TODAY)
    assert [p.birth_name for p in a] == [p.birth_name for p in b]
    assert village(300, seed=8, today=TODAY)[5].birth_name != a[5].birth_name or \
        village(300, seed=8, today=TODAY)[6].birth_name != a[6].birth_name
    ages = [p.age_on(TODAY) for p in a]
    assert min(ages) < 6 and any(6 <= x < 14 for x in ages) and max(ages) >= 60
    assert len({p.ethnicity for p in a}) >= 4
    assert any(p.finger_exceptions for p in a)
    assert any(p.duplicate_of is not None for p in a)
    assert all(unicodedata.is_normalized("NFC", p.birth_name) for p in a)
    assert any(any(ord(c) > 127 for c in p.birth_name) for p in a)


def test_duplicates_share_biometrics_but_not_names():
    people = village(400, seed=3, today=TODAY)
    for p in people:
        if p.duplicate_of is not None:
            original = people[p.duplicate_of]
            assert p.biometric_seed == original.biometric_seed
            assert p.personal_id is None


def test_children_have_guardians_and_infants_take_no_biometrics():
    people = village(300, seed=1, today=TODAY)
    for p in people:
        if p.age_on(TODAY) < 14 and p.duplicate_of is None:
            assert people[p.guardian_index].age_on(TODAY) >= 18
        if p.age_on(TODAY) < 6:
            assert not p.takes_biometrics(TODAY) and not p.finger_exceptions


def test_personal_id_structure():
    import random

    pid = personal_id_for("062", date(2003, 5, 1), "Nữ", random.Random(1))
    assert len(pid) == 12 and pid[:3] == "062" and pid[3] == "3" and pid[4:6] == "03"
