"""The enrolment wizard fits a maximised 1366×768 window: on every page, in both languages, Back/Next, the
error line and the page's own buttons lie on screen (issue 13 item 1, for the wizard pages)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect
from PySide6.QtWidgets import QApplication, QPushButton

SCREEN_W, SCREEN_H = 1366, 768
USABLE_H = SCREEN_H - 32 - 30   # a panel and the window's title bar (Xfce/GNOME defaults on the laptops)


def on_screen(widget, window) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return QRect(QPoint(0, 0), window.size()).contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_wizard_page_fits_1366x768(qtbot, window, language):
    if window.ctx.language != language:
        window.language_box.setCurrentIndex(window.language_box.findData(language))
        qtbot.waitUntil(lambda: window.ctx.language == language)
    wiz = window.wizard
    assert window.minimumSizeHint().height() <= USABLE_H, window.minimumSizeHint()
    assert wiz.minimumSizeHint().width() <= SCREEN_W
    window.resize(SCREEN_W, USABLE_H)
    qtbot.waitUntil(lambda: window.size().height() == USABLE_H)
    window.pages.setCurrentWidget(wiz)
    for index in range(wiz.stack.count()):
        wiz.stack.setCurrentIndex(index)
        wiz.message.setText("⛔ " + "Sửa các trường đánh dấu trước. " * 3)
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        qtbot.waitUntil(lambda: on_screen(wiz.next_button, window), timeout=5000)
        page = wiz.stack.currentWidget()
        for widget in (wiz.back_button, wiz.next_button, wiz.message, *page.findChildren(QPushButton)):
            if widget.isVisibleTo(window):
                assert on_screen(widget, window), (index, widget.objectName(), widget.geometry())
