"""A simulated village session end to end, through the code the app runs.

    summary = run_demo(DemoOptions(citizens=200, seed=1), data_dir, settings, login)

Per citizen (the officer): card QR through the reader driver → demographics into an EnrolmentRecord →
face auto-capture on the camera → slaps 4-4-2 and ten rolled prints with quality retries → duplicate search
(faces and prints, encrypted template store) → validation (errors keep the record a draft, warnings are
noted) → encrypted draft → submit for review. Then the supervisor approves every submitted record that is
not flagged as a possible duplicate (co-signed, sealed into the queue); flagged records wait for the
supervisor's decision. With a hub, the session ends by syncing the queue (optionally over a link that drops).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fieldkit.demo import capture as cap
from fieldkit.demo.devices import DemoDevices
from fieldkit.demo.kit_setup import OFFICER, SUPERVISOR, DemoLogin
from fieldkit.demo.population import SyntheticCitizen, village
from fieldkit.demo.summary import DemoSummary
from fieldkit.domain.captures import Captures
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.record import Demographics, EnrolmentRecord, Guardian, Residence, Session, Sex
from fieldkit.domain.validation import validate

log = logging.getLogger(__name__)  # record ids and counts only
_SEX = {"Nam": Sex.MALE, "Nữ": Sex.FEMALE}
SESSION = dict(commune="Xã Đăk Mar", village="Thôn 3", team="Tổ lưu động 2")
DEFAULT_RESIDENCE = ("Quảng Ngãi", "Xã Đăk Mar", "Thôn 3")


@dataclass
class DemoOptions:
    citizens: int = 20
    seed: int = 0
    real_timing: bool = False
    face_frames: int = 12  # frame budget before the officer keeps the best frame
    today: date | None = None


@dataclass
class Enrolled:
    """What the session remembers of one citizen (ids only; the record itself is encrypted in the store)."""

    person: SyntheticCitizen
    record_id: str
    submitted: bool
    flagged_as: list[str]  # record ids of fingerprint candidates


# ------------------------------------------------------------------------------------------ the record

def demographics_for(person: SyntheticCitizen, people: list[SyntheticCitizen], prefill=None) -> Demographics:
    """The form as the officer completes it: the card's fields when scanned, the rest typed."""
    if prefill is not None:
        demo = prefill.to_demographics()
        if not demo.residence.province:
            demo.residence = Residence(*DEFAULT_RESIDENCE, card_address=demo.residence.card_address)
    else:
        demo = Demographics(birth_name=person.birth_name, personal_id=person.personal_id,
                            date_of_birth=PartialDate.from_date(person.dob), sex=_SEX[person.sex],
                            residence=Residence(*DEFAULT_RESIDENCE))
    demo.ethnicity, demo.religion, demo.nationality = person.ethnicity, person.religion, "Việt Nam"
    demo.birth_registration_province, demo.hometown, demo.phone = "Kon Tum", "Kon Tum", person.phone
    if person.guardian_index is not None:
        g = people[person.guardian_index]
        demo.guardian = Guardian(g.birth_name, g.personal_id, "cha" if g.sex == "Nam" else "mẹ")
    return demo


# ------------------------------------------------------------------------------------------ the session

