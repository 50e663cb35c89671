"""Fingerprints, guided finger by finger: slaps 4-4-2, then the ten fingers rolled — a view over the
EnrolmentFlow's SLAPS, ROLLED and EXCEPTIONS steps (fieldkit.enrolment.flow).

Per step: the hand diagram shows which fingers go on the scanner; the capture runs on the scanner's own
thread (`scanner.worker.submit`), quality and WSQ encoding on the BackgroundRunner
(fieldkit.enrolment.prints.assess_capture); the flow keeps the best of up to `fingerprint_max_tries` tries
(best_of_tries) and moves on. A finger that cannot be printed is marked missing / injured / bandaged /
unable with a reason (EnrolmentFlow.mark_exception), and is skipped.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from fieldkit.domain.fingers import CAPTURE_PLAN, Finger, FingerStatus, Slap
from fieldkit.enrolment.prints import Attempt, assess_capture
from fieldkit.ui.bridge import FutureWatcher
from fieldkit.ui.devices import present_to_simulator
from fieldkit.ui.messages import user_message
from fieldkit.ui.names import finger_name, finger_status_name, slap_name
from fieldkit.ui.widgets.hand_diagram import HandDiagram
from fieldkit.ui.widgets.images import qimage_from_array

EXCEPTIONS = (FingerStatus.MISSING, FingerStatus.INJURED, FingerStatus.BANDAGED, FingerStatus.UNABLE)


class ReasonEdit(QLineEdit):
    """The exception reason field. Enter records the exception and stops there: a plain line edit lets Enter
    travel on to the page, where it means "scan"."""

    entered = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.entered.emit()
            return
        super().keyPressEvent(event)


class FingerCapturePage(QWidget):
    done = Signal()
    step_changed = Signal(int)

    def __init__(self, controller, ctx):
        super().__init__()
        self.controller, self.ctx = controller, ctx
        self.busy = False
        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        self.instruction = QLabel()
        self.instruction.setObjectName("instruction")
        self.instruction.setWordWrap(True)
        self.hands = HandDiagram()
        self.image = QLabel()
        self.image.setFixedSize(260, 260)
        self.image.setScaledContents(True)
        self.image.setObjectName("printPreview")
        self.quality = QProgressBar()
        self.quality.setRange(0, 100)
        self.quality.setFormat("%v / 100")
        self.quality.setObjectName("qualityBar")
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.capture_button = QPushButton()
        self.capture_button.setObjectName("fingerCapture")
        self.capture_button.setDefault(True)
        self.keep_button = QPushButton()
        self.keep_button.setObjectName("fingerKeep")
        # Exception marking
        self.exc_box = QGroupBox()
        self.exc_finger = QComboBox()
        self.exc_finger.setObjectName("excFinger")
        self.exc_finger.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.exc_status = QComboBox()
        self.exc_status.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.exc_status.setObjectName("excStatus")
        self.exc_reason = ReasonEdit()
        self.exc_reason.setObjectName("excReason")
        self.exc_button = QPushButton()
        self.exc_button.setObjectName("excRecord")
        exc_row = QHBoxLayout(self.exc_box)
        for w in (self.exc_finger, self.exc_status, self.exc_reason, self.exc_button):
            exc_row.addWidget(w, 2 if w is self.exc_reason else 0)

        side = QVBoxLayout()
        side.addWidget(self.image)
        side.addWidget(self.quality)
        side.addWidget(self.feedback)
        side.addStretch(1)
        top = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.instruction)
        left.addWidget(self.hands, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.capture_button)
        buttons.addWidget(self.keep_button)
        left.addLayout(buttons)
        top.addLayout(left, 1)
        top.addLayout(side)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)   # the wizard's frame has the margins: 1366×700 has no pixel to spare
        col.addWidget(self.title)
        col.addLayout(top, 1)
        col.addWidget(self.exc_box)

        self.capture_button.clicked.connect(self.capture)
        self.keep_button.clicked.connect(self.keep_best)
        self.exc_button.clicked.connect(self.record_exception)
        self.exc_reason.entered.connect(self.record_exception)
        QShortcut(QKeySequence("F5"), self, activated=self.capture)
        self.retranslate()

    # -- texts ---------------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(self.tr("Fingerprints: four right, four left, both thumbs, then each finger rolled"))
        self.capture_button.setText(self.tr("Scan (Enter)"))
        self.keep_button.setText(self.tr("Keep the best try and go on"))
        self.exc_box.setTitle(self.tr("A finger cannot be printed"))
        self.exc_reason.setPlaceholderText(self.tr("Reason, e.g. lost in an accident"))
        self.exc_button.setText(self.tr("Record"))
        self.exc_finger.blockSignals(True)
        current = self.exc_finger.currentIndex()
        self.exc_finger.clear()
        for f in Finger:
            self.exc_finger.addItem(finger_name(f), int(f))
        self.exc_finger.setCurrentIndex(max(current, 0))
        self.exc_finger.blockSignals(False)
        current = self.exc_status.currentIndex()
        self.exc_status.clear()
        for s in EXCEPTIONS:
            self.exc_status.addItem(finger_status_name(s), s.value)
        self.exc_status.setCurrentIndex(max(current, 0))
        self.show_step()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self._say()
        super().changeEvent(event)

    def _say(self, text_builder=None) -> None:
        """The feedback line; kept as a builder so a language switch re-translates it."""
        if text_builder is not None:
            self._feedback_text = text_builder
        builder = getattr(self, "_feedback_text", None)
        self.feedback.setText(builder() if builder else "")

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        """Enter scans (the label says so)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.capture()
            return
        super().keyPressEvent(event)

    # -- plan (the flow's) ------------------------------------------------------------------------------------
    @property
    def flow(self):
        return self.controller.flow

    @property
    def step(self):
        return self.flow.finger_step

    @property
    def step_index(self) -> int:
        self.flow.finger_step  # noqa: B018 - skips the steps already done
        return self.flow.finger_index

    @property
    def attempts(self) -> list[Attempt]:
        return self.flow.attempts

    def excepted(self) -> dict[Finger, FingerStatus]:
        return self.flow.excepted()

    def step_fingers(self, step) -> tuple[Finger, ...]:
        return step.fingers if isinstance(step, Slap) else (Finger(step),)

    def reset(self) -> None:
        """A new citizen: nothing of the previous one's prints, scores or advice stays on screen."""
        self.image.clear()
        self.quality.setValue(0)
        self._say(lambda: "")
        self.exc_reason.clear()
        self.show_step()

    def start(self) -> None:
        """Page shown: open both scanners in the background and resume at the first step not done."""
        self.ctx.devices.open(self.ctx.settings.slap_scanner)
        self.ctx.devices.open(self.ctx.settings.fingerprint)
        self.flow.restart_fingers()
        self.show_step()
        self.capture_button.setFocus()

    def show_step(self) -> None:
        self._paint_states()
        step = self.step
        if step is None:
            self.instruction.setText(self.tr("All fingerprints are done."))
            self.hands.set_current(())
            self.capture_button.setEnabled(False)
            self.keep_button.setEnabled(False)
            return
        self.capture_button.setEnabled(not self.busy)
        self.keep_button.setEnabled(self.may_keep() and not self.busy)
        self.hands.set_current(self.step_fingers(step))
        what = slap_name(step) if isinstance(step, Slap) else finger_name(step)
        verb = self.tr("Place flat on the scanner: %1") if isinstance(step, Slap) else \
            self.tr("Roll on the scanner: %1")
        tries = self.tr("try %1 of %2").replace("%1", str(len(self.attempts) + 1)).replace(
            "%2", str(self.ctx.settings.fingerprint_max_tries))
        self.instruction.setText(f"{self.step_index + 1}/{len(CAPTURE_PLAN)} — {verb.replace('%1', what)} ({tries})")
        if not isinstance(step, Slap):
            self.exc_finger.setCurrentIndex(self.exc_finger.findData(int(step)))

    def _paint_states(self) -> None:
        caps = self.controller.record.captures
        for f in Finger:
            slot = caps.rolled[f]
            if slot.status is not None and slot.status.needs_reason:
                state = "exception"
            elif slot.status == FingerStatus.CAPTURED:
                state = "captured" if (slot.quality or 0) >= self.ctx.settings.fingerprint_quality_min else "low"
            elif any(s.fingers.get(f) and s.fingers[f].status == FingerStatus.CAPTURED for s in caps.slaps.values()):
                state = "slap"   # flat print taken, rolled print still to do
            else:
                state = "todo"
            self.hands.set_state(f, state)

    # -- capturing -------------------------------------------------------------------------------------------
    def capture(self) -> None:
        step = self.step
        if step is None or self.busy:
            return
        spec = self.ctx.settings.slap_scanner if isinstance(step, Slap) else self.ctx.settings.fingerprint
        self.busy = True
        self.capture_button.setEnabled(False)
        self._say(lambda: self.tr("Scanning…"))
        self.ctx.devices.open(spec, on_ready=lambda dev: self._capture_on(dev, step), on_error=self._failed)

    def _capture_on(self, scanner, step) -> None:
        person = self.controller.record_id  # the simulated citizen; ignored by real hardware
        if isinstance(step, Slap):
            present_to_simulator(scanner, person, missing=self.flow.missing_in(step))
            future = scanner.worker.submit(scanner.capture_slap, step)
        else:
            present_to_simulator(scanner, person, finger=step)
            future = scanner.worker.submit(scanner.capture_rolled, Finger(step))
        watcher = FutureWatcher(self)
        watcher.succeeded.connect(lambda cap: self.ctx.runner.run(
            assess_capture, cap, step, self.ctx.settings.fingerprint_quality_min,
            on_success=lambda a: self._assessed(step, a), on_failure=self._failed))
        watcher.failed.connect(self._failed)
        watcher.watch(future)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._say(lambda: self.tr("The scan failed: %1").replace("%1", user_message(exc)))
        self.show_step()

    def _spec(self, step) -> str:
        return self.ctx.settings.slap_scanner if isinstance(step, Slap) else self.ctx.settings.fingerprint

    def _assessed(self, step, attempt: Attempt) -> None:
        self.busy = False
        if step != self.step:
            return
        self.image.setPixmap(_pixmap(attempt.preview))
        self.quality.setValue(attempt.score)
        tries = len(self.attempts) + 1
        outcome = self.flow.add_attempt(attempt, self._spec(step))
        if not outcome.may_retry:   # the flow kept the best try and moved on
            self._kept(outcome.best.score, tries)
            return
        first_reasons = attempt.reasons[:2]

        def too_low() -> str:
            lang = self.ctx.language
            reasons = "; ".join(r.vi if lang == "vi" else r.en for r in first_reasons)
            return self.tr("Quality %1 is too low. %2 Scan again.").replace("%1", str(attempt.score)) \
                .replace("%2", reasons + "." if reasons else "")
        self._say(too_low)
        self.show_step()
        self.capture_button.setFocus()

    def may_keep(self) -> bool:
        """The officer may keep the best try early only once it is good enough or every retry has been made:
        a print of quality 25 is not kept after one try."""
        if not self.attempts:
            return False
        best = max(a.score for a in self.attempts)
        return best >= self.ctx.settings.fingerprint_quality_min or \
            len(self.attempts) >= self.ctx.settings.fingerprint_max_tries

    def keep_best(self) -> None:
        """Keep the best try of this step now (the officer decides) and move to the next step."""
        step = self.step
        if step is None or not self.attempts:
            return
        if not self.may_keep():
            left = self.ctx.settings.fingerprint_max_tries - len(self.attempts)
            self._say(lambda: self.tr("Scan again: the best quality so far is below %1; %2 more tries first.")
                      .replace("%1", str(self.ctx.settings.fingerprint_quality_min)).replace("%2", str(left)))
            self.capture_button.setFocus()
            return
        tries = len(self.attempts)
        best = self.flow.keep_best(self._spec(step))
        self._kept(best.score, tries)

    def _kept(self, score: int, tries: int) -> None:
        self._say(lambda: self.tr("Kept: quality %1 after %2 tries.").replace("%1", str(score))
                              .replace("%2", str(tries)))
        self.controller.changed()
        self._advance()

    def _advance(self) -> None:
        self.step_changed.emit(self.step_index)
        self.show_step()
        if self.step is None:
            self.done.emit()
        else:
            self.capture_button.setFocus()

    def record_exception(self) -> None:
        """Mark the chosen finger missing/injured/bandaged/unable; a reason is required."""
        reason = self.exc_reason.text().strip()
        if not reason:
            self._say(lambda: self.tr("Type the reason first."))
            self.exc_reason.setFocus()
            return
        finger = Finger(self.exc_finger.currentData())
        status = FingerStatus(self.exc_status.currentData())
        self.mark(finger, status, reason)
        self.exc_reason.clear()

    def mark(self, finger: Finger, status: FingerStatus, reason: str) -> None:
        before = self.step
        self.flow.mark_exception(finger, status, reason)
        self.controller.changed()
        if self.step != before:
            self._advance()
        else:
            self.show_step()
            self.capture_button.setFocus()

    _ = Qt


def _pixmap(image):
    from PySide6.QtGui import QPixmap
    return QPixmap.fromImage(qimage_from_array(image))
