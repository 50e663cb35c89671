"""Tiny builders of synthetic records for the domain tests."""

from __future__ import annotations

from datetime import datetime, timezone

from fieldkit.domain.captures import Captures, FingerSlot
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.fingers import Finger, FingerStatus, Slap
from fieldkit.domain.record import Demographics, EnrolmentRecord, Guardian, Residence, Session, Sex
from fieldkit.domain.status import Status


def full_captures() -> Captures:
    c = Captures()
    c.face.image_ref = "blob-face"
    for slap in Slap:
        c.slaps[slap].image_ref = f"blob-{slap.name}"
    for finger in Finger:
        c.rolled[finger] = FingerSlot(FingerStatus.CAPTURED, image_ref=f"blob-{finger.name}", quality=70, tries=1)
    return c


def adult(**changes) -> EnrolmentRecord:
    """A complete, valid adult record pending review; `changes` override demographics fields."""
    d = Demographics(
        birth_name="Trần Văn Bình", personal_id="051090012345", date_of_birth=PartialDate(1990, 7, 2),
        sex=Sex.MALE, ethnicity="Kinh", religion="Không", nationality="Việt Nam",
        birth_registration_province="Quảng Ngãi", residence=Residence("Quảng Ngãi", "Xã Đăk Mar", "Thôn 3"),
        hometown="Quảng Ngãi", phone="0905123456")
    for key, value in changes.items():
        setattr(d, key, value)
    at = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
    return EnrolmentRecord(status=Status.PENDING_REVIEW, created_at=at, updated_at=at, demographics=d,
                           captures=full_captures(),
                           session=Session(commune="Xã Đăk Mar", village="Thôn 3", team="Tổ 2", officer="canbo.a",
                                           started_at=at))


def child(year: int, month: int = 6, day: int = 1, guardian: bool = True, **changes) -> EnrolmentRecord:
    g = Guardian("Trần Văn Bình", "051090012345", "cha") if guardian else None
    return adult(date_of_birth=PartialDate(year, month, day), personal_id=None, phone=None, guardian=g, **changes)
