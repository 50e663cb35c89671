"""The ONE enrolment flow (fieldkit.enrolment.flow), without Qt and without devices: its rules and its state."""

from __future__ import annotations

from datetime import date

import pytest

from fieldkit.biometrics.fp_quality import best_of_tries  # noqa: F401 - the flow's choice between tries
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.fingers import CAPTURE_PLAN, Finger, FingerStatus, Slap
from fieldkit.domain.record import Session
from fieldkit.enrolment.capture_meta import CaptureMetadata, FaceMeta
from fieldkit.enrolment.face import FacePortrait
from fieldkit.enrolment.flow import BIOMETRIC_STEPS, EnrolmentFlow, NotSubmittable, Step, takes_biometrics
from fieldkit.enrolment.prints import Attempt, blob_name
from fieldkit.enrolment.service import RecordUnchanged
from tests.security.conftest import PASS, make_kit

TODAY = date(2026, 12, 1)


def attempt(step, score: int, template: bytes | None = None) -> Attempt:
    fingers = step.fingers if isinstance(step, Slap) else (Finger(step),)
    return Attempt(score, [], {blob_name(step): bytes([score]) * 50}, {f: score for f in fingers},
                   {f: True for f in fingers}, None, {}, template, 40)


def portrait(fmt: str, passed: int = 3, kept: bool = False) -> FacePortrait:
    checks = [{"code": f"c{i}", "passed": i < passed} for i in range(4)]
    return FacePortrait(b"\xff\xd8" + fmt.encode() * 40, FaceMeta(format=fmt, checks=checks, kept_by_officer=kept))


def test_the_age_rule_is_one_function():
    assert not takes_biometrics(PartialDate.from_date(date(2021, 6, 1)), TODAY)     # 5
    assert takes_biometrics(PartialDate.from_date(date(2020, 6, 1)), TODAY)         # 6
    assert takes_biometrics(None, TODAY)                                           # unknown: take them
    assert takes_biometrics(PartialDate(2020), TODAY)                               # may be 6 already
    flow = EnrolmentFlow(today=TODAY)
    flow.record.demographics.date_of_birth = PartialDate.from_date(date(2023, 1, 1))
    assert not set(BIOMETRIC_STEPS) & set(flow.steps())
    assert flow.next_step(Step.FORM) == Step.REVIEW and flow.previous_step(Step.REVIEW) == Step.FORM
    flow.record.demographics.date_of_birth = PartialDate.from_date(date(1990, 1, 1))
    assert flow.next_step(Step.FORM) == Step.FACE and flow.next_step(Step.ROLLED) == Step.EXCEPTIONS


def test_best_of_n_keeps_the_best_try_and_stops_at_the_limit():
    flow = EnrolmentFlow(minimum=40, max_tries=3, today=TODAY)
    first = flow.finger_step
    assert first == CAPTURE_PLAN[0]
    assert flow.add_attempt(attempt(first, 20)).may_retry
    assert flow.add_attempt(attempt(first, 35)).may_retry
    outcome = flow.add_attempt(attempt(first, 30))
    assert not outcome.may_retry and outcome.best.score == 35        # the limit: the best of three kept
    slot = flow.record.captures.slaps[first]
    assert (slot.quality, slot.tries) == (35.0, 3)
    assert flow.meta.fingers[first.name.lower()].scores == [20, 35, 30]
    assert flow.finger_step == CAPTURE_PLAN[1] and flow.attempts == []
    assert not flow.add_attempt(attempt(CAPTURE_PLAN[1], 80)).may_retry   # good at once: kept, next step
    assert flow.finger_step == CAPTURE_PLAN[2]


def test_templates_use_one_key_scheme_and_exceptions_skip_steps():
    flow = EnrolmentFlow(minimum=40, max_tries=2, today=TODAY)
    flow.mark_exception(Finger.RIGHT_INDEX, FingerStatus.MISSING, "cụt ngón")
    with pytest.raises(ValueError):
        flow.mark_exception(Finger.LEFT_INDEX, FingerStatus.BANDAGED, "  ")
    while (step := flow.finger_step) is not None:
        flow.add_attempt(attempt(step, 70, template=b"T%d" % int(step) if not isinstance(step, Slap) else None))
    assert flow.record.captures.rolled[Finger.RIGHT_INDEX].status == FingerStatus.MISSING
    assert "right_index" not in flow.meta.fingers and blob_name(Finger.RIGHT_INDEX) not in flow.blobs
    # the first two search fingers that were printed: left index, then right thumb (right index is missing)
    assert flow.templates == {"fp:7": b"T7", "fp:1": b"T1"}
    assert set(CaptureMetadata.from_dict(flow.meta.to_dict()).to_dict()) >= {"devices", "face", "fingers"}


