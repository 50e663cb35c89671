"""The wizard in the field (issue 13 items 2, 4, 6, 8): a face that never passes, a returned record, setting a
citizen aside or discarding the draft, and nothing of one citizen left on the next one's screens."""

from __future__ import annotations

import pytest

from tests.ui.flows import WAIT, finish_form, log_in, start_session
from tests.ui.test_enrolment_flow import adult_person

FORM, FACE, FINGERS, REVIEW, SLIP = range(5)


def to_face(qtbot, window):
    wiz = window.wizard
    window.show_page("enrol")
    assert wiz.form.apply_qr(adult_person().card_qr())
    finish_form(window)
    wiz.next()
    assert wiz.current() == FACE, wiz.message.text()
    qtbot.waitUntil(lambda: wiz.face.view.frames_shown > 0, timeout=60_000)
    return wiz


@pytest.mark.slow
def test_face_kept_by_the_officer_or_excepted_with_a_reason(qtbot, window):
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    wiz = to_face(qtbot, window)
    flow = wiz.controller.flow
    qtbot.waitUntil(lambda: wiz.face.feed is not None and wiz.face.feed.capture.has_candidate, timeout=WAIT)
    with qtbot.waitSignal(wiz.face.done, timeout=WAIT):
        wiz.face.keep_best.click()
    assert flow.meta.face.kept_by_officer and flow.record.captures.face.image_ref
    assert wiz.face.result.pixmap() is not None and not wiz.face.result.pixmap().isNull()

    wiz.face.exc_button.click()                           # no reason typed: nothing recorded
    assert not flow.record.captures.face.exception_reason
    wiz.face.exc_reason.setText("bỏng mặt, không chụp được")
    wiz.face.exc_button.click()
    assert flow.record.captures.face.exception_reason == "bỏng mặt, không chụp được"
    assert not [n for n in flow.blobs if n.startswith("face.")]
    assert "bỏng mặt" in wiz.face.status.text()
    wiz.next()
    assert wiz.current() == FINGERS                      # the exception lets the enrolment go on
    wiz.leave()


@pytest.mark.slow
def test_next_citizen_shows_nothing_of_the_previous_one(qtbot, window):
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    wiz = to_face(qtbot, window)
    qtbot.waitUntil(lambda: wiz.controller.record.captures.face.image_ref is not None, timeout=60_000)
    wiz.next()
    fingers = wiz.fingers
    qtbot.waitUntil(lambda: fingers.capture_button.isEnabled(), timeout=WAIT)
    fingers.capture_button.click()
    qtbot.waitUntil(lambda: (fingers.step_index > 0 or bool(fingers.attempts)) and not fingers.busy, timeout=WAIT)
    assert fingers.quality.value() > 0 and fingers.feedback.text() and not fingers.image.pixmap().isNull()
    assert wiz.form.qr_status.text()

    first_id = wiz.controller.record_id
    wiz.new_button.click()                                # the first one is set aside, saved as a draft
    assert wiz.current() == FORM and wiz.controller.record_id != first_id
    assert wiz.controller.record.demographics.birth_name == ""
    assert wiz.form.qr_status.text() == "" and wiz.form.text("birth_name") == ""
    assert fingers.quality.value() == 0 and fingers.feedback.text() == ""
    assert fingers.image.pixmap() is None or fingers.image.pixmap().isNull()
    assert wiz.face.result.pixmap() is None or wiz.face.result.pixmap().isNull()
    assert wiz.face.view._image is None and wiz.face.view.guidance() == ""
    assert fingers.step_index == 0 and fingers.attempts == [] and fingers.busy is False
    qtbot.waitUntil(lambda: wiz.controller.idle, timeout=WAIT)
    view = window.ctx.kit_session.get_record(first_id)
    assert view.status == "draft" and any(n.startswith("face.") for n in view.blobs)   # set aside, not lost


@pytest.mark.slow
def test_discard_voids_the_draft(qtbot, window):
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    wiz = window.wizard
    window.show_page("enrol")
    assert wiz.form.apply_qr(adult_person().card_qr())
    with qtbot.waitSignal(wiz.controller.saved, timeout=WAIT) as saved:
        wiz.controller.changed()
    record_id = saved.args[0]
    qtbot.waitUntil(lambda: wiz.controller.idle, timeout=WAIT)
    wiz.discard_button.click()
    assert wiz.discard_confirm.isVisible()               # one click alone discards nothing
    assert window.ctx.kit_session.get_record(record_id).status == "draft"
    with qtbot.waitSignal(wiz.controller.discarded, timeout=WAIT):
        wiz.discard_confirm.click()
    view = window.ctx.kit_session.get_record(record_id)
    assert view.status == "voided" and view.blobs == {} and view.record == {}
    assert wiz.controller.record_id != record_id and wiz.form.text("birth_name") == ""
    assert record_id not in window.ctx.work_session.drafts


@pytest.mark.slow
def test_a_returned_record_shows_the_reason_and_is_not_resent_unchanged(qtbot, window):
    from datetime import date

    from fieldkit.domain.dates import PartialDate
    from fieldkit.domain.record import Guardian, Residence, Session, Sex
    from fieldkit.enrolment.flow import EnrolmentFlow
    from tests.ui.conftest import PASS

    # An infant's record (no biometrics) submitted, then returned by the supervisor, through the service.
    service = window.ctx.open_service()
    officer = service.unlock("off", PASS["off"])
    flow = EnrolmentFlow()
    d = flow.record.demographics
    d.birth_name, d.date_of_birth, d.sex = "Y Bưk", PartialDate.from_date(date(date.today().year - 2, 3, 1)), Sex.MALE
    d.ethnicity, d.religion, d.nationality, d.hometown = "Ê Đê", "Không", "Việt Nam", "Đắk Lắk"
    d.birth_registration_province = "Đắk Lắk"
    from fieldkit.domain.units import find_province
    commune = find_province("Đắk Lắk").communes[0].name
    d.residence = Residence("Đắk Lắk", commune, "Buôn Ko Tam")
    d.guardian = Guardian("Y Ben Niê", "066090012345", "cha")
    flow.record.session = Session(commune=commune, village="Buôn Ko Tam", team="Đội 1", officer="off")
    record_id = flow.submit(officer, None).record_id
    officer.lock()
    supervisor = service.unlock("sup", PASS["sup"])
    supervisor.return_to_officer(record_id, "thiếu số điện thoại người giám hộ")
    supervisor.lock()

    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    wiz = window.wizard
    window.continue_draft(record_id)
    qtbot.waitUntil(lambda: wiz.controller.record_id == record_id, timeout=WAIT)
    assert wiz.return_note.isVisible() and "thiếu số điện thoại" in wiz.return_note.text()
    wiz.next()                                           # under 6: straight to the review
    assert wiz.current() == REVIEW
    wiz.review.confirm.setChecked(True)
    assert not wiz.review.submit_button.isEnabled()      # unchanged: cannot go back as it was
    qtbot.waitUntil(lambda: wiz.controller.idle, timeout=WAIT)
    assert window.ctx.kit_session.get_record(record_id).status == "returned"   # not silently a draft again
    wiz.back()
    wiz.form.set_text("phone", "0912345678")
    wiz.form._edited()
    wiz.next()
    wiz.review.confirm.setChecked(True)
    assert wiz.review.submit_button.isEnabled(), wiz.review.problems.text()
    with qtbot.waitSignal(wiz.finished, timeout=WAIT):
        wiz.review.submit_button.click()
    assert window.ctx.kit_session.get_record(record_id).status == "pending_review"
