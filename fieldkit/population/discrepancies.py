"""Every difference between the registry, the card and the citizen's statement, as typed Discrepancy objects.

`compute_discrepancies(resident, statement, card=None)`: `resident` is the registry's Resident, `statement`
the record's demographics as the officer confirmed them with the citizen, `card` the card's QR prefill when one
was scanned. Per field, the card's value (when it has one) and the statement's are compared with the
registry's; each that differs is a discrepancy (source `card` or `statement`), and a statement that only
repeats the card's value is not counted twice. The residence is the statement's only: a card's address is the
one at issue (pre-2025 units), not where the citizen lives now. Comparisons ignore what is not a difference: case, spacing
and tone placement in names ("Hoà"/"Hòa"), separators in phone numbers, "Ê Đê"/"Ede" spellings of a group.
Diacritics DO count: "Nguyen Thi Hoa" in the registry for "Nguyễn Thị Hoà" is a name to correct.
"""

from __future__ import annotations

import re
from typing import Callable

from fieldkit.domain.card_qr import CardPrefill
from fieldkit.domain.ethnicities import find_ethnic_group
from fieldkit.domain.names import comparison_key, fold
from fieldkit.domain.population import Discrepancy, DiscrepancySource
from fieldkit.domain.record import Demographics
from fieldkit.domain.units import province_key
from fieldkit.population.resident import Resident

CARD_PROOF = "thẻ căn cước / CCCD"


def _digits(text) -> str:
    return re.sub(r"\D", "", str(text or "")).removeprefix("84") if str(text or "").strip().startswith("+") \
        else re.sub(r"\D", "", str(text or ""))


def _phone_key(text) -> str:
    d = _digits(text)
    return "0" + d if d and not d.startswith("0") else d


def _ethnic_key(text) -> str:
    return find_ethnic_group(text) or fold(text)


def _residence_text(province: str, commune: str, street: str) -> str:
    return ", ".join(p for p in (street, commune, province) if p)


def _registry_residence(r: Resident) -> str:
    return r.old_address or _residence_text(r.province, r.commune, r.street)


def _residence_key(text: str) -> str:
    return comparison_key(text)


# field -> (registry value, statement value, card value or None, comparison key)
def _fields(r: Resident, s: Demographics, card: CardPrefill | None) -> list[tuple[str, str, str, str | None, Callable]]:
    res = s.residence
    dob = lambda d: d.isoformat() if d else ""  # noqa: E731
    return [
        ("birth_name", r.birth_name, s.birth_name, card.birth_name if card else None, comparison_key),
        ("date_of_birth", dob(r.date_of_birth), dob(s.date_of_birth), dob(card.date_of_birth) if card else None, str),
        ("sex", r.sex or "", s.sex.value if s.sex else "", card.sex.value if card else None, str),
        ("personal_id", r.personal_id or "", s.personal_id or "", card.personal_id if card else None, _digits),
        ("cmnd", r.cmnd or "", s.cmnd or "", (card.cmnd or None) if card else None, _digits),
        ("ethnicity", r.ethnicity, s.ethnicity, None, _ethnic_key),
        ("religion", r.religion, s.religion, None, comparison_key),
        ("birth_registration_province", r.birth_registration_place, s.birth_registration_province, None, province_key),
        ("hometown", r.hometown, s.hometown, None, comparison_key),
        # The card's address is the one at issue, in the old units: the current residence is what the citizen
        # states (the officer confirms it), so only the statement is compared with the registry's.
        ("residence", _registry_residence(r), _residence_text(res.province, res.commune, res.street), None,
         _residence_key),
        ("phone", r.phone or "", s.phone or "", None, _phone_key),
    ]


def compute_discrepancies(resident: Resident, statement: Demographics,
                          card: CardPrefill | None = None) -> list[Discrepancy]:
    """The discrepancies of one citizen, in field order. An empty statement field is "not asked", not a
    difference; an old-units registry residence always differs (the registry must move to the 2025 units)."""
    out: list[Discrepancy] = []
    for name, registry, stated, on_card, key in _fields(resident, statement, card):
        reg_key = key(registry) if registry else ""
        card_differs = on_card not in (None, "") and key(on_card) != reg_key
        if name == "residence" and resident.old_address:
            reg_key = "\0old units"  # never equal to a 2025 address
        if card_differs:
            out.append(Discrepancy(name, registry, on_card, DiscrepancySource.CARD, CARD_PROOF))
        if stated and key(stated) != reg_key and not (card_differs and key(stated) == key(on_card)):
            out.append(Discrepancy(name, registry, stated, DiscrepancySource.STATEMENT))
    return out


def apply_registry(record, resident: Resident | None, commune_code: str, card: CardPrefill | None = None,
                   extract_id: str | None = None, dc01=None):
    """Set a record's registry decision: linked to `resident` with its discrepancies computed from the record's
    demographics (and card), or — `resident` None — "not in the database" with the DC01 data. Returns the record.
    Used by the wizard's "find in the database" step and by the demo; the officer's proofs and notes on each
    discrepancy are added afterwards."""
    from fieldkit.domain.population import Dc01, RegistryLink, RegistryStatus

    if resident is None:
        record.registry = RegistryLink(RegistryStatus.NOT_IN_DATABASE, commune_code, dc01=dc01 or Dc01())
        record.discrepancies = []
    else:
        record.registry = RegistryLink(RegistryStatus.FOUND, resident.commune_code or commune_code,
                                       resident.resident_id, resident.household_id, extract_id)
        record.discrepancies = compute_discrepancies(resident, record.demographics, card)
    return record


def prefill_from_resident(resident: Resident) -> Demographics:
    """The form prefilled from the registry (the officer then confirms each field with the citizen). A
    registry address in the old units is not carried over: the officer asks for the current one (2025 units)."""
    from fieldkit.domain.record import Residence, Sex

    return Demographics(
        birth_name=resident.birth_name, other_names=list(resident.other_names), personal_id=resident.personal_id,
        cmnd=resident.cmnd, date_of_birth=resident.date_of_birth,
        sex=Sex(resident.sex) if resident.sex else None, ethnicity=resident.ethnicity, religion=resident.religion,
        nationality=resident.nationality, birth_registration_province=resident.birth_registration_place,
        hometown=resident.hometown, phone=resident.phone,
        residence=Residence(resident.province, resident.commune, "" if resident.old_address else resident.street))
