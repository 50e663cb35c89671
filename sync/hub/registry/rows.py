"""One registry row (CSV or JSON) read into a Resident, or the reason it cannot be.

Columns (docs/population.md): resident_id, personal_id, birth_name, other_names (";"-separated),
date_of_birth ("1975", "03/1975", "12/03/1975" or ISO), sex (Nam/Nữ/male/female), birth_registration_place,
hometown, ethnicity, religion, nationality, province, commune, commune_code, street, old_address,
household_id, relation_to_head, cmnd, phone. The residence must resolve to a 2025 commune: from
`commune_code`, from `province` + `commune`, or from an `old_address` in the pre-2025 units (converted, and kept
so the team can correct it).
"""

from __future__ import annotations

import re
from datetime import date

from fieldkit.domain.addresses import ConversionStatus, convert_old_address
from fieldkit.domain.dates import DateFormatError, parse_partial_date
from fieldkit.domain.names import bad_name_characters, fold, normalize_name
from fieldkit.domain.personal_id import clean_number
from fieldkit.domain.population import is_vietnamese_mobile
from fieldkit.domain.units import commune_by_code, find_commune, find_province, provinces
from fieldkit.population.resident import Resident

COLUMNS = ("resident_id", "personal_id", "birth_name", "other_names", "date_of_birth", "sex",
           "birth_registration_place", "hometown", "ethnicity", "religion", "nationality", "province", "commune",
           "commune_code", "street", "old_address", "household_id", "relation_to_head", "cmnd", "phone")
REQUIRED = ("resident_id", "birth_name", "sex")
_SEXES = {"nam": "male", "male": "male", "m": "male", "nu": "female", "female": "female", "f": "female"}
_RESIDENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RowError(ValueError):
    """A row that cannot be loaded: which column and why (the importer adds the line)."""

    def __init__(self, column: str, reason: str):
        super().__init__(f"{column}: {reason}")
        self.column, self.reason = column, reason


def _text(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, (str, int)):
        raise RowError(name, "expected text")
    return normalize_name(str(value))


def _optional_digits(row: dict, name: str, lengths: tuple[int, ...]) -> str | None:
    text = _text(row, name)
    if not text:
        return None
    digits = clean_number(text)
    if not digits.isdigit() or len(digits) not in lengths:
        raise RowError(name, f"must be {' or '.join(map(str, lengths))} digits")
    return digits


def _phone(row: dict) -> str | None:
    text = _text(row, "phone")
    if not text:
        return None
    if not is_vietnamese_mobile(text):
        raise RowError("phone", "not a Vietnamese mobile number (10 digits 03x/05x/07x/08x/09x or +84)")
    return text


def _residence(row: dict) -> dict:
    code, province_text, commune_text = (_text(row, k) for k in ("commune_code", "province", "commune"))
    old = _text(row, "old_address") or None
    commune = None
    if code:
        commune = commune_by_code(code)
        if commune is None:
            raise RowError("commune_code", f"{code} is not a 2025 commune code")
    elif province_text or commune_text:
        province = find_province(province_text)
        if province is None:
            raise RowError("province", f"'{province_text}' is not one of the 34 provinces (2025)")
        match = find_commune(province, commune_text)
        if match.commune is None:
            reason = "is ambiguous without diacritics" if match.ambiguous else f"is not a commune of {province.short}"
            raise RowError("commune", f"'{commune_text}' {reason}")
        commune = match.commune
    elif old:
        conv = convert_old_address(old)
        if conv.commune is None or conv.status is ConversionStatus.UNKNOWN:
            raise RowError("old_address", "cannot be converted to a 2025 commune")
        commune = conv.commune
    else:
        raise RowError("commune_code", "a residence is required (commune_code, province + commune, or old_address)")
    province = next(p for p in provinces() if p.code == commune.province_code)
    return {"province": province.short, "commune": commune.name, "commune_code": commune.code, "old_address": old}


def resident_from_row(row: dict) -> Resident:
    """The Resident a row describes; RowError naming the first bad column."""
    unknown = sorted(k for k in row if k not in COLUMNS and not str(k).startswith("_"))
    if unknown:
        raise RowError(str(unknown[0]), "is not a registry column")
    for name in REQUIRED:
        if not _text(row, name):
            raise RowError(name, "is required")
    rid = _text(row, "resident_id")
    if not _RESIDENT_ID.match(rid):
        raise RowError("resident_id", "letters, digits and . _ : - only (at most 64)")
    name = _text(row, "birth_name")
    if bad_name_characters(name):
        raise RowError("birth_name", f"characters not allowed in a name: {''.join(bad_name_characters(name))}")
    sex = _SEXES.get(fold(_text(row, "sex")))
    if sex is None:
        raise RowError("sex", "must be Nam or Nữ")
    dob_text = _text(row, "date_of_birth")
    try:
        dob = parse_partial_date(dob_text) if dob_text else None
    except DateFormatError as exc:
        raise RowError("date_of_birth", str(exc)) from None
    if dob and dob.earliest() > date.today():
        raise RowError("date_of_birth", "is in the future")
    others = row.get("other_names") or []
    if isinstance(others, str):
        others = [o for o in others.split(";")]
    return Resident(
        resident_id=rid, birth_name=name, sex=sex, date_of_birth=dob,
        personal_id=_optional_digits(row, "personal_id", (12,)), cmnd=_optional_digits(row, "cmnd", (9,)),
        other_names=tuple(normalize_name(o) for o in others if normalize_name(str(o))),
        birth_registration_place=_text(row, "birth_registration_place"), hometown=_text(row, "hometown"),
        ethnicity=_text(row, "ethnicity"), religion=_text(row, "religion"),
        nationality=_text(row, "nationality") or "Việt Nam", street=_text(row, "street"),
        household_id=_text(row, "household_id"), relation_to_head=_text(row, "relation_to_head"),
        phone=_phone(row), **_residence(row))


def resident_to_row(r: Resident) -> dict:
    """The CSV row of a Resident (the inverse of resident_from_row for what the CSV can say)."""
    d = r.to_dict()
    d["other_names"] = ";".join(r.other_names)
    d["sex"] = {"male": "Nam", "female": "Nữ"}.get(r.sex or "", "")
    if r.old_address:  # a registry row never updated to the 2025 units: the old address is all it has
        d.update(province="", commune="", commune_code="")
    return {c: ("" if d.get(c) is None else d[c]) for c in COLUMNS}
