"""Runtime language switching through Qt translation files (fieldkit/ui/i18n/fieldkit_<lang>.qm).

Source strings are English in `tr()` calls; Vietnamese, the default, comes from the .ts/.qm files.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).with_name("i18n")
LANGUAGES = ("vi", "en")


class LanguageSwitcher:
    """Owns the app's one installed translator; switching sends LanguageChange to every widget.

    Use `for_app`: two switchers on one app would leave two translators installed, and the older wins.
    """

    @classmethod
    def for_app(cls, app: QCoreApplication) -> "LanguageSwitcher":
        switcher = getattr(app, "_fieldkit_switcher", None)
        if switcher is None:
            switcher = cls(app)
            app._fieldkit_switcher = switcher
        return switcher

    def __init__(self, app: QCoreApplication):
        self._app = app
        self._translator: QTranslator | None = None
        self._qt_translator: QTranslator | None = None   # Qt's own dialogs, when Qt ships the language
        self.language = "en"

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        if self._qt_translator is not None:
            self._app.removeTranslator(self._qt_translator)
            self._qt_translator = None
        if language != "en":
            translator = QTranslator(self._app)
            qm = I18N_DIR / f"fieldkit_{language}.qm"
            if not translator.load(str(qm)):
                raise FileNotFoundError(f"translation file missing or unreadable: {qm}")
            self._app.installTranslator(translator)
            self._translator = translator
            qt = QTranslator(self._app)
            if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
                self._app.installTranslator(qt)   # installed last, looked up first; ours (qt_strings.py) otherwise
                self._qt_translator = qt
        QLocale.setDefault(QLocale(QLocale.Language.Vietnamese if language == "vi" else QLocale.Language.English))
        self.language = language
