"""Steps a person takes in the UI, shared by the tests (mouse-free where the test says so)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.conftest import PASS

WAIT = 30_000  # ms: generous for a loaded 2-core CI machine; waits end as soon as the condition holds


def log_in(qtbot, window, user: str) -> None:
    window.show_page("login")
    window.login.user.setText(user)
    window.login.passphrase.setText(PASS[user])
    window.login.submit()
    qtbot.waitUntil(lambda: window.ctx.kit_session is not None and window.current_key() == "home", timeout=WAIT)


def start_session(qtbot, window, province="Đắk Lắk", commune=None) -> None:
    from fieldkit.domain.units import find_province
    window.show_page("session")
    page = window.session_setup
    commune = commune or find_province(province).communes[0].name
    page.choose(province, commune)
    page.team.setText("Đội 1")
    page.village.setText("Buôn Ko Tam")
    page.start()
    assert window.ctx.work_session is not None, page.error.text()
    qtbot.waitUntil(lambda: window.current_key() == "home")


def finish_form(window) -> None:
    """Fields the card QR does not carry."""
    form = window.wizard.form
    for key, value in (("ethnicity", "Ê Đê"), ("religion", "Không"), ("nationality", "Việt Nam"),
                       ("birth_registration_province", "Đắk Lắk"), ("hometown", "Đắk Lắk"),
                       ("phone", "0912345678")):
        form.set_text(key, value)
    form._edited()


def type_into(widget, text: str) -> None:
    QTest.keyClicks(widget, text)


def key(widget, k=Qt.Key.Key_Return) -> None:
    QTest.keyClick(widget, k)
