"""Benchmarks of the domain layer (wired into `fieldkit bench`): validation, card-QR parsing, address conversion.

Goal: checking a record must feel instant on the form (well under 10 ms per record on the field laptop), and
converting a card address must not stall a scan (under 50 ms once the data is loaded). Figures are per call,
measured on synthetic villagers from fieldkit.demo.population.
Run alone: `python -m fieldkit.benchmarks.records`.
"""

from __future__ import annotations

import time
from datetime import date

from fieldkit.demo.population import SyntheticCitizen, village
from fieldkit.domain.captures import Captures, FingerSlot
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.fingers import Finger, FingerStatus, Slap
from fieldkit.domain.record import Demographics, EnrolmentRecord, Guardian, Residence, Session, Sex
from fieldkit.domain.status import Status

TODAY = date(2026, 11, 23)
_SEX = {"Nam": Sex.MALE, "Nữ": Sex.FEMALE}


def _captures(person: SyntheticCitizen) -> Captures:
    c = Captures()
    if not person.takes_biometrics(TODAY):
        return c
    c.face.image_ref = f"blob-{person.biometric_seed}-face"
    for slap in Slap:
        c.slaps[slap].image_ref = f"blob-{person.biometric_seed}-{slap.name}"
    for finger in Finger:
        status, reason = person.finger_exceptions.get(finger, (FingerStatus.CAPTURED, ""))
        ref = f"blob-{person.biometric_seed}-{finger.name}" if status is FingerStatus.CAPTURED else None
        c.rolled[finger] = FingerSlot(status, reason, ref, 60.0, 1)
        for slap in Slap:
            if finger in slap.fingers and status is not FingerStatus.CAPTURED:
                c.slaps[slap].fingers[finger] = FingerSlot(status, reason)
    return c


def record_for(person: SyntheticCitizen, people: list[SyntheticCitizen]) -> EnrolmentRecord:
    """A complete record, pending review, for a synthetic villager of Xã Đăk Mar (Quảng Ngãi)."""
    guardian = None
    if person.guardian_index is not None:
        g = people[person.guardian_index]
        guardian = Guardian(g.birth_name, g.personal_id, "người đại diện")
    d = Demographics(
        birth_name=person.birth_name, personal_id=person.personal_id, date_of_birth=PartialDate.from_date(person.dob),
        sex=_SEX[person.sex], ethnicity=person.ethnicity, religion=person.religion, nationality="Việt Nam",
        birth_registration_province="Kon Tum", residence=Residence("Quảng Ngãi", "Xã Đăk Mar", "Thôn 3"),
        hometown="Kon Tum", guardian=guardian, phone=person.phone)
    return EnrolmentRecord(status=Status.PENDING_REVIEW, demographics=d, captures=_captures(person),
                           session=Session(commune="Xã Đăk Mar", village="Thôn 3", team="Tổ 2", officer="bench"))


def village_records(n: int, seed: int = 0) -> list[EnrolmentRecord]:
    people = village(n, seed=seed, today=TODAY)
    return [record_for(p, people) for p in people]


def _per_call(fn, items) -> float:
    started = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - started) / max(1, len(items))


def bench_validation(n: int = 300) -> dict:
    """Milliseconds per record for validate() and for the JSON round trip, on n villagers."""
    from fieldkit.domain.validation import validate

    records = village_records(n)
    validate(records[0], today=TODAY)  # load the units table once, like the app at start-up
    dicts = [r.to_dict() for r in records]
    figures = {
        "records": n,
        "validate_ms": round(1000 * _per_call(lambda r: validate(r, today=TODAY), records), 3),
        "from_dict_ms": round(1000 * _per_call(EnrolmentRecord.from_dict, dicts), 3),
        "to_dict_ms": round(1000 * _per_call(lambda r: r.to_dict(), records), 3),
    }
    return figures


CARD_ADDRESSES = (
    "Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum",
    "Phường Quyết Thắng, Thành phố Kon Tum, Tỉnh Kon Tum",
    "Số 5 Ngõ 10, Phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà Nội",
    "Buôn Ko Tam, Xã Ea Tu, Thành phố Buôn Ma Thuột, Tỉnh Đắk Lắk",
    "Thôn Làng Tung, Xã Ia Khươl, Huyện Chư Păh, Tỉnh Gia Lai",
)


def bench_card_qr(rounds: int = 20) -> dict:
    """Library load time, then milliseconds per address conversion and per full QR parse."""
    from fieldkit.domain.addresses import convert_old_address
    from fieldkit.domain.card_qr import parse_card_qr

    started = time.perf_counter()
    convert_old_address(CARD_ADDRESSES[0])
    load_s = time.perf_counter() - started
    addresses = list(CARD_ADDRESSES) * rounds
    payloads = [f"062190001234|233456789|Y Ben Niê|15031990|Nam|{a}|20042021" for a in addresses]
    figures = {
        "first_call_s": round(load_s, 3),
        "convert_ms": round(1000 * _per_call(convert_old_address, addresses), 3),
        "parse_qr_ms": round(1000 * _per_call(parse_card_qr, payloads), 3),
        "parse_qr_no_convert_ms": round(1000 * _per_call(lambda p: parse_card_qr(p, convert_address=False), payloads), 4),
    }
    return figures


if __name__ == "__main__":
    print(bench_validation())
    print(bench_card_qr())
