"""The life of an enrolment record, as a status machine in which an illegal transition raises.

draft → captured → pending_review → approved → sealed → uploading → acknowledged
A supervisor may return a record (back to the officer, editable again) or reject it (final, with a reason).
Anything not yet sealed can be voided. A failed upload goes back from uploading to sealed.
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    DRAFT = "draft"
    CAPTURED = "captured"
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    SEALED = "sealed"
    UPLOADING = "uploading"
    ACKNOWLEDGED = "acknowledged"
    RETURNED = "returned"
    REJECTED = "rejected"
    VOIDED = "voided"


S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.CAPTURED, S.VOIDED}),
    S.CAPTURED: frozenset({S.DRAFT, S.PENDING_REVIEW, S.VOIDED}),
    S.PENDING_REVIEW: frozenset({S.APPROVED, S.RETURNED, S.REJECTED, S.VOIDED}),
    S.RETURNED: frozenset({S.DRAFT, S.CAPTURED, S.PENDING_REVIEW, S.VOIDED}),
    S.APPROVED: frozenset({S.SEALED, S.RETURNED, S.VOIDED}),
    S.SEALED: frozenset({S.UPLOADING, S.ACKNOWLEDGED}),  # USB route: acknowledged by an imported receipt
    S.UPLOADING: frozenset({S.SEALED, S.ACKNOWLEDGED}),
    S.ACKNOWLEDGED: frozenset(),
    S.REJECTED: frozenset(),
    S.VOIDED: frozenset(),
}
FINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


class IllegalTransition(ValueError):
    def __init__(self, current: Status, target: Status):
        super().__init__(f"a record in status '{current.value}' cannot become '{target.value}'")
        self.current, self.target = current, target


def can_transition(current: Status | str, target: Status | str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]


def transition(current: Status | str, target: Status | str) -> Status:
    """The new status, or IllegalTransition if the machine does not allow the step."""
    current, target = Status(current), Status(target)
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)
    return target
