"""The main window: a header (user, lock, language) over a stack of pages; navigation by role.

The window wires pages together and owns nothing else: the AppContext holds the core objects, each page
its own widgets. Locking (button or inactivity) forgets the keys and returns to the login page; the
enrolment in progress stays in memory and is saved after the next log-in.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QScrollArea,
                               QStackedWidget, QVBoxLayout, QWidget)

from fieldkit.settings import Settings
from fieldkit.ui.context import AppContext
from fieldkit.ui.devices import DeviceManager
from fieldkit.ui.inactivity import InactivityLock
from fieldkit.ui.names import role_name
from fieldkit.ui.pages.enrolment.wizard import EnrolmentWizard
from fieldkit.ui.pages.home import HomePage
from fieldkit.ui.pages.lab.lab import HardwareLab
from fieldkit.ui.pages.login import LoginPage
from fieldkit.ui.pages.review.detail import ReviewDetailPage
from fieldkit.ui.pages.review.list_page import ReviewListPage
from fieldkit.ui.pages.session_setup import SessionSetupPage, SessionSummaryPage
from fieldkit.ui.pages.sync_panel import SyncPanel
from fieldkit.ui.widgets.sync_status import SyncStatusWidget
from fieldkit.ui.work_session_store import load_work_session, save_work_session

log = logging.getLogger(__name__)

# Which roles may open which page (the core checks roles again on every action).
PAGE_ROLES = {"home": ("officer", "supervisor", "technician"), "session": ("officer", "supervisor"),
              "enrol": ("officer", "supervisor"), "summary": ("officer", "supervisor"), "review": ("supervisor",),
              "detail": ("supervisor",), "sync": ("officer", "supervisor", "technician"), "lab": ("technician",)}


class MainWindow(QMainWindow):
    language_requested = Signal(str)

    def __init__(self, settings: Settings, data_dir: str, ctx: AppContext | None = None):
        super().__init__()
        self.resize(1366, 700)   # the field laptop's screen, less a taskbar; run_app shows it maximised
        self.ctx = ctx or AppContext(settings, data_dir, parent=self)
        self.ctx.devices = DeviceManager(self.ctx.runner, self)
        header = QWidget()
        header.setObjectName("header")
        self.brand = QLabel("FieldKit")
        self.brand.setObjectName("brand")
        self.user_label = QLabel()
        self.home_button = QPushButton()
        self.home_button.setObjectName("headerHome")
        self.lock_button = QPushButton()
        self.lock_button.setObjectName("headerLock")
        self.language_label = QLabel()
        self.language_box = QComboBox()
        self.language_box.addItem("Tiếng Việt", "vi")
        self.language_box.addItem("English", "en")
        self.language_box.currentIndexChanged.connect(
            lambda _i: self.language_requested.emit(self.language_box.currentData()))
        row = QHBoxLayout(header)
        row.setContentsMargins(8, 2, 8, 2)   # a thin band: the 768 px screen is for the pages
        row.addWidget(self.brand)
        row.addWidget(self.user_label)
        row.addStretch(1)
        self.sync_status = SyncStatusWidget()   # the sync state in words, on every page (lock screen too)
        row.addWidget(self.sync_status)
        row.addWidget(self.home_button)
        row.addWidget(self.lock_button)
        row.addWidget(self.language_label)
        row.addWidget(self.language_box)

        c = self.ctx
        self.login = LoginPage(c)
        self.home = HomePage(c)
        self.session_setup = SessionSetupPage(c)
        self.summary = SessionSummaryPage(c)
        self.wizard = EnrolmentWizard(c)
        self.review_list = ReviewListPage(c)
        self.review_detail = ReviewDetailPage(c)
        self.sync_panel = SyncPanel(c)
        self.lab = HardwareLab(c)
        self.pages = QStackedWidget()
        self.page_keys = {"login": self.login, "home": self.home, "session": self.session_setup,
                          "summary": self.summary, "enrol": self.wizard, "review": self.review_list,
                          "detail": self.review_detail, "sync": self.sync_panel, "lab": self.lab}
        self.page_frames: dict[str, QScrollArea] = {}
        for key, page in self.page_keys.items():
            frame = page_frame(page)
            self.page_frames[key] = frame
            self.pages.addWidget(frame)

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(header)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.inactivity = InactivityLock(settings.inactivity_lock_minutes, self)
        self.inactivity.expired.connect(lambda: self.lock(inactive=True))
        self.login.logged_in.connect(self._logged_in)
        self.home.action.connect(self.show_page)
        self.home.continue_draft.connect(self.continue_draft)
        self.session_setup.started.connect(self.save_work_session)
        self.session_setup.started.connect(lambda: self.show_page("home"))
        self.wizard.finished.connect(lambda _rid: self.summary.refresh())
        self.wizard.finished.connect(lambda _rid: self.save_work_session())
        self.review_list.open_record.connect(self.open_record)
        self.review_detail.viewed.connect(self.review_list.mark_opened)
        self.ctx.user_changed.connect(self.review_list.forget_opened)
        self.review_detail.acted.connect(lambda _r, _a: self.show_page("review"))
        self.review_detail.back_requested.connect(lambda: self.show_page("review"))
        self.sync_panel.attach_header(self.sync_status)   # sends by itself while someone is logged in
        self.review_detail.acted.connect(lambda _r, action: self.sync_panel.wake() if action == "approve" else None)
        self.review_list.batch_done.connect(lambda approved, _failed: self.sync_panel.wake() if approved else None)
        self.home_button.clicked.connect(lambda: self.show_page("home"))
        self.lock_button.clicked.connect(lambda: self.lock())
        self.ctx.user_changed.connect(self._user_changed)
        self.retranslate()
        self.show_page("login")

    # -- navigation -----------------------------------------------------------------------------------
    def current_key(self) -> str:
        frame = self.pages.currentWidget()
        return next(k for k, f in self.page_frames.items() if f is frame)

    def show_page(self, key: str) -> None:
        if key != "login" and self.ctx.role not in PAGE_ROLES.get(key, ()):
            return
        previous = self.current_key()
        if previous == "enrol" and key != "enrol":
            self.wizard.leave()
        if previous == "lab" and key != "lab":
            self.lab.leave()
        self.pages.setCurrentWidget(self.page_frames[key])
        if key == "home":
            self.home.refresh()
        elif key == "enrol" and self.ctx.work_session is not None:
            if self.wizard.current() == 4 or not self.wizard.controller.record.demographics.birth_name:
                self.wizard.begin()
        elif key == "summary":
            self.summary.refresh()
        elif key == "review":
            self.review_list.refresh()
        elif key == "sync":
            self.sync_panel.refresh()
        elif key == "login":
            self.login.reset()
        elif key == "session":
            self.session_setup.province.setFocus()
        self.home_button.setVisible(key not in ("login", "home") and self.ctx.kit_session is not None)

    def open_record(self, record_id: str) -> None:
        self.show_page("detail")
        self.review_detail.load(record_id)

    def continue_draft(self, record_id: str) -> None:
        def loaded(view) -> None:
            self.show_page("enrol")
            self.wizard.begin(view)
        self.ctx.runner.run(self.ctx.kit_session.get_record, record_id, on_success=loaded)

    # -- session --------------------------------------------------------------------------------------
    def save_work_session(self) -> None:
        """Keep the work session (encrypted) so a restart of the app resumes it; the file write is small."""
        ws, session = self.ctx.work_session, self.ctx.kit_session
        if ws is None or session is None or session.user.role not in PAGE_ROLES["session"]:
            return
        try:
            save_work_session(self.ctx.data_dir, session, ws)
        except OSError as exc:   # a full disk must not stop the enrolment; the session is still in memory
            log.warning("work session not saved: %s", type(exc).__name__)

    def _logged_in(self) -> None:
        self.inactivity.arm()
        if self.ctx.work_session is None:
            ws = load_work_session(self.ctx.data_dir, self.ctx.kit_session)
            if ws is not None:
                self.ctx.start_work_session(ws)
        if self.wizard.controller.record.demographics.birth_name and self.ctx.role in PAGE_ROLES["enrol"]:
            self.wizard.controller.save_now()  # typed before the lock: save it now that keys are back
        self.show_page("home")

    def lock(self, inactive: bool = False) -> None:
        """Forget the keys and show the login page (inactivity, or the Lock button); after inactivity the login
        page says why the kit locked itself."""
        if self.ctx.kit_session is None:
            return
        self.inactivity.disarm()
        self.save_work_session()
        if self.current_key() == "enrol":
            self.wizard.leave()
        self.lab.leave()
        self.sync_panel.close_worker(wait=False)   # sending pauses: the device key is forgotten on lock
        self.ctx.log_out()
        self.show_page("login")
        if inactive:
            self.login.reset(self.tr("The kit locked itself after %1 minutes without use. Log in again to continue.")
                             .replace("%1", f"{self.ctx.settings.inactivity_lock_minutes:g}"))

    def _user_changed(self) -> None:
        name, role = self.ctx.user_name, self.ctx.role
        self.user_label.setText(f"{name} · {role_name(role)}" if role else "")
        self.lock_button.setVisible(bool(role))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("FieldKit — ID enrolment"))
        self.language_label.setText(self.tr("Language"))
        self.home_button.setText(self.tr("Home"))
        self.lock_button.setText(self.tr("Lock"))
        self._user_changed()

    def show_language(self, language: str) -> None:
        """Reflect the language in force in the switch without re-emitting a request."""
        self.ctx.language = language
        index = self.language_box.findData(language)
        self.language_box.blockSignals(True)
        self.language_box.setCurrentIndex(index)
        self.language_box.blockSignals(False)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def shutdown(self) -> None:
        """Close devices (joins their threads), stop background work, lock and close the store."""
        self.inactivity.disarm()
        self.save_work_session()
        self.wizard.face.stop()
        self.lab.leave()
        self.sync_panel.close_worker()
        self.ctx.devices.close_all()
        self.ctx.close()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt name
        self.shutdown()
        super().closeEvent(event)


def page_frame(page: QWidget) -> QScrollArea:
    """A page in a frameless scroll area: a page taller than the screen scrolls instead of pushing the
    window's minimum height past 768 px (the field laptop), where controls would fall below the edge."""
    frame = QScrollArea()
    frame.setObjectName("pageFrame")
    frame.setFrameShape(QFrame.Shape.NoFrame)
    frame.setWidgetResizable(True)
    frame.setWidget(page)
    return frame


STYLE = """
QWidget { font-size: 12pt; }
#header { background: #0b5d3b; }
#brand { color: white; font-size: 14pt; font-weight: bold; padding: 2px; }
#header QPushButton { min-height: 32px; }
#header QComboBox { min-height: 28px; }
#header QLabel { color: white; }
#pageTitle { font-size: 17pt; font-weight: bold; color: #0b5d3b; }
#stepTitle { font-size: 15pt; font-weight: bold; color: #0b5d3b; }
#instruction { font-size: 15pt; }
#errorText { color: #b03a2e; }
#issueText { color: #a04000; }
#bigNumber { font-size: 24pt; font-weight: bold; color: #0b5d3b; }
QPushButton { min-height: 44px; padding: 4px 16px; }
QLineEdit, QComboBox, QDateEdit { min-height: 36px; }
QCheckBox::indicator { width: 24px; height: 24px; }
"""

__all__ = ["MainWindow", "HomePage", "STYLE", "Qt"]
