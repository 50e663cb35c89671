"""The enrolment record: demographics, capture slots, session and audit notes, with a JSON-safe dict form.

`EnrolmentRecord.to_dict()` / `EnrolmentRecord.from_dict()` round-trip; the dict carries `format_version`.
`from_dict` raises RecordFormatError naming the field ("demographics.date_of_birth: ...") on anything it cannot
read. Reading normalises names to NFC with single spaces (what the person wrote, in one Unicode form); all other
checks (age rules, ID structure, residence units…) are validation's job, so a record with problems still loads.
No `__repr__` here shows a name, ID number, phone or address: records get logged by id.
The full field-by-field description is docs/record-format.md.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum

from fieldkit.domain.captures import Captures
from fieldkit.domain.dates import DateFormatError, PartialDate, parse_partial_date
from fieldkit.domain.jsonread import Obj, RecordFormatError, enum_parser, join, parse_datetime
from fieldkit.domain.names import normalize_name
from fieldkit.domain.population import Discrepancy, RegistryLink, VneidRequest, read_population, write_population
from fieldkit.domain.status import Status

FORMAT_VERSION = 1


class Sex(str, Enum):
    MALE = "male"      # "Nam"
    FEMALE = "female"  # "Nữ"


def _hidden(cls):
    """Replace the dataclass repr with one that shows only the class name: the fields are personal data."""
    cls.__repr__ = lambda self: f"{type(self).__name__}(<personal data hidden>)"
    return cls


def _name(o: Obj, key: str, default=None):
    value = o.text(key, default)
    return normalize_name(value) if isinstance(value, str) else value


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


@_hidden
@dataclass
class Guardian:
    """Legal representative of an under-14 (Luật Căn cước Điều 23)."""

    name: str = ""
    personal_id: str | None = None
    relationship: str = ""  # "cha", "mẹ", "ông", "người giám hộ"…

    def to_dict(self) -> dict:
        return {"name": self.name, "personal_id": self.personal_id, "relationship": self.relationship}

    @classmethod
    def from_obj(cls, o: Obj) -> "Guardian":
        g = cls(_name(o, "name", ""), o.text("personal_id", None), normalize_name(o.text("relationship", "")))
        o.done()
        return g


@_hidden
@dataclass
class Residence:
    """Place of residence in the 2025 two-level units, plus the street/village line as free text."""

    province: str = ""
    commune: str = ""
    street: str = ""               # "Thôn 3", "Buôn Ko Tam", "Số 5 ngõ 10"
    card_address: str | None = None  # the old three-level address as read from a card, when prefilled from one

    def to_dict(self) -> dict:
        return {"province": self.province, "commune": self.commune, "street": self.street,
                "card_address": self.card_address}

    @classmethod
    def from_obj(cls, o: Obj) -> "Residence":
        r = cls(_name(o, "province", ""), _name(o, "commune", ""), _name(o, "street", ""), o.text("card_address", None))
        o.done()
        return r


def _read_dob(o: Obj) -> PartialDate | None:
    raw = o.text("date_of_birth", None)
    if raw is None or not raw.strip():
        return None
    try:
        return parse_partial_date(raw)
    except DateFormatError as exc:
        code = "dob.impossible" if exc.impossible else "dob.format"
        raise RecordFormatError(join(o.path, "date_of_birth"), str(exc), code) from None


@_hidden
@dataclass
class Demographics:
    birth_name: str = ""                       # họ, chữ đệm và tên khai sinh
    other_names: list[str] = field(default_factory=list)
    personal_id: str | None = None             # 12 digits, when the person already has one
    cmnd: str | None = None                    # old 9-digit identity-card number
    date_of_birth: PartialDate | None = None   # year only and month/year are allowed
    sex: Sex | None = None
    ethnicity: str = ""                        # the name ("Kinh", "Ê Đê"), never a code: two code lists disagree
    religion: str = ""                         # "Không" when none
    nationality: str = "Việt Nam"
    birth_registration_province: str = ""      # nơi đăng ký khai sinh (province, as registered: may be a pre-2025 name)
    residence: Residence = field(default_factory=Residence)
    hometown: str = ""                         # quê quán, free text
    guardian: Guardian | None = None
    phone: str | None = None

    def to_dict(self) -> dict:
        return {
            "birth_name": self.birth_name, "other_names": list(self.other_names),
            "personal_id": self.personal_id, "cmnd": self.cmnd,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "sex": self.sex.value if self.sex else None,
            "ethnicity": self.ethnicity, "religion": self.religion, "nationality": self.nationality,
            "birth_registration_province": self.birth_registration_province,
            "residence": self.residence.to_dict(), "hometown": self.hometown,
            "guardian": self.guardian.to_dict() if self.guardian else None, "phone": self.phone,
        }

    @classmethod
    def from_obj(cls, o: Obj) -> "Demographics":
        others = o.get("other_names", list, [])
        for i, item in enumerate(others):
            if not isinstance(item, str):
                raise RecordFormatError(join(join(o.path, "other_names"), i), "expected text")
        dob = _read_dob(o)
        residence = o.child("residence", optional=True)
        guardian = o.child("guardian", optional=True)
        d = cls(
            birth_name=_name(o, "birth_name", ""), other_names=[normalize_name(n) for n in others],
            personal_id=o.text("personal_id", None), cmnd=o.text("cmnd", None), date_of_birth=dob,
            sex=o.convert("sex", enum_parser(Sex), None), ethnicity=_name(o, "ethnicity", ""), religion=_name(o, "religion", ""),
            nationality=_name(o, "nationality", ""),
            birth_registration_province=_name(o, "birth_registration_province", ""),
            residence=Residence.from_obj(residence) if residence else Residence(),
            hometown=_name(o, "hometown", ""), guardian=Guardian.from_obj(guardian) if guardian else None,
            phone=o.text("phone", None),
        )
        o.done()
        return d


@dataclass(frozen=True)
class Gps:
    lat: float
    lon: float
    accuracy_m: float | None = None

    def to_dict(self) -> dict:
        return {"lat": self.lat, "lon": self.lon, "accuracy_m": self.accuracy_m}

    @classmethod
    def from_obj(cls, o: Obj) -> "Gps":
        g = cls(o.get("lat", (int, float)), o.get("lon", (int, float)), o.get("accuracy_m", (int, float), None))
        o.done()
        return g


@dataclass
class Session:
    """Where and by whom the record was taken: a mobile-issuing visit to a commune/village."""

    commune: str = ""
    village: str = ""
    team: str = ""
    officer: str = ""  # officer's account name
    started_at: datetime | None = None
    gps: Gps | None = None

    def to_dict(self) -> dict:
        return {"commune": self.commune, "village": self.village, "team": self.team, "officer": self.officer,
                "started_at": _iso(self.started_at), "gps": self.gps.to_dict() if self.gps else None}

    @classmethod
    def from_obj(cls, o: Obj) -> "Session":
        gps = o.child("gps", optional=True)
        s = cls(_name(o, "commune", ""), _name(o, "village", ""), o.text("team", ""), o.text("officer", ""),
                o.convert("started_at", parse_datetime, None), Gps.from_obj(gps) if gps else None)
        o.done()
        return s

    def __repr__(self) -> str:
        return f"Session(team={self.team!r})"


@_hidden
@dataclass
class AuditNote:
    at: datetime
    by: str
    text: str

    def to_dict(self) -> dict:
        return {"at": _iso(self.at), "by": self.by, "text": self.text}

    @classmethod
    def from_obj(cls, o: Obj) -> "AuditNote":
        n = cls(o.convert("at", parse_datetime), o.text("by"), o.text("text"))
        o.done()
        return n


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _parse_uuid(value) -> uuid.UUID:
    if not isinstance(value, str):
        raise ValueError("expected a UUID text")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a UUID") from None


@dataclass
class EnrolmentRecord:
    record_id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1
    status: Status = Status.DRAFT
    created_at: datetime = field(default_factory=_now)
    updated_at: datetime = field(default_factory=_now)
    demographics: Demographics = field(default_factory=Demographics)
    captures: Captures = field(default_factory=Captures)
    session: Session = field(default_factory=Session)
    audit: list[AuditNote] = field(default_factory=list)
    # Population data (fieldkit/domain/population.py): optional, written only when set.
    registry: RegistryLink | None = None
    discrepancies: list[Discrepancy] = field(default_factory=list)
    vneid: VneidRequest | None = None

    def __repr__(self) -> str:
        return f"EnrolmentRecord(record_id={str(self.record_id)!r}, version={self.version}, status={self.status.value!r})"

    def to_dict(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "record_id": str(self.record_id), "version": self.version, "status": self.status.value,
            "created_at": _iso(self.created_at), "updated_at": _iso(self.updated_at),
            "demographics": self.demographics.to_dict(), "captures": self.captures.to_dict(),
            "session": self.session.to_dict(), "audit": [n.to_dict() for n in self.audit],
            **write_population(self.registry, self.discrepancies, self.vneid),
        }

    @classmethod
    def from_dict(cls, data) -> "EnrolmentRecord":
        o = Obj(data, "")
        fmt = o.get("format_version", int)
        if fmt != FORMAT_VERSION:
            raise RecordFormatError("format_version", f"version {fmt} is not supported (this kit reads {FORMAT_VERSION})")
        version = o.get("version", int)
        if version < 1:
            raise RecordFormatError("version", "must be 1 or more")
        captures = o.child("captures", optional=True)
        notes = o.get("audit", list, [])
        record = cls(
            record_id=o.convert("record_id", _parse_uuid), version=version, status=o.convert("status", enum_parser(Status)),
            created_at=o.convert("created_at", parse_datetime), updated_at=o.convert("updated_at", parse_datetime),
            demographics=Demographics.from_obj(o.child("demographics")),
            captures=Captures.from_obj(captures) if captures else Captures(),
            session=Session.from_obj(o.child("session")),
            audit=[AuditNote.from_obj(Obj(n, join("audit", i))) for i, n in enumerate(notes)],
            **read_population(o),
        )
        o.done()
        return record
