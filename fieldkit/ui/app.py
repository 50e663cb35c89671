"""Create the QApplication, pick fonts and language, show the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from fieldkit.logs import setup_logging
from fieldkit.settings import Settings
from fieldkit.ui.fonts import choose_font
from fieldkit.ui.i18n import LanguageSwitcher
from fieldkit.ui.main_window import STYLE, MainWindow


def create_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("FieldKit")
    app.setFont(choose_font())
    app.setStyleSheet(STYLE)
    return app


def build_main_window(app: QApplication, data_dir: Path, settings: Settings, language: str) -> MainWindow:
    switcher = LanguageSwitcher.for_app(app)
    switcher.set_language(language)
    window = MainWindow(settings, str(data_dir))
    window.switcher = switcher
    window.show_language(language)

    def change_language(lang: str) -> None:
        switcher.set_language(lang)
        window.show_language(lang)

    window.language_requested.connect(change_language)
    app.installEventFilter(window.inactivity)
    return window


def run_app(data_dir: Path, settings: Settings, language: str | None = None, screenshot: str | None = None) -> int:
    setup_logging(data_dir, settings.log_level)
    app = create_app()
    window = build_main_window(app, data_dir, settings, language or settings.language)
    window.showMaximized()   # 1366×768 field laptops: every page is laid out to fit a maximised window
    app.aboutToQuit.connect(window.shutdown)
    if screenshot:
        def grab_and_quit() -> None:
            window.grab().save(screenshot)
            window.close()
            app.quit()
        QTimer.singleShot(300, grab_and_quit)
    return app.exec()
