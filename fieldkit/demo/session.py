"""A simulated village session end to end, through the code the app runs.

    summary = run_demo(DemoOptions(citizens=200, seed=1), data_dir, settings, login)

Per citizen (the officer), through the same fieldkit.enrolment.flow.EnrolmentFlow the app's wizard drives:
card QR through the reader driver → the form → face auto-capture on the camera (or the best frame kept) →
slaps 4-4-2 and ten rolled prints, best of N tries → validation (errors keep the record a draft, warnings
are noted) → submit: duplicate search in the kit's one gallery (faces and prints), encrypted save, review. Then the supervisor approves every submitted record that is
not flagged as a possible duplicate (co-signed, sealed into the queue); flagged records wait for the
supervisor's decision. With a hub, the session ends by syncing the queue (optionally over a link that drops).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from drivers.synthetic.face_scenes import assign_sitters
from fieldkit.demo import capture as cap
from fieldkit.demo.kit_setup import OFFICER, SUPERVISOR, DemoLogin
from fieldkit.demo.population import SyntheticCitizen, village
from fieldkit.demo.summary import DemoSummary
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.record import Demographics, Guardian, Residence, Session, Sex

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
    registry: Path | None = None   # a population extract for this kit (fieldkit.demo.registry)
    hub_data: Path | None = None   # a hub on this machine: writes the extract when `registry` does not exist


@dataclass
class Enrolled:
    """What the session remembers of one citizen (ids only; the record itself is encrypted in the store)."""

    person: SyntheticCitizen
    record_id: str
    submitted: bool
    flagged_as: list[str]  # record ids of fingerprint candidates
    face_matched: list[str] = field(default_factory=list)  # record ids of face candidates


# ------------------------------------------------------------------------------------------ the record

def type_form(demo: Demographics, person: SyntheticCitizen, people: list[SyntheticCitizen], from_card: bool) -> None:
    """What the officer types: everything when there is no card, the fields a card does not carry otherwise."""
    if not from_card:
        demo.birth_name, demo.personal_id = person.birth_name, person.personal_id
        demo.date_of_birth, demo.sex = PartialDate.from_date(person.dob), _SEX[person.sex]
        demo.residence = Residence(*DEFAULT_RESIDENCE)
    elif not demo.residence.province:
        demo.residence = Residence(*DEFAULT_RESIDENCE, card_address=demo.residence.card_address)
    demo.ethnicity, demo.religion, demo.nationality = person.ethnicity, person.religion, "Việt Nam"
    demo.birth_registration_province, demo.hometown, demo.phone = "Kon Tum", "Kon Tum", person.phone
    if person.guardian_index is not None:
        g = people[person.guardian_index]
        demo.guardian = Guardian(g.birth_name, g.personal_id, "cha" if g.sex == "Nam" else "mẹ")


def demographics_for(person: SyntheticCitizen, people: list[SyntheticCitizen], prefill=None) -> Demographics:
    """The form as the officer completes it: the card's fields when scanned, the rest typed."""
    demo = prefill.to_demographics() if prefill is not None else Demographics()
    type_form(demo, person, people, from_card=prefill is not None)
    return demo


# ------------------------------------------------------------------------------------------ the session

