"""The enrolment record as the packets branch's store wants it, and back.

`fieldkit.enrolment.vault.summary_of` reads a list row's name/birth date/ID from TOP-LEVEL keys
(`birth_name`, `date_of_birth`, `personal_id`, `other_names`), while `EnrolmentRecord.to_dict()` nests them
under `demographics`. Until the vault reads the nested form, the UI adds those keys under `index` names the
vault knows and strips them again before `EnrolmentRecord.from_dict` (which refuses unknown keys).
"""

from __future__ import annotations

from fieldkit.domain.record import EnrolmentRecord

INDEX_KEYS = ("birth_name", "date_of_birth", "personal_id", "other_names", "sex")


def to_store(record: EnrolmentRecord) -> dict:
    data = record.to_dict()
    demo = data["demographics"]
    for key in INDEX_KEYS:
        data[key] = demo.get(key)
    data["other_names"] = list(demo.get("other_names") or [])
    return data


def from_store(data: dict) -> EnrolmentRecord:
    clean = {k: v for k, v in data.items() if k not in INDEX_KEYS}
    return EnrolmentRecord.from_dict(clean)
