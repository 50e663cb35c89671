from __future__ import annotations

from fieldkit.settings import load_settings
from fieldkit.ui.app import build_main_window
from fieldkit.ui.fonts import covers_vietnamese


def make_window(qtbot, qapp, tmp_path, language="vi"):
    window = build_main_window(qapp, tmp_path, load_settings(tmp_path, environ={}), language)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_opens_in_vietnamese(qtbot, qapp, tmp_path):
    window = make_window(qtbot, qapp, tmp_path)
    assert window.home.title.text() == "Cấp căn cước lưu động"
    assert window.language_box.currentData() == "vi"
    assert covers_vietnamese(qapp.font().family())


def test_switch_to_english_at_runtime(qtbot, qapp, tmp_path):
    window = make_window(qtbot, qapp, tmp_path)
    window.language_box.setCurrentIndex(window.language_box.findData("en"))
    qtbot.waitUntil(lambda: window.home.title.text() == "Mobile ID enrolment")
    assert window.windowTitle() == "FieldKit — ID enrolment"
    window.language_box.setCurrentIndex(window.language_box.findData("vi"))
    qtbot.waitUntil(lambda: window.home.title.text() == "Cấp căn cước lưu động")


def test_screenshot_renders(qtbot, qapp, tmp_path):
    window = make_window(qtbot, qapp, tmp_path)
    image = window.grab().toImage()
    assert image.width() >= 800 and not image.isNull()
