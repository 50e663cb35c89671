"""The enrolment wizard: steps in a stack, a step bar, Back/Next. Keyboard: Tab/Enter, Ctrl+PgDown / Ctrl+PgUp.

Children under 6 skip the face and fingerprint steps (no biometrics, Luật Căn cước Điều 18/23).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from fieldkit.ui.pages.enrolment.controller import EnrolmentController
from fieldkit.ui.pages.enrolment.face import FaceCapturePage
from fieldkit.ui.pages.enrolment.fingers import FingerCapturePage
from fieldkit.ui.pages.enrolment.form import DemographicsForm
from fieldkit.ui.pages.enrolment.review import ReviewPage
from fieldkit.ui.pages.enrolment.slip import SlipPage

FORM, FACE, FINGERS, REVIEW, SLIP = range(5)


class EnrolmentWizard(QWidget):
    finished = Signal(str)   # record id sent for review

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.controller = EnrolmentController(ctx, self)
        self.form = DemographicsForm(self.controller, ctx)
        self.face = FaceCapturePage(self.controller, ctx)
        self.fingers = FingerCapturePage(self.controller, ctx)
        self.review = ReviewPage(self.controller, ctx)
        self.slip = SlipPage(self.controller, ctx)
        self.stack = QStackedWidget()
        for page in (self.form, self.face, self.fingers, self.review, self.slip):
            self.stack.addWidget(page)
        self.step_labels = [QLabel() for _ in range(5)]
        bar = QHBoxLayout()
        for label in self.step_labels:
            label.setObjectName("stepLabel")
            bar.addWidget(label)
        bar.addStretch(1)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("savedLabel")
        bar.addWidget(self.saved_label)
        self.back_button = QPushButton()
        self.back_button.setObjectName("wizardBack")
        self.next_button = QPushButton()
        self.next_button.setObjectName("wizardNext")
        self.message = QLabel()
        self.message.setObjectName("errorText")
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addWidget(self.message, 1)
        nav.addWidget(self.next_button)
        col = QVBoxLayout(self)
        col.addLayout(bar)
        col.addWidget(self.stack, 1)
        col.addLayout(nav)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, activated=self.next)
        QShortcut(QKeySequence("Ctrl+PgUp"), self, activated=self.back)
        self.face.done.connect(self._face_done)
        self.fingers.done.connect(lambda: self.next_button.setFocus())
        self.review.submit_requested.connect(self.controller.submit)
        self.controller.submitted.connect(self._submitted)
        self.controller.saved.connect(self._saved)
        self.controller.save_failed.connect(lambda m: self.message.setText(self.tr("Not saved: %1").replace("%1", m)))
        self.slip.new_enrolment.connect(self.begin)
        self.retranslate()

    def retranslate(self) -> None:
        names = (self.tr("1 Information"), self.tr("2 Face"), self.tr("3 Fingerprints"), self.tr("4 Check"),
                 self.tr("5 Slip"))
        for label, text in zip(self.step_labels, names):
            label.setText(text)
        self.back_button.setText(self.tr("Back"))
        self.next_button.setText(self.tr("Next"))
        self._show_saved()
        self._mark_step()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- flow -----------------------------------------------------------------------------------------
    def begin(self, view=None) -> None:
        """A new citizen, or (with a RecordView) continue a saved draft."""
        self.face.stop()
        self.controller.new_record()
        if view is not None:
            self.controller.load(view)
        self.form.load_record()
        self.review.confirm.setChecked(False)
        self._saved_version = None
        self.saved_label.clear()
        self.go(FORM)
        self.form.paste.setFocus()  # scan or paste the card first; Tab goes on to the form

    def current(self) -> int:
        return self.stack.currentIndex()

    def go(self, index: int) -> None:
        if self.current() == FACE and index != FACE:
            self.face.stop()
        self.stack.setCurrentIndex(index)
        self.message.clear()
        if index == FACE:
            self.face.start()
        elif index == FINGERS:
            self.fingers.start()
        elif index == REVIEW:
            self.review.refresh()
            self.review.confirm.setFocus()
        elif index == SLIP:
            self.slip.prepare()
        self._mark_step()

    def _mark_step(self) -> None:
        for i, label in enumerate(self.step_labels):
            label.setProperty("current", i == self.current())
            label.setStyleSheet("font-weight: bold; color: #0b5d3b;" if i == self.current() else "color: #777;")
        self.back_button.setEnabled(self.current() not in (FORM, SLIP))
        self.next_button.setEnabled(self.current() not in (REVIEW, SLIP))

    def next(self) -> None:
        index = self.current()
        if index == FORM:
            self.form.read_into_record()
            self.controller.changed()
            if self.form.has_blocking_errors():
                self.message.setText(self.tr("Correct the fields marked ⛔ first."))
                return
            self.go(FACE if self.controller.takes_biometrics() else REVIEW)
        elif index == FACE:
            if not self.controller.record.captures.face.image_ref:
                self.message.setText(self.tr("The face photo has not been taken yet."))
                return
            self.go(FINGERS)
        elif index == FINGERS:
            if self.fingers.step is not None:
                self.message.setText(self.tr("Finish the fingerprints, or record why a finger cannot be printed."))
                return
            self.go(REVIEW)

    def back(self) -> None:
        index = self.current()
        if index in (FORM, SLIP):
            return
        if index == REVIEW and not self.controller.takes_biometrics():
            self.go(FORM)
        else:
            self.go(index - 1)

    def _face_done(self) -> None:
        self.next_button.setFocus()

    def _saved(self, _rid: str, version: int) -> None:
        self._saved_version = version
        self._show_saved()

    def _show_saved(self) -> None:
        version = getattr(self, "_saved_version", None)
        self.saved_label.setText(self.tr("Saved (encrypted), version %1").replace("%1", str(version))
                                 if version is not None else "")

    def _submitted(self, record_id: str) -> None:
        self.go(SLIP)
        self.finished.emit(record_id)

    def leave(self) -> None:
        """The window shows another page: stop the camera preview, save what is typed."""
        self.face.stop()
        if not self.controller.idle:
            self.controller.save_now()
