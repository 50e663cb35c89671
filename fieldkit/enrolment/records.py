"""The enrolment record as the store keeps it, and back.

The service stores `EnrolmentRecord.to_dict()` as is (`fieldkit.enrolment.vault.summary_of` reads the nested
`demographics`). Drafts autosaved by earlier versions of the app also carry top-level copies of a few
demographic keys (the old list index); they are dropped on load, since `EnrolmentRecord.from_dict` refuses
unknown keys.
"""

from __future__ import annotations

from fieldkit.domain.record import EnrolmentRecord

LEGACY_INDEX_KEYS = ("birth_name", "date_of_birth", "personal_id", "other_names", "sex")


def record_from_store(data: dict) -> EnrolmentRecord:
    clean = {k: v for k, v in data.items() if k not in LEGACY_INDEX_KEYS}
    return EnrolmentRecord.from_dict(clean)
