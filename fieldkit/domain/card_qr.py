"""The QR code on a chip ID card, parsed into a prefill for the enrolment form.

Old cards (Thông tư 06/2021): `ID12|CMND9|full name|DDMMYYYY birth|Nam/Nữ|residence address|DDMMYYYY issue`.
Newer cards (Thông tư 16/2024) add fields whose order is unverified: we accept six or more fields, read the seven
we know and keep the rest, and the raw payload, untouched. The parser is lenient about what scanners add (BOM,
CR/LF, stray spaces, an empty CMND, a trailing '|') and strict about what would put wrong data in a record:
a malformed ID, name, date of birth or sex raises QrParseError saying which field and why.
The residence on the card predates the 2025 reform, so it is converted to the 2025 units (officer confirms).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fieldkit.domain.addresses import AddressConversion, convert_old_address
from fieldkit.domain.dates import DateFormatError, PartialDate, parse_partial_date
from fieldkit.domain.names import fold, normalize_name
from fieldkit.domain.personal_id import PersonalIdError, clean_number, parse_cmnd, parse_personal_id
from fieldkit.domain.record import Demographics, Residence, Sex

FIELD_NAMES = ("personal ID", "CMND", "name", "date of birth", "sex", "address", "issue date")
MIN_FIELDS = 6
_FIELDS_VI = {"date of birth": "ngày sinh", "issue date": "ngày cấp"}
_SEXES = {"nam": Sex.MALE, "nu": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
# UTF-8 read as Windows-1252/Latin-1 ("Nguyá»…n") starts with these; a wedge scanner's lost characters show as ? or �.
_MOJIBAKE_HINTS = ("Ã", "Ä", "á»", "áº", "Æ")
_LOST = ("?", "\ufffd")


class QrParseError(ValueError):
    def __init__(self, field: str, message: str, vi: str = ""):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.vi = vi   # the same in Vietnamese, for the officer's screen (messages.localized)


@dataclass
class CardPrefill:
    raw: str
    personal_id: str
    cmnd: str | None
    birth_name: str
    date_of_birth: PartialDate
    sex: Sex
    address_raw: str
    address: AddressConversion | None = None
    issue_date: date | None = None
    extra_fields: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # a prefill is all personal data
        return f"CardPrefill(<personal data hidden>, extra_fields={len(self.extra_fields)})"

    def to_dict(self) -> dict:
        return {
            "personal_id": self.personal_id, "cmnd": self.cmnd, "birth_name": self.birth_name,
            "date_of_birth": self.date_of_birth.isoformat(), "sex": self.sex.value,
            "address_raw": self.address_raw, "address": self.address.to_dict() if self.address else None,
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "extra_fields": list(self.extra_fields), "warnings": list(self.warnings), "raw": self.raw,
        }

    def to_demographics(self) -> Demographics:
        """A form prefill: what the card says, residence in the 2025 units when the conversion found them."""
        conv = self.address
        residence = Residence(card_address=self.address_raw or None)
        if conv and conv.province:
            residence.province = conv.province.short
            residence.commune = conv.commune.name if conv.commune else ""
            residence.street = conv.street or ""
        return Demographics(birth_name=self.birth_name, personal_id=self.personal_id, cmnd=self.cmnd,
                            date_of_birth=self.date_of_birth, sex=self.sex, residence=residence)


def _as_windows_1252(text: str) -> bytes:
    """The bytes a Windows-1252 decoder turned into `text` (its five unused bytes pass through as U+0081…)."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                raise
            out.append(ord(ch))
    return bytes(out)


def repair_mojibake(text: str) -> str:
    """UTF-8 text that was decoded as Windows-1252 or Latin-1 on the way, restored; other text unchanged."""
    if not any(h in text for h in _MOJIBAKE_HINTS):
        return text
    try:
        return _as_windows_1252(text).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _clean(payload: str) -> str:
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8", errors="replace")
    # Scanners add a BOM and CR/LF (before, after, sometimes between fields): none belongs to the data.
    return payload.replace("\ufeff", "").replace("\r", " ").replace("\n", " ").strip()


