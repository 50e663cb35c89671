"""Display names of fingers, slaps, finger statuses, roles and record statuses, translated via Qt (.ts)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from fieldkit.domain.fingers import Finger, FingerStatus, Slap


def _t(text: str) -> str:
    return QCoreApplication.translate("Names", text)


def finger_name(finger: Finger) -> str:
    return {
        Finger.RIGHT_THUMB: _t("right thumb"), Finger.RIGHT_INDEX: _t("right index finger"),
        Finger.RIGHT_MIDDLE: _t("right middle finger"), Finger.RIGHT_RING: _t("right ring finger"),
        Finger.RIGHT_LITTLE: _t("right little finger"), Finger.LEFT_THUMB: _t("left thumb"),
        Finger.LEFT_INDEX: _t("left index finger"), Finger.LEFT_MIDDLE: _t("left middle finger"),
        Finger.LEFT_RING: _t("left ring finger"), Finger.LEFT_LITTLE: _t("left little finger"),
    }[Finger(finger)]


def slap_name(slap: Slap) -> str:
    return {Slap.RIGHT_FOUR: _t("four fingers of the right hand"), Slap.LEFT_FOUR: _t("four fingers of the left hand"),
            Slap.TWO_THUMBS: _t("both thumbs")}[Slap(slap)]


def finger_status_name(status: FingerStatus) -> str:
    return {FingerStatus.CAPTURED: _t("captured"), FingerStatus.MISSING: _t("missing (amputated or absent)"),
            FingerStatus.INJURED: _t("injured"), FingerStatus.BANDAGED: _t("bandaged"),
            FingerStatus.UNABLE: _t("no usable print")}[FingerStatus(status)]


def role_name(role: str) -> str:
    return {"officer": _t("officer"), "supervisor": _t("supervisor"), "technician": _t("technician")}.get(role, role)


def record_status_name(status: str) -> str:
    return {"draft": _t("draft"), "captured": _t("captured"), "pending_review": _t("waiting for review"),
            "approved": _t("approved"), "sealed": _t("sealed"), "uploading": _t("uploading"),
            "acknowledged": _t("received by the hub"), "returned": _t("returned to the officer"),
            "rejected": _t("rejected"), "voided": _t("voided")}.get(status, status)


def sex_name(value: str) -> str:
    return {"male": _t("Male"), "female": _t("Female")}.get(value or "", "")
