"""`fieldkit-hub registry synth`: a realistic synthetic registry with planted defects, and their ground truth.

The people are the synthetic village of `fieldkit.demo.population.village(n, seed)` — the same people the
demo enrols — grouped into households (children with their guardian's household), living in one 2025
commune. The registry is what the National Population Database would say about them, with defects planted
at known rates, at most one per person, each written to the ground truth:

- `wrong_dob`: a wrong date of birth (year, month or day off);
- `name_misspelt`: one letter of the birth name wrong; `name_undiacritised`: the name typed without marks;
- `old_address`: the residence still in the pre-2025 units (only for communes formed from old ones);
- `duplicate`: the person has a second registry record (no ID number, name without marks);
- `missing`: the person lives in the village but is not in the registry (the team files a DC01).
Realistic, not defects: highland elders often have a year-only birth date (`partial_dob` in the truth: the
team completes it). Village "twins" (a person who comes twice under another name) are not in the registry.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from fieldkit.demo.population import SyntheticCitizen, village
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.names import fold
from fieldkit.domain.units import Commune, commune_by_code, provinces
from fieldkit.population.resident import Resident

DEFECT_RATES = {"wrong_dob": 0.05, "name_misspelt": 0.03, "name_undiacritised": 0.05, "old_address": 0.08,
                "duplicate": 0.02, "missing": 0.05}
DEFECT_FIELD = {"wrong_dob": "date_of_birth", "name_misspelt": "birth_name", "name_undiacritised": "birth_name",
                "old_address": "residence"}
TODAY = date(2026, 11, 23)
_SEX = {"Nam": "male", "Nữ": "female"}
_PROVINCE_NAMES = {"062": "Kon Tum", "051": "Quảng Ngãi", "064": "Gia Lai"}


@dataclass
class SynthRegistry:
    commune: Commune
    residents: list[Resident]
    truth: dict
    people: list[SyntheticCitizen] = field(repr=False, default_factory=list)


def undiacritise(name: str) -> str:
    """"Nguyễn Thị Hoà" → "Nguyen Thi Hoa": the marks lost, case kept (old data entry without Vietnamese input)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


_TONE_SWAP = {"\u0300": "\u0301", "\u0301": "\u0300", "\u0309": "\u0303", "\u0303": "\u0309", "\u0323": "\u0301"}


def misspell(name: str, rng: random.Random) -> str:
    """The given name with its tone mark wrong ("Thương" → "Thướng", "Lan" → "Lán"): the commonest data-entry
    slip in the registry, and one a diacritic-free search still finds."""
    words = name.split(" ")
    decomposed = unicodedata.normalize("NFD", words[-1])
    tones = [i for i, ch in enumerate(decomposed) if ch in _TONE_SWAP]
    if tones:
        i = tones[0]
        changed = decomposed[:i] + _TONE_SWAP[decomposed[i]] + decomposed[i + 1:]
    else:
        vowel = next((i for i, ch in enumerate(decomposed) if ch.lower() in "aeiouy"), None)
        if vowel is None:
            changed = decomposed + decomposed[-1]
        else:
            end = vowel + 1
            while end < len(decomposed) and unicodedata.combining(decomposed[end]):
                end += 1
            changed = decomposed[:end] + rng.choice(("\u0301", "\u0300")) + decomposed[end:]
    words[-1] = unicodedata.normalize("NFC", changed)
    return " ".join(words)


def wrong_dob(dob: date, rng: random.Random) -> date:
    kind = rng.choice(("year", "month", "day"))
    if kind == "year":
        return dob.replace(year=dob.year + rng.choice((-3, -2, -1, 1, 2)))
    if kind == "month":
        return dob.replace(month=dob.month % 12 + 1)
    return dob.replace(day=dob.day % 28 + 1)


@lru_cache(maxsize=64)
def old_addresses(commune_code: str) -> tuple[str, ...]:
    """Pre-2025 addresses ("Xã …, Huyện …, Tỉnh …") that convert to this 2025 commune, from the converter's map."""
    from vietnamadminunits import ParseMode, parse_address
    from vietnamadminunits.converter import converter_2025 as conv

    from fieldkit.domain.addresses import convert_old_address

    commune = commune_by_code(commune_code)
    province = next(p for p in provinces() if p.code == commune.province_code)
    pkey, wkey = fold(province.name).replace(" ", ""), fold(commune.name).replace(" ", "")
    out = []
    for old_key in conv.DICT_PROVINCE_WARD_NO_DIVIDED.get(pkey, {}).get(wkey, []):
        old_province, old_district, old_ward = old_key.split("_")
        unit = parse_address(f"{old_ward}, {old_district}, {old_province}", mode=ParseMode.LEGACY, level=3)
        if not (unit.ward and unit.district and unit.province):
            continue
        text = f"{unit.ward}, {unit.district}, {unit.province}"
        conv_result = convert_old_address(text)
        if conv_result.commune and conv_result.commune.code == commune_code and not conv_result.needs_confirmation:
            out.append(text)
    return tuple(out)