class VillageSession:
    """Holds the open devices, the two logged-in users and the duplicate detector for one session."""

    def __init__(self, options: DemoOptions, data_dir: Path, settings, login: DemoLogin, summary: DemoSummary):
        from fieldkit.enrolment.service import EnrolmentService
        from fieldkit.quality.autocapture import AutoCapture

        self.options, self.data_dir, self.settings, self.summary = options, Path(data_dir), settings, summary
        self.today = options.today or date.today()
        self.service = EnrolmentService(self.data_dir, settings)
        self.devices = self.officer = self.supervisor = self.templates = None
        try:
            self.officer = self.service.unlock(OFFICER, login.passphrase)
            self.supervisor = self.service.unlock(SUPERVISOR, login.passphrase)
            self.templates, self.detector = _open_dedup(self.data_dir, self.officer)
            self.devices = DemoDevices.open(settings, options.real_timing)
        except BaseException:
            self.close()
            raise
        summary.devices = dict(self.devices.specs)
        self.autocapture = AutoCapture()
        self.session_id = f"demo-{int(time.time())}"
        self.minimum = int(settings.fingerprint_quality_min)
        self.max_tries = max(1, int(settings.fingerprint_max_tries))

    def close(self) -> None:
        for closer in (self.devices, self.templates):
            if closer is not None:
                closer.close()
        for user in (self.officer, self.supervisor):
            if user is not None:
                user.lock()
        self.service.close()

    def _timed(self, stage: str, fn, *args):
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.summary.add_stage(stage, time.perf_counter() - started)

    # -- the officer's part ------------------------------------------------------------------------------
    def enrol(self, person: SyntheticCitizen, people: list[SyntheticCitizen]) -> Enrolled:
        s = self.summary
        prefill = None
        if cap.has_card(person, self.today):
            prefill = self._timed("card_qr", cap.scan_card, self.devices.qr, person)
            s.cards_scanned += 1
        record = EnrolmentRecord(demographics=demographics_for(person, people, prefill),
                                 session=Session(officer=OFFICER, **SESSION))
        s.with_guardian += record.demographics.guardian is not None
        blobs, capture_meta, encoding, templates = {}, {"devices": dict(self.devices.specs)}, None, {}
        if person.takes_biometrics(self.today):
            face = self._timed("face", cap.capture_face, self.devices.camera, self.autocapture, person,
                               self.options.face_frames, 3 if person.bad_first_capture else 0)
            s.face_frames += face.frames
            s.faces_auto_captured += face.auto
            s.faces_kept_by_officer += not face.auto
            name = f"face.{face.metadata.get('format', 'jp2')}"
            blobs[name], encoding = face.data, face.encoding
            record.captures.face.image_ref, record.captures.face.tries = name, face.frames
            checks = face.metadata["checks"]  # quality: the share of ICAO checks the kept portrait passes
            record.captures.face.quality = round(100.0 * sum(c["passed"] for c in checks) / max(1, len(checks)), 1)
            capture_meta["face"] = face.metadata
            fingers = self._timed("fingerprints", cap.capture_fingers, self.devices.slap, self.devices.fingerprint,
                                  person, self.minimum, self.max_tries)
            face_slot = record.captures.face
            record.captures = fingers.captures
            record.captures.face = face_slot
            blobs.update(fingers.blobs)
            templates = fingers.templates
            capture_meta["fingerprints"] = {"scores": fingers.scores, "retries": fingers.retries,
                                            "exceptions": {f.name.lower(): {"status": st.value, "reason": r}
                                                           for f, (st, r) in person.finger_exceptions.items()}}
            s.finger_exceptions += fingers.exceptions
            s.fingerprint_retries += fingers.retries
            s.fingerprint_low_quality += fingers.low_quality
        else:
            record.captures = Captures()
            s.infants_no_biometrics += 1
        rid = str(record.record_id)
        candidates = self._timed("duplicates", self._duplicates, rid, encoding, templates)
        flagged = sorted({c.record_id for c in candidates if c.modality == "fingerprint"})
        s.face_matches += any(c.modality == "face" for c in candidates)
        capture_meta["duplicates"] = [{"record_id": c.record_id, "modality": c.modality, "score": c.score,
                                       "detail": c.detail} for c in candidates]
        issues = validate(record, today=self.today)
        warnings = [i.code for i in issues if not i.is_error]
        errors = [i.code for i in issues if i.is_error]
        s.count_codes(warnings, errors)
        capture_meta["validation_warnings"] = warnings
        ref = self._timed("save_draft", self.officer.save_draft, record.to_dict(), blobs, None, self.session_id,
                          capture_meta)
        s.enrolled += 1
        submitted = not errors
        if submitted:
            self._timed("submit", self.officer.submit_for_review, ref.record_id)
            s.submitted += 1
        else:
            s.blocked += 1
            log.info("record %s kept as a draft: %d validation error(s)", ref.record_id, len(errors))
        return Enrolled(person, ref.record_id, submitted, flagged)

    def _duplicates(self, record_id: str, encoding, templates: dict[str, bytes]):
        if encoding is None and not templates:
            return []
        found = self.detector.flag_duplicates(record_id, encoding, templates)
        self.detector.enrol(record_id, encoding, templates)
        return found

    # -- the supervisor's part ---------------------------------------------------------------------------
    def review(self, enrolled: list[Enrolled]) -> None:
        """Approve (co-sign, seal, enqueue) every submitted record that nobody flagged as a duplicate."""
        for item in enrolled:
            if not item.submitted:
                continue
            if item.flagged_as:
                self.summary.held_for_supervisor += 1
                continue
            self._timed("approve_seal", self.supervisor.approve, item.record_id)
            self.summary.sealed += 1


def _open_dedup(data_dir: Path, session):
    """The kit's encrypted template store (AES-256-GCM under a subkey of the kit data key) and detector."""
    from fieldkit.dedup.detector import DuplicateDetector
    from fieldkit.dedup.fingerprints import minutiae_comparator
    from fieldkit.dedup.store import TemplateStore
    from fieldkit.security import crypto

    key = session.kit.subkey("duplicate templates")
    store = TemplateStore(data_dir / "templates.sqlite", lambda p, aad: crypto.encrypt(key, p, aad),
                          lambda c, aad: crypto.decrypt(key, c, aad))
    store.unlock()
    compare, threshold = minutiae_comparator()
    return store, DuplicateDetector(store, fingerprint_comparator=compare, fingerprint_threshold=threshold)


def score_duplicates(summary: DemoSummary, enrolled: list[Enrolled], today: date) -> None:
    """Compare the flags with the truth the village generator knows (who really came twice)."""
    record_of_seed: dict[str, set[str]] = {}
    for item in enrolled:
        record_of_seed.setdefault(item.person.biometric_seed, set()).add(item.record_id)
    for item in enrolled:
        repeat = item.person.duplicate_of is not None and item.person.takes_biometrics(today)
        summary.repeat_visitors += repeat
        if item.flagged_as:
            summary.duplicates_flagged += 1
            same_body = record_of_seed[item.person.biometric_seed] - {item.record_id}
            if repeat and same_body & set(item.flagged_as):
                summary.duplicates_true += 1
            else:
                summary.duplicates_false += 1
        elif repeat:
            summary.duplicates_missed += 1


def run_village(options: DemoOptions, data_dir: Path, settings, login: DemoLogin,
                summary: DemoSummary, progress=None) -> list[Enrolled]:
    """Enrol the whole village and review it; returns what was enrolled. Devices closed on return."""
    today = options.today or date.today()
    people = village(options.citizens, seed=options.seed, today=today)
    summary.citizens, summary.seed = len(people), options.seed
    session = VillageSession(options, data_dir, settings, login, summary)
    enrolled: list[Enrolled] = []
    try:
        started = time.perf_counter()
        for person in people:
            enrolled.append(session.enrol(person, people))
            if progress:
                progress(len(enrolled), len(people))
        session.review(enrolled)
        summary.seconds_enrolment += time.perf_counter() - started
    finally:
        session.close()
    score_duplicates(summary, enrolled, today)
    return enrolled
