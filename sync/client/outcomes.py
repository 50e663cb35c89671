"""Kit side of downstream verdicts: fetch them after each sync pass, take them from a USB drive, keep only
those that verify, and turn the recapture verdicts into a return-trip list.

Every outcome is checked with the hub signing key the kit got at provisioning and must name this kit
(sync.outcome_format.verify_outcome); then it goes to the kit's `kit_outcomes` table
(fieldkit.store.outcomes), which keeps each hub sequence number once. Refused: a bad or foreign signature,
an outcome for another kit, a different outcome under a number already held (replay/forgery). The person
block is opened only in memory, for the list, with the unlocked device key.

Hook: `after_pass(worker)` runs at the end of each successful SyncWorker pass (sync/client/worker.py,
`run_once`, right after the queue is delivered).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.client.transport import HubClient, HubRefused
from sync.outcome_format import Outcome, Person, open_person, verify_outcome
from sync.protocol import API, ProtocolError, canonical_json

log = logging.getLogger(__name__)
OUTCOMES_DIR = "outcomes"
MAX_PAGES = 100  # 100 x 200 outcomes per pass at most


@dataclass
class OutcomeIntake:
    added: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (which, why)


def receive(store, objs: list[Any], hub_signing_key: bytes, kit_id: str, route: str) -> OutcomeIntake:
    """Verify and keep each outcome; nothing unverified is stored."""
    from fieldkit.store.outcomes import ADDED, NewOutcome, OutcomeConflict, OutcomeStore

    outcomes, intake = OutcomeStore(store), OutcomeIntake()
    for obj in objs:
        try:
            o = verify_outcome(obj, hub_signing_key, kit_id)
            status = outcomes.add(NewOutcome(o.seq, o.outcome_id, o.packet_id, o.record_id, o.status, o.reason,
                                             str(o.decided_at), canonical_json(o.to_json_obj()), route))
        except (ProtocolError, OutcomeConflict) as exc:
            seq = obj.get("outcome", {}).get("seq", "?") if isinstance(obj, dict) else "?"
            intake.refused.append((f"outcome {seq}", str(exc)))
            continue
        (intake.added if status == ADDED else intake.already).append(o.seq)
    if intake.refused:
        log.warning("%d outcome(s) refused: %s", len(intake.refused), intake.refused[:3])
    return intake


def fetch(client: HubClient, store, hub_signing_key: bytes) -> OutcomeIntake:
    """Ask the hub for outcomes after the last one held, page by page."""
    from fieldkit.store.outcomes import OutcomeStore

    total = OutcomeIntake()
    for _ in range(MAX_PAGES):
        _, answer = client.request("POST", f"{API}/outcomes", json_body={"after": OutcomeStore(store).last_seq()})
        page = answer.get("outcomes") if isinstance(answer.get("outcomes"), list) else []
        got = receive(store, page, hub_signing_key, client.identity.kit_id, "network")
        total.added += got.added
        total.already += got.already
        total.refused += got.refused
        if not answer.get("more") or not got.added:
            break
    return total


def after_pass(worker) -> OutcomeIntake | None:
    """The sync pass's hook: fetch outcomes when the worker's outbox is the kit's queue (it has a store).
    A hub without the endpoint (older version) answers 404: sync goes on without outcomes."""
    store = getattr(getattr(worker.outbox, "queue", None), "store", None)
    if store is None:
        return None
    try:
        return fetch(worker.client, store, worker.hub_signing_key)
    except HubRefused as exc:
        log.info("hub gives no outcomes: %s", exc)
        return None


def import_from_drive(drive: Path, kit_id: str, store, hub_signing_key: bytes) -> OutcomeIntake:
    """The USB route: `fieldkit-usb/<kit>/outcomes/*.json` written by `fieldkit-hub import`."""
    from sync.usb import kit_dir

    objs, intake = [], OutcomeIntake()
    for path in sorted((kit_dir(drive, kit_id) / OUTCOMES_DIR).glob("*.json")):
        try:
            objs.append(json.loads(path.read_bytes()))
        except (OSError, ValueError) as exc:
            intake.refused.append((path.name, f"unreadable: {exc}"))
    got = receive(store, objs, hub_signing_key, kit_id, "usb")
    got.refused = intake.refused + got.refused
    return got


# --------------------------------------------------------------------------------------- the return trip
@dataclass(frozen=True)
class Revisit:
    outcome_id: str
    record_id: str
    packet_id: str
    reason: str
    decided_at: str
    person: Person
    recapture_record_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"outcome_id": self.outcome_id, "record_id": self.record_id, "packet_id": self.packet_id,
                "reason": self.reason, "decided_at": self.decided_at, "name": self.person.name,
                "date_of_birth": self.person.date_of_birth, "sex": self.person.sex,
                "guardian": self.person.guardian, "recapture_record_id": self.recapture_record_id}


def revisits(store, device_key, hub_signing_key: bytes, kit_id: str) -> list[Revisit]:
    """Citizens whose current verdict is `recapture`, with the person opened in memory."""
    from fieldkit.store.outcomes import OutcomeStore

    found = []
    for row in OutcomeStore(store).current():
        if row.status != "recapture":
            continue
        outcome = verify_outcome(json.loads(row.signed), hub_signing_key, kit_id)  # re-checked: the table is a file
        found.append(Revisit(row.outcome_id, row.record_id, row.packet_id, row.reason, row.decided_at,
                             open_person(outcome, device_key), row.recapture_record_id))
    return found


def group_by_place(items: list[Revisit]) -> list[dict[str, Any]]:
    """[{commune, village, households: [{household, people: [...]}]}], sorted by place then name."""
    places: dict[tuple[str, str], dict[str, list[Revisit]]] = {}
    for r in items:
        places.setdefault((r.person.commune, r.person.village), {}).setdefault(r.person.household, []).append(r)
    return [{"commune": commune, "village": village,
             "households": [{"household": household,
                             "people": [p.as_dict() for p in sorted(people, key=lambda p: p.person.name)]}
                            for household, people in sorted(households.items())]}
            for (commune, village), households in sorted(places.items())]


def start_recapture(session, store, hub_signing_key: bytes, outcome_id: str) -> str:
    """A new draft enrolment for a citizen to recapture, prefilled with who they are and linked to the old
    record (capture metadata `recapture_of`, and the outcome row's `recapture_record_id`). The new record id.
    The app page that opens it is for later; the wizard can load the draft like any other."""
    from fieldkit.domain.dates import PartialDate
    from fieldkit.domain.record import Demographics, EnrolmentRecord, Residence, Session, Sex
    from fieldkit.store.outcomes import OutcomeStore

    outcomes = OutcomeStore(store)
    row = outcomes.get(outcome_id)
    if row is None or row.status != "recapture":
        raise ValueError(f"no recapture verdict {outcome_id} on this kit")
    if row.recapture_record_id:
        raise ValueError(f"a recapture was already started for this verdict: record {row.recapture_record_id}")
    kit_id = session.kit.kit_id
    person = open_person(verify_outcome(json.loads(row.signed), hub_signing_key, kit_id), session.kit.device_key)
    record = EnrolmentRecord(
        demographics=Demographics(birth_name=person.name,
                                  date_of_birth=PartialDate.parse(person.date_of_birth) if person.date_of_birth else None,
                                  sex=Sex(person.sex) if person.sex else None,
                                  residence=Residence(commune=person.commune, street=person.household)),
        session=Session(commune=person.commune, village=person.village))
    from fieldkit.enrolment.capture_meta import CaptureMetadata, RecaptureLink

    link = RecaptureLink(row.record_id, row.packet_id, outcome_id, row.reason)
    ref = session.save_draft(record.to_dict(), {}, capture=CaptureMetadata(recapture_of=link))
    outcomes.link_recapture(outcome_id, ref.record_id)
    return ref.record_id


def open_return_trip(data_dir: Path, settings, session) -> list[dict[str, Any]]:
    """The return-trip list for the kit in `data_dir` (for the kit factory and, later, the app's page):
    `group_by_place(revisits(...))` with the provisioned hub key and the session's device key."""
    from fieldkit.security.hub_keys import load_hub_keys

    hub = load_hub_keys(Path(data_dir))
    return group_by_place(revisits(session.service.store, session.kit.device_key, hub.signing_public_key,
                                   session.kit.kit_id))