def _households(people: list[SyntheticCitizen], rng: random.Random) -> dict[int, tuple[int, str]]:
    """person index -> (household number, relation to head). Children live with their guardian."""
    out: dict[int, tuple[int, str]] = {}
    heads = 0
    last_head: int | None = None
    for p in people:
        if p.duplicate_of is not None:
            continue
        if p.guardian_index is not None and p.guardian_index in out:
            out[p.index] = (out[p.guardian_index][0], "con")
            continue
        if last_head is not None and rng.random() < 0.35:
            out[p.index] = (out[last_head][0], "chồng" if p.sex == "Nam" else "vợ")
            last_head = None
            continue
        heads += 1
        out[p.index] = (heads, "chủ hộ")
        last_head = p.index
    return out


def _dob_for_registry(p: SyntheticCitizen, rng: random.Random) -> PartialDate:
    """Highland elders were often registered with the year only."""
    if p.ethnicity != "Kinh" and p.dob.year < 1966 and rng.random() < 0.6:
        return PartialDate(p.dob.year)
    return PartialDate.from_date(p.dob)


def synth_registry(commune_code: str, people: int, seed: int, rates: dict[str, float] | None = None,
                   today: date = TODAY) -> SynthRegistry:
    commune = commune_by_code(commune_code)
    if commune is None:
        raise ValueError(f"{commune_code} is not a 2025 commune code")
    rates = {**DEFECT_RATES, **(rates or {})}
    rng = random.Random(f"fieldkit-registry-{commune_code}-{seed}")
    village_people = village(people, seed=seed, today=today)
    province = next(p for p in provinces() if p.code == commune.province_code)
    homes = _households(village_people, rng)
    olds = old_addresses(commune_code)
    residents: list[Resident] = []
    defects, missing, duplicates, partial, links = [], [], [], [], {}
    for p in village_people:
        if p.duplicate_of is not None:
            missing.append({"village_index": p.index, "reason": "enrolment_duplicate", "duplicate_of": p.duplicate_of})
            continue
        household, relation = homes[p.index]
        kind = _draw(rng, rates, can_old=bool(olds))
        if kind == "missing":
            missing.append({"village_index": p.index, "reason": "missing"})
            continue
        rid = f"R{commune_code}-{seed}-{p.index:06d}"
        links[p.index] = rid
        dob = _dob_for_registry(p, rng)
        if dob.precision != "day":
            partial.append({"village_index": p.index, "resident_id": rid, "registry_value": dob.isoformat(),
                            "true_value": p.dob.isoformat()})
        values = dict(
            resident_id=rid, birth_name=p.birth_name, sex=_SEX[p.sex], date_of_birth=dob,
            personal_id=p.personal_id, ethnicity=p.ethnicity, religion=p.religion,
            birth_registration_place=_PROVINCE_NAMES.get(p.birth_registration_code, ""),
            hometown=f"{commune.name}, {province.short}" if rng.random() < 0.7 else "",
            province=province.short, commune=commune.name, commune_code=commune.code,
            street=f"Thôn {household % 6 + 1}", household_id=f"HK{commune_code}-{seed}-{household:05d}",
            relation_to_head=relation, phone=p.phone)
        true_value = None
        if kind == "wrong_dob":
            true_value = p.dob.isoformat()
            values["date_of_birth"] = PartialDate.from_date(wrong_dob(p.dob, rng))
        elif kind == "name_misspelt":
            true_value, values["birth_name"] = p.birth_name, misspell(p.birth_name, rng)
        elif kind == "name_undiacritised":
            true_value, values["birth_name"] = p.birth_name, undiacritise(p.birth_name)
            if values["birth_name"] == p.birth_name:  # a name with no marks ("A Tơ" has one): misspell instead
                kind, values["birth_name"] = "name_misspelt", misspell(p.birth_name, rng)
        elif kind == "old_address":
            true_value = f"{values['street']}, {commune.name}, {province.short}"
            values["old_address"] = f"{values['street']}, {rng.choice(olds)}"
        resident = Resident(**values)
        residents.append(resident)
        if kind in DEFECT_FIELD:
            registry_value = resident.old_address if kind == "old_address" else (
                resident.date_of_birth.isoformat() if kind == "wrong_dob" else resident.birth_name)
            defects.append({"kind": kind, "village_index": p.index, "resident_id": rid, "field": DEFECT_FIELD[kind],
                            "registry_value": registry_value, "true_value": true_value})
        elif kind == "duplicate":
            dup_id = f"{rid}-D"
            residents.append(Resident(**{**values, "resident_id": dup_id, "personal_id": None,
                                         "birth_name": undiacritise(p.birth_name) if undiacritise(p.birth_name) != p.birth_name
                                         else p.birth_name.upper(), "relation_to_head": ""}))
            duplicates.append({"resident_id": dup_id, "duplicate_of": rid, "village_index": p.index})
    truth = {
        "commune_code": commune.code, "commune": commune.name, "province": province.short, "seed": seed,
        "people": people, "today": today.isoformat(), "rates": rates,
        "links": {str(i): rid for i, rid in links.items()},
        "defects": defects, "partial_dob": partial, "missing": missing, "duplicates": duplicates,
        "counts": _counts(defects, missing, duplicates, partial, len(residents)),
    }
    return SynthRegistry(commune, residents, truth, village_people)


