"""Display names of fingers, slaps, finger statuses, roles and record statuses, translated via Qt (.ts)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from fieldkit.domain.fingers import Finger, FingerStatus, Slap



def finger_name(finger: Finger) -> str:
    return {
        Finger.RIGHT_THUMB: QCoreApplication.translate("Names", "right thumb"), Finger.RIGHT_INDEX: QCoreApplication.translate("Names", "right index finger"),
        Finger.RIGHT_MIDDLE: QCoreApplication.translate("Names", "right middle finger"), Finger.RIGHT_RING: QCoreApplication.translate("Names", "right ring finger"),
        Finger.RIGHT_LITTLE: QCoreApplication.translate("Names", "right little finger"), Finger.LEFT_THUMB: QCoreApplication.translate("Names", "left thumb"),
        Finger.LEFT_INDEX: QCoreApplication.translate("Names", "left index finger"), Finger.LEFT_MIDDLE: QCoreApplication.translate("Names", "left middle finger"),
        Finger.LEFT_RING: QCoreApplication.translate("Names", "left ring finger"), Finger.LEFT_LITTLE: QCoreApplication.translate("Names", "left little finger"),
    }[Finger(finger)]


def slap_name(slap: Slap) -> str:
    return {Slap.RIGHT_FOUR: QCoreApplication.translate("Names", "four fingers of the right hand"), Slap.LEFT_FOUR: QCoreApplication.translate("Names", "four fingers of the left hand"),
            Slap.TWO_THUMBS: QCoreApplication.translate("Names", "both thumbs")}[Slap(slap)]


def finger_status_name(status: FingerStatus) -> str:
    return {FingerStatus.CAPTURED: QCoreApplication.translate("Names", "captured"), FingerStatus.MISSING: QCoreApplication.translate("Names", "missing (amputated or absent)"),
            FingerStatus.INJURED: QCoreApplication.translate("Names", "injured"), FingerStatus.BANDAGED: QCoreApplication.translate("Names", "bandaged"),
            FingerStatus.UNABLE: QCoreApplication.translate("Names", "no usable print")}[FingerStatus(status)]


def role_name(role: str) -> str:
    return {"officer": QCoreApplication.translate("Names", "officer"), "supervisor": QCoreApplication.translate("Names", "supervisor"), "technician": QCoreApplication.translate("Names", "technician")}.get(role, role)


def record_status_name(status: str) -> str:
    return {"draft": QCoreApplication.translate("Names", "draft"), "captured": QCoreApplication.translate("Names", "captured"), "pending_review": QCoreApplication.translate("Names", "waiting for review"),
            "approved": QCoreApplication.translate("Names", "approved"), "sealed": QCoreApplication.translate("Names", "sealed"), "uploading": QCoreApplication.translate("Names", "uploading"),
            "acknowledged": QCoreApplication.translate("Names", "received by the hub"), "returned": QCoreApplication.translate("Names", "returned to the officer"),
            "rejected": QCoreApplication.translate("Names", "rejected"), "voided": QCoreApplication.translate("Names", "voided")}.get(status, status)


def sex_name(value: str) -> str:
    return {"male": QCoreApplication.translate("Names", "Male"), "female": QCoreApplication.translate("Names", "Female")}.get(value or "", "")


def display_date(value: str | None) -> str:
    """ISO dates as officers write them (DD/MM/YYYY, MM/YYYY or YYYY); anything else as stored."""
    parts = (value or "").split("-")
    if len(parts) in (1, 2, 3) and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return "/".join(reversed(parts))
    return value or ""
