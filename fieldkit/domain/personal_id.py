"""The 12-digit personal ID number (PPP G YY NNNNNN) and the old 9-digit CMND.

PPP: province where the birth was registered (abroad: a country code not starting with 0).
G: century and sex (1900s: 0 male / 1 female; 2000s: 2/3; 2100s: 4/5; 2200s: 6/7; 2300s: 8/9).
YY: last two digits of the birth year. NNNNNN: random; there is no check digit.
Source: Thông tư 07/2016/TT-BCA Điều 7, Phụ lục 1. Numbers are re-issued after corrections, so a mismatch with the
date of birth or sex is only ever a warning, and an unknown PPP is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fieldkit.domain.dates import PartialDate

# code → (province before 1 July 2025, province after). From ../shared/domain.md (Thông tư 07/2016 Phụ lục 1,
# Nghị quyết 202/2025/QH15).
PROVINCE_CODES: dict[str, tuple[str, str]] = {
    "001": ("Hà Nội", "Hà Nội"), "002": ("Hà Giang", "Tuyên Quang"), "004": ("Cao Bằng", "Cao Bằng"),
    "006": ("Bắc Kạn", "Thái Nguyên"), "008": ("Tuyên Quang", "Tuyên Quang"), "010": ("Lào Cai", "Lào Cai"),
    "011": ("Điện Biên", "Điện Biên"), "012": ("Lai Châu", "Lai Châu"), "014": ("Sơn La", "Sơn La"),
    "015": ("Yên Bái", "Lào Cai"), "017": ("Hòa Bình", "Phú Thọ"), "019": ("Thái Nguyên", "Thái Nguyên"),
    "020": ("Lạng Sơn", "Lạng Sơn"), "022": ("Quảng Ninh", "Quảng Ninh"), "024": ("Bắc Giang", "Bắc Ninh"),
    "025": ("Phú Thọ", "Phú Thọ"), "026": ("Vĩnh Phúc", "Phú Thọ"), "027": ("Bắc Ninh", "Bắc Ninh"),
    "030": ("Hải Dương", "Hải Phòng"), "031": ("Hải Phòng", "Hải Phòng"), "033": ("Hưng Yên", "Hưng Yên"),
    "034": ("Thái Bình", "Hưng Yên"), "035": ("Hà Nam", "Ninh Bình"), "036": ("Nam Định", "Ninh Bình"),
    "037": ("Ninh Bình", "Ninh Bình"), "038": ("Thanh Hóa", "Thanh Hóa"), "040": ("Nghệ An", "Nghệ An"),
    "042": ("Hà Tĩnh", "Hà Tĩnh"), "044": ("Quảng Bình", "Quảng Trị"), "045": ("Quảng Trị", "Quảng Trị"),
    "046": ("Thừa Thiên Huế", "Huế"), "048": ("Đà Nẵng", "Đà Nẵng"), "049": ("Quảng Nam", "Đà Nẵng"),
    "051": ("Quảng Ngãi", "Quảng Ngãi"), "052": ("Bình Định", "Gia Lai"), "054": ("Phú Yên", "Đắk Lắk"),
    "056": ("Khánh Hòa", "Khánh Hòa"), "058": ("Ninh Thuận", "Khánh Hòa"), "060": ("Bình Thuận", "Lâm Đồng"),
    "062": ("Kon Tum", "Quảng Ngãi"), "064": ("Gia Lai", "Gia Lai"), "066": ("Đắk Lắk", "Đắk Lắk"),
    "067": ("Đắk Nông", "Lâm Đồng"), "068": ("Lâm Đồng", "Lâm Đồng"), "070": ("Bình Phước", "Đồng Nai"),
    "072": ("Tây Ninh", "Tây Ninh"), "074": ("Bình Dương", "Hồ Chí Minh"), "075": ("Đồng Nai", "Đồng Nai"),
    "077": ("Bà Rịa–Vũng Tàu", "Hồ Chí Minh"), "079": ("Hồ Chí Minh", "Hồ Chí Minh"),
    "080": ("Long An", "Tây Ninh"), "082": ("Tiền Giang", "Đồng Tháp"), "083": ("Bến Tre", "Vĩnh Long"),
    "084": ("Trà Vinh", "Vĩnh Long"), "086": ("Vĩnh Long", "Vĩnh Long"), "087": ("Đồng Tháp", "Đồng Tháp"),
    "089": ("An Giang", "An Giang"), "091": ("Kiên Giang", "An Giang"), "092": ("Cần Thơ", "Cần Thơ"),
    "093": ("Hậu Giang", "Cần Thơ"), "094": ("Sóc Trăng", "Cần Thơ"), "095": ("Bạc Liêu", "Cà Mau"),
    "096": ("Cà Mau", "Cà Mau"),
}

_SEPARATORS = re.compile(r"[\s.\-]")


class PersonalIdError(ValueError):
    """Text that is not a 12-digit personal ID (or a 9-digit CMND) at all."""


@dataclass(frozen=True)
class PersonalId:
    number: str

    @property
    def province_code(self) -> str:
        return self.number[:3]

    @property
    def century_sex_digit(self) -> int:
        return int(self.number[3])

    @property
    def birth_year(self) -> int:
        return 1900 + 100 * (self.century_sex_digit // 2) + int(self.number[4:6])

    @property
    def sex(self) -> str:
        """"male" or "female", as encoded by G."""
        return "male" if self.century_sex_digit % 2 == 0 else "female"

    @property
    def registered_abroad(self) -> bool:
        return not self.province_code.startswith("0")

    @property
    def province(self) -> tuple[str, str] | None:
        """(province before 2025, province after), or None for an unknown or foreign code."""
        return PROVINCE_CODES.get(self.province_code)

    def __repr__(self) -> str:  # never print the number itself: logs
        return f"PersonalId(province_code={self.province_code!r}, ...)"


def clean_number(text: str) -> str:
    """Digits as typed, without the spaces, dots or dashes people put between groups."""
    return _SEPARATORS.sub("", text or "")


def parse_personal_id(text: str) -> PersonalId:
    number = clean_number(text)
    if not number.isascii() or not number.isdigit() or len(number) != 12:
        raise PersonalIdError("a personal ID number has exactly 12 digits")
    return PersonalId(number)


def parse_cmnd(text: str) -> str:
    """The old identity-card number: exactly 9 digits (returned without separators)."""
    number = clean_number(text)
    if not number.isascii() or not number.isdigit() or len(number) != 9:
        raise PersonalIdError("an old CMND number has exactly 9 digits")
    return number


def century_sex_digit(birth_year: int, sex: str) -> int:
    """G for a birth year and sex ("male"/"female"), the inverse of PersonalId.century_sex_digit."""
    if not 1900 <= birth_year <= 2399:
        raise ValueError(f"no century digit for the year {birth_year}")
    return 2 * ((birth_year - 1900) // 100) + (1 if sex == "female" else 0)


def id_warnings(pid: PersonalId, dob: PartialDate | None, sex: str | None) -> list[tuple[str, dict]]:
    """(code, parameters) of every disagreement between the number and the person's data. Never errors."""
    found: list[tuple[str, dict]] = []
    if not pid.registered_abroad and pid.province is None:
        found.append(("id.unknown_province", {"code": pid.province_code}))
    if dob is not None:
        if pid.birth_year // 100 != dob.year // 100:
            found.append(("id.century_mismatch", {"id_year": pid.birth_year, "dob_year": dob.year}))
        elif pid.birth_year != dob.year:
            found.append(("id.year_mismatch", {"id_year": pid.birth_year, "dob_year": dob.year}))
    if sex in ("male", "female") and pid.sex != sex:
        found.append(("id.sex_mismatch", {"id_sex": pid.sex, "sex": sex}))
    return found
