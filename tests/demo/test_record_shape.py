"""The store's encrypted list summary reads the domain record's real shape (demographics nested).

Found by the UI integration: the vault read `birth_name` at the top level of the record dict, so a
supervisor's list showed empty names for records the app saved. It now reads `record["demographics"]` when
present (a flat dict still works, for older callers); checked here on the demo's own records.
"""

from __future__ import annotations

from datetime import date

from fieldkit.demo.population import village
from fieldkit.demo.session import demographics_for
from fieldkit.domain.record import EnrolmentRecord
from fieldkit.enrolment import vault


def test_summary_and_search_texts_come_from_the_nested_demographics():
    people = village(4, seed=2, today=date(2026, 11, 23))
    person = people[0]
    record = EnrolmentRecord(demographics=demographics_for(person, people)).to_dict()
    assert "birth_name" not in record and record["demographics"]["birth_name"] == person.birth_name
    summary = vault.summary_of(record)
    assert summary["name"] == person.birth_name
    assert summary["birth_date"] == person.dob.isoformat()
    assert summary["sex"] == record["demographics"]["sex"]
    texts = vault.searchable_texts(record)
    assert person.birth_name in texts and (person.personal_id or "") in texts


def test_a_flat_record_dict_still_reads():
    assert vault.summary_of({"full_name": "Y Ben Niê", "dob": "1990"}) == {"name": "Y Ben Niê", "birth_date": "1990",
                                                                         "sex": "", "personal_id": "",
                                                                         "possible_duplicate": None}
