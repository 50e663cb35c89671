"""What a record says about the National Population Database: the registry link (or DC01, "not in the
database"), discrepancies between registry, card and the citizen's statement, and the VNeID level-2 request.

All optional in a record (`EnrolmentRecord.registry`, `.discrepancies`, `.vneid`): a record without them is
written exactly as before, and older records load. Reading is lenient like the rest of the record (a record
with problems loads); `VneidRequest.create` is strict: the wizard builds requests with it. Personal data:
reprs hide it. docs/record-format.md ("Population data") describes the fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum

from fieldkit.domain.jsonread import Obj, RecordFormatError, enum_parser, join, parse_datetime
from fieldkit.domain.names import normalize_name

_MOBILE = re.compile(r"(?:0|\+84)[35789]\d{8}")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _hidden(cls):
    cls.__repr__ = lambda self: f"{type(self).__name__}(<personal data hidden>)"
    return cls


def is_vietnamese_mobile(text: str | None) -> bool:
    """10 digits 03x/05x/07x/08x/09x, or +84 and 9 digits; spaces, dots, dashes and brackets allowed."""
    return bool(text) and bool(_MOBILE.fullmatch(_PHONE_SEPARATORS.sub("", text)))


class RegistryStatus(str, Enum):
    FOUND = "found"                      # the citizen is this registry resident
    NOT_IN_DATABASE = "not_in_database"  # DC01: enrolled as a new person for the database


class DiscrepancySource(str, Enum):
    CARD = "card"            # read from the citizen's card (QR or chip)
    STATEMENT = "statement"  # what the citizen states, confirmed by the officer
    DOCUMENT = "document"    # a paper shown (birth certificate, household book…): name it in `proof`


@_hidden
@dataclass
class Relative:
    """A parent, spouse or household head as DC01 asks for them."""

    name: str = ""
    personal_id: str | None = None
    nationality: str = "Việt Nam"

    def to_dict(self) -> dict:
        return {"name": self.name, "personal_id": self.personal_id, "nationality": self.nationality}

    @classmethod
    def from_obj(cls, o: Obj) -> "Relative":
        r = cls(normalize_name(o.text("name", "")), o.text("personal_id", None), normalize_name(o.text("nationality", "")))
        o.done()
        return r


@_hidden
@dataclass
class Dc01:
    """The fields DC01 (Thông tư 17/2024/TT-BCA) needs for a citizen missing from the database, beyond the
    record's demographics (name, birth date, sex, ethnicity, religion, nationality, birth registration,
    quê quán, residence and phone are already there)."""

    place_of_birth: str = ""
    marital_status: str = ""              # "độc thân", "đã kết hôn", "ly hôn", "góa"
    blood_group: str = ""                 # optional
    father: Relative | None = None
    mother: Relative | None = None
    spouse: Relative | None = None
    household_head: Relative | None = None
    relation_to_head: str = ""            # "chủ hộ", "vợ", "con"…
    reason: str = ""                      # why they are not in the database ("vùng trắng", "chưa đăng ký khai sinh")

    _RELATIVES = ("father", "mother", "spouse", "household_head")

    def to_dict(self) -> dict:
        out = {"place_of_birth": self.place_of_birth, "marital_status": self.marital_status,
               "blood_group": self.blood_group, "relation_to_head": self.relation_to_head, "reason": self.reason}
        for name in self._RELATIVES:
            value = getattr(self, name)
            out[name] = value.to_dict() if value else None
        return out

    @classmethod
    def from_obj(cls, o: Obj) -> "Dc01":
        relatives = {}
        for name in cls._RELATIVES:
            child = o.child(name, optional=True)
            relatives[name] = Relative.from_obj(child) if child else None
        d = cls(normalize_name(o.text("place_of_birth", "")), o.text("marital_status", ""), o.text("blood_group", ""),
                relation_to_head=o.text("relation_to_head", ""), reason=o.text("reason", ""), **relatives)
        o.done()
        return d


@dataclass
class RegistryLink:
    """Where the citizen stands in the registry: found as `resident_id`, or not in the database (DC01)."""

    status: RegistryStatus
    commune_code: str = ""               # the 2025 commune whose registry was searched
    resident_id: str | None = None
    household_id: str = ""
    extract_id: str | None = None        # the extract the resident came from
    dc01: Dc01 | None = None

    def __repr__(self) -> str:
        return f"RegistryLink(status={self.status.value!r}, commune_code={self.commune_code!r})"

    @property
    def not_in_database(self) -> bool:
        return self.status is RegistryStatus.NOT_IN_DATABASE

    def to_dict(self) -> dict:
        return {"status": self.status.value, "commune_code": self.commune_code, "resident_id": self.resident_id,
                "household_id": self.household_id, "extract_id": self.extract_id,
                "dc01": self.dc01.to_dict() if self.dc01 else None}

    @classmethod
    def from_obj(cls, o: Obj) -> "RegistryLink":
        dc01 = o.child("dc01", optional=True)
        link = cls(o.convert("status", enum_parser(RegistryStatus)), o.text("commune_code", ""),
                   o.text("resident_id", None), o.text("household_id", ""), o.text("extract_id", None),
                   Dc01.from_obj(dc01) if dc01 else None)
        o.done()
        return link


@_hidden
@dataclass
class Discrepancy:
    """One difference between the registry and what the team observed, with its proof."""

    field: str                 # record field: "birth_name", "date_of_birth", "sex", "residence", "phone"…
    registry_value: str
    observed_value: str
    source: DiscrepancySource
    proof: str = ""            # the document shown, e.g. "giấy khai sinh", "thẻ CCCD"
    note: str = ""             # the officer's note

    def to_dict(self) -> dict:
        return {"field": self.field, "registry_value": self.registry_value, "observed_value": self.observed_value,
                "source": self.source.value, "proof": self.proof, "note": self.note}

    @classmethod
    def from_obj(cls, o: Obj) -> "Discrepancy":
        d = cls(o.text("field"), o.text("registry_value", ""), o.text("observed_value", ""),
                o.convert("source", enum_parser(DiscrepancySource)), o.text("proof", ""), o.text("note", ""))
        o.done()
        return d


class VneidError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@_hidden
@dataclass
class VneidRequest:
    """A VNeID level-2 account request taken with the card application (it needs the same fingerprints)."""

    phone: str
    email: str | None = None
    consent: bool = False
    consent_at: datetime | None = None
    consent_officer: str = ""  # the officer's account who recorded the citizen's consent

    @classmethod
    def create(cls, phone: str, email: str | None, consent: bool, officer: str,
               at: datetime | None = None) -> "VneidRequest":
        """A checked request: VneidError (code `vneid.phone`, `vneid.email`, `vneid.consent`) otherwise."""
        request = cls(phone.strip(), (email or "").strip() or None, bool(consent),
                      at or datetime.now(timezone.utc).replace(microsecond=0), officer)
        problems = request.problems()
        if problems:
            raise VneidError(*problems[0])
        return request

    def problems(self) -> list[tuple[str, str]]:
        """(code, message) of everything that makes the request unusable; empty when it is good."""
        out = []
        if not is_vietnamese_mobile(self.phone):
            out.append(("vneid.phone", "the VNeID phone must be a Vietnamese mobile number"))
        if self.email and not _EMAIL.match(self.email):
            out.append(("vneid.email", "the e-mail address is not valid"))
        if not (self.consent and self.consent_at and self.consent_officer):
            out.append(("vneid.consent", "the citizen's consent, its time and the officer must be recorded"))
        return out

    def to_dict(self) -> dict:
        return {"phone": self.phone, "email": self.email, "consent": self.consent,
                "consent_at": self.consent_at.isoformat() if self.consent_at else None,
                "consent_officer": self.consent_officer}

    @classmethod
    def from_obj(cls, o: Obj) -> "VneidRequest":
        consent = o.get("consent", bool, False)
        v = cls(o.text("phone", ""), o.text("email", None), consent, o.convert("consent_at", parse_datetime, None),
                o.text("consent_officer", ""))
        o.done()
        return v


def read_population(o: Obj) -> dict:
    """The population keys of a record object (for EnrolmentRecord.from_dict): registry, discrepancies, vneid."""
    registry = o.child("registry", optional=True)
    vneid = o.child("vneid", optional=True)
    items = o.get("discrepancies", list, [])
    return {"registry": RegistryLink.from_obj(registry) if registry else None,
            "discrepancies": [Discrepancy.from_obj(Obj(d, join("discrepancies", i))) for i, d in enumerate(items)],
            "vneid": VneidRequest.from_obj(vneid) if vneid else None}


def write_population(registry, discrepancies, vneid) -> dict:
    """The population keys of a record dict; absent when empty, so records without them are unchanged."""
    out = {}
    if registry is not None:
        out["registry"] = registry.to_dict()
    if discrepancies:
        out["discrepancies"] = [d.to_dict() for d in discrepancies]
    if vneid is not None:
        out["vneid"] = vneid.to_dict()
    return out


__all__ = ["Dc01", "Discrepancy", "DiscrepancySource", "RecordFormatError", "RegistryLink", "RegistryStatus",
           "Relative", "VneidError", "VneidRequest", "is_vietnamese_mobile", "read_population", "write_population"]
