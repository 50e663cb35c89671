"""Open every page of the main window maximised on a 1366×768 screen and list what does not fit (JSON on stdout).

    QT_QPA_PLATFORM=offscreen:configfile=<screens.json> python -m tests.ui.fit_probe OUT.json

Run in its own process by tests/ui/test_fit_1366.py: Qt's offscreen platform takes its screen size when the
QApplication starts, and the test session's application already has its default (larger) screen.

A control "fits" when its whole rectangle, mapped to the window, lies inside the visible part of its page
(the page frame's viewport, itself inside the window) and the window lies inside the screen. Content
inside a page's own scroll areas (a long record, a table, a log) may scroll by design: those scroll areas
must be on screen, not every row inside them.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

SCREEN_W, SCREEN_H = 1366, 768
TASKBAR = 68   # a maximised window on the field laptop leaves room for the desktop's panel
CONTROLS = ("QAbstractButton", "QLineEdit", "QComboBox", "QAbstractSpinBox", "QLabel", "QAbstractItemView",
            "QPlainTextEdit", "QTextEdit", "QGroupBox", "QAbstractSlider")


def screens_config(path: Path) -> Path:
    path.write_text(json.dumps({"screens": [{"name": "field-laptop", "x": 0, "y": 0, "width": SCREEN_W,
                                             "height": SCREEN_H, "logicalDpi": 96, "logicalBaseDpi": 96,
                                             "dpr": 1}]}))
    return path


def _is_control(widget) -> bool:
    return any(widget.inherits(name) for name in CONTROLS)


def _inside_inner_scroll(widget, frame) -> bool:
    """True when the widget sits in a scroll area of the page's own (not the page frame)."""
    from PySide6.QtWidgets import QAbstractScrollArea
    parent = widget.parentWidget()
    while parent is not None and parent is not frame:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def offending_widgets(window, frame) -> list[str]:
    """Visible controls of the current page not wholly inside the visible part of the page."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QWidget
    viewport = frame.viewport()
    visible = QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size()).intersected(window.rect())
    bad = []
    for widget in frame.widget().findChildren(QWidget):
        if not widget.isVisible() or not _is_control(widget) or _inside_inner_scroll(widget, frame):
            continue
        if widget.inherits("QLabel") and not (widget.text() or widget.pixmap() is not None and
                                              not widget.pixmap().isNull()):
            continue   # an empty label shows nothing
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        if not visible.contains(rect):
            name = widget.objectName() or type(widget).__name__
            text = widget.text()[:40] if hasattr(widget, "text") and isinstance(widget.text(), str) else ""
            bad.append(f"{name} {text!r} at {rect.x()},{rect.y()} {rect.width()}×{rect.height()} "
                       f"(visible {visible.width()}×{visible.height()})")
    return bad


def _wait(app, condition, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        app.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("page did not get ready")
        time.sleep(0.005)


def probe(out: Path) -> dict:
    from PySide6.QtWidgets import QApplication

    from fieldkit.settings import load_settings
    from fieldkit.ui.app import build_main_window, create_app
    from tests.ui.conftest import PASS, TEST_DEVICES, make_kit, store_test_hub_keys
    from tests.ui.flows import records_for_review

    app = create_app()
    result: dict = {"screen": None, "window_min": None, "pages": {}}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "kit"
        make_kit(data)
        store_test_hub_keys(data)
        records_for_review(data, 30)
        settings = load_settings(data, environ={}).with_overrides(**TEST_DEVICES)
        win = build_main_window(app, data, settings, "vi")
        win.showMaximized()
        app.processEvents()
        screen = win.screen().geometry()
        result["screen"] = [screen.width(), screen.height()]

        def check(name: str) -> None:
            for lang in ("vi", "en"):
                win.language_requested.emit(lang)
                app.processEvents()
                frame = win.page_frames[win.current_key()]
                geo = win.geometry()   # offscreen: a fake 2 px frame lands at -2 after a restore
                problems = offending_widgets(win, frame)
                if not screen.contains(geo):
                    problems.append(f"window {geo.x()},{geo.y()} {geo.width()}×{geo.height()} exceeds the screen")
                # Maximised beside a desktop panel: the same width, TASKBAR px less height.
                win.showNormal()
                win.setGeometry(0, 0, SCREEN_W, SCREEN_H - TASKBAR)
                app.processEvents()
                problems += [f"[{SCREEN_H - TASKBAR} px high] {p}" for p in offending_widgets(win, frame)]
                win.showMaximized()
                app.processEvents()
                hint = win.minimumSizeHint()
                result["window_min"] = max(result["window_min"] or [0, 0], [hint.width(), hint.height()],
                                           key=lambda s: s[1])
                page_hint = win.page_keys[win.current_key()].minimumSizeHint()
                result["pages"][f"{name}/{lang}"] = {"problems": problems,
                                                     "page_min": [page_hint.width(), page_hint.height()]}
            win.language_requested.emit("vi")
            app.processEvents()

        def login(user: str) -> None:
            win.lock()
            win.show_page("login")
            win.login.user.setText(user)
            win.login.passphrase.setText(PASS[user])
            win.login.submit()
            _wait(app, lambda: win.ctx.kit_session is not None and win.current_key() == "home")

        win.show_page("login")
        check("login")
        login("off")
        check("home_officer_no_session")
        win.show_page("session")
        check("session")
        from fieldkit.domain.units import find_province
        win.session_setup.choose("Đắk Lắk", find_province("Đắk Lắk").communes[0].name)
        win.session_setup.team.setText("Đội 1")
        win.session_setup.start()
        check("home_officer")
        win.show_page("summary")
        check("summary")
        win.show_page("enrol")
        for index, step in enumerate(("form", "face", "fingers", "review", "slip")):
            win.wizard.stack.setCurrentIndex(index)
            app.processEvents()
            check(f"wizard_{step}")
        win.wizard.leave()
        win.show_page("sync")
        check("sync_officer")
        login("sup")
        check("home_supervisor")
        win.show_page("review")
        _wait(app, lambda: len(win.review_list.rows) == 30)
        check("review_list")
        win.review_list._open_row(0)
        _wait(app, lambda: win.review_detail.view is not None)
        check("review_detail")
        login("tech")
        check("home_technician")
        win.show_page("lab")
        check("lab")
        win.lab.spec_box.setCurrentText(TEST_DEVICES["camera"])
        win.lab.open_device()
        _wait(app, lambda: win.lab.device is not None)
        check("lab_camera_open")
        win.show_page("sync")
        check("sync_technician")
        win.shutdown()
        win.close()
        QApplication.processEvents()
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return result


if __name__ == "__main__":
    import os
    probe(Path(sys.argv[1]))
    sys.stdout.flush()
    os._exit(0)   # as packaging/render_screenshots.py: skip PySide6's offscreen teardown
