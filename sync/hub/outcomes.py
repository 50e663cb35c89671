"""Downstream verdicts at the hub: record them (`fieldkit-hub outcome`, CSV import), sign them, hand them out.

Each verdict is about one received packet. The hub opens that packet once (its keys can) to learn the
record id and who the citizen is, seals the person block to the kit's device key, numbers the outcome in
the kit's own sequence and signs it (format: sync/outcome_format.py). Kits fetch theirs with
`POST /v1/outcomes {"after": seq}` on every sync pass, or find them on the USB drive after
`fieldkit-hub import` (`fieldkit-usb/<kit>/outcomes/<seq>.json`). The table `hub_outcomes` is created here
(IF NOT EXISTS, like the rest of the hub schema); a seq is taken under the (kit_id, seq) primary key, so two
hub processes recording at once cannot hand out one number twice.
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
from sync.outcome_format import OUTCOME_VERSION, STATUSES, Person, seal_person, sign_outcome
from sync.protocol import canonical_json

SCHEMA = """
CREATE TABLE IF NOT EXISTS hub_outcomes (
    kit_id TEXT NOT NULL, seq {bigint} NOT NULL, outcome_id TEXT NOT NULL UNIQUE, packet_id TEXT NOT NULL,
    status TEXT NOT NULL, decided_at {bigint} NOT NULL, signed TEXT NOT NULL, PRIMARY KEY (kit_id, seq));
CREATE INDEX IF NOT EXISTS hub_outcomes_packet ON hub_outcomes (packet_id)
"""
MAX_FETCH = 200
MAX_REASON = 300
CSV_COLUMNS = ("packet_id", "status", "reason")


class OutcomeRefused(ValueError):
    """A verdict that cannot be recorded (unknown packet, bad status, missing reason)."""


def ensure_schema(storage) -> None:
    """Create the table once per storage object (every fetch would otherwise run the DDL again)."""
    if getattr(storage, "_outcomes_schema_ready", False):
        return
    with storage._transaction():
        if storage.name == "postgresql":  # hub processes starting together must not race on CREATE TABLE
            storage._execute("SELECT pg_advisory_xact_lock(6006)")
        for statement in filter(str.strip, SCHEMA.format(bigint=storage.bigint_type).split(";")):
            storage._execute(statement)
    storage._outcomes_schema_ready = True


@dataclass(frozen=True)
class Verdict:
    packet_id: str
    status: str
    reason: str = ""

    def check(self) -> "Verdict":
        if self.status not in STATUSES:
            raise OutcomeRefused(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")
        if self.status == "recapture" and not self.reason.strip():
            raise OutcomeRefused("a recapture needs --reason (e.g. poor prints, duplicate of another person)")
        if len(self.reason) > MAX_REASON:
            raise OutcomeRefused(f"reason longer than {MAX_REASON} characters")
        return self


def _person_of(service: HubService, packet_id: str, kit) -> tuple[str, Person]:
    """(record id, who) from the stored packet, opened in memory."""
    from fieldkit.domain.jsonread import RecordFormatError
    from fieldkit.domain.record import EnrolmentRecord
    from fieldkit.packets.envelope import open_envelope, parse_envelope
    from fieldkit.packets.errors import PacketError

    try:
        env = parse_envelope(service.storage.packet_envelope(packet_id))
        contents = open_envelope(env, service.keys.hpke_private[env.suite], kit.device_public_key)
        record = EnrolmentRecord.from_dict(contents.record)
    except (PacketError, RecordFormatError, KeyError) as exc:
        raise OutcomeRefused(f"packet {packet_id} cannot be read for its outcome: {exc}") from None
    d = record.demographics
    guardian = d.guardian.name if d.guardian else ""
    person = Person(d.birth_name, d.date_of_birth.isoformat() if d.date_of_birth else "",
                    d.sex.value if d.sex else "", record.session.commune or d.residence.commune,
                    record.session.village, d.residence.street, guardian)
    return contents.record_id, person


def record_outcome(service: HubService, verdict: Verdict) -> dict[str, Any]:
    """Sign and store one verdict; the signed outcome as the kit will receive it."""
    verdict.check()
    stored = service.storage.get_packet(verdict.packet_id)
    if stored is None:
        raise OutcomeRefused(f"no received packet {verdict.packet_id} at this hub")
    kit = service.storage.get_kit(stored.kit_id)
    record_id, person = _person_of(service, verdict.packet_id, kit)
    ensure_schema(service.storage)
    outcome_id = str(uuid.uuid4())
    for _ in range(20):  # a parallel writer may take the next seq first: take the one after
        with service.storage._transaction():
            row = service.storage._execute("SELECT COALESCE(MAX(seq), 0) FROM hub_outcomes WHERE kit_id = ?",
                                           (kit.kit_id,)).fetchone()
        seq = int(row[0]) + 1
        body = {"version": OUTCOME_VERSION, "hub_id": service.keys.hub_id, "kit_id": kit.kit_id, "seq": seq,
                "outcome_id": outcome_id, "packet_id": verdict.packet_id, "record_id": record_id,
                "status": verdict.status, "reason": verdict.reason.strip(), "decided_at": _iso(service.now()),
                "person": seal_person(person, kit.device_public_key, outcome_id, kit.kit_id)}
        signed = sign_outcome(body, service.keys).to_json_obj()
        with service.storage._transaction():
            inserted = service.storage._execute(
                "INSERT INTO hub_outcomes (kit_id, seq, outcome_id, packet_id, status, decided_at, signed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kit_id, seq) DO NOTHING",
                (kit.kit_id, seq, outcome_id, verdict.packet_id, verdict.status, service.now(),
                 canonical_json(signed).decode("utf-8"))).rowcount
        if inserted == 1:
            return signed
    raise OutcomeRefused("could not number the outcome (too many concurrent writers); try again")


def outcomes_for_kit(service: HubService, kit_id: str, after: int = 0, limit: int = MAX_FETCH) -> list[dict]:
    ensure_schema(service.storage)
    with service.storage._transaction():
        rows = service.storage._execute(
            "SELECT signed FROM hub_outcomes WHERE kit_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (kit_id, after, limit)).fetchall()
    return [json.loads(r[0]) for r in rows]


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
    """Verdicts from CSV text with header packet_id,status,reason; (verdicts, errors by line)."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not set(CSV_COLUMNS[:2]) <= {f.strip() for f in reader.fieldnames}:
        return [], [f"line 1: the header must name the columns {', '.join(CSV_COLUMNS)}"]
    verdicts, errors = [], []
    for line, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        try:
            verdicts.append(Verdict(row.get("packet_id", ""), row.get("status", ""), row.get("reason", "")).check())
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
    missing = [v.packet_id for v in verdicts if service.storage.get_packet(v.packet_id) is None]
    result.errors += [f"packet {p}: not received at this hub" for p in missing]
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
    from sync.usb import USB_ROOT, write_atomic

    written: dict[str, int] = {}
    root = Path(drive) / USB_ROOT
    if not root.is_dir():
        return written
    for directory in sorted(p for p in root.iterdir() if p.is_dir()):
        kit = service.storage.get_kit(directory.name)
        if kit is None or kit.revoked:
            continue
        count, after = 0, 0
        while True:
            batch = outcomes_for_kit(service, kit.kit_id, after)
            for signed in batch:
                seq = signed["outcome"]["seq"]
                write_atomic(directory / "outcomes" / f"{seq:08d}.json", canonical_json(signed))
                count, after = count + 1, seq
            if len(batch) < MAX_FETCH:
                break
        written[kit.kit_id] = count
    return written


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
