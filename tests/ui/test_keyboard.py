"""An enrolment completed with the keyboard only: QTest key clicks on whatever has the focus, no mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fieldkit.domain.fingers import FingerStatus
from fieldkit.domain.names import fold
from fieldkit.domain.units import find_province
from tests.ui.conftest import PASS
from tests.ui.flows import WAIT
from tests.ui.test_enrolment_flow import adult_person


BOT = [None]   # the test's qtbot, for waits inside the helpers below


def focus():
    """The widget with the keyboard focus; waits (without sleeping) while the window system hands it back."""
    widget = QApplication.focusWidget()
    if widget is None:
        BOT[0].waitUntil(lambda: QApplication.focusWidget() is not None, timeout=5000)
        widget = QApplication.focusWidget()
    return widget


def keys(text: str) -> None:
    """Type text: ASCII as key presses; Vietnamese letters as the input method delivers them on a real kit
    (Telex/VNI in ibus or fcitx commit each composed letter to the focused field)."""
    for char in text:
        if char.isascii():
            QTest.keyClicks(focus(), char)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(char)
            QApplication.sendEvent(focus(), event)


def close_popup(qtbot) -> None:
    """A search box's suggestion list closes with Escape; the cursor stays in the box (the widget sees to it)."""
    owner = focus()
    popup = QApplication.activePopupWidget()
    if popup is not None:
        QTest.keyClick(popup, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None and focus() is owner
                    and QApplication.activeWindow() is owner.window())


def press(key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focus(), key, modifier)


def field_named(name: str) -> bool:
    w = focus()
    while w is not None:
        if w.objectName() == name:
            return True
        w = w.parentWidget()
    return False


@pytest.mark.slow
def test_keyboard_only_enrolment(qtbot, window):
    BOT[0] = qtbot
    window.activateWindow()
    window.login.user.setFocus()
    qtbot.waitUntil(lambda: field_named("loginUser"))
    keys("off")
    press(Qt.Key.Key_Return)
    assert field_named("loginPassphrase")
    keys(PASS["off"])
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_key() == "home", timeout=WAIT)

    assert field_named("home_session")
    press(Qt.Key.Key_Space)
    assert window.current_key() == "session" and field_named("sessionProvince")
    keys("dak lak")
    close_popup(qtbot)
    press(Qt.Key.Key_Tab)
    commune = find_province("Đắk Lắk").communes[0]
    keys(fold(commune.short))
    close_popup(qtbot)
    press(Qt.Key.Key_Tab)
    keys("Buôn Ko Tam")
    press(Qt.Key.Key_Tab)
    keys("Đội 2")
    press(Qt.Key.Key_Tab)   # the date (today): Tab walks its day, month and year, then leaves it
    for _ in range(3):
        press(Qt.Key.Key_Tab)
    assert field_named("sessionStart"), focus()
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_key() == "home")
    assert window.ctx.work_session.commune == commune.name

    press(Qt.Key.Key_Tab)
    assert field_named("home_enrol")
    press(Qt.Key.Key_Space)
    wiz = window.wizard
    assert window.current_key() == "enrol" and field_named("qrPaste")
    keys(adult_person().card_qr())
    press(Qt.Key.Key_Return)
    assert field_named("field_ethnicity"), wiz.form.qr_status.text()
    keys("Ê Đê")
    close_popup(qtbot)
    press(Qt.Key.Key_Tab)
    assert field_named("field_religion")
    keys("Không")
    press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Tab)   # nationality: Việt Nam already
    assert field_named("field_birth_registration_province")
    keys("Đắk Lắk")
    close_popup(qtbot)
    for _ in range(3):      # province, commune, street: from the session
        press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Tab)
    assert field_named("field_hometown")
    keys("Đắk Lắk")
    press(Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert wiz.current() == 1, wiz.message.text()

    qtbot.waitUntil(lambda: wiz.controller.record.captures.face.image_ref is not None, timeout=60_000)
    assert field_named("wizardNext"), (focus(), focus().objectName())
    press(Qt.Key.Key_Space)
    assert wiz.current() == 2 and field_named("fingerCapture"), (wiz.current(), focus().objectName())
    fingers = wiz.fingers
    # The left little finger was lost: recorded with a reason, then every other finger is scanned with Enter.
    press(Qt.Key.Key_Tab)                      # past "keep the best try" (nothing to keep yet: disabled)
    assert field_named("excFinger"), focus()
    for _ in range(9):
        press(Qt.Key.Key_Down)
    assert fingers.exc_finger.currentData() == 10
    press(Qt.Key.Key_Tab)                      # status: missing (first)
    press(Qt.Key.Key_Tab)
    keys("cụt ngón từ nhỏ")
    press(Qt.Key.Key_Return)
    assert wiz.controller.record.captures.rolled[10].status == FingerStatus.MISSING
    assert field_named("fingerCapture"), focus()
    for _ in range(40):
        if fingers.step is None:
            break
        qtbot.waitUntil(lambda: fingers.capture_button.isEnabled() and field_named("fingerCapture"), timeout=WAIT)
        before = (fingers.step_index, len(fingers.attempts))
        press(Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: (fingers.step_index, len(fingers.attempts)) != before and not fingers.busy,
                        timeout=WAIT)
    assert fingers.step is None
    assert field_named("wizardNext"), (focus(), focus().objectName())
    press(Qt.Key.Key_Space)
    assert wiz.current() == 3 and field_named("citizenConfirms")
    press(Qt.Key.Key_Space)
    press(Qt.Key.Key_Tab)
    assert field_named("submitRecord"), wiz.review.problems.text()
    with qtbot.waitSignal(wiz.finished, timeout=WAIT):
        press(Qt.Key.Key_Space)
    assert wiz.current() == 4
    assert window.ctx.work_session.exceptions == 1
