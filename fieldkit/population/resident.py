"""One resident as the registry holds them: the National Population Database fields a mobile team needs.

Fields follow Luật Căn cước Điều 9 (docs/population.md lists the columns). The residence is in the 2025
two-level units (`commune_code` is the official 2025 code); `old_address` keeps a pre-2025 three-level address
when the registry was never updated (the team corrects it). A Resident is personal data: its repr hides it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache

from fieldkit.domain.dates import PartialDate, parse_partial_date


_date = lru_cache(maxsize=65536)(parse_partial_date)  # PartialDate is immutable; birth dates repeat


@dataclass(slots=True)  # not frozen: a frozen dataclass builds 2-3x slower, and extracts hold 100 000 of them
class Resident:
    resident_id: str                     # the registry's key for this person (not the ID number)
    birth_name: str
    sex: str | None = None               # "male" / "female" (the record's Sex values)
    date_of_birth: PartialDate | None = None
    personal_id: str | None = None       # 12-digit số định danh, when issued
    cmnd: str | None = None              # old 9-digit CMND
    other_names: tuple[str, ...] = ()
    birth_registration_place: str = ""
    hometown: str = ""                   # quê quán
    ethnicity: str = ""
    religion: str = ""
    nationality: str = "Việt Nam"
    province: str = ""                   # 2025 province, short name ("Quảng Ngãi")
    commune: str = ""                    # 2025 commune, full name ("Xã Đăk Mar")
    commune_code: str = ""               # 2025 official commune code ("23512")
    street: str = ""                     # thôn / buôn / số nhà
    old_address: str | None = None       # pre-2025 address still in the registry (needs updating)
    household_id: str = ""
    relation_to_head: str = ""           # "chủ hộ", "vợ", "con"…
    phone: str | None = None
    extra: dict = field(default_factory=dict, compare=False)  # columns a reader does not know, kept as given

    def __repr__(self) -> str:
        return f"Resident(resident_id={self.resident_id!r}, <personal data hidden>)"

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "date_of_birth":
                value = value.isoformat() if value else None
            elif f.name == "other_names":
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, raw: dict) -> "Resident":
        kwargs = dict(raw) if raw.keys() <= _FIELD_NAMES else {k: v for k, v in raw.items() if k in _FIELD_NAMES}
        dob = kwargs.get("date_of_birth")
        kwargs["date_of_birth"] = _date(dob) if dob else None
        kwargs["other_names"] = tuple(kwargs.get("other_names") or ())
        return cls(**kwargs)


_FIELD_NAMES = frozenset(f.name for f in fields(Resident))
