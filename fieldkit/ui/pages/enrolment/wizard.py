"""The enrolment wizard: a view over fieldkit.enrolment.flow.EnrolmentFlow. Pages in a stack, a step bar,
Back/Next. Keyboard: Tab/Enter, Ctrl+PgDown / Ctrl+PgUp.

The flow decides which steps a citizen takes (children under 6 skip the face and fingerprint steps: the
flow's one age rule) and whether the record can be submitted; the pages show its state and call its actions.
Page ↔ flow steps: form = CARD + FORM, face = FACE, fingers = SLAPS + ROLLED + EXCEPTIONS, review = REVIEW
+ SUBMIT, slip after submission. "New citizen" sets the current one aside (the draft stays saved);
"Discard" voids the draft. A returned record shows the supervisor's reason above the pages.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy, QStackedWidget,
                               QVBoxLayout, QWidget)

from fieldkit.enrolment.flow import Step
from fieldkit.ui.pages.enrolment.controller import EnrolmentController
from fieldkit.ui.pages.enrolment.face import FaceCapturePage
from fieldkit.ui.pages.enrolment.find import FindPage, registry_note
from fieldkit.ui.pages.enrolment.fingers import FingerCapturePage
from fieldkit.ui.pages.enrolment.form import DemographicsForm
from fieldkit.ui.pages.enrolment.review import ReviewPage
from fieldkit.ui.pages.enrolment.slip import SlipPage

FORM, FACE, FINGERS, REVIEW, SLIP, FIND = range(6)   # FIND is shown first (its label leads the bar)
PAGE_OF_STEP = {Step.FIND: FIND, Step.CARD: FORM, Step.FORM: FORM, Step.FACE: FACE, Step.SLAPS: FINGERS, Step.ROLLED: FINGERS,
                Step.EXCEPTIONS: FINGERS, Step.REVIEW: REVIEW, Step.SUBMIT: SLIP}
LAST_STEP_OF_PAGE = {FIND: Step.FIND, FORM: Step.FORM, FACE: Step.FACE, FINGERS: Step.EXCEPTIONS, REVIEW: Step.REVIEW}
FIRST_STEP_OF_PAGE = {FIND: Step.FIND, FORM: Step.CARD, FACE: Step.FACE, FINGERS: Step.SLAPS, REVIEW: Step.REVIEW}


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
        self.find = FindPage(self.controller, ctx)
        self.stack = QStackedWidget()
        for page in (self.form, self.face, self.fingers, self.review, self.slip, self.find):
            self.stack.addWidget(page)
        self.step_labels = [QLabel() for _ in range(6)]
        bar = QHBoxLayout()
        for label in (self.step_labels[FIND], *self.step_labels[:FIND]):
            label.setObjectName("stepLabel")
            bar.addWidget(label)
        bar.addStretch(1)
        self.registry_note = QLabel()   # what the find step decided, in the bar: no extra row on 1366×768
        self.registry_note.setObjectName("registryNote")
        bar.addWidget(self.registry_note)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("savedLabel")
        bar.addWidget(self.saved_label)
        self.back_button = QPushButton()
        self.back_button.setObjectName("wizardBack")
        self.next_button = QPushButton()
        self.next_button.setObjectName("wizardNext")
        self.message = QLabel()
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        self.return_note = QLabel()
        self.return_note.setObjectName("returnNote")
        self.return_note.setWordWrap(True)
        self.return_note.hide()
        self.new_button = QPushButton()
        self.new_button.setObjectName("wizardNewCitizen")
        self.discard_button = QPushButton()
        self.discard_button.setObjectName("wizardDiscard")
        self.discard_confirm = QPushButton()
        self.discard_confirm.setObjectName("wizardDiscardConfirm")
        self.discard_confirm.hide()
        bar.addWidget(self.new_button)
        bar.addWidget(self.discard_button)
        bar.addWidget(self.discard_confirm)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addWidget(self.message, 1)
        nav.addWidget(self.next_button)
        # The step content scrolls in its own frame, sized to the step shown: the wizard's own minimum height
        # stays small, so the window's page frame never scrolls it and Back/Next and the error line stay on
        # screen on a 1366×768 laptop (and 68 px less beside a desktop panel).
        self.step_frame = QScrollArea()
        self.step_frame.setObjectName("wizardStepFrame")
        self.step_frame.setFrameShape(QFrame.Shape.NoFrame)
        self.step_frame.setWidgetResizable(True)
        self.step_frame.setWidget(self.stack)
        self.stack.currentChanged.connect(self._fit_step)
        col = QVBoxLayout(self)
        col.setContentsMargins(8, 4, 8, 4)
        col.setSpacing(4)
        col.addLayout(bar)
        col.addWidget(self.return_note)
        col.addWidget(self.step_frame, 1)
        col.addLayout(nav)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, activated=self.next)
        QShortcut(QKeySequence("Ctrl+PgUp"), self, activated=self.back)
        self.face.done.connect(self._face_done)
        self.find.done.connect(self._found)
        self.controller.issues_changed.connect(self._show_registry_note)   # the count follows the form
        self.fingers.done.connect(lambda: self.next_button.setFocus())
        self.review.submit_requested.connect(self.controller.submit)
        self.controller.submitted.connect(self._submitted)
        self.controller.saved.connect(self._saved)
        self.controller.save_failed.connect(lambda m: self.message.setText(self.tr("Not saved: %1").replace("%1", m)))
        self.slip.new_enrolment.connect(self.begin)
        self.new_button.clicked.connect(self.new_citizen)
        self.discard_button.clicked.connect(self._ask_discard)
        self.discard_confirm.clicked.connect(self.discard)
        self.controller.discarded.connect(lambda _rid: self.begin())
        self._fit_step(self.stack.currentIndex())
        self.retranslate()

    def retranslate(self) -> None:
        names = (self.tr("1 Information"), self.tr("2 Face"), self.tr("3 Fingerprints"), self.tr("4 Check"),
                 self.tr("5 Slip"), self.tr("Find in the database"))
        for label, text in zip(self.step_labels, names):
            label.setText(text)
        self.back_button.setText(self.tr("Back"))
        self.next_button.setText(self.tr("Next"))
        self.new_button.setText(self.tr("New citizen"))
        self.discard_button.setText(self.tr("Discard this draft"))
        self.discard_confirm.setText(self.tr("Yes, discard it"))
        self._show_return_note()
        self._show_saved()
        self._mark_step()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- flow -----------------------------------------------------------------------------------------
    def begin(self, view=None) -> None:
        """A new citizen, or (with a RecordView) continue a saved draft or a returned record.

        Nothing of the previous citizen stays on any page: image, score, face frame, advice, card note."""
        self.face.stop()
        self.controller.new_record()     # the citizen set aside is saved as it was
        if view is not None:
            self.controller.load(view)
            self.find.relink()   # a record found in the database: its resident again
        self.form.reset()
        self.face.reset()
        self.fingers.reset()
        self.find.reset()
        self.review.vneid.load()
        self.form.load_record()
        if view is not None:
            self.form.show_all_issues()   # a continued draft or returned record: its problems show at once
        self.review.confirm.setChecked(False)
        self.review.status.clear()
        self._saved_version = None
        self.saved_label.clear()
        self.discard_confirm.hide()
        self._show_return_note()
        if view is None and self.find.has_population_data():
            self.go(FIND)           # a new citizen: find them in the database first
            return
        self.go(FORM)
        self.form.paste.setFocus()  # scan or paste the card first; Tab goes on to the form

    def _found(self) -> None:
        """The find step decided (a resident prefills the form; DC01) or was skipped: on to the form."""
        self.form.load_record()
        self.controller.changed()
        self.go(FORM)
        self.form.paste.setFocus()

    def new_citizen(self) -> None:
        """Set the current citizen aside (the draft stays saved, listed under drafts) and start a new one."""
        self.begin()

    def _ask_discard(self) -> None:
        if self.current() == SLIP:
            return   # submitted: nothing to discard (the button is hidden; a shortcut or stale click lands here)
        self.discard_confirm.show()
        self.discard_confirm.setFocus()

    def discard(self) -> None:
        """Void the current draft (its images are erased) and start a new citizen."""
        self.discard_confirm.hide()
        if self.current() == SLIP:
            return
        self.face.stop()
        self.controller.discard()

    def _show_return_note(self) -> None:
        flow = self.controller.flow
        if flow.returned:
            self.return_note.setText(self.tr("Returned by the supervisor: %1").replace("%1", flow.return_reason))
        self.return_note.setVisible(flow.returned)

    def current(self) -> int:
        return self.stack.currentIndex()

    def _fit_step(self, index: int) -> None:
        """Size the stack to the step shown (a stack is as tall as its tallest page otherwise), so only a step
        taller than the screen scrolls, and that one from its top."""
        for i in range(self.stack.count()):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            self.stack.widget(i).setSizePolicy(policy, policy)
        self.stack.updateGeometry()
        self.step_frame.verticalScrollBar().setValue(0)

    def go(self, index: int) -> None:
        if self.current() == FACE and index != FACE:
            self.face.stop()
        self.stack.setCurrentIndex(index)
        self.message.clear()
        self._show_registry_note()
        if index == FIND:
            self.find.start()
        elif index == FACE:
            self.face.start()
        elif index == FINGERS:
            self.fingers.start()
        elif index == REVIEW:
            self.review.refresh()
            self.review.confirm.setFocus()
        elif index == SLIP:
            self.slip.prepare()
        self._mark_step()

    def _show_registry_note(self, *_args) -> None:
        self.registry_note.setText(registry_note(self.controller.flow))
        self.registry_note.setVisible(self.current() != FIND)

    def _mark_step(self) -> None:
        for i, label in enumerate(self.step_labels):
            label.setProperty("current", i == self.current())
            label.setStyleSheet("font-weight: bold; color: #0b5d3b;" if i == self.current() else "color: #777;")
        self.back_button.setEnabled(self.current() not in (FIND, SLIP))
        self.next_button.setEnabled(self.current() not in (FIND, REVIEW, SLIP))
        # On the slip the record is submitted: it is no draft any more (only the supervisor may reject it).
        self.discard_button.setVisible(self.current() != SLIP)
        if self.current() == SLIP:
            self.discard_confirm.hide()

    def next(self) -> None:
        index = self.current()
        flow = self.controller.flow
        if index == FORM:
            self.form.read_into_record()
            self.controller.changed()
            if self.form.has_blocking_errors():
                self.form.show_all_issues()
                self.message.setText(self.tr("Correct the fields marked ⛔ first."))
                self.form.focus_first_issue()
                return
        elif index == FACE:
            if not flow.face_done():
                self.message.setText(self.tr("The face photo has not been taken yet."))
                return
        elif index == FINGERS:
            if flow.finger_step is not None:
                self.message.setText(self.tr("Finish the fingerprints, or record why a finger cannot be printed."))
                return
        else:
            return
        following = flow.next_step(LAST_STEP_OF_PAGE[index])
        if following is not None and following != Step.SUBMIT:
            self.go(PAGE_OF_STEP[following])

    def back(self) -> None:
        index = self.current()
        if index in (FIND, SLIP):
            return
        earlier = self.controller.flow.previous_step(FIRST_STEP_OF_PAGE[index])
        self.go(PAGE_OF_STEP[earlier] if earlier is not None else FORM)

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
