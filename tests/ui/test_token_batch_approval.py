"""A supervisor bound to a SoftHSM2 token approves a batch in the review list: the PIN is asked once, one token
login signs every confirmed record, a wrong PIN approves nobody (one Vietnamese sentence), a record that fails
is reported by name without stopping the others, and the background sync is woken after the batch."""

from __future__ import annotations

from tests.ui.flows import WAIT
from tests.ui.test_token_approval import (TOKEN_PASS, answer_pin, pending_record, token_ui_settings,  # noqa: F401
                                          token_window)


def test_token_batch_approval_one_pin_one_login(qtbot, token_window, kit_dir, monkeypatch):
    from drivers.token.softhsm import USER_PIN
    from fieldkit.security import token_binding
    from fieldkit.ui import token_approval

    ids = [pending_record(kit_dir) for _ in range(3)]
    window = token_window
    window.show_page("login")
    window.login.user.setText("tsup")
    window.login.passphrase.setText(TOKEN_PASS)
    window.login.submit()
    qtbot.waitUntil(lambda: window.ctx.kit_session is not None, timeout=WAIT)
    assert token_approval.needs_token(window.ctx.kit_session)
    window.show_page("review")
    page = window.review_list
    qtbot.waitUntil(lambda: len(page.rows) == 3, timeout=WAIT)
    for rid in ids:
        page.mark_opened(rid)     # what the detail page does when it shows a record
    page.table.selectAll()
    assert sorted(page.approvable_ids()) == sorted(ids)
    page.confirm_batch = lambda names, skipped: True

    logins, pins_asked, wakes = [], [], []
    real_open = token_binding.open_signer_for
    monkeypatch.setattr(token_binding, "open_signer_for",
                        lambda kit, settings, pin: logins.append(pin) or real_open(kit, settings, pin))
    real_ask = token_approval.ask_pin
    monkeypatch.setattr(token_approval, "ask_pin", lambda parent: pins_asked.append(1) or real_ask(parent))
    monkeypatch.setattr(window.sync_panel, "wake", lambda: wakes.append(1))

    # A wrong PIN: nobody is approved, one sentence in Vietnamese, the batch can be tried again.
    answer_pin("000000")
    page.approve_selected()
    qtbot.waitUntil(lambda: "PIN" in page.result.text() and page.batch_button.isEnabled(), timeout=WAIT)
    assert "không đúng" in page.result.text() and "TokenError" not in page.result.text()
    assert all(window.ctx.kit_session.get_record(rid).status == "pending_review" for rid in ids)
    assert wakes == []

    # Another supervisor's decision lands first on one of them: it fails alone, the two others are signed.
    from fieldkit.enrolment.service import EnrolmentService
    from tests.ui.conftest import PASS
    with EnrolmentService(kit_dir) as service:
        sup = service.unlock("sup", PASS["sup"])
        sup.reject(ids[1], "giấy tờ không khớp")
        sup.lock()

    pins_asked.clear()
    logins.clear()
    answer_pin(USER_PIN)
    with qtbot.waitSignal(page.batch_done, timeout=WAIT) as done:
        page.approve_selected()
    assert done.args == [2, 1]
    assert pins_asked == [1] and logins == [USER_PIN]             # one PIN, one token login for the batch
    statuses = [window.ctx.kit_session.get_record(rid).status for rid in ids]
    assert statuses == ["sealed", "rejected", "sealed"]
    text = page.result.text()
    assert "Y Bưk Niê" in text and "Error" not in text and "Traceback" not in text
    from fieldkit.domain.status import IllegalTransition, Status
    from fieldkit.ui.messages import user_message
    assert user_message(IllegalTransition(Status.REJECTED, Status.APPROVED)) in text   # why it failed, not "it failed"
    assert wakes == [1]                                           # the sync sends the sealed packets now
