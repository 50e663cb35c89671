"""After a record is submitted, the slip step does not offer "Discard this draft": it is no draft any more."""

from __future__ import annotations

from tests.ui.flows import WAIT, log_in, records_for_review, start_session

SLIP = 4


def test_the_slip_step_offers_no_discard(qtbot, window, kit_dir):
    rid = records_for_review(kit_dir, 1)[0]   # submitted for review (the wizard's own submit is the slow flow test)
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    wiz = window.wizard
    window.show_page("enrol")
    assert wiz.discard_button.isVisible()     # a draft being typed can be discarded
    wiz.discard_button.click()
    assert wiz.discard_confirm.isVisible()
    with qtbot.waitSignal(wiz.finished, timeout=WAIT):
        wiz.controller.submitted.emit(rid)    # what the controller says once the record is submitted
    assert wiz.current() == SLIP
    assert not wiz.discard_button.isVisible() and not wiz.discard_confirm.isVisible()
    wiz.discard()                             # a stale click or shortcut: nothing is voided
    wiz._ask_discard()
    assert not wiz.discard_confirm.isVisible()
    assert window.ctx.kit_session.get_record(rid).status == "pending_review"
    wiz.begin()                               # the next citizen's draft can be discarded again
    assert wiz.discard_button.isVisible()
