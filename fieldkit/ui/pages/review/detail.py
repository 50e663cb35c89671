"""One record for the supervisor: photo, prints, quality scores, validation warnings, possible duplicates; actions.

Approve = co-sign + seal + enqueue in one transaction (KitSession.approve), on the BackgroundRunner.
Reject (final) and return-to-officer need a reason.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from fieldkit.domain.fingers import Finger
from fieldkit.domain.validation import validate
from fieldkit.ui.names import finger_name, finger_status_name, record_status_name, sex_name
from fieldkit.ui.store_adapter import from_store
from fieldkit.ui.widgets.images import pixmap_from_bytes


class ReviewDetailPage(QWidget):
    acted = Signal(str, str)   # record id, action
    back_requested = Signal()

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.view = None
        self.record = None
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.photo = QLabel()
        self.photo.setFixedSize(180, 230)
        self.photo.setScaledContents(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setObjectName("detailText")
        self.prints = QGridLayout()
        self.issues = QLabel()
        self.issues.setObjectName("issueText")
        self.issues.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("reviewReason")
        self.approve_button = QPushButton()
        self.approve_button.setObjectName("reviewApprove")
        self.return_button = QPushButton()
        self.return_button.setObjectName("reviewReturn")
        self.reject_button = QPushButton()
        self.reject_button.setObjectName("reviewReject")
        self.back_button = QPushButton()
        self.status = QLabel()
        self.status.setWordWrap(True)
        inner = QWidget()
        col = QVBoxLayout(inner)
        row = QHBoxLayout()
        row.addWidget(self.photo)
        row.addWidget(self.details, 1)
        col.addLayout(row)
        col.addLayout(self.prints)
        col.addWidget(self.issues)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        actions = QHBoxLayout()
        for b in (self.back_button, self.approve_button, self.return_button, self.reject_button):
            actions.addWidget(b)
        outer = QVBoxLayout(self)
        outer.addWidget(self.title)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.reason)
        outer.addLayout(actions)
        outer.addWidget(self.status)
        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(lambda: self._with_reason("return"))
        self.reject_button.clicked.connect(lambda: self._with_reason("reject"))
        self.back_button.clicked.connect(self.back_requested)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Review a record"))
        self.reason.setPlaceholderText(self.tr("Reason (needed to return or reject)"))
        self.approve_button.setText(self.tr("Approve and co-sign"))
        self.return_button.setText(self.tr("Return to the officer"))
        self.reject_button.setText(self.tr("Reject"))
        self.back_button.setText(self.tr("Back to the list"))
        if self.view is not None:
            self._render()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def load(self, record_id: str) -> None:
        self.status.setText(self.tr("Opening…"))
        session = self.ctx.kit_session
        self.ctx.runner.run(session.get_record, record_id, on_success=self._loaded,
                            on_failure=lambda e: self.status.setText(str(e)))

    def _loaded(self, view) -> None:
        self.view = view
        self.record = from_store(view.record) if view.record else None
        self.status.clear()
        self.reason.clear()
        self._render()
        self.approve_button.setFocus()

    def _render(self) -> None:
        v, r = self.view, self.record
        e = html.escape
        pending = v.status == "pending_review"
        for b in (self.approve_button, self.return_button, self.reject_button):
            b.setEnabled(pending)
        while self.prints.count():
            item = self.prints.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if r is None:
            self.photo.clear()
            self.details.setText(self.tr("Status: %1. The kit can no longer read this record.")
                                 .replace("%1", record_status_name(v.status)))
            self.issues.clear()
            return
        face = r.captures.face
        if face.image_ref and face.image_ref in v.blobs:
            self.photo.setPixmap(pixmap_from_bytes(v.blobs[face.image_ref]))
        d = r.demographics
        rows = [(self.tr("Status"), record_status_name(v.status)), (self.tr("Full birth name"), d.birth_name),
                (self.tr("Date of birth"), d.date_of_birth.display() if d.date_of_birth else ""),
                (self.tr("Sex"), sex_name(d.sex.value if d.sex else "")),
                (self.tr("Personal ID number"), d.personal_id or ""),
                (self.tr("Residence"), f"{d.residence.commune}, {d.residence.province}"),
                (self.tr("Face quality"), f"{face.quality:.2f}" if face.quality is not None else "—")]
        if v.note:
            rows.append((self.tr("Note"), v.note))
        self.details.setText("<table>" + "".join(f"<tr><td><b>{e(k)}</b>&nbsp;&nbsp;</td><td>{e(str(x))}</td></tr>"
                                                 for k, x in rows) + "</table>")
        for i, f in enumerate(Finger):
            slot = r.captures.rolled[f]
            cell = QLabel()
            cell.setFixedSize(110, 130)
            cell.setScaledContents(True)
            if slot.image_ref and slot.image_ref in v.blobs:
                cell.setPixmap(pixmap_from_bytes(v.blobs[slot.image_ref]))
            caption = QLabel(f"{finger_name(f)}\n" + (f"{slot.quality:.0f}/100" if slot.quality is not None else
                                                     finger_status_name(slot.status) + f": {slot.reason}"
                                                     if slot.status else "—"))
            caption.setWordWrap(True)
            self.prints.addWidget(cell, (i // 5) * 2, i % 5)
            self.prints.addWidget(caption, (i // 5) * 2 + 1, i % 5)
        lang = self.ctx.language
        lines = [("⛔ " if i.is_error else "⚠ ") + (i.message_vi if lang == "vi" else i.message_en)
                 for i in validate(r, today=date.today())]
        lines += self.duplicate_lines(v.capture or {})
        self.issues.setText("\n".join(lines))

    def duplicate_lines(self, capture: dict) -> list[str]:
        """What the duplicate search found when the officer submitted (fieldkit.enrolment.submission.duplicate_search)."""
        if "duplicates" not in capture:
            return [self.tr("Duplicate check: not run for this record.")]
        found = capture["duplicates"]
        if capture.get("duplicates_error"):
            return [self.tr("⚠ Duplicate check failed: %1").replace("%1", str(capture["duplicates_error"]))]
        if not found:
            return [self.tr("Duplicate check: no earlier record of this kit looks like this person.")]
        names = {"face": self.tr("face"), "fingerprint": self.tr("fingerprint")}
        return [self.tr("⚠ Possible duplicate of record %1 by %2: similarity %3 (flagged from %4; %5)")
                .replace("%1", str(c.get("record_id", ""))[:8]).replace("%2", names.get(c.get("modality"), "?"))
                .replace("%3", f"{float(c.get('score', 0)):.2f}").replace("%4", f"{float(c.get('threshold', 0)):.2f}")
                .replace("%5", str(c.get("detail", ""))) for c in found]

    def approve(self) -> None:
        rid = self.view.record_id
        self.status.setText(self.tr("Approving, co-signing and sealing…"))
        self.approve_button.setEnabled(False)
        self.ctx.runner.run(self.ctx.kit_session.approve, rid, on_success=lambda ref: self._done(rid, "approve", ref),
                            on_failure=self._failed)

    def _with_reason(self, action: str) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.status.setText(self.tr("Type the reason first."))
            self.reason.setFocus()
            return
        rid = self.view.record_id
        fn = self.ctx.kit_session.return_to_officer if action == "return" else self.ctx.kit_session.reject
        self.ctx.runner.run(fn, rid, reason, on_success=lambda ref: self._done(rid, action, ref),
                            on_failure=self._failed)

    def _done(self, rid: str, action: str, ref) -> None:
        self.status.setText(self.tr("Done: %1.").replace("%1", record_status_name(ref.status)))
        self.acted.emit(rid, action)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Not done: %1").replace("%1", str(exc)))
        self.approve_button.setEnabled(True)
