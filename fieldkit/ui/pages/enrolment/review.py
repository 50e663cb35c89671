"""The review the citizen confirms: everything typed and captured, and what still blocks submission
(the EnrolmentFlow's REVIEW step: its issues, and a returned record that has not been changed yet)."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from fieldkit.domain.fingers import Finger
from fieldkit.ui.names import finger_name, finger_status_name, sex_name
from fieldkit.ui.pages.enrolment.find import CorrectionsBox, VneidBox, receipt_rows
from fieldkit.ui.widgets.images import pixmap_from_bytes


class ReviewPage(QWidget):
    submit_requested = Signal()

    def __init__(self, controller, ctx):
        super().__init__()
        self.controller, self.ctx = controller, ctx
        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        self.photo = QLabel()
        self.photo.setFixedSize(180, 230)
        self.photo.setScaledContents(True)
        self.details = QLabel()
        self.details.setObjectName("reviewDetails")
        self.details.setWordWrap(True)
        self.problems = QLabel()
        self.problems.setObjectName("issueText")
        self.problems.setWordWrap(True)
        self.confirm = QCheckBox()
        self.confirm.setObjectName("citizenConfirms")
        self.submit_button = QPushButton()
        self.submit_button.setObjectName("submitRecord")
        self.status = QLabel()
        # The details and problems scroll: a guardian and ten finger exceptions must not push the confirmation
        # and the submit button below a 1366×768 screen.
        inner = QWidget()
        row = QHBoxLayout()
        row.addWidget(self.photo)
        row.addWidget(self.details, 1)
        inner_col = QVBoxLayout(inner)
        inner_col.addLayout(row)
        inner_col.addWidget(self.problems)
        self.corrections = CorrectionsBox(controller)   # proofs of the registry corrections
        inner_col.addWidget(self.corrections)
        self.vneid = VneidBox(controller)
        inner_col.addWidget(self.vneid)
        self.vneid.edited.connect(self.refresh)
        inner_col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addWidget(scroll, 1)
        col.addWidget(self.confirm)
        col.addWidget(self.submit_button)
        col.addWidget(self.status)
        self.confirm.toggled.connect(self._update_button)
        self.submit_button.clicked.connect(self._submit)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Check with the citizen"))
        self.confirm.setText(self.tr("The citizen has read the information and confirms it is correct"))
        self.submit_button.setText(self.tr("Send for the supervisor's review"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def blocking(self) -> list:
        return self.controller.flow.blocking()

    def refresh(self) -> None:
        c = self.controller
        c.revalidate()
        d = c.record.demographics
        face = c.record.captures.face
        if face.image_ref and face.image_ref in c.blobs:
            self.photo.setPixmap(pixmap_from_bytes(c.blobs[face.image_ref]))
        else:
            self.photo.clear()
        e = html.escape
        rows = [
            (self.tr("Full birth name"), d.birth_name), (self.tr("Date of birth"), d.date_of_birth.display() if d.date_of_birth else ""),
            (self.tr("Sex"), sex_name(d.sex.value if d.sex else "")), (self.tr("Personal ID number"), d.personal_id or ""),
            (self.tr("Ethnicity"), d.ethnicity), (self.tr("Religion"), d.religion), (self.tr("Nationality"), d.nationality),
            (self.tr("Residence"), ", ".join(x for x in (d.residence.street, d.residence.commune, d.residence.province) if x)),
            (self.tr("Home town"), d.hometown), (self.tr("Mobile phone"), d.phone or ""),
        ]
        if d.guardian:
            rows.append((self.tr("Legal representative"), f"{d.guardian.name} ({d.guardian.relationship})"))
        if not c.flow.takes_biometrics():
            rows.append((self.tr("Fingerprints"), self.tr("None: no photo or prints under 6 years old")))
        else:
            captured = sum(1 for s in c.record.captures.rolled.values() if s.status and not s.status.needs_reason)
            rows.append((self.tr("Fingerprints"), self.tr("%1 of 10 fingers printed").replace("%1", str(captured))))
            if face.exception_reason:
                rows.append((self.tr("Face photo"), self.tr("None: %1").replace("%1", face.exception_reason)))
            elif face.quality is not None:
                rows.append((self.tr("Face photo"), self.tr("quality %1 / 100").replace("%1", f"{face.quality:.0f}")))
        rows.extend(receipt_rows(c.flow))   # registry decision, corrections, VNeID request (CC01)
        self.corrections.load()
        for f in Finger:
            slot = c.record.captures.rolled[f]
            if slot.status is not None and slot.status.needs_reason:
                rows.append((finger_name(f), f"{finger_status_name(slot.status)} — {slot.reason}"))
        self.details.setText("<table>" + "".join(f"<tr><td><b>{e(k)}</b>&nbsp;&nbsp;</td><td>{e(v)}</td></tr>"
                                                 for k, v in rows) + "</table>")
        lang = self.ctx.language
        problems = [("⛔ " if i.is_error else "⚠ ") + (i.message_vi if lang == "vi" else i.message_en)
                    for i in c.issues]
        if c.flow.unchanged_since_return():
            problems.append("⛔ " + self.tr("Returned by the supervisor: change what the supervisor asked for "
                                           "before sending it again."))
        self.problems.setText("\n".join(problems))
        self._update_button()

    def _update_button(self, *_a) -> None:
        self.submit_button.setEnabled(self.confirm.isChecked() and not self.blocking())

    def _submit(self) -> None:
        if not self.submit_button.isEnabled():
            return
        self.submit_button.setEnabled(False)
        self.status.setText(self.tr("Sending…"))
        self.submit_requested.emit()
