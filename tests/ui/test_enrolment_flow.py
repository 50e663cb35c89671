"""A whole enrolment on simulated devices: officer login → session → card QR → form → face auto-capture →
slaps 4-4-2 + ten rolled → review → slip PDF; supervisor login → review list (search without diacritics) →
approve (co-sign, seal); sync to a hub on loopback → the hub holds the packet, the kit's copy is acknowledged.
"""

from __future__ import annotations

import pytest

from drivers.qr.people import synthetic_person
from fieldkit.domain.fingers import CAPTURE_PLAN, FingerStatus
from fieldkit.domain.names import fold
from tests.ui.flows import WAIT, finish_form, log_in, start_session


def adult_person():
    for n in range(1, 50):
        p = synthetic_person(n)
        if p.birth_date.year < 2000:
            return p
    raise AssertionError("no adult synthetic person")


@pytest.fixture
def hub(provisioned_hub):
    return provisioned_hub.storage
    storage.close()


def enrol_one(qtbot, window, person, tmp_path):
    wiz = window.wizard
    window.show_page("enrol")
    assert window.current_key() == "enrol"
    assert wiz.form.apply_qr(person.card_qr())
    finish_form(window)
    assert not wiz.form.has_blocking_errors(), [i.code for i in wiz.controller.form_errors()]
    wiz.next()
    assert wiz.current() == 1
    # Auto-capture: the sitter holds a good pose and the photo takes itself.
    qtbot.waitUntil(lambda: wiz.controller.record.captures.face.image_ref is not None, timeout=60_000)
    assert wiz.face.view.frames_shown > 0
    wiz.next()
    assert wiz.current() == 2
    fingers = wiz.fingers
    for _ in range(len(CAPTURE_PLAN) * 3):
        if fingers.step is None:
            break
        before = (fingers.step_index, len(fingers.attempts))
        qtbot.waitUntil(lambda: fingers.capture_button.isEnabled(), timeout=WAIT)
        fingers.capture_button.click()
        qtbot.waitUntil(lambda: (fingers.step_index, len(fingers.attempts)) != before and not fingers.busy,
                        timeout=WAIT)
    assert fingers.step is None
    rolled = wiz.controller.record.captures.rolled
    assert all(s.status == FingerStatus.CAPTURED and s.quality is not None for s in rolled.values())
    wiz.next()
    assert wiz.current() == 3
    assert not wiz.review.submit_button.isEnabled()  # the citizen has not confirmed yet
    wiz.review.confirm.setChecked(True)
    assert wiz.review.submit_button.isEnabled(), wiz.review.problems.text()
    with qtbot.waitSignal(wiz.finished, timeout=WAIT) as sent:
        wiz.review.submit_button.click()
    assert wiz.current() == 4 and not wiz.discard_button.isVisible()   # a submitted record is no draft
    from tests.ui.test_wizard_items import print_slip_to_pdf
    _drawn, text, _page = print_slip_to_pdf(wiz.slip, tmp_path / "slip.pdf")   # the test's printer: a PDF
    assert person.full_name in " ".join(text.split()) and wiz.slip.info.receipt_number in text
    return sent.args[0]


@pytest.mark.slow
def test_enrolment_to_sealed_packet_then_sync(qtbot, window, hub, tmp_path):
    person = adult_person()
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    record_id = enrol_one(qtbot, window, person, tmp_path)
    assert record_id in window.ctx.work_session.submitted

    # The officer cannot open the supervisor's pages.
    window.show_page("review")
    assert window.current_key() != "review"

    window.lock()
    assert window.current_key() == "login" and window.ctx.kit_session is None
    log_in(qtbot, window, "sup")
    window.show_page("review")
    page = window.review_list
    page.search.setText(fold(person.full_name).split()[-1])   # no diacritics typed
    qtbot.waitUntil(lambda: [r.record_id for r in page.rows] == [record_id], timeout=WAIT)
    page._open_row(0)
    detail = window.review_detail
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.record_id == record_id, timeout=WAIT)
    assert detail.photo.pixmap() is not None and not detail.photo.pixmap().isNull()
    with qtbot.waitSignal(detail.acted, timeout=WAIT) as acted:
        detail.approve_button.click()
    assert acted.args == [record_id, "approve"]
    view = window.ctx.kit_session.get_record(record_id)
    assert view.status == "sealed" and view.record == {}   # the kit can no longer read it

    window.show_page("sync")
    panel = window.sync_panel
    with qtbot.waitSignal(panel.pass_finished, timeout=WAIT) as done:
        panel.sync_now()
    assert done.args[0].delivered == 1, done.args[0]
    assert hub.count_packets() == 1
    assert [row[1] for row in panel.table_rows()] == ["acknowledged"]
