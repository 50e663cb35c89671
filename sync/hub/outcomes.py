"""Downstream verdicts at the hub: record them (`fieldkit-hub outcome`, CSV import), sign them, hand them out.

Each verdict is about one received packet. The hub opens that packet once (its keys can) to learn the
record id and who the citizen is, seals the person block to the kit's device key, numbers the outcome in
the kit's own sequence and signs it (format: sync/outcome_format.py). Kits fetch theirs with
`POST /v1/outcomes {"after": seq}` on every sync pass, or find them on the USB drive after
`fieldkit-hub import` (`fieldkit-usb/<kit>/outcomes/<seq>.json`). The table `hub_outcomes` is part of the
hub schema (sync/hub/storage.py, schema version 3); a seq is taken under the (kit_id, seq) primary key, so
two hub processes recording at once cannot hand out one number twice.

Packet ids are unique within one kit only: a verdict names its packet by id and, when two kits sent a
packet under that id, by kit too (`--kit`, or a `kit_id` column in the CSV).
"""

from __future__ import annotations

import csv
import io
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.hub.service import HubError, HubService
from sync.hub.storage import PacketRecord
from sync.outcome_format import OUTCOME_VERSION, STATUSES, Person, seal_person, sign_outcome
from sync.protocol import canonical_json

MAX_FETCH = 200
MAX_REASON = 300
CSV_COLUMNS = ("packet_id", "status", "reason")  # and an optional kit_id


class OutcomeRefused(ValueError):
    """A verdict that cannot be recorded (unknown packet, bad status, missing reason)."""


