"""The record being enrolled, its images, and the encrypted autosave — no widgets here.

Every change goes through `changed()`: validation runs (fieldkit.domain.validation) and a debounced
autosave (KitSession.save_draft: AES-GCM under the kit data key, durable on return) is scheduled on the
BackgroundRunner. Saves never overlap: a change during a save is saved right after it, so the newest
state always lands last.
"""

from __future__ import annotations

import logging

from datetime import date, datetime, timezone

from PySide6.QtCore import QObject, QTimer, Signal

from fieldkit.domain.dates import age_range
from fieldkit.domain.fingers import FingerStatus
from fieldkit.domain.record import EnrolmentRecord, Session
from fieldkit.domain.status import Status, transition
from fieldkit.domain.validation import validate
from fieldkit.ui.context import AppContext
from fieldkit.ui.store_adapter import from_store, to_store

AUTOSAVE_DELAY_MS = 600


log = logging.getLogger(__name__)

class EnrolmentController(QObject):
    issues_changed = Signal(list)       # [Issue]
    saved = Signal(str, int)            # record id, version
    save_failed = Signal(str)
    submitted = Signal(str)             # record id

    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        self._saving = False
        self._dirty = False
        self.new_record()

    # -- the record -----------------------------------------------------------------------------------
    def new_record(self) -> None:
        self.record = EnrolmentRecord()
        self.blobs: dict[str, bytes] = {}
        self.capture_meta: dict = {"devices": {}, "face": {}, "fingers": {}}
        self.saved_version = 0
        self.issues: list = []
        ws = self.ctx.work_session
        if ws is not None:
            self.record.session = Session(commune=ws.commune, village=ws.village, team=ws.team,
                                          officer=self.ctx.user_name, started_at=ws.started_at)
            self.record.demographics.residence.province = ws.province
            self.record.demographics.residence.commune = ws.commune
            self.record.demographics.residence.street = ws.village

    def load(self, view) -> None:
        """Continue a saved draft (fieldkit.enrolment.service.RecordView)."""
        self.record = from_store(view.record)
        self.blobs = dict(view.blobs)
        self.capture_meta = dict(view.capture) or {"devices": {}, "face": {}, "fingers": {}}
        self.saved_version = view.version

    @property
    def record_id(self) -> str:
        return str(self.record.record_id)

    def takes_biometrics(self) -> bool:
        """No face or prints under 6 (Luật Căn cước); unknown age: take them (validation warns)."""
        dob = self.record.demographics.date_of_birth
        if dob is None:
            return True
        _youngest, oldest = age_range(dob, date.today())
        return oldest >= 6

    def exceptions(self) -> int:
        return sum(1 for slot in self.record.captures.rolled.values() if slot.status and slot.status != FingerStatus.CAPTURED)

    # -- validation and autosave ----------------------------------------------------------------------
    def changed(self) -> None:
        self.record.updated_at = datetime.now(timezone.utc).replace(microsecond=0)
        self.revalidate()
        self._dirty = True
        self._timer.start()

    def revalidate(self) -> list:
        self.issues = validate(self.record, today=date.today())
        self.issues_changed.emit(self.issues)
        return self.issues

    def form_errors(self) -> list:
        return [i for i in self.issues if i.is_error and i.field.startswith("demographics")]

    def save_now(self) -> None:
        if self.ctx.kit_session is None:
            return  # locked: the state stays in memory and is saved after the next login
        if self._saving:
            self._dirty = True
            return
        self._timer.stop()
        self._saving, self._dirty = True, False
        session = self.ctx.kit_session
        ws = self.ctx.work_session
        args = (to_store(self.record), dict(self.blobs), self.record_id, ws.session_id if ws else None,
                dict(self.capture_meta))
        self.ctx.runner.run(lambda: session.save_draft(args[0], args[1], record_id=args[2], session_id=args[3],
                                                       capture=args[4]),
                            on_success=self._saved, on_failure=self._save_failed)

    def _saved(self, ref) -> None:
        self._saving = False
        self.saved_version = ref.version
        ws = self.ctx.work_session
        if ws is not None and ref.record_id not in ws.drafts:
            ws.drafts.append(ref.record_id)
        self.saved.emit(ref.record_id, ref.version)
        if self._dirty:
            self.save_now()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_failed.emit(str(exc))

    @property
    def idle(self) -> bool:
        """No save running or scheduled (tests wait for this)."""
        return not self._saving and not self._dirty and not self._timer.isActive()

    # -- submission -----------------------------------------------------------------------------------
    def submit(self) -> None:
        """Save the final state (status captured) and send the record for the supervisor's review."""
        if self.record.status in (Status.DRAFT, Status.RETURNED):
            self.record.status = transition(self.record.status, Status.CAPTURED) \
                if self.record.status == Status.DRAFT else transition(Status.RETURNED, Status.CAPTURED)
        session = self.ctx.kit_session
        ws = self.ctx.work_session
        self._timer.stop()
        self._saving = True
        record, blobs, rid = to_store(self.record), dict(self.blobs), self.record_id
        capture, sid = dict(self.capture_meta), ws.session_id if ws else None

        duplicates = self.ctx.duplicates

        def job():
            capture.update(find_duplicates(duplicates, session, rid, blobs))
            session.save_draft(record, blobs, record_id=rid, session_id=sid, capture=capture)
            return session.submit_for_review(rid)

        self.ctx.runner.run(job, on_success=self._submitted, on_failure=self._save_failed)

    def _submitted(self, ref) -> None:
        self._saving, self._dirty = False, False
        ws = self.ctx.work_session
        if ws is not None:
            ws.submitted.append(ref.record_id)
            ws.exceptions += self.exceptions()
        self.submitted.emit(ref.record_id)


def find_duplicates(duplicates, session, record_id: str, blobs: dict) -> dict:
    """Capture-metadata keys with the duplicate search's result (runs on the BackgroundRunner).

    A failed search never blocks the submission: the supervisor sees that it failed instead.
    """
    if duplicates is None:
        return {}
    try:
        return {"duplicates": duplicates.check_and_enrol(session, record_id, blobs)}
    except Exception as exc:  # noqa: BLE001 - any failure of the search is shown, the record still goes on
        log.warning("duplicate search failed for record %s: %s", record_id, type(exc).__name__)
        return {"duplicates": [], "duplicates_error": type(exc).__name__}
