"""The enrolment wizard fits a maximised 1366×768 window: on every step, in both languages, Back/Next and the
error line lie inside the visible part of the window, and every button of the step is on screen or (a step
taller than the window) reachable by scrolling the step's own frame (issue 13 item 1, for the wizard pages)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect
from PySide6.QtWidgets import QApplication, QPushButton

SCREEN_W, SCREEN_H = 1366, 768
HEIGHTS = (SCREEN_H, SCREEN_H - 68)   # maximised; and beside a desktop panel (tests/ui/fit_probe.py TASKBAR)


@pytest.fixture
def field_look(qapp):
    """The app's own font and style sheet (fieldkit.ui.app.create_app): 12 pt text, 44 px buttons. The test
    session's QApplication has neither, and smaller text would hide a cut label."""
    from fieldkit.ui.fonts import choose_font
    from fieldkit.ui.main_window import STYLE
    font, sheet = qapp.font(), qapp.styleSheet()
    qapp.setFont(choose_font())
    qapp.setStyleSheet(STYLE)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def visible_rect(window) -> QRect:
    """The part of the window where the enrolment page shows (inside its page frame's viewport)."""
    viewport = window.page_frames["enrol"].viewport()
    return QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size()).intersected(window.rect())


def on_screen(widget, window) -> bool:
    return visible_rect(window).contains(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()))


def settle() -> None:
    for _ in range(3):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()


@pytest.mark.parametrize("height", HEIGHTS)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_wizard_step_fits_1366x768(qtbot, field_look, window, language, height):
    if window.ctx.language != language:
        window.language_box.setCurrentIndex(window.language_box.findData(language))
        qtbot.waitUntil(lambda: window.ctx.language == language)
    wiz = window.wizard
    assert wiz.minimumSizeHint().width() <= SCREEN_W
    window.resize(SCREEN_W, height)
    qtbot.waitUntil(lambda: window.size().height() == height)
    window.pages.setCurrentWidget(window.page_frames["enrol"])
    qtbot.waitUntil(lambda: wiz.next_button.isVisible())
    frame = window.page_frames["enrol"]
    for index in range(wiz.stack.count()):
        wiz.stack.setCurrentIndex(index)
        wiz.message.setText("⛔ " + "Sửa các trường đánh dấu trước. " * 3)
        settle()
        assert frame.verticalScrollBar().maximum() == 0, (index, "the window's page frame scrolls the wizard")
        for widget in (wiz.back_button, wiz.next_button, wiz.message):
            assert on_screen(widget, window), (index, widget.objectName(), widget.geometry())
        page = wiz.stack.currentWidget()
        for button in page.findChildren(QPushButton):
            if not button.isVisibleTo(window):
                continue
            wiz.step_frame.ensureWidgetVisible(button)   # what Tab does: a focused control scrolls into view
            settle()
            assert on_screen(button, window), (index, button.objectName(), button.geometry())
            text = button.fontMetrics().horizontalAdvance(button.text())
            assert button.width() >= text + 8, (index, button.objectName(), button.text(), "label cut")
            assert on_screen(wiz.next_button, window)
        wiz.step_frame.verticalScrollBar().setValue(0)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_face_and_finger_steps_do_not_scroll_beside_a_desktop_panel(qtbot, field_look, window, language):
    """The capture steps (preview, thumbnails, their buttons) fit 1366×700 whole: no scrolling mid-capture."""
    from fieldkit.ui.pages.enrolment.wizard import FACE, FINGERS
    if window.ctx.language != language:
        window.language_box.setCurrentIndex(window.language_box.findData(language))
        qtbot.waitUntil(lambda: window.ctx.language == language)
    wiz = window.wizard
    window.resize(SCREEN_W, SCREEN_H - 68)
    window.pages.setCurrentWidget(window.page_frames["enrol"])
    qtbot.waitUntil(lambda: wiz.next_button.isVisible())
    for index in (FACE, FINGERS):
        wiz.stack.setCurrentIndex(index)
        settle()
        assert wiz.step_frame.verticalScrollBar().maximum() == 0, (index, wiz.stack.size(),
                                                                   wiz.step_frame.viewport().size())
