"""The ONE enrolment flow: a Qt-free object that owns one citizen's steps and state, in the shape of
Electrum's wizard.py (the flow decides; screens are views that show its state and call its actions).

    flow = EnrolmentFlow(minimum=40, max_tries=3)
    flow.start(Session(officer="lan", ...))                  # a new citizen: nothing of the previous one stays
    flow.choose_resident(resident, "23512") / flow.not_in_database(dc01)   # FIND (registry or DC01)
    flow.apply_card(prefill)                                 # card QR -> form (CARD, FORM)
    flow.keep_face(portrait) / flow.face_exception(reason)   # FACE (retake_face() drops every face blob)
    outcome = flow.add_attempt(attempt)                      # SLAPS, ROLLED: best of N tries, kept by the flow
    flow.mark_exception(finger, FingerStatus.MISSING, "…")   # EXCEPTIONS
    flow.request_vneid(phone, email, consent=True)           # the VNeID level-2 request, with the consent
    flow.issues(); flow.can_submit()                         # REVIEW
    result = flow.submit(session, gallery, session_id)       # SUBMIT: duplicate search, save, submit

Users: the Qt wizard (fieldkit/ui/pages/enrolment/ is a view over it; slow calls go through its
BackgroundRunner on a `snapshot()`, see fieldkit.enrolment.submission), `fieldkit demo`
(fieldkit/demo/session.py, with simulated people) and the enrolment benchmark
(fieldkit/benchmarks/demo_village.py). Rules held here once: no biometrics under 6, best of N tries,
retakes, typed capture metadata, the duplicate search on submit. The record's status is the
service's alone (fieldkit.enrolment.service): the flow never sets it.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import date, datetime, timezone
from enum import Enum

from fieldkit.domain.captures import FingerSlot
from fieldkit.domain.dates import PartialDate, age_range
from fieldkit.domain.fingers import CAPTURE_PLAN, Finger, FingerStatus, Slap
from fieldkit.domain.record import EnrolmentRecord, Residence, Session
from fieldkit.domain.status import Status
from fieldkit.domain.validation import BIOMETRICS_AGE, validate
from fieldkit.enrolment.capture_meta import CaptureMetadata, FaceMeta, StepMeta
from fieldkit.enrolment.find import RegistryDecision, apply_decision, decision_of_record, merge_prefill, vneid_request
from fieldkit.enrolment.prints import DEDUP_FINGER_COUNT, DEDUP_FINGERS, Attempt, blob_name, decide, step_key
from fieldkit.enrolment.submission import Snapshot, SubmitResult, save_snapshot, submit_snapshot

__all__ = ["ALL_STEPS", "BIOMETRIC_STEPS", "EnrolmentFlow", "NotSubmittable", "Snapshot", "Step", "SubmitResult",
           "takes_biometrics"]


class Step(Enum):
    FIND = "find"            # find in the database (fieldkit.enrolment.find): a resident, or DC01
    CARD = "card"
    FORM = "form"
    FACE = "face"
    SLAPS = "slaps"
    ROLLED = "rolled"
    EXCEPTIONS = "exceptions"
    REVIEW = "review"
    SUBMIT = "submit"


ALL_STEPS = tuple(Step)
BIOMETRIC_STEPS = (Step.FACE, Step.SLAPS, Step.ROLLED, Step.EXCEPTIONS)


def takes_biometrics(dob: PartialDate | None, today: date) -> bool:
    """THE age rule: no face or prints under 6 (Luật Căn cước Điều 18/23); unknown age: take them
    (validation warns). A partial date counts the oldest the citizen can be."""
    if dob is None:
        return True
    _youngest, oldest = age_range(dob, today)
    return oldest >= BIOMETRICS_AGE


class NotSubmittable(RuntimeError):
    """The flow's state does not allow submission (blocking errors, or a returned record left unchanged)."""