def _qr_date(text: str, name: str) -> PartialDate:
    """DDMMYYYY as on cards; 00 for an unknown day or month (year-only births); other typed forms too."""
    digits = text.strip()
    if len(digits) == 8 and digits.isascii() and digits.isdigit():
        day, month, year = int(digits[:2]), int(digits[2:4]), digits[4:]
        digits = year if month == 0 else f"{month:02d}/{year}" if day == 0 else digits
    try:
        return parse_partial_date(digits)
    except DateFormatError as exc:
        raise QrParseError(name, f"'{text}' is not a date: {exc}",
                           vi=f"{_FIELDS_VI.get(name, name)}: '{text}' không phải là ngày ({exc.vi})") from None


def parse_card_qr(payload: str, convert_address: bool = True) -> CardPrefill:
    """The prefill of a card QR payload; QrParseError naming the field when it is not one."""
    raw = _clean(payload or "")
    if not raw:
        raise QrParseError("", "the QR payload is empty", vi="mã QR không có nội dung")
    fields = [repair_mojibake(f) for f in raw.split("|")]  # per field: one odd field must not block the others
    repaired = fields != raw.split("|")
    warnings = ["the text was mis-decoded by the scanner and has been repaired; check it"] if repaired else []
    fields = [normalize_name(f) for f in fields]
    if len(fields) < MIN_FIELDS:
        raise QrParseError("", f"a card QR has at least {MIN_FIELDS} fields separated by '|', this one has "
                               f"{len(fields)}", vi="đây không phải mã QR trên thẻ căn cước (thiếu thông tin)")
    try:
        personal_id = parse_personal_id(fields[0]).number
    except PersonalIdError as exc:
        raise QrParseError("personal ID", str(exc), vi="số định danh trên mã QR không hợp lệ") from None
    cmnd = _read_cmnd(fields[1], warnings)
    name = fields[2]
    if not name:
        raise QrParseError("name", "the name is empty", vi="mã QR không có họ tên")
    if any(ch in name for ch in _LOST):
        raise QrParseError("name", "characters were lost in scanning (? or �): the scanner mangles Vietnamese "
                                   "letters in keyboard mode; use its serial mode or read the QR image",
                               vi="máy đọc làm mất chữ có dấu trong họ tên: chuyển máy đọc sang chế độ cổng nối tiếp")
    dob = _qr_date(fields[3], "date of birth")
    sex = _SEXES.get(fold(fields[4]))
    if sex is None:
        raise QrParseError("sex", f"'{fields[4]}' is not Nam or Nữ", vi=f"giới tính '{fields[4]}' không phải Nam hay Nữ")
    address_raw = fields[5]
    issue_date, extra = _read_issue_date(fields[6:], warnings)
    address = convert_old_address(address_raw) if convert_address and address_raw else None
    if address_raw and any(ch in address_raw for ch in _LOST):
        warnings.append("characters were lost in the address (? or �): check it against the card")
    return CardPrefill(raw=raw, personal_id=personal_id, cmnd=cmnd, birth_name=normalize_name(name),
                       date_of_birth=dob, sex=sex, address_raw=address_raw, address=address,
                       issue_date=issue_date, extra_fields=extra, warnings=warnings)


def _read_cmnd(text: str, warnings: list[str]) -> str | None:
    if not clean_number(text):
        return None
    try:
        return parse_cmnd(text)
    except PersonalIdError:
        warnings.append(f"the CMND field '{text}' is not a 9-digit number; it was ignored")
        return None


def _read_issue_date(rest: list[str], warnings: list[str]) -> tuple[date | None, tuple[str, ...]]:
    if not rest or not rest[0]:
        return None, tuple(rest[1:]) if rest else ()
    try:
        issued = _qr_date(rest[0], "issue date")
    except QrParseError:
        warnings.append(f"the 7th field '{rest[0]}' is not an issue date; kept as an extra field")
        return None, tuple(rest)
    if issued.day is None:
        warnings.append("the issue date has no day; ignored")
        return None, tuple(rest[1:])
    return issued.earliest(), tuple(rest[1:])
