"""The app's shared state for one window: settings, the enrolment service, who is logged in, the work session.

Pages get this object and call the Qt-free core through it; they never talk to each other directly.
Slow calls (unlock with Argon2id, sealing, sync passes, device opening) go through `runner`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from fieldkit.settings import Settings
from fieldkit.ui.bridge import BackgroundRunner


@dataclass
class WorkSession:
    """A mobile-issuing visit: where, which team, which day, and what was done in it."""

    province: str = ""
    commune: str = ""
    village: str = ""
    team: str = ""
    day: date = field(default_factory=date.today)
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))
    session_id: str = ""
    submitted: list[str] = field(default_factory=list)      # record ids sent for review
    drafts: list[str] = field(default_factory=list)         # record ids saved but not submitted
    exceptions: int = 0                                     # fingers recorded missing/injured/... in this session


class AppContext(QObject):
    """One per window. `user_changed` fires on login, logout and lock; `population_changed` when the commune's
    residents finish opening after a login (in the background) or are forgotten at logout."""

    user_changed = Signal()
    session_changed = Signal()
    population_changed = Signal()

    def __init__(self, settings: Settings, data_dir: Path, runner: BackgroundRunner | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.data_dir = Path(data_dir)
        self.runner = runner or BackgroundRunner(parent=self)
        self.language = settings.language
        self.kit = None              # fieldkit.kit.Kit: the ONE kit factory's objects, opened lazily
        self.service = None          # = kit.service (fieldkit.enrolment.service.EnrolmentService)
        self.kit_session = None      # KitSession of the logged-in user
        self.work_session: WorkSession | None = None
        self.devices = None          # fieldkit.ui.devices.DeviceManager, set by the window
        self.population = None       # fieldkit.population.lookup.Population of the logged-in user, or None
        self.population_failed = False   # the extracts could not be opened at this login (the wizard says so)

    # -- the core service ---------------------------------------------------------------------------
    def open_service(self):
        """The kit (fieldkit.kit.open_kit) for this data directory, and its enrolment service
        (KitNotInitialised etc. propagate)."""
        if self.kit is None:
            from fieldkit.kit import open_kit
            self.kit = open_kit(self.data_dir, self.settings)
            self.service = self.kit.service
        return self.service

    @property
    def duplicates(self):
        """The kit's one template gallery (templates under the logged-in keys; locked at logout)."""
        return self.kit.duplicates(self.kit_session) if self.kit is not None else None

    def kit_ready(self) -> bool:
        from fieldkit.security import keystore
        return keystore.is_initialised(self.data_dir) and not keystore.is_wiped(self.data_dir)

    # -- who is at the keyboard ---------------------------------------------------------------------
    @property
    def role(self) -> str:
        return self.kit_session.user.role if self.kit_session else ""

    @property
    def user_name(self) -> str:
        return self.kit_session.user.name if self.kit_session else ""

    def logged_in(self, kit_session) -> None:
        self.kit_session = kit_session
        self.user_changed.emit()
        self.open_population()

    def open_population(self) -> None:
        """Decrypt the loaded extracts and index them on the BackgroundRunner (seconds for a big commune): the
        wizard's find step says "opening…" meanwhile; a kit with no extract gets an empty population."""
        if self.kit is None or self.kit_session is None:
            return
        session = self.kit_session
        self.population_failed = False

        def failed(_exc: BaseException) -> None:
            self.population_failed = self.kit_session is session
            self.population_changed.emit()

        def done(population) -> None:
            if self.kit_session is session:
                self.population = population
            else:  # logged out while it was opening: forget it at once
                population.close()
            self.population_changed.emit()

        self.runner.run(self.kit.population, session, on_success=done,
                        on_failure=failed)

    def log_out(self) -> None:
        """Forget the keys (lock); the work session stays so the officer resumes after logging in again."""
        if self.kit is not None:
            self.kit.gallery.lock()
            self.kit.close_population()
        if self.population is not None:
            self.population = None
            self.population_changed.emit()
        if self.kit_session is not None:
            try:
                self.kit_session.lock()
            finally:
                self.kit_session = None
                self.user_changed.emit()

    def start_work_session(self, ws: WorkSession) -> None:
        self.work_session = ws
        self.session_changed.emit()

    def close(self) -> None:
        """Stop background work, lock, close the store (joins its writer thread)."""
        self.runner.shutdown()
        self.log_out()
        if self.kit is not None:
            self.kit.close()
            self.kit = self.service = None