def _draw(rng: random.Random, rates: dict[str, float], can_old: bool) -> str | None:
    roll = rng.random()
    for kind, rate in rates.items():
        if kind == "old_address" and not can_old:
            continue
        if roll < rate:
            return kind
        roll -= rate
    return None


def _counts(defects, missing, duplicates, partial, registry_size: int) -> dict:
    by_kind: dict[str, int] = {}
    for d in defects:
        by_kind[d["kind"]] = by_kind.get(d["kind"], 0) + 1
    return {"registry_rows": registry_size, **{k: by_kind.get(k, 0) for k in DEFECT_FIELD},
            "missing": sum(m["reason"] == "missing" for m in missing),
            "enrolment_duplicates": sum(m["reason"] == "enrolment_duplicate" for m in missing),
            "duplicate": len(duplicates), "partial_dob": len(partial)}


def villager_statement(reg: SynthRegistry, person: SyntheticCitizen):
    """What a villager tells the officer (fieldkit.domain.record.Demographics): the truth — their own name,
    birth date, ID, ethnicity, religion, phone — living where their registry household is (2025 units), with
    the registry's birth registration place and quê quán (no defect is planted there). A demo with a registry
    fills the form from this (after the card's prefill) so that the only differences are the planted ones."""
    from fieldkit.domain.record import Demographics, Residence, Sex

    rid = reg.truth["links"].get(str(person.index))
    resident = next((r for r in reg.residents if r.resident_id == rid), None)
    return Demographics(
        birth_name=person.birth_name, date_of_birth=PartialDate.from_date(person.dob),
        sex=Sex.MALE if person.sex == "Nam" else Sex.FEMALE, personal_id=person.personal_id,
        ethnicity=person.ethnicity, religion=person.religion, phone=person.phone,
        birth_registration_province=resident.birth_registration_place if resident else "",
        hometown=resident.hometown if resident else "",
        residence=Residence(reg.truth["province"], reg.truth["commune"], resident.street if resident else "Thôn 3"))


def expected_report(truth: dict, seen_village_indices: list[int] | None = None) -> dict:
    """What `fieldkit-hub report` must count when the team met `seen_village_indices` (default: everyone)
    and recorded every difference: corrections by field, new residents (DC01), registry duplicates."""
    seen = set(int(i) for i in truth["links"]) | {m["village_index"] for m in truth["missing"]} \
        if seen_village_indices is None else set(seen_village_indices)
    by_field: dict[str, int] = {}
    for d in truth["defects"]:
        if d["village_index"] in seen:
            by_field[d["field"]] = by_field.get(d["field"], 0) + 1
    for d in truth["partial_dob"]:
        if d["village_index"] in seen:
            by_field["date_of_birth"] = by_field.get("date_of_birth", 0) + 1
    return {"corrections_by_field": dict(sorted(by_field.items())),
            "new_residents": sum(m["village_index"] in seen for m in truth["missing"]),
            "seen": sum(int(i) in seen for i in truth["links"]),
            "registry_duplicates": len(truth["duplicates"])}
