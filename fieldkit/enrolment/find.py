"""The flow's "find in the database" step and VNeID level-2 request (Qt-free; fieldkit.enrolment.flow holds one).

The officer either chooses the citizen among the registry's residents (fieldkit.population.lookup) or declares
them absent ("not in the database": DC01). The decision is kept here, not only in the record, because the
discrepancies are a function of the record as it is when saved: the officer goes on editing the form after
choosing (the citizen corrects what the registry has wrong), so `apply_to(record)` recomputes them from the
current demographics (and the card, when one was scanned) every time the flow takes a snapshot. The officer's
proof and note on a discrepancy survive the recomputation while the same difference stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldkit.domain.names import fold
from fieldkit.domain.population import Dc01, RegistryStatus, VneidRequest
from fieldkit.population.discrepancies import apply_registry, prefill_from_resident
from fieldkit.population.resident import Resident

_FILLABLE = ("birth_name", "personal_id", "cmnd", "date_of_birth", "sex", "ethnicity", "religion",
             "birth_registration_province", "hometown", "phone")


@dataclass
class RegistryDecision:
    """One citizen's answer to "is this person in the database?"; `resident` None means DC01."""

    resident: Resident | None
    commune_code: str = ""
    extract_id: str | None = None
    dc01: Dc01 = field(default_factory=Dc01)

    @property
    def not_in_database(self) -> bool:
        return self.resident is None


def merge_prefill(demographics, resident: Resident) -> None:
    """Fill the form's EMPTY fields from the registry (a card read before keeps its values: the card is the
    stronger proof); the residence when none is entered yet or it is the registry's commune. The officer then
    confirms each with the citizen."""
    prefill = prefill_from_resident(resident)
    for name in _FILLABLE:
        if getattr(demographics, name) in (None, "", []):
            setattr(demographics, name, getattr(prefill, name))
    if not demographics.other_names:
        demographics.other_names = list(prefill.other_names)
    res, reg = demographics.residence, prefill.residence
    if not res.commune or fold(res.commune) == fold(reg.commune):
        # Empty, or the work session's commune with its village as a guess: the registry's household address
        # is this citizen's (an old-units registry address gives no street: the officer asks).
        res.province, res.commune = reg.province or res.province, reg.commune or res.commune
        res.street = reg.street or ("" if reg.commune else res.street)


def apply_decision(record, decision: RegistryDecision | None, card=None) -> None:
    """Write the decision into the record (registry link, DC01, discrepancies of the CURRENT demographics)."""
    if decision is None:
        return
    kept = {(d.field, d.source, d.observed_value): (d.proof, d.note) for d in record.discrepancies}
    apply_registry(record, decision.resident, decision.commune_code, card=card, extract_id=decision.extract_id,
                   dc01=decision.dc01)
    for d in record.discrepancies:
        proof, note = kept.get((d.field, d.source, d.observed_value), ("", ""))
        d.proof, d.note = proof or d.proof, note   # the officer's proof wins over the default ("thẻ CCCD")


def decision_of_record(record) -> RegistryDecision | None:
    """A resumed record's decision as far as the record holds it: DC01 can be rebuilt; a found resident cannot
    (the record keeps only the id), so its saved discrepancies stay as they were saved."""
    link = record.registry
    if link is None or link.status is not RegistryStatus.NOT_IN_DATABASE:
        return None
    return RegistryDecision(None, link.commune_code, None, link.dc01 or Dc01())


def vneid_request(phone: str, email: str | None, consent: bool, officer: str) -> VneidRequest:
    """A checked VNeID level-2 request (VneidError with code vneid.phone / vneid.email / vneid.consent)."""
    return VneidRequest.create(phone, email, consent, officer)


__all__ = ["RegistryDecision", "apply_decision", "decision_of_record", "merge_prefill", "vneid_request"]
