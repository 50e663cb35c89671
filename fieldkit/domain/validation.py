"""Validation of an enrolment record ("đúng, đủ, sạch"): errors block submission, warnings go to the supervisor.

`validate(record, today=...)` runs every check in CHECKS and returns Issues with a stable code (see
fieldkit/domain/messages.py), a field path and messages in Vietnamese and English. `validate_dict` does the same
for a JSON dict, turning a record that cannot be read into an issue instead of an exception.
Age rules use the age range of a partial date: a rule fires as an error only when it surely applies, and as a
warning when the date of birth cannot tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from fieldkit.domain import messages
from fieldkit.domain.addresses import check_residence
from fieldkit.domain.dates import age_range, is_future
from fieldkit.domain.ethnicities import find_ethnic_group
from fieldkit.domain.fingers import Finger, FingerStatus
from fieldkit.domain.jsonread import RecordFormatError
from fieldkit.domain.names import bad_name_characters, normalize_name
from fieldkit.domain.personal_id import PROVINCE_CODES, PersonalIdError, id_warnings, parse_cmnd, parse_personal_id
from fieldkit.domain.record import EnrolmentRecord
from fieldkit.domain.status import Status
from fieldkit.domain.units import find_province, province_key

GUARDIAN_AGE = 14     # Luật Căn cước Điều 23: under-14s apply through their legal representative
BIOMETRICS_AGE = 6    # Điều 18/23: no face photo or fingerprints under 6
MAX_PLAUSIBLE_AGE = 120
# From these statuses on, the captures are meant to be complete: missing ones are errors, not reminders.
CAPTURES_DUE = frozenset({Status.CAPTURED, Status.PENDING_REVIEW, Status.APPROVED, Status.SEALED,
                          Status.UPLOADING, Status.ACKNOWLEDGED})
_MOBILE = re.compile(r"(?:0|\+84)[35789]\d{8}")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


@dataclass(frozen=True)
class Issue:
    severity: str   # "error" or "warning"
    code: str
    field: str
    params: dict = field(default_factory=dict, compare=False)

    @property
    def message_vi(self) -> str:
        return messages.render(self.code, self.params, "vi")

    @property
    def message_en(self) -> str:
        return messages.render(self.code, self.params, "en")

    @property
    def is_error(self) -> bool:
        return self.severity == messages.ERROR

    def to_dict(self) -> dict:
        return {"severity": self.severity, "code": self.code, "field": self.field,
                "message_vi": self.message_vi, "message_en": self.message_en}


def issue(code: str, path: str, severity: str | None = None, /, **params) -> Issue:
    return Issue(severity or messages.MESSAGES[code][0], code, path, params)


@dataclass(frozen=True)
class Ctx:
    today: date
    ages: tuple[int, int] | None  # (youngest, oldest) possible age, None without a date of birth

    def surely_under(self, years: int) -> bool:
        return self.ages is not None and self.ages[1] < years

    def maybe_under(self, years: int) -> bool:
        return self.ages is not None and self.ages[0] < years


D = "demographics"


def check_names(r: EnrolmentRecord, ctx: Ctx):
    d = r.demographics
    if not d.birth_name:
        yield issue("name.required", f"{D}.birth_name")
    for path, name in [(f"{D}.birth_name", d.birth_name),
                       *((f"{D}.other_names[{i}]", n) for i, n in enumerate(d.other_names))]:
        if bad := bad_name_characters(name):
            yield issue("name.bad_characters", path, chars=" ".join(repr(c) for c in bad))
        elif name != normalize_name(name):  # records read from JSON are normalised; this catches other writers
            yield issue("name.not_normalized", path, normalized=normalize_name(name))


def check_ids(r: EnrolmentRecord, ctx: Ctx):
    d = r.demographics
    if d.personal_id:
        try:
            pid = parse_personal_id(d.personal_id)
        except PersonalIdError:
            yield issue("id.format", f"{D}.personal_id")
        else:
            for code, params in id_warnings(pid, d.date_of_birth, d.sex.value if d.sex else None):
                params = {**params, "id_sex_vi": messages.SEX_VI.get(params.get("id_sex"), "")}
                yield issue(code, f"{D}.personal_id", **params)
    if d.cmnd:
        try:
            parse_cmnd(d.cmnd)
        except PersonalIdError:
            yield issue("cmnd.format", f"{D}.cmnd")


def check_birth(r: EnrolmentRecord, ctx: Ctx):
    d = r.demographics
    if d.date_of_birth is None:
        yield issue("dob.required", f"{D}.date_of_birth")
    elif is_future(d.date_of_birth, ctx.today):
        yield issue("dob.future", f"{D}.date_of_birth")
    elif ctx.ages[0] > MAX_PLAUSIBLE_AGE:
        yield issue("dob.too_old", f"{D}.date_of_birth", age=MAX_PLAUSIBLE_AGE)
    if d.sex is None:
        yield issue("sex.required", f"{D}.sex")


def check_belonging(r: EnrolmentRecord, ctx: Ctx):
    """Ethnicity, religion, nationality, place of birth registration, home town."""
    d = r.demographics
    if not d.ethnicity:
        yield issue("ethnicity.required", f"{D}.ethnicity")
    elif find_ethnic_group(d.ethnicity) is None:
        yield issue("ethnicity.unknown", f"{D}.ethnicity", ethnicity=d.ethnicity)
    if not d.religion:
        yield issue("religion.missing", f"{D}.religion")
    if not d.nationality:
        yield issue("nationality.required", f"{D}.nationality")
    if not d.birth_registration_province:
        yield issue("birth_registration.required", f"{D}.birth_registration_province")
    elif not _known_province(d.birth_registration_province):
        yield issue("birth_registration.unknown_province", f"{D}.birth_registration_province",
                    province=d.birth_registration_province)
    if not d.hometown:
        yield issue("hometown.missing", f"{D}.hometown")


def _known_province(text: str) -> bool:
    """A 2025 province or one of the 63 before: births were registered under the old names."""
    return find_province(text) is not None or province_key(text) in _old_province_keys()


@lru_cache(maxsize=1)
def _old_province_keys() -> frozenset[str]:
    return frozenset(province_key(old) for old, _ in PROVINCE_CODES.values())


def check_residence_units(r: EnrolmentRecord, ctx: Ctx):
    res = r.demographics.residence
    if not res.province or not res.commune:
        yield issue("residence.required", f"{D}.residence.{'province' if not res.province else 'commune'}")
        return
    code, params = check_residence(res.province, res.commune)
    if code:
        where = "province" if code == "residence.unknown_province" else "commune"
        yield issue(code, f"{D}.residence.{where}", **params)


def check_guardian(r: EnrolmentRecord, ctx: Ctx):
    g, path = r.demographics.guardian, f"{D}.guardian"
    if g is None:
        if ctx.surely_under(GUARDIAN_AGE):
            yield issue("guardian.required", path)
        elif ctx.maybe_under(GUARDIAN_AGE):
            yield issue("guardian.age_uncertain", path)
        return
    for attr, vi, en in (("name", "họ tên", "name"), ("relationship", "quan hệ", "relationship")):
        if not getattr(g, attr):
            yield issue("guardian.incomplete", f"{path}.{attr}", missing=vi, missing_en=en)
    if bad := bad_name_characters(g.name):
        yield issue("name.bad_characters", f"{path}.name", chars=" ".join(repr(c) for c in bad))
    if g.personal_id:
        try:
            parse_personal_id(g.personal_id)
        except PersonalIdError:
            yield issue("guardian.id_format", f"{path}.personal_id")


def check_phone(r: EnrolmentRecord, ctx: Ctx):
    phone = r.demographics.phone
    if phone and not _MOBILE.fullmatch(_PHONE_SEPARATORS.sub("", phone)):
        yield issue("phone.format", f"{D}.phone")


def check_biometrics_age(r: EnrolmentRecord, ctx: Ctx):
    if ctx.surely_under(BIOMETRICS_AGE) and r.captures.any_biometrics():
        yield issue("biometrics.under_six", "captures")
    elif ctx.maybe_under(BIOMETRICS_AGE) and not ctx.surely_under(BIOMETRICS_AGE):
        yield issue("biometrics.age_uncertain", f"{D}.date_of_birth")


def check_finger_exceptions(r: EnrolmentRecord, ctx: Ctx):
    """Every finger without a print says why, whatever the age or status."""
    slots = [(f"captures.rolled.{f.name.lower()}", f, s) for f, s in r.captures.rolled.items()]
    slots += [(f"captures.slaps.{sl.name.lower()}.fingers.{f.name.lower()}", f, s)
              for sl, slap in r.captures.slaps.items() for f, s in slap.fingers.items()]
    for path, finger, slot in slots:
        if slot.is_exception and not slot.reason.strip():
            yield issue("finger.reason_required", path, **_finger_params(finger))


def check_captures_complete(r: EnrolmentRecord, ctx: Ctx):
    """Face, slaps and rolled prints present (or explained) for anyone surely 6 or older."""
    if ctx.ages is None or ctx.maybe_under(BIOMETRICS_AGE):
        return
    missing = list(_missing_captures(r))
    if r.status in CAPTURES_DUE:
        yield from missing
    elif missing:  # still being captured: one reminder, not fourteen
        yield issue("captures.incomplete", "captures", count=len(missing))
    for finger, slot in r.captures.rolled.items():
        if slot.status is FingerStatus.CAPTURED and slot.image_ref is None:
            yield issue("finger.no_image", f"captures.rolled.{finger.name.lower()}", **_finger_params(finger))
    yield from _finger_consistency(r)
    if all(s.is_exception for s in r.captures.rolled.values()):
        yield issue("fingers.none_captured", "captures.rolled")


def _missing_captures(r: EnrolmentRecord):
    c = r.captures
    if not c.face.captured and not c.face.exception_reason:
        yield issue("face.missing", "captures.face")
    for slap, slot in c.slaps.items():
        all_exceptions = all(s.is_exception for s in slot.fingers.values())
        if slot.image_ref is None and not all_exceptions:
            key = slap.name.lower()
            yield issue("slap.not_done", f"captures.slaps.{key}", slap=key.replace("_", " "),
                        slap_vi=messages.SLAPS_VI[key])
    for finger, slot in c.rolled.items():
        if slot.status is None:
            yield issue("finger.not_done", f"captures.rolled.{finger.name.lower()}", **_finger_params(finger))


def _finger_consistency(r: EnrolmentRecord):
    slap_status = {f: s.status for slap in r.captures.slaps.values() for f, s in slap.fingers.items()}
    for finger, slot in r.captures.rolled.items():
        in_slap = slap_status.get(finger)
        if FingerStatus.MISSING in (slot.status, in_slap) and FingerStatus.CAPTURED in (slot.status, in_slap):
            yield issue("finger.inconsistent", f"captures.rolled.{finger.name.lower()}", **_finger_params(finger))


def _finger_params(finger: Finger) -> dict:
    key = finger.name.lower()
    english = key.replace("_", " ") + ("" if finger in (Finger.RIGHT_THUMB, Finger.LEFT_THUMB) else " finger")
    return {"finger": english, "finger_vi": messages.FINGERS_VI[key]}


def check_session(r: EnrolmentRecord, ctx: Ctx):
    s = r.session
    missing = [(vi, en) for value, vi, en in ((s.commune, "xã", "commune"), (s.team, "tổ", "team"),
                                              (s.officer, "cán bộ", "officer")) if not value]
    if missing:
        yield issue("session.incomplete", "session", missing=", ".join(m[0] for m in missing),
                    missing_en=", ".join(m[1] for m in missing))
    if s.gps and not (-90 <= s.gps.lat <= 90 and -180 <= s.gps.lon <= 180):
        yield issue("session.gps_range", "session.gps")


def check_timestamps(r: EnrolmentRecord, ctx: Ctx):
    try:
        backwards = r.updated_at < r.created_at
    except TypeError:  # one naive, one aware: cannot compare, not worth an issue
        return
    if backwards:
        yield issue("record.timestamps", "updated_at")


def check_vneid(r: EnrolmentRecord, ctx: Ctx):
    """A VNeID level-2 request (fieldkit/domain/population.py) must be usable: mobile, e-mail, recorded consent."""
    if r.vneid is not None:
        for code, _message in r.vneid.problems():
            yield issue(code, code)


CHECKS = (check_names, check_ids, check_birth, check_belonging, check_residence_units, check_guardian,
          check_phone, check_biometrics_age, check_finger_exceptions, check_captures_complete, check_session,
          check_timestamps, check_vneid)


def validate(record: EnrolmentRecord, today: date | None = None) -> list[Issue]:
    """Every issue of the record, errors first, in check order within a severity."""
    today = today or date.today()
    dob = record.demographics.date_of_birth
    ctx = Ctx(today, age_range(dob, today) if dob and not is_future(dob, today) else None)
    found = [i for check in CHECKS for i in check(record, ctx)]
    return sorted(found, key=lambda i: not i.is_error)


def validate_dict(data, today: date | None = None) -> list[Issue]:
    """Like `validate` for a JSON-safe dict; a dict that is not a readable record gives one error issue."""
    try:
        record = EnrolmentRecord.from_dict(data)
    except RecordFormatError as exc:
        return [issue(exc.code, exc.field or "record", detail=exc.message if exc.code != "record.format" else str(exc))]
    return validate(record, today)


def has_errors(issues: list[Issue]) -> bool:
    return any(i.is_error for i in issues)