class VillageSession:
    """One kit (fieldkit.kit.open_kit), its devices, the two logged-in users and ONE EnrolmentFlow that every
    citizen goes through, as in the app's wizard."""

    def __init__(self, options: DemoOptions, data_dir: Path, settings, login: DemoLogin, summary: DemoSummary):
        from fieldkit.enrolment.face import FaceCapture
        from fieldkit.enrolment.flow import EnrolmentFlow
        from fieldkit.kit import open_kit

        self.options, self.data_dir, self.settings, self.summary = options, Path(data_dir), settings, summary
        self.today = options.today or date.today()
        self.kit = open_kit(self.data_dir, settings)
        self.devices = self.officer = self.supervisor = self.population = None
        try:
            self.officer = self.kit.unlock(OFFICER, login.passphrase)
            self.supervisor = self.kit.unlock(SUPERVISOR, login.passphrase)
            self.gallery = self.kit.duplicates(self.officer)
            if options.registry is not None:
                self.population = self._open_population(options)
            self.devices = self.kit.devices(real_timing=options.real_timing)
        except BaseException:
            self.close()
            raise
        summary.devices = dict(self.devices.specs)
        self.face = FaceCapture()
        self.flow = EnrolmentFlow.from_settings(settings, self.today)
        self.session_id = f"demo-{int(time.time())}"
        self.sitters: dict[str, str] = {}  # biometric seed -> camera sitter (distinct faces, drivers.synthetic)

    def _open_population(self, options: DemoOptions):
        """The extract loaded into the kit (written first at a local hub when asked), then the population."""
        from fieldkit.demo import registry

        path = Path(options.registry)
        if not path.exists() and options.hub_data is not None:
            registry.write_extract_from_local_hub(options.hub_data, self.officer.kit.kit_id, path)
        registry.load_extract(self.data_dir, self.officer, path)
        self.summary.registry = {}
        self.registry_counts = registry.RegistryCounts()
        return self.kit.population(self.officer)

    def prefetch(self, person: SyntheticCitizen) -> None:
        """Let the slap simulator grow the next citizen's master prints while this one is enrolled (the
        queue in line at the table): the simulated body is ready when the hand is placed."""
        simulator = getattr(self.devices.slap, "simulator", None)
        if simulator is not None and hasattr(simulator, "prefetch"):
            simulator.prefetch(person.biometric_seed)

    def close(self) -> None:
        for user in (self.officer, self.supervisor):
            if user is not None:
                user.lock()
        self.kit.close()   # devices, the gallery (templates zeroed), the store

    def _timed(self, stage: str, fn, *args):
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.summary.add_stage(stage, time.perf_counter() - started)

    # -- the officer's part ------------------------------------------------------------------------------
    def enrol(self, person: SyntheticCitizen, people: list[SyntheticCitizen]) -> Enrolled:
        s, flow, specs = self.summary, self.flow, self.devices.specs
        flow.start(Session(officer=OFFICER, **SESSION))
        from_card = cap.has_card(person, self.today)
        if from_card:
            flow.apply_card(self._timed("card_qr", cap.scan_card, self.devices.qr, person))
            s.cards_scanned += 1
        if self.population is not None:
            from fieldkit.demo import registry
            self._timed("find", registry.find, flow, self.population, person)   # FIND: resident or DC01
            registry.confirm_with_citizen(flow, person, people)
            registry.request_vneid(flow, person, self.today)
        else:
            type_form(flow.record.demographics, person, people, from_card)
        s.with_guardian += flow.record.demographics.guardian is not None
        if flow.takes_biometrics():
            portrait = self._timed("face", cap.capture_face, self.devices.camera, self.face, person,
                                   self.options.face_frames, 3 if person.bad_first_capture else 0, self.sitters)
            flow.keep_face(portrait, specs["camera"])
            s.face_frames += portrait.meta.frames
            s.faces_auto_captured += not portrait.meta.kept_by_officer
            s.faces_kept_by_officer += portrait.meta.kept_by_officer
            self._timed("fingerprints", cap.capture_fingers, flow, self.devices.slap, self.devices.fingerprint, person)
            flow.meta.devices.update({"slap": specs["slap"].split("?")[0],
                                      "fingerprint": specs["fingerprint"].split("?")[0]})
            s.finger_exceptions += flow.exceptions()
            steps = flow.meta.fingers.values()
            s.fingerprint_retries += sum(m.tries - 1 for m in steps)
            s.fingerprint_low_quality += sum(m.score < flow.minimum for m in steps)
        else:
            s.infants_no_biometrics += 1
        if self.population is not None:
            flow.refresh_registry()
            self.registry_counts.count(person.index, flow.record)
            s.registry = self.registry_counts.as_dict()
        issues = flow.issues()
        warnings = [i.code for i in issues if not i.is_error]
        errors = [i.code for i in issues if i.is_error]
        s.count_codes(warnings, errors)
        s.enrolled += 1
        if errors:
            self._timed("save_draft", flow.save, self.officer, self.session_id)
            s.blocked += 1
            log.info("record %s kept as a draft: %d validation error(s)", flow.record_id, len(errors))
            return Enrolled(person, flow.record_id, False, [])
        result = self._timed("submit", flow.submit, self.officer, self.gallery, self.session_id)
        s.submitted += 1
        flagged = sorted({d.record_id for d in result.duplicates if d.modality == "fingerprint"})
        faces = sorted({d.record_id for d in result.duplicates if d.modality == "face"})
        s.face_matches += bool(faces)
        return Enrolled(person, result.record_id, True, flagged, faces)

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


def score_duplicates(summary: DemoSummary, enrolled: list[Enrolled], today: date) -> None:
    """Compare the flags with the truth the village generator knows (who really came twice)."""
    record_of_seed: dict[str, set[str]] = {}
    for item in enrolled:
        record_of_seed.setdefault(item.person.biometric_seed, set()).add(item.record_id)
    for item in enrolled:
        repeat = item.person.duplicate_of is not None and item.person.takes_biometrics(today)
        summary.repeat_visitors += repeat
        earlier = record_of_seed[item.person.biometric_seed] - {item.record_id}
        summary.repeat_visitors_face_matched += bool(repeat and earlier & set(item.face_matched))
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
    session.sitters = assign_sitters([p.biometric_seed for p in people])
    enrolled: list[Enrolled] = []
    try:
        started = time.perf_counter()
        for index, person in enumerate(people):
            if index + 1 < len(people):
                session.prefetch(people[index + 1])
            enrolled.append(session.enrol(person, people))
            if progress:
                progress(len(enrolled), len(people))
        session.review(enrolled)
        summary.seconds_enrolment += time.perf_counter() - started
    finally:
        session.close()
    score_duplicates(summary, enrolled, today)
    return enrolled
