"""`fieldkit demo --registry FILE`: the village met against the commune's population extract (issue 14).

FILE is a population extract sealed to the demo kit (`fieldkit-hub extract --kit ID`). With `--hub-data DIR`
(a hub on this machine) and no FILE yet, the demo plays the province office too: it writes FILE from that
hub's registry for the demo's commune (`fieldkit-hub registry synth --data DIR` loaded it), after the kit is
provisioned. The extract is loaded as on a real kit (signature, kit binding, expiry checked).

Per villager, through the same EnrolmentFlow as the app: the card (if any) is read, the officer searches the
database with what the citizen gives (`best_match`: ID, CMND, or name with birth date), chooses the resident
(the form is prefilled from the registry) or records "not in the database" with DC01 data, and the citizen
corrects what the registry has wrong: their own name, birth date, sex, ID, ethnicity, religion, phone, and
the household address in the 2025 units. Whatever still differs when the record is saved is a discrepancy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fieldkit.domain.dates import PartialDate
from fieldkit.domain.population import Dc01
from fieldkit.domain.record import Residence, Sex

DEMO_COMMUNE_CODE = "23512"   # Xã Đăk Mar, Quảng Ngãi: the demo session's commune (fieldkit.demo.session.SESSION)
DC01_FOR_DEMO = dict(place_of_birth="Kon Tum", reason="vùng trắng: chưa có trong CSDL")
_SEX = {"Nam": Sex.MALE, "Nữ": Sex.FEMALE}


class RegistryDemoError(RuntimeError):
    """The extract cannot be written or loaded (message says what to do)."""


@dataclass
class RegistryCounts:
    """What the find step did in the session (printed with the summary, asserted by the tests)."""

    found: int = 0
    not_in_database: int = 0
    vneid_requests: int = 0
    discrepancies: int = 0
    by_field: dict[str, int] = field(default_factory=dict)
    links: dict[int, str | None] = field(default_factory=dict)   # village index -> resident id (None: DC01)

    def count(self, index: int, record) -> None:
        link = record.registry
        self.links[index] = None if link.not_in_database else link.resident_id
        self.found += not link.not_in_database
        self.not_in_database += link.not_in_database
        self.discrepancies += len(record.discrepancies)
        self.vneid_requests += record.vneid is not None
        for d in record.discrepancies:
            self.by_field[d.field] = self.by_field.get(d.field, 0) + 1

    def as_dict(self) -> dict:
        return {"found": self.found, "not_in_database": self.not_in_database, "discrepancies": self.discrepancies,
                "vneid_requests": self.vneid_requests,
                "discrepancies_by_field": dict(sorted(self.by_field.items())),
                "links": {str(k): v for k, v in sorted(self.links.items())}}


def write_extract_from_local_hub(hub_data: Path, kit_id: str, out: Path, commune: str = DEMO_COMMUNE_CODE) -> None:
    """The province office's step for a hub on this machine: the commune's residents sealed to this kit."""
    from sync.hub.open_storage import open_storage
    from sync.hub.keys import load_or_create_hub_keys
    from sync.hub.registry.extract import ExtractRefused, write_extract
    from sync.hub.service import HubService
    from sync.hub.verify import EnvelopeVerifier

    keys = load_or_create_hub_keys(Path(hub_data))
    storage = open_storage(Path(hub_data), None)
    try:
        service = HubService(storage, keys, EnvelopeVerifier(keys.hpke_private))
        write_extract(service, Path(hub_data), [commune], kit_id, Path(out))
    except ExtractRefused as exc:
        raise RegistryDemoError(f"cannot write the extract at the hub: {exc}") from None
    finally:
        storage.close()


def load_extract(data_dir: Path, session, path: Path) -> str:
    """Load FILE into the kit as `fieldkit extract load` does; its extract id."""
    from fieldkit.population.extract_format import ExtractError
    from fieldkit.population.store import ExtractStore

    try:
        info, _replaced = ExtractStore(Path(data_dir), session.kit).load(Path(path).read_bytes())
    except OSError as exc:
        raise RegistryDemoError(f"cannot read the extract {path}: {exc.strerror}") from None
    except ExtractError as exc:
        raise RegistryDemoError(f"extract refused: {exc}") from None
    return info.extract_id


def find(flow, population, person) -> None:
    """The officer's search with what the citizen gives, then the decision (a resident, or DC01)."""
    from fieldkit.population.lookup import best_match

    identity = flow.record.demographics
    if not identity.birth_name:   # no card: the officer asks name, birth date, sex, ID number
        identity.birth_name, identity.personal_id = person.birth_name, person.personal_id
        identity.date_of_birth, identity.sex = PartialDate.from_date(person.dob), _SEX[person.sex]
    resident = best_match(population, identity)
    if resident is None:
        communes = population.communes
        flow.not_in_database(Dc01(**DC01_FOR_DEMO), communes[0] if communes else DEMO_COMMUNE_CODE)
    else:
        flow.choose_resident(resident, extract_id=population.extract_of(resident))


def confirm_with_citizen(flow, person, people) -> None:
    """The citizen checks the prefilled form and corrects it: the truth of the synthetic person. A resident's
    birth registration place and quê quán are confirmed as the registry has them; a citizen not in the
    database gives everything (the demo's usual form)."""
    from fieldkit.demo.session import type_form

    d = flow.record.demographics
    resident = flow.decision.resident if flow.decision else None
    if resident is None:
        type_form(d, person, people, from_card=flow.prefilled_from_card)
        return
    d.birth_name, d.personal_id = person.birth_name, person.personal_id
    d.date_of_birth, d.sex = PartialDate.from_date(person.dob), _SEX[person.sex]
    d.ethnicity, d.religion, d.phone = person.ethnicity, person.religion, person.phone
    d.residence = Residence(resident.province, resident.commune, resident.street,
                            card_address=d.residence.card_address)
    if person.guardian_index is not None:
        from fieldkit.domain.record import Guardian
        g = people[person.guardian_index]
        d.guardian = Guardian(g.birth_name, g.personal_id, "cha" if g.sex == "Nam" else "mẹ")


def request_vneid(flow, person, today) -> bool:
    """Villagers of 14 and over with a mobile ask for their VNeID level-2 account at the same sitting (the
    officer records their consent). True if a request was taken."""
    if not person.phone or person.age_on(today) < 14:
        return False
    flow.request_vneid(person.phone, None, consent=True)
    return True