@dataclass(frozen=True)
class Verdict:
    packet_id: str
    status: str
    reason: str = ""
    kit_id: str = ""  # needed only when several kits sent a packet with this id

    def check(self) -> "Verdict":
        if self.status not in STATUSES:
            raise OutcomeRefused(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        if self.status == "recapture" and not self.reason.strip():
            raise OutcomeRefused("a recapture needs --reason (e.g. poor prints, duplicate of another person)")
        if len(self.reason) > MAX_REASON:
            raise OutcomeRefused(f"reason longer than {MAX_REASON} characters")
        return self


def find_packet(service: HubService, packet_id: str, kit_id: str = "") -> PacketRecord:
    """The received packet a verdict is about: by (kit, id) when the kit is given, else by id across kits,
    refusing an id that two kits used (the administrator must say which kit)."""
    if kit_id:
        stored = service.storage.get_packet(kit_id, packet_id)
        if stored is None:
            raise OutcomeRefused(f"no received packet {packet_id} from kit {kit_id} at this hub")
        return stored
    found = service.storage.find_packets(packet_id)
    if not found:
        raise OutcomeRefused(f"no received packet {packet_id} at this hub")
    if len(found) > 1:
        raise OutcomeRefused(f"packet id {packet_id} was sent by {len(found)} kits "
                             f"({', '.join(p.kit_id for p in found)}): say which with --kit KIT_ID "
                             "(a kit_id column in a CSV)")
    return found[0]


def _person_of(service: HubService, stored: PacketRecord, kit) -> tuple[str, Person]:
    """(record id, who) from the stored packet, opened in memory."""
    from fieldkit.domain.jsonread import RecordFormatError
    from fieldkit.domain.record import EnrolmentRecord
    from fieldkit.packets.envelope import open_envelope, parse_envelope
    from fieldkit.packets.errors import PacketError

    try:
        env = parse_envelope(service.storage.packet_envelope(stored.kit_id, stored.packet_id))
        contents = open_envelope(env, service.keys.hpke_private[env.suite], kit.device_public_key)
        record = EnrolmentRecord.from_dict(contents.record)
    except (PacketError, RecordFormatError, KeyError) as exc:
        raise OutcomeRefused(f"packet {stored.packet_id} cannot be read for its outcome: {exc}") from None
    d = record.demographics
    guardian = d.guardian.name if d.guardian else ""
    person = Person(d.birth_name, d.date_of_birth.isoformat() if d.date_of_birth else "",
                    d.sex.value if d.sex else "", record.session.commune or d.residence.commune,
                    record.session.village, d.residence.street, guardian)
    return contents.record_id, person


def record_outcome(service: HubService, verdict: Verdict) -> dict[str, Any]:
    """Sign and store one verdict; the signed outcome as the kit will receive it."""
    verdict.check()
    stored = find_packet(service, verdict.packet_id, verdict.kit_id)
    kit = service.storage.get_kit(stored.kit_id)
    record_id, person = _person_of(service, stored, kit)
    outcome_id = str(uuid.uuid4())
    for _ in range(20):  # a parallel writer may take the next seq first: take the one after
        seq = service.storage.next_outcome_seq(kit.kit_id)
        body = {"version": OUTCOME_VERSION, "hub_id": service.keys.hub_id, "kit_id": kit.kit_id, "seq": seq,
                "outcome_id": outcome_id, "packet_id": verdict.packet_id, "record_id": record_id,
                "status": verdict.status, "reason": verdict.reason.strip(), "decided_at": _iso(service.now()),
                "person": seal_person(person, kit.device_public_key, outcome_id, kit.kit_id)}
        signed = sign_outcome(body, service.keys).to_json_obj()
        if service.storage.add_outcome(kit.kit_id, seq, outcome_id, verdict.packet_id, verdict.status,
                                       service.now(), canonical_json(signed).decode("utf-8")):
            return signed
    raise OutcomeRefused("could not number the outcome (too many concurrent writers); try again")


def outcomes_for_kit(service: HubService, kit_id: str, after: int = 0, limit: int = MAX_FETCH) -> list[dict]:
    return [json.loads(text) for text in service.storage.outcomes_after(kit_id, after, limit)]


def outcomes_answer(service: HubService, kit, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /v1/outcomes {"after": seq}` -> {"outcomes": [...], "more": bool} for the authenticated kit."""
    after = body.get("after", 0)
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise HubError(400, "bad_request", "after must be a non-negative integer")
    found = outcomes_for_kit(service, kit.kit_id, after, MAX_FETCH + 1)
    return {"outcomes": found[:MAX_FETCH], "more": len(found) > MAX_FETCH}


# ------------------------------------------------------------------------------------------------ CSV import
@dataclass
class CsvImport:
    recorded: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_verdicts_csv(text: str) -> tuple[list[Verdict], list[str]]:
    """Verdicts from CSV text with header packet_id,status,reason[,kit_id]; (verdicts, errors by line)."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not set(CSV_COLUMNS[:2]) <= {f.strip() for f in reader.fieldnames}:
        return [], [f"line 1: the header must name the columns {', '.join(CSV_COLUMNS)}"]
    verdicts, errors = [], []
    for line, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        try:
            verdicts.append(Verdict(row.get("packet_id", ""), row.get("status", ""), row.get("reason", ""),
                                    row.get("kit_id", "")).check())
        except OutcomeRefused as exc:
            errors.append(f"line {line}: {exc}")
    return verdicts, errors


def import_verdicts_csv(service: HubService, path: Path) -> CsvImport:
    """All or nothing for malformed files: every line is checked before any verdict is recorded."""
    result = CsvImport()
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        result.errors.append(f"{path}: {exc}")
        return result
    verdicts, result.errors = read_verdicts_csv(text)
    for verdict in verdicts:
        try:
            find_packet(service, verdict.packet_id, verdict.kit_id)
        except OutcomeRefused as exc:
            result.errors.append(str(exc))
    if result.errors:
        return result
    for verdict in verdicts:
        record_outcome(service, verdict)
        result.recorded.append(verdict.packet_id)
    return result


# -------------------------------------------------------------------------------------------------- USB route
def write_outcomes_to_drive(service: HubService, drive: Path) -> dict[str, int]:
    """Every outcome of each kit found on the drive, as `fieldkit-usb/<kit>/outcomes/<seq>.json` (signed, the
    person block sealed to the kit). Returns kit id -> outcomes written."""
    from sync.usb import USB_ROOT, ensure_dir, write_atomic

    written: dict[str, int] = {}
    root = Path(drive) / USB_ROOT
    if root.is_symlink() or not root.is_dir():
        return written
    for directory in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()):
        kit = service.storage.get_kit(directory.name)
        if kit is None or kit.revoked:
            continue
        count, after = 0, 0
        while True:
            batch = outcomes_for_kit(service, kit.kit_id, after)
            # created only when there is something to write; refused if the drive planted a link there
            folder = ensure_dir(root, directory.name, "outcomes") if batch else None
            for signed in batch:
                seq = signed["outcome"]["seq"]
                write_atomic(folder / f"{seq:08d}.json", canonical_json(signed))
                count, after = count + 1, seq
            if len(batch) < MAX_FETCH:
                break
        written[kit.kit_id] = count
    return written


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