def test_a_retake_removes_every_earlier_face_blob():
    flow = EnrolmentFlow(today=TODAY)
    flow.keep_face(portrait("jpg"))
    flow.blobs["face.jp2"] = b"an older photo from before the JPEG fallback"
    flow.retake_face()
    assert not [n for n in flow.blobs if n.startswith("face.")]
    assert flow.record.captures.face.image_ref is None and flow.meta.face is None
    flow.keep_face(portrait("jp2"))
    assert [n for n in flow.blobs if n.startswith("face.")] == ["face.jp2"]
    assert flow.record.captures.face.quality == 75.0                 # 0-100: three of four checks passed


def test_a_face_that_never_passes_can_be_kept_or_excepted_with_a_reason():
    flow = EnrolmentFlow(today=TODAY)
    flow.keep_face(portrait("jp2", passed=2, kept=True))
    assert flow.meta.face.kept_by_officer
    with pytest.raises(ValueError):
        flow.face_exception("")
    flow.face_exception("khuôn mặt bị bỏng, không chụp được")
    assert not [n for n in flow.blobs if n.startswith("face.")]
    assert flow.face_done() and flow.record.captures.face.exception_reason
    assert flow.meta.face.exception_reason.startswith("khuôn mặt")
    assert "face.missing" not in [i.code for i in flow.issues()]


def test_a_new_citizen_starts_empty():
    flow = EnrolmentFlow(today=TODAY)
    flow.keep_face(portrait("jp2"))
    flow.add_attempt(attempt(flow.finger_step, 10))
    flow.record.demographics.birth_name = "Y Bưk"
    flow.prefilled_from_card = True
    flow.start(Session(officer="off"))
    assert flow.blobs == {} and flow.attempts == [] and flow.meta == CaptureMetadata()
    assert flow.record.demographics.birth_name == "" and not flow.prefilled_from_card
    assert flow.finger_step == CAPTURE_PLAN[0] and flow.record.session.officer == "off"


def _complete(flow: EnrolmentFlow, person_name: str) -> None:
    d = flow.record.demographics
    from fieldkit.domain.record import Residence, Sex
    d.birth_name, d.date_of_birth, d.sex = person_name, PartialDate.from_date(date(2023, 3, 1)), Sex.FEMALE
    d.ethnicity, d.religion, d.nationality, d.hometown = "Kinh", "Không", "Việt Nam", "Quảng Ngãi"
    d.birth_registration_province = "Quảng Ngãi"
    d.residence = Residence("Quảng Ngãi", "Xã Đăk Mar", "Thôn 3")
    from fieldkit.domain.record import Guardian
    d.guardian = Guardian("Nguyễn Văn Bình", "051090012345", "cha")
    flow.record.session = Session(commune="Xã Đăk Mar", village="Thôn 3", team="Tổ 2", officer="off")


def test_a_returned_record_keeps_its_reason_and_cannot_go_back_unchanged(data_dir):
    from fieldkit.kit import open_kit
    make_kit(data_dir)
    with open_kit(data_dir) as kit:
        officer, supervisor = kit.unlock("off", PASS["off"]), kit.unlock("sup", PASS["sup"])
        flow = EnrolmentFlow(today=TODAY)
        _complete(flow, "Nguyễn Thị Hoa")
        assert flow.can_submit(), flow.blocking()
        result = flow.submit(officer, kit.duplicates(officer))
        assert result.status == "pending_review"
        assert officer.get_record(result.record_id).capture["duplicates"] == []   # searched, nothing earlier
        supervisor.return_to_officer(result.record_id, "tên viết sai dấu")

        again = EnrolmentFlow(today=TODAY)
        again.resume(officer.get_record(result.record_id))
        assert again.returned and again.return_reason == "tên viết sai dấu"
        assert "returned.unchanged" in again.blocking()
        with pytest.raises(NotSubmittable):
            again.submit(officer, None)
        with pytest.raises(RecordUnchanged):        # from outside the flow too: the service refuses it
            officer.submit_for_review(result.record_id)
        again.save(officer)                          # an autosave does not turn it back into a draft
        assert officer.get_record(result.record_id).status == "returned"
        again.record.demographics.birth_name = "Nguyễn Thị Hòa"
        assert again.can_submit()
        assert again.submit(officer, None).status == "pending_review"
        assert "duplicates" not in officer.get_record(result.record_id).capture    # no gallery: "not run"
        officer.lock()
        supervisor.lock()


def test_discard_voids_the_saved_draft(data_dir):
    from fieldkit.kit import open_kit
    make_kit(data_dir)
    with open_kit(data_dir) as kit:
        officer = kit.unlock("off", PASS["off"])
        flow = EnrolmentFlow(today=TODAY)
        _complete(flow, "Lò Thị Mai")
        ref = flow.save(officer)
        flow.discard(officer)
        view = officer.get_record(ref.record_id)
        assert view.status == "voided" and view.blobs == {}
        assert flow.record_id != ref.record_id and flow.saved_version == 0
        officer.lock()
