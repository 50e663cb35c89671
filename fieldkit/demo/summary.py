"""What a demo session did, counted: the figures printed at the end (and as JSON with --json)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field


@dataclass
class DemoSummary:
    citizens: int = 0
    seed: int = 0
    enrolled: int = 0  # records saved (encrypted drafts)
    submitted: int = 0  # passed validation, sent for review
    blocked: int = 0  # validation errors: kept as drafts for the officer to fix
    held_for_supervisor: int = 0  # flagged as possible duplicates: left pending review, not approved
    sealed: int = 0
    pending: int = 0  # blocked + held: records not sealed
    packets_in_queue: int = 0  # every packet of the kit (earlier runs in the same folder too)
    acknowledged: int | None = None  # None: no hub in this run
    hub_received: int | None = None  # the hub's own count for this kit, when the demo can read it
    infants_no_biometrics: int = 0
    with_guardian: int = 0
    cards_scanned: int = 0
    faces_auto_captured: int = 0
    faces_kept_by_officer: int = 0  # no frame passed every ICAO check; the best one kept, checks noted
    face_frames: int = 0
    finger_exceptions: int = 0
    fingerprint_retries: int = 0
    fingerprint_low_quality: int = 0
    duplicates_flagged: int = 0
    duplicates_true: int = 0  # flagged and really a repeat visitor of the matched record
    duplicates_false: int = 0
    duplicates_missed: int = 0  # repeat visitors with biometrics that were not flagged
    repeat_visitors: int = 0
    face_matches: int = 0  # records with a face candidate (corroboration only, see docs/demo.md)
    repeat_visitors_face_matched: int = 0  # repeat visitors whose face matched their first visit's record
    validation_warnings: int = 0
    warning_codes: dict[str, int] = field(default_factory=dict)
    error_codes: dict[str, int] = field(default_factory=dict)
    packet_bytes: int = 0
    sync_passes: int = 0
    link_drops: int = 0
    seconds_total: float = 0.0
    seconds_enrolment: float = 0.0
    seconds_per_citizen: float = 0.0
    seconds_sync: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    devices: dict[str, str] = field(default_factory=dict)
    registry: dict | None = None  # --registry: found / not in the database / discrepancies (fieldkit.demo.registry)

    def count_codes(self, warnings: list[str], errors: list[str]) -> None:
        self.validation_warnings += len(warnings)
        self.warning_codes = dict(Counter(self.warning_codes) + Counter(warnings))
        self.error_codes = dict(Counter(self.error_codes) + Counter(errors))

    def add_stage(self, stage: str, seconds: float) -> None:
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + seconds

    def finish(self, seconds_total: float) -> None:
        self.pending = self.blocked + self.held_for_supervisor
        self.seconds_total = round(seconds_total, 2)
        self.seconds_enrolment = round(self.seconds_enrolment, 2)
        self.seconds_sync = round(self.seconds_sync, 2)
        self.seconds_per_citizen = round(self.seconds_enrolment / max(1, self.citizens), 3)
        self.stage_seconds = {k: round(v, 2) for k, v in sorted(self.stage_seconds.items())}

    def as_dict(self) -> dict:
        return asdict(self)

    def as_text(self) -> str:
        ack = "no hub (local throw-away hub keys)" if self.acknowledged is None else \
            f"{self.acknowledged}" + (f" (hub holds {self.hub_received})" if self.hub_received is not None else "")
        dup = (f"{self.duplicates_flagged} flagged: {self.duplicates_true} true repeat visitors, "
               f"{self.duplicates_false} false; {self.duplicates_missed} of {self.repeat_visitors} repeat visitors missed")
        rate = 3600 / self.seconds_per_citizen if self.seconds_per_citizen else 0
        lines = [
            f"village session (seed {self.seed}): {self.citizens} citizens",
            f"  enrolled {self.enrolled}, submitted {self.submitted}, sealed {self.sealed}, pending {self.pending} "
            f"({self.blocked} blocked by validation errors, {self.held_for_supervisor} held as possible duplicates)",
            f"  acknowledged by the hub: {ack}",
            f"  infants without biometrics {self.infants_no_biometrics}, with a guardian {self.with_guardian}, "
            f"card QR scanned {self.cards_scanned}",
            f"  faces: {self.faces_auto_captured} auto-captured, {self.faces_kept_by_officer} kept by the officer "
            f"below ICAO ({self.face_frames} frames)",
            f"  fingerprints: {self.finger_exceptions} finger exceptions, {self.fingerprint_retries} retries, "
            f"{self.fingerprint_low_quality} steps kept below the minimum",
            f"  duplicates: {dup}; face matches {self.face_matches} (repeat visitors matched by face: "
            f"{self.repeat_visitors_face_matched} of {self.repeat_visitors})",
            f"  validation warnings {self.validation_warnings}"
            + (f" ({', '.join(f'{k} {v}' for k, v in sorted(self.warning_codes.items()))})" if self.warning_codes else ""),
            f"  time: total {self.seconds_total} s, enrolment {self.seconds_per_citizen} s per citizen "
            f"({rate:.0f} citizens an hour), sync {self.seconds_sync} s in {self.sync_passes} pass(es), "
            f"{self.link_drops} link drop(s)",
            "  stages: " + ", ".join(f"{k} {v} s" for k, v in self.stage_seconds.items()),
        ]
        if self.registry is not None:
            r = self.registry
            lines.append(f"  population database: {r.get('found', 0)} found, {r.get('not_in_database', 0)} not in the "
                         f"database (DC01), {r.get('discrepancies', 0)} discrepancies ("
                         + ", ".join(f"{k} {v}" for k, v in r.get("discrepancies_by_field", {}).items())
                         + f"), {r.get('vneid_requests', 0)} VNeID level-2 requests")
        if self.error_codes:
            lines.insert(2, "  validation errors: " + ", ".join(f"{k} {v}" for k, v in sorted(self.error_codes.items())))
        return "\n".join(lines)
