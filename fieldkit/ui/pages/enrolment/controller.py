"""The wizard's link to the ONE enrolment flow (fieldkit.enrolment.flow.EnrolmentFlow): Qt signals, the
debounced autosave and the background submit. The flow owns the record, its images, the steps and the rules;
this object only schedules its slow calls on the BackgroundRunner.

Every change goes through `changed()`: validation runs and a debounced autosave (KitSession.save_draft of a
flow snapshot: AES-GCM under the kit data key, durable on return) is scheduled. Saves never overlap: a
change during a save is saved right after it, so the newest state always lands last. A returned record is
not autosaved while it is exactly as the supervisor returned it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from fieldkit.domain.record import Residence, Session
from fieldkit.enrolment.flow import EnrolmentFlow
from fieldkit.enrolment.submission import save_snapshot, submit_snapshot
from fieldkit.ui.context import AppContext
from fieldkit.ui.messages import user_message

AUTOSAVE_DELAY_MS = 600


log = logging.getLogger(__name__)


class EnrolmentController(QObject):
    issues_changed = Signal(list)       # [Issue]
    saved = Signal(str, int)            # record id, version
    save_failed = Signal(str)
    submitted = Signal(str)             # record id
    discarded = Signal(str)             # record id

    def __init__(self, ctx: AppContext, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.flow = EnrolmentFlow.from_settings(ctx.settings)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        self._saving = False
        self._dirty = False
        self._set_aside: list = []   # snapshots of citizens set aside while a save was running: saved next
        self.issues: list = []
        self.new_record()

    # -- the flow's state, as the pages read it ---------------------------------------------------------
    @property
    def record(self):
        return self.flow.record

    @property
    def blobs(self) -> dict[str, bytes]:
        return self.flow.blobs

    @property
    def record_id(self) -> str:
        return self.flow.record_id

    @property
    def saved_version(self) -> int:
        return self.flow.saved_version

    def new_record(self) -> None:
        """A new citizen in the current work session (where, which team, which officer).

        Unsaved changes of the citizen on screen are saved first (set aside, not lost)."""
        self._timer.stop()
        if self._dirty and self.ctx.kit_session is not None:
            self._set_aside.append(self.flow.snapshot())
            self._save_set_aside()
        self._dirty = False
        ws = self.ctx.work_session
        if ws is None:
            self.flow.start()
        else:
            self.flow.start(Session(commune=ws.commune, village=ws.village, team=ws.team,
                                    officer=self.ctx.user_name, started_at=ws.started_at),
                            Residence(province=ws.province, commune=ws.commune, street=ws.village))
        self.issues = []

    def load(self, view) -> None:
        """Continue a saved record (fieldkit.enrolment.service.RecordView): a draft, or a returned record."""
        self.flow.resume(view)

    def takes_biometrics(self) -> bool:
        return self.flow.takes_biometrics()

    def exceptions(self) -> int:
        return self.flow.exceptions()

    # -- validation and autosave ----------------------------------------------------------------------
    def changed(self) -> None:
        self.flow.touched()
        self.revalidate()
        if self.flow.unchanged_since_return():
            return   # exactly as returned: nothing to save
        self._dirty = True
        self._timer.start()

    def revalidate(self) -> list:
        self.issues = self.flow.issues()
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
        if not self._dirty:
            return
        self._saving, self._dirty = True, False
        session, snap, sid = self.ctx.kit_session, self.flow.snapshot(), self._session_id()
        self.ctx.runner.run(save_snapshot, session, snap, sid, on_success=self._saved, on_failure=self._save_failed)

    def _save_set_aside(self) -> None:
        if self._saving or not self._set_aside or self.ctx.kit_session is None:
            return
        self._saving = True
        self.ctx.runner.run(save_snapshot, self.ctx.kit_session, self._set_aside.pop(0), self._session_id(),
                            on_success=self._saved, on_failure=self._save_failed)

    def _session_id(self) -> str | None:
        ws = self.ctx.work_session
        return ws.session_id if ws else None

    def _saved(self, ref) -> None:
        self._saving = False
        if ref.record_id == self.flow.record_id:
            self.flow.saved(ref)
        ws = self.ctx.work_session
        if ws is not None and ref.record_id not in ws.drafts:
            ws.drafts.append(ref.record_id)
        self.saved.emit(ref.record_id, ref.version)
        if self._set_aside:
            self._save_set_aside()
        elif self._dirty:
            self.save_now()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_failed.emit(user_message(exc))   # one translated sentence, never the raw exception text
        self._save_set_aside()

    @property
    def idle(self) -> bool:
        """No save running or scheduled (tests wait for this)."""
        return not self._saving and not self._dirty and not self._set_aside and not self._timer.isActive()

    # -- submission -----------------------------------------------------------------------------------
    def submit(self) -> None:
        """Duplicate search, final save and submission for the supervisor's review, on the BackgroundRunner.

        The service moves the record's status; this object never does."""
        if not self.flow.can_submit():
            self.save_failed.emit(self.tr("The record still has errors: go back and correct what is marked ⛔."))
            return
        self._timer.stop()
        self._saving, self._dirty = True, False
        session, snap, sid = self.ctx.kit_session, self.flow.snapshot(), self._session_id()
        gallery, today = self.ctx.duplicates, self.flow.today
        self.ctx.runner.run(submit_snapshot, session, gallery, snap, sid, today,
                            on_success=self._submitted, on_failure=self._save_failed)

    def _submitted(self, result) -> None:
        self._saving, self._dirty = False, False
        self.flow.saved_version, self.flow.status = result.version, result.status
        ws = self.ctx.work_session
        if ws is not None:
            ws.submitted.append(result.record_id)
            if result.record_id in ws.drafts:
                ws.drafts.remove(result.record_id)
            ws.exceptions += result.exceptions
        self.submitted.emit(result.record_id)

    # -- setting a citizen aside ------------------------------------------------------------------------
    def discard(self) -> None:
        """Void this citizen's saved draft (images erased) and start a new citizen."""
        self._timer.stop()
        self._dirty = False
        rid, saved, session = self.flow.record_id, self.flow.saved_version, self.ctx.kit_session
        if not saved or session is None:
            self.new_record()
            self.discarded.emit(rid)
            return
        self._saving = True
        self.ctx.runner.run(session.void, rid, on_success=lambda _ref: self._discarded(rid),
                            on_failure=self._save_failed)

    def _discarded(self, rid: str) -> None:
        self._saving = False
        ws = self.ctx.work_session
        if ws is not None and rid in ws.drafts:
            ws.drafts.remove(rid)
        self.new_record()
        self.discarded.emit(rid)
