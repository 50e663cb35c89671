"""The stored record dict back to an EnrolmentRecord, for the review pages: fieldkit.enrolment.records owns it.

(The enrolment wizard gets its records through fieldkit.enrolment.flow.EnrolmentFlow.resume.)
"""

from __future__ import annotations

from fieldkit.enrolment.records import record_from_store as from_store

__all__ = ["from_store"]
