"""A supervisor bound to a SoftHSM2 token approves in the app: the PIN dialog, a wrong PIN, then success."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog

from fieldkit.domain.record import Demographics, EnrolmentRecord
from fieldkit.enrolment.service import EnrolmentService
from fieldkit.security import keystore
from fieldkit.security.crypto import FAST_TEST_KDF
from fieldkit.security.hub_keys import load_hub_keys, store_hub_keys
from fieldkit.security.token_binding import certificate_to_bind
from drivers.token.softhsm import USER_PIN
from tests.ui.conftest import PASS, store_test_hub_keys
from tests.ui.flows import WAIT

TOKEN_PASS = "token-supervisor-pass-1"


@pytest.fixture
def token_ui_settings(ui_settings, soft_tokens):
    return ui_settings.with_overrides(token_module=soft_tokens.module, token_label="sup-ec")


@pytest.fixture
def token_window(qtbot, qapp, kit_dir, token_ui_settings, soft_tokens, no_threads_left):
    from fieldkit.ui.app import build_main_window

    store_test_hub_keys(kit_dir)
    hub = load_hub_keys(kit_dir)
    tech = keystore.unlock(kit_dir, "tech", PASS["tech"])
    store_hub_keys(kit_dir, hub_url=hub.hub_url, signing_public_key=hub.signing_public_key,
                   hpke_public_keys=hub.hpke_public_keys, ca_roots_pem=soft_tokens.ca.pem(), signer=tech)
    certificate, _ = certificate_to_bind(soft_tokens.config("sup-ec"), kit_dir)
    keystore.add_user(tech, "tsup", "supervisor", TOKEN_PASS, FAST_TEST_KDF, certificate)
    tech.lock()
    win = build_main_window(qapp, kit_dir, token_ui_settings, "vi")
    qtbot.addWidget(win)
    yield win
    win.close()


def pending_record(kit_dir) -> str:
    with EnrolmentService(kit_dir) as service:
        officer = service.unlock("off", PASS["off"])
        record = EnrolmentRecord(demographics=Demographics(birth_name="Y Bưk Niê", personal_id="062095000123"))
        ref = officer.save_draft(record.to_dict(), {})
        officer.submit_for_review(ref.record_id)
        return ref.record_id


def answer_pin(pin: str) -> None:
    """Type `pin` into the PIN dialog as soon as it is shown (it is modal: it runs its own event loop)."""
    def fill():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(10, fill)
            return
        assert dialog.objectName() == "tokenPinDialog"
        dialog.setTextValue(pin)
        dialog.accept()
    QTimer.singleShot(0, fill)


def test_token_supervisor_approves_with_pin_after_a_wrong_one(qtbot, token_window, kit_dir):
    record_id = pending_record(kit_dir)
    window = token_window
    window.show_page("login")
    window.login.user.setText("tsup")
    window.login.passphrase.setText(TOKEN_PASS)
    window.login.submit()
    qtbot.waitUntil(lambda: window.ctx.kit_session is not None, timeout=WAIT)
    window.show_page("review")
    page = window.review_list
    qtbot.waitUntil(lambda: [r.record_id for r in page.rows] == [record_id], timeout=WAIT)
    page._open_row(0)
    detail = window.review_detail
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.record_id == record_id, timeout=WAIT)

    answer_pin("000000")
    detail.approve_button.click()
    qtbot.waitUntil(lambda: "PIN" in detail.status.text() and detail.approve_button.isEnabled(), timeout=WAIT)
    assert "không đúng" in detail.status.text()          # Vietnamese, no exception class name
    assert "TokenError" not in detail.status.text()
    assert window.ctx.kit_session.get_record(record_id).status == "pending_review"

    answer_pin(USER_PIN)
    with qtbot.waitSignal(detail.acted, timeout=WAIT) as acted:
        detail.approve_button.click()
    assert acted.args == [record_id, "approve"]
    assert window.ctx.kit_session.get_record(record_id).status == "sealed"
