"""The citizen-ID card QR: `ID12|CMND9 (may be empty)|full name|DDMMYYYY|Nam/Nữ|address|DDMMYYYY (issue)`.

Newer cards (Thông tư 16/2024) add fields in an unverified order: six or more fields are accepted and the
raw text is always kept. A code that is not a card QR raises CaptureRejected, saying what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from drivers.errors import CaptureRejected

_HINT = "Scan the QR code on the back of the chip ID card (căn cước)."


@dataclass(frozen=True)
class CardQr:
    raw: str
    id_number: str
    old_id: str
    full_name: str
    birth_date: date
    sex: str
    address: str
    issue_date: date | None
    extra: tuple[str, ...] = ()


def _date(text: str, what: str) -> date:
    try:
        return datetime.strptime(text, "%d%m%Y").date()
    except ValueError:
        raise CaptureRejected(f"card QR: {what} {text!r} is not a DDMMYYYY date", hint=_HINT) from None


def parse_card_qr(raw: str) -> CardQr:
    fields = raw.strip().split("|")
    if len(fields) < 6:
        raise CaptureRejected(f"not a citizen-ID card QR: {len(fields)} field(s), expected at least 6", hint=_HINT)
    id_number, old_id, name, birth, sex, address = fields[:6]
    if not re.fullmatch(r"\d{12}", id_number):
        raise CaptureRejected("card QR: the ID number is not 12 digits", hint=_HINT)
    if old_id and not re.fullmatch(r"\d{9}", old_id):
        raise CaptureRejected("card QR: the old ID (CMND) number is not 9 digits", hint=_HINT)
    if sex not in ("Nam", "Nữ"):
        raise CaptureRejected(f"card QR: sex field {sex!r} is neither Nam nor Nữ", hint=_HINT)
    if not name.strip():
        raise CaptureRejected("card QR: the name is empty", hint=_HINT)
    issue = _date(fields[6], "issue date") if len(fields) > 6 and fields[6] else None
    return CardQr(raw=raw, id_number=id_number, old_id=old_id, full_name=name.strip(),
                  birth_date=_date(birth, "birth date"), sex=sex, address=address.strip(), issue_date=issue,
                  extra=tuple(fields[7:]))
