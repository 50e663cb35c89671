"""Old three-level addresses (commune, district, province before 1 July 2025, as printed on cards and in their QR)
converted to the 2025 two-level units (commune, province).

The conversion uses the MIT-licensed `vietnamadminunits` parser and its old→new mapping, but never its geocoding
step (that one calls a web service): when an old commune was split between several new ones we return the
library's default new commune *and* every candidate, flagged so the form asks the officer to confirm.
The library is imported on first use (~0.6 s), not at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from fieldkit.domain.names import normalize_name
from fieldkit.domain.units import Commune, Province, commune_by_code, find_commune, find_province


class ConversionStatus(str, Enum):
    CONVERTED = "converted"          # one new commune
    SPLIT = "split"                  # the old commune was divided: `commune` is a default, check `candidates`
    PROVINCE_ONLY = "province_only"  # the province is known, the commune is not
    UNKNOWN = "unknown"              # not recognisable as a Vietnamese address


@dataclass(frozen=True)
class AddressConversion:
    raw: str
    status: ConversionStatus
    street: str | None = None            # the part before the commune ("Thôn 3", "Số 5 ngõ 10")
    old_commune: str | None = None
    old_district: str | None = None
    old_province: str | None = None
    province: Province | None = None
    commune: Commune | None = None
    candidates: tuple[Commune, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        return self.status is not ConversionStatus.CONVERTED

    def to_dict(self) -> dict:
        return {
            "raw": self.raw,
            "status": self.status.value,
            "street": self.street,
            "old": {"commune": self.old_commune, "district": self.old_district, "province": self.old_province},
            "province": self.province.name if self.province else None,
            "province_code": self.province.code if self.province else None,
            "commune": self.commune.name if self.commune else None,
            "commune_code": self.commune.code if self.commune else None,
            "candidates": [{"commune": c.name, "commune_code": c.code} for c in self.candidates],
        }

    def __repr__(self) -> str:  # the raw address is personal data: keep it out of logs
        return (f"AddressConversion(status={self.status.value!r}, province={self.province and self.province.code!r}, "
                f"commune={self.commune and self.commune.code!r})")


def _new_unit_code(new_ward_key: str | None, new_province_key: str) -> tuple[str | None, str | None]:
    """(commune code, province code) of the library's keys, by parsing them as a 2025 address like it does."""
    from vietnamadminunits import ParseMode, parse_address

    text = ",".join(k for k in (new_ward_key, new_province_key) if k)
    unit = parse_address(text, mode=ParseMode.FROM_2025, keep_street=False, level=2 if new_ward_key else 1)
    return unit.ward_code, unit.province_code


def _new_keys(old) -> tuple[str | None, str | None, list[str], bool]:
    """(new province key, new ward key, candidate ward keys, split?) for a parsed old unit."""
    from vietnamadminunits.converter import converter_2025 as conv

    new_province = next((k for k, v in conv.DICT_PROVINCE.items() if old.province_key in v), None)
    if not new_province or not old.ward_key:
        return new_province, None, [], False
    old_key = f"{old.province_key}_{old.district_key}_{old.ward_key}"
    whole = conv.DICT_PROVINCE_WARD_NO_DIVIDED.get(new_province, {})
    new_ward = next((k for k, v in whole.items() if old_key in v), None)
    if new_ward:
        return new_province, new_ward, [new_ward], False
    parts = conv.DICT_PROVINCE_WARD_DIVIDED.get(new_province, {}).get(old_key, [])
    default = next((p["newWardKey"] for p in parts if p["isDefaultNewWard"]), None)
    return new_province, default, [p["newWardKey"] for p in parts], True


def convert_old_address(text: str) -> AddressConversion:
    """The 2025 units of an old "street, commune, district, province" address. Never raises on odd text."""
    from vietnamadminunits import ParseMode, parse_address

    raw = normalize_name(text or "")
    if not raw:
        return AddressConversion(raw, ConversionStatus.UNKNOWN)
    old = parse_address(raw, mode=ParseMode.LEGACY, keep_street=True, level=3)
    if not old.province_key:
        return AddressConversion(raw, ConversionStatus.UNKNOWN)
    new_province_key, new_ward_key, candidate_keys, split = _new_keys(old)
    common = dict(raw=raw, street=old.street, old_commune=old.ward, old_district=old.district,
                  old_province=old.province)
    province_code = _new_unit_code(None, new_province_key)[1] if new_province_key else None
    province = find_province(province_code) if province_code else None
    commune = None
    if new_ward_key:
        commune = commune_by_code(_new_unit_code(new_ward_key, new_province_key)[0] or "")
    if province is None:
        return AddressConversion(status=ConversionStatus.UNKNOWN, **common)
    if commune is None:
        return AddressConversion(status=ConversionStatus.PROVINCE_ONLY, province=province, **common)
    candidates = tuple(c for c in (commune_by_code(_new_unit_code(k, new_province_key)[0] or "")
                                   for k in candidate_keys) if c)
    status = ConversionStatus.SPLIT if split and len(candidates) > 1 else ConversionStatus.CONVERTED
    return AddressConversion(status=status, province=province, commune=commune, candidates=candidates, **common)


def check_residence(province_text: str, commune_text: str) -> tuple[str | None, dict]:
    """Validation of a residence in the 2025 units: (issue code or None, message parameters)."""
    province = find_province(province_text)
    if province is None:
        return "residence.unknown_province", {"province": province_text}
    match = find_commune(province, commune_text)
    if match.ambiguous:
        return "residence.ambiguous_commune", {
            "commune": commune_text, "province": province.short,
            "candidates": ", ".join(c.name for c in match.candidates)}
    if match.commune is None:
        return "residence.unknown_commune", {"commune": commune_text, "province": province.short}
    return None, {}

