"""Partial dates of birth: year only, month/year, or a full date — all three are real on Vietnamese papers.

Typed forms: "YYYY", "MM/YYYY", "DD/MM/YYYY" (also with '-' or '.'), "DDMMYYYY" (card QR) and the stored ISO-ish
forms "YYYY", "YYYY-MM", "YYYY-MM-DD". Ages of partial dates are given as a range, so rules can be conservative.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MIN_YEAR = 1850  # nobody alive was born earlier; older years are typing errors


class DateFormatError(ValueError):
    """Text that is not a date of one of the accepted forms, or a date that cannot exist (31/02/1990)."""

    def __init__(self, message: str, impossible: bool = False, vi: str = ""):
        super().__init__(message)
        self.impossible = impossible
        self.vi = vi   # the same in Vietnamese, for the officer's screen (messages.localized)


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        if not MIN_YEAR <= self.year <= 9999:
            raise DateFormatError(f"year {self.year} is out of range ({MIN_YEAR}-9999)", impossible=True,
                                  vi=f"năm {self.year} nằm ngoài khoảng {MIN_YEAR}–9999")
        if self.day is not None and self.month is None:
            raise DateFormatError("a day needs a month", impossible=True, vi="có ngày thì phải có tháng")
        if self.month is not None and not 1 <= self.month <= 12:
            raise DateFormatError(f"month {self.month} does not exist", impossible=True,
                                  vi=f"không có tháng {self.month}")
        if self.day is not None and not 1 <= self.day <= calendar.monthrange(self.year, self.month)[1]:
            raise DateFormatError(f"{self.day:02d}/{self.month:02d}/{self.year} does not exist", impossible=True,
                                  vi=f"{self.day:02d}/{self.month:02d}/{self.year}")   # "Ngày sinh không có thật: 31/02/1976"

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def isoformat(self) -> str:
        """Stored form: "1985", "1985-03" or "1985-03-12"."""
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def display(self) -> str:
        """Vietnamese display order: "12/03/1985", "03/1985" or "1985"."""
        if self.day:
            return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"
        if self.month:
            return f"{self.month:02d}/{self.year:04d}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.isoformat()

    @classmethod
    def from_date(cls, d: date) -> "PartialDate":
        return cls(d.year, d.month, d.day)

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Any accepted typed or stored form; DateFormatError otherwise."""
        return parse_partial_date(text)


_ISO = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")
_DMY = re.compile(r"(?:([0-9]{1,2})[/.-])?([0-9]{1,2})[/.-]([0-9]{4})")
_COMPACT = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")


def parse_partial_date(text: str) -> PartialDate:
    if not isinstance(text, str):
        raise DateFormatError(f"a date must be text, not {type(text).__name__}", vi="ngày phải là chữ")
    s = text.strip()
    if not s:
        raise DateFormatError("the date is empty", vi="chưa nhập ngày")
    if m := _ISO.fullmatch(s):
        y, mo, d = m.groups()
    elif m := _DMY.fullmatch(s):
        d, mo, y = m.groups()
    elif m := _COMPACT.fullmatch(s):
        d, mo, y = m.groups()
    else:
        raise DateFormatError(f"'{s}' is not a date (use DD/MM/YYYY, MM/YYYY or YYYY)",
                              vi=f"'{s}' không phải là ngày (ghi NN/TT/NNNN, TT/NNNN hoặc NNNN)")
    return PartialDate(int(y), int(mo) if mo else None, int(d) if d else None)


def parse_date(text: str) -> date:
    """A full date (day, month, year) in any accepted form."""
    p = parse_partial_date(text)
    if p.day is None:
        raise DateFormatError(f"'{text.strip()}' is not a full date (day, month and year needed)",
                              vi=f"'{text.strip()}' chưa đủ ngày, tháng, năm")
    return p.earliest()


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def age_range(dob: PartialDate, today: date) -> tuple[int, int]:
    """(youngest possible age, oldest possible age) on `today`; equal for a full date.

    Someone born "1990" may have been born on 1 January (oldest) or 31 December (youngest).
    Ages below zero (a date in the future) are returned as negative numbers.
    """
    return _age_on(dob.latest(), today), _age_on(dob.earliest(), today)


def is_future(dob: PartialDate, today: date) -> bool:
    """True when every day the partial date could mean lies after `today`."""
    return dob.earliest() > today