class EnrolmentFlow:
    def __init__(self, minimum: int = 40, max_tries: int = 3, today=None):
        self.minimum, self.max_tries = int(minimum), max(1, int(max_tries))
        self._today = today          # a date, or None for date.today() (tests and the demo pin it)
        self.seen: set[str] = set()  # registry resident ids met this session (household view, not_seen())
        self.start()

    @classmethod
    def from_settings(cls, settings, today=None) -> "EnrolmentFlow":
        return cls(int(settings.fingerprint_quality_min), int(settings.fingerprint_max_tries), today)

    @property
    def today(self) -> date:
        return self._today or date.today()

    # -- a citizen ------------------------------------------------------------------------------------
    def start(self, session: Session | None = None, residence: Residence | None = None) -> None:
        """A new citizen. Every piece of the previous one's state goes: record, images, scores, attempts."""
        self.record = EnrolmentRecord()
        if session is not None:
            self.record.session = copy.deepcopy(session)
        if residence is not None:
            self.record.demographics.residence = copy.deepcopy(residence)
        self.blobs: dict[str, bytes] = {}
        self.meta = CaptureMetadata()
        self.templates: dict[str, bytes] = {}   # "fp:N" -> minutiae template of the kept rolled print
        self.face_frame = None                  # the camera frame of the kept portrait (face encoding)
        self.attempts: list[Attempt] = []
        self.finger_index = 0
        self.saved_version = 0
        self.status = Status.DRAFT.value
        self.return_reason = ""                 # the supervisor's reason, for a returned record
        self._returned_digest = ""              # the content as it was returned: unchanged cannot go back
        self.prefilled_from_card = False
        self.card = None                        # the card's QR prefill: a source of discrepancies
        self.decision: RegistryDecision | None = None   # the FIND step's answer (None: not decided yet)

    def resume(self, view) -> None:
        """Continue a saved record (fieldkit.enrolment.service.RecordView): draft or returned.

        A returned record keeps the supervisor's reason (`return_reason`) and its status; it cannot go back
        for review until something in it changed.
        """
        from fieldkit.enrolment.records import record_from_store

        self.start()
        self.record = record_from_store(view.record)
        self.blobs = dict(view.blobs)
        self.meta = _capture_meta(view)
        self.saved_version, self.status = view.version, view.status
        if self.returned:
            self.return_reason = view.note or ""
            self._returned_digest = self.digest()
        self.decision = decision_of_record(self.record)
        self.restart_fingers()

    @property
    def record_id(self) -> str:
        return str(self.record.record_id)

    @property
    def returned(self) -> bool:
        return self.status == Status.RETURNED.value

    # -- steps ----------------------------------------------------------------------------------------
    def takes_biometrics(self) -> bool:
        return takes_biometrics(self.record.demographics.date_of_birth, self.today)

    def steps(self) -> tuple[Step, ...]:
        """The steps this citizen goes through (no biometric steps under 6)."""
        if self.takes_biometrics():
            return ALL_STEPS
        return tuple(s for s in ALL_STEPS if s not in BIOMETRIC_STEPS)

    def next_step(self, step: Step) -> Step | None:
        steps = self.steps()
        if step not in steps:
            return next((s for s in steps if ALL_STEPS.index(s) > ALL_STEPS.index(step)), None)
        i = steps.index(step)
        return steps[i + 1] if i + 1 < len(steps) else None

    def previous_step(self, step: Step) -> Step | None:
        steps = self.steps()
        earlier = [s for s in steps if ALL_STEPS.index(s) < ALL_STEPS.index(step)]
        return earlier[-1] if earlier else None

    # -- card and form ----------------------------------------------------------------------------------
    def apply_card(self, prefill) -> list[str]:
        """Fill the form from a card QR (fieldkit.domain.card_qr.CardPrefill); returns its warnings."""
        demo = prefill.to_demographics()
        d = self.record.demographics
        d.birth_name, d.personal_id, d.cmnd = demo.birth_name, demo.personal_id, demo.cmnd
        d.date_of_birth, d.sex = demo.date_of_birth, demo.sex
        if demo.residence.province:
            d.residence.province, d.residence.commune = demo.residence.province, demo.residence.commune
            d.residence.street = demo.residence.street
        d.residence.card_address = demo.residence.card_address
        self.prefilled_from_card = True
        self.card = prefill
        return list(prefill.warnings)

    # -- find in the database ----------------------------------------------------------------------------
    def choose_resident(self, resident, commune_code: str = "", extract_id: str | None = None) -> None:
        """The citizen is this registry resident: the form's empty fields are prefilled from the registry (the
        officer then confirms each with the citizen); every difference left at save time is a discrepancy."""
        self._unsee()
        self.decision = RegistryDecision(resident, commune_code or resident.commune_code, extract_id)
        merge_prefill(self.record.demographics, resident)
        self.seen.add(resident.resident_id)
        self.refresh_registry()

    def relink(self, resident, extract_id: str | None = None) -> None:
        """A continued record (draft or returned) found earlier: its resident again, so edits are compared with
        the registry as when it was chosen (no prefill: the record keeps what was confirmed)."""
        link = self.record.registry
        if link is None or link.not_in_database or link.resident_id != resident.resident_id:
            raise ValueError("relink needs the resident the record is linked to")
        self.decision = RegistryDecision(resident, link.commune_code, extract_id or link.extract_id)
        self.seen.add(resident.resident_id)

    def not_in_database(self, dc01=None, commune_code: str = "") -> None:
        """The citizen is not in the registry: enrolled as new with DC01 data, flagged "not in the database"."""
        from fieldkit.domain.population import Dc01
        self._unsee()
        self.decision = RegistryDecision(None, commune_code, None, dc01 or Dc01())
        self.refresh_registry()

    def set_dc01(self, dc01) -> None:
        if self.decision is None or not self.decision.not_in_database:
            raise ValueError("DC01 data belongs to a citizen declared not in the database")
        self.decision.dc01 = dc01
        self.refresh_registry()

    def _unsee(self) -> None:
        if self.decision is not None and self.decision.resident is not None:
            self.seen.discard(self.decision.resident.resident_id)

    def refresh_registry(self) -> None:
        """Recompute the registry link and discrepancies from the record as it is now (snapshot() does this)."""
        apply_decision(self.record, self.decision, self.card)

    def annotate_discrepancy(self, field: str, proof: str = "", note: str = "") -> None:
        """The officer's proof (the document shown: "giấy khai sinh"…) and note on the current differences of
        `field` (card and statement alike); they stay while the same difference stays. KeyError: no such one."""
        self.refresh_registry()
        found = [d for d in self.record.discrepancies if d.field == field]
        if not found:
            raise KeyError(f"no discrepancy on {field}")
        for d in found:
            d.proof, d.note = proof.strip() or d.proof, note.strip()
        self.touched()

    def request_vneid(self, phone: str, email: str | None, consent: bool, officer: str | None = None) -> None:
        """The VNeID level-2 request (VneidError if the phone is not a Vietnamese mobile, the e-mail is bad or
        there is no consent); the consent is recorded with its time and the officer."""
        self.record.vneid = vneid_request(phone, email, consent, officer or self.record.session.officer)
        self.touched()

    def drop_vneid(self) -> None:
        self.record.vneid = None
        self.touched()

    def touched(self) -> None:
        """The record changed (the view calls this on every edit)."""
        self.record.updated_at = datetime.now(timezone.utc).replace(microsecond=0)

    # -- face -----------------------------------------------------------------------------------------
    def _drop_face_blobs(self) -> None:
        for name in [n for n in self.blobs if n.startswith("face.")]:
            del self.blobs[name]

    def keep_face(self, portrait, device: str | None = None) -> None:
        """Keep a portrait (fieldkit.enrolment.face.FacePortrait): auto-captured or kept by the officer."""
        self._drop_face_blobs()
        name = portrait.blob_name
        self.blobs[name] = portrait.data
        slot = self.record.captures.face
        slot.image_ref, slot.quality, slot.tries = name, portrait.quality, slot.tries + 1
        slot.exception_reason = ""
        self.meta.face = portrait.meta
        self.face_frame = portrait.frame
        if device:
            self.meta.devices["camera"] = device.split("?")[0]
        self.touched()

    def face_exception(self, reason: str) -> None:
        """No usable photo can be taken (the supervisor decides): recorded with the officer's reason."""
        reason = reason.strip()
        if not reason:
            raise ValueError("a face exception needs a reason")
        failed = list(self.meta.face.failed_checks) if self.meta.face else []
        self._drop_face_blobs()
        slot = self.record.captures.face
        slot.image_ref, slot.quality, slot.exception_reason = None, None, reason
        self.meta.face = FaceMeta(exception_reason=reason, failed_checks=failed)
        self.face_frame = None
        self.touched()

    def retake_face(self) -> None:
        """Take the photo again: EVERY earlier face blob goes (face.jpg and face.jp2), not only the last."""
        self._drop_face_blobs()
        slot = self.record.captures.face
        slot.image_ref, slot.quality, slot.exception_reason = None, None, ""
        self.meta.face = None
        self.face_frame = None
        self.touched()

    def face_done(self) -> bool:
        slot = self.record.captures.face
        return slot.image_ref is not None or bool(slot.exception_reason)

    # -- fingerprints ---------------------------------------------------------------------------------
    @property
    def finger_step(self):
        """The current slap or rolled finger (CAPTURE_PLAN order), or None when every step is done."""
        self._skip_done_steps()
        return CAPTURE_PLAN[self.finger_index] if self.finger_index < len(CAPTURE_PLAN) else None

    def excepted(self) -> dict[Finger, FingerStatus]:
        rolled = self.record.captures.rolled
        return {f: s.status for f, s in rolled.items() if s.is_exception}

    def _step_done(self, step) -> bool:
        caps = self.record.captures
        if isinstance(step, Slap):
            excepted = self.excepted()
            return caps.slaps[step].image_ref is not None or all(f in excepted for f in step.fingers)
        return caps.rolled[Finger(step)].status is not None

    def _skip_done_steps(self) -> None:
        while self.finger_index < len(CAPTURE_PLAN) and self._step_done(CAPTURE_PLAN[self.finger_index]):
            self.finger_index += 1
            self.attempts = []

    def restart_fingers(self) -> None:
        """Resume at the first step not done (e.g. a draft continued)."""
        self.finger_index = 0
        self.attempts = []
        self._skip_done_steps()

    def missing_in(self, step) -> list[Finger]:
        """Fingers of a slap recorded as exceptions: the simulated citizen keeps them off the platen."""
        fingers = step.fingers if isinstance(step, Slap) else (Finger(step),)
        excepted = self.excepted()
        return [f for f in fingers if f in excepted]

    def add_attempt(self, attempt: Attempt, device: str | None = None):
        """One try of the current step. The flow keeps the best try and moves on once it is good enough or
        the tries are used up (best_of_tries); returns the TriesOutcome (`may_retry`: ask for another)."""
        step = self.finger_step
        if step is None:
            raise LookupError("every fingerprint step is done")
        self.attempts.append(attempt)
        outcome = decide(self.attempts, self.minimum, self.max_tries)
        if not outcome.may_retry:
            self.keep_best(device)
        return outcome

    def keep_best(self, device: str | None = None) -> Attempt | None:
        """Keep the best try of the current step and move to the next one."""
        step = self.finger_step
        if step is None or not self.attempts:
            return None
        outcome = decide(self.attempts, self.minimum, len(self.attempts))
        best, tries = self.attempts[outcome.best_index], len(self.attempts)
        caps = self.record.captures
        self.blobs.update(best.blobs)
        ref = blob_name(step)
        excepted = self.excepted()
        if isinstance(step, Slap):
            slot = caps.slaps[step]
            slot.image_ref, slot.quality, slot.tries = ref, float(best.score), tries
            for f in step.fingers:
                if f in excepted:
                    slot.fingers[f] = FingerSlot(caps.rolled[f].status, caps.rolled[f].reason)
                elif best.present.get(f):
                    slot.fingers[f] = FingerSlot(FingerStatus.CAPTURED, "", ref, float(best.per_finger.get(f, 0)),
                                                 tries)
                else:
                    slot.fingers[f] = FingerSlot(FingerStatus.UNABLE, "not found in the slap image")
        else:
            finger = Finger(step)
            caps.rolled[finger] = FingerSlot(FingerStatus.CAPTURED, "", ref, float(best.score), tries)
            self._keep_template(finger, best)
        self.meta.fingers[step_key(step)] = StepMeta(best.score, tries, [a.score for a in self.attempts],
                                                     dict(best.timings))
        if device:
            self.meta.devices["slap" if isinstance(step, Slap) else "fingerprint"] = device.split("?")[0]
        self.attempts = []
        self.finger_index += 1
        self.touched()
        return best

    def _keep_template(self, finger: Finger, attempt: Attempt) -> None:
        from fieldkit.dedup.gallery import template_kind
        if attempt.template is None or attempt.score < self.minimum:
            return
        excepted = self.excepted()
        wanted = [f for f in DEDUP_FINGERS if f not in excepted][:DEDUP_FINGER_COUNT]
        if finger in wanted:
            self.templates[template_kind(finger)] = attempt.template

    def mark_exception(self, finger: Finger, status: FingerStatus, reason: str) -> None:
        """A finger that cannot be printed (missing, injured, bandaged, unable); a reason is required."""
        reason = reason.strip()
        if not reason:
            raise ValueError("a finger exception needs a reason")
        if not status.needs_reason:
            raise ValueError(f"{status.value} is not an exception")
        from fieldkit.dedup.gallery import template_kind
        caps = self.record.captures
        caps.rolled[finger] = FingerSlot(status, reason)
        self.blobs.pop(blob_name(finger), None)
        self.templates.pop(template_kind(finger), None)
        for slap in caps.slaps.values():
            if finger in slap.fingers:
                slap.fingers[finger] = FingerSlot(status, reason)
        self.meta.fingers.pop(step_key(finger), None)
        self.touched()

    def exceptions(self) -> int:
        return len(self.excepted())

    # -- review ---------------------------------------------------------------------------------------
    def issues(self) -> list:
        return validate(self.record, today=self.today)

    def digest(self) -> str:
        """The content (record without its timestamps, images) as one hash: "did anything change?"."""
        self.refresh_registry()
        data = self.record.to_dict()
        for key in ("updated_at", "version", "status"):
            data.pop(key, None)
        h = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode())
        for name in sorted(self.blobs):
            h.update(name.encode() + hashlib.sha256(self.blobs[name]).digest())
        return h.hexdigest()

    def unchanged_since_return(self) -> bool:
        return self.returned and self.digest() == self._returned_digest

    def blocking(self) -> list[str]:
        """Why the record cannot be submitted now: validation error codes, or "returned.unchanged"."""
        codes = [i.code for i in self.issues() if i.is_error]
        if self.unchanged_since_return():
            codes.append("returned.unchanged")
        return codes

    def can_submit(self) -> bool:
        return not self.blocking()

    # -- persistence (blocking: the wizard runs these on its BackgroundRunner) ------------------------------
    def snapshot(self) -> Snapshot:
        self.refresh_registry()
        return Snapshot(EnrolmentRecord.from_dict(self.record.to_dict()), dict(self.blobs),
                        CaptureMetadata.from_dict(self.meta.to_dict()), dict(self.templates), self.face_frame)

    def save(self, session, session_id: str | None = None):
        ref = save_snapshot(session, self.snapshot(), session_id)
        self.saved(ref)
        return ref

    def saved(self, ref) -> None:
        self.saved_version, self.status = ref.version, ref.status

    def submit(self, session, gallery, session_id: str | None = None) -> SubmitResult:
        if not self.can_submit():
            raise NotSubmittable(", ".join(self.blocking()))
        result = submit_snapshot(session, gallery, self.snapshot(), session_id, self.today)
        self.saved_version, self.status = result.version, result.status
        return result

    def discard(self, session) -> None:
        """Set this citizen aside for good: a saved draft is voided (its images erased); then a new citizen."""
        if self.saved_version:
            session.void(self.record_id)
        session_fields = self.record.session
        self.start(session_fields)


def _capture_meta(view) -> CaptureMetadata:
    return CaptureMetadata.from_dict(view.capture)
