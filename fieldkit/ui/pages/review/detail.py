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

from fieldkit.domain.dates import age_range
from fieldkit.domain.fingers import Finger
from fieldkit.domain.validation import validate
from fieldkit.ui.messages import user_message
from fieldkit.ui.names import finger_name, finger_status_name, record_status_name, sex_name
from fieldkit.ui.store_adapter import from_store
from fieldkit.ui.widgets.images import pixmap_from_bytes


class ReviewDetailPage(QWidget):
    acted = Signal(str, str)   # record id, action
    back_requested = Signal()
    viewed = Signal(str)       # record id shown to the supervisor (the list lets only these be batch-approved)

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
        # Possible duplicates: a red band above everything, the other record's photo beside this one, a button
        # to open it (the supervisor compares before deciding).
        self.duplicate_band = QWidget()
        self.duplicate_band.setObjectName("duplicateBand")
        self.duplicate_band.setStyleSheet("#duplicateBand { background: #fdecea; border: 2px solid #b03a2e; }")
        self.duplicate_text = QLabel()
        self.duplicate_text.setObjectName("duplicateText")
        self.duplicate_text.setWordWrap(True)
        self.duplicate_text.setStyleSheet("color: #b03a2e; font-weight: bold;")
        self.other_photo = QLabel()
        self.other_photo.setObjectName("duplicatePhoto")
        self.other_photo.setFixedSize(90, 115)
        self.other_photo.setScaledContents(True)
        self.open_other_button = QPushButton()
        self.open_other_button.setObjectName("openDuplicate")
        band = QHBoxLayout(self.duplicate_band)
        band.setContentsMargins(6, 4, 6, 4)
        band.addWidget(self.other_photo)
        band.addWidget(self.duplicate_text, 1)
        band.addWidget(self.open_other_button)
        self.duplicate_band.hide()
        self.other_record_id = ""
        self.open_other_button.clicked.connect(lambda: self.other_record_id and self.load(self.other_record_id))
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
        outer.addWidget(self.duplicate_band)
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
        self.open_other_button.setText(self.tr("Open the other record"))
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
                            on_failure=lambda e: self.status.setText(user_message(e)))

    def _loaded(self, view) -> None:
        self.view = view
        self.record = from_store(view.record) if view.record else None
        self.status.clear()
        self.reason.clear()
        self._render()
        self.approve_button.setFocus()
        self.viewed.emit(view.record_id)

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
                (self.tr("Face quality"), face_quality_text(face.quality))]
        if v.note:
            rows.append((self.tr("Note"), v.note))
        self.details.setText("<table>" + "".join(f"<tr><td><b>{e(k)}</b>&nbsp;&nbsp;</td><td>{e(str(x))}</td></tr>"
                                                 for k, x in rows) + "</table>")
        if self._under_six(d):   # no biometrics by law: one line, not ten "—" cells read as "0/10 fingers"
            self.prints.addWidget(QLabel(self.tr("No face photo or fingerprints: the person is under 6.")), 0, 0)
        else:
            for i, f in enumerate(Finger):
                slot = r.captures.rolled[f]
                self.prints.addWidget(self._finger_cell(f, slot, v.blobs), 0, i)   # one row of ten: fits 1366×768
        lang = self.ctx.language
        lines = [("⛔ " if i.is_error else "⚠ ") + (i.message_vi if lang == "vi" else i.message_en)
                 for i in validate(r, today=date.today())]
        lines += self.duplicate_lines(v.capture or {})
        self.issues.setText("\n".join(lines))
        self._show_duplicate_band(v.capture or {})

    def _show_duplicate_band(self, capture: dict) -> None:
        found = best_per_modality(capture.get("duplicates") or [])
        self.other_record_id = str(found[0].get("record_id", "")) if found else ""
        self.duplicate_band.setVisible(bool(found))
        self.other_photo.clear()
        if not found:
            return
        self.duplicate_text.setText(self.tr("Possible duplicate: this person may already be enrolled. Compare the "
                                            "photos and open the other record before approving."))
        self.ctx.runner.run(self.ctx.kit_session.get_record, self.other_record_id,
                            on_success=self._show_other_photo, on_failure=lambda _e: self.other_photo.clear())

    def _show_other_photo(self, view) -> None:
        if view.record_id != self.other_record_id or not view.record:
            return
        face = ((view.record.get("captures") or {}).get("face") or {}).get("image_ref")
        if face and face in view.blobs:
            self.other_photo.setPixmap(pixmap_from_bytes(view.blobs[face]))

    @staticmethod
    def _under_six(d) -> bool:
        """Under 6 whatever the exact birth date (year-only dates count only when every reading is under 6)."""
        return d.date_of_birth is not None and age_range(d.date_of_birth, date.today())[1] < 6

    def _finger_cell(self, finger: Finger, slot, blobs: dict) -> QWidget:
        """The print over its caption (finger, quality or why there is none), in one widget so they never overlap."""
        cell = QWidget()
        col = QVBoxLayout(cell)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        image = QLabel()
        image.setFixedSize(104, 117)   # the scanners' 256×288 aspect
        image.setScaledContents(True)
        if slot.image_ref and slot.image_ref in blobs:
            image.setPixmap(pixmap_from_bytes(blobs[slot.image_ref]))
        text = f"{slot.quality:.0f}/100" if slot.quality is not None else \
            f"{finger_status_name(slot.status)}: {slot.reason}" if slot.status else "—"
        caption = QLabel(f"{finger_name(finger)}\n{text}")
        caption.setWordWrap(True)
        caption.setFixedWidth(104)
        col.addWidget(image)
        col.addWidget(caption)
        col.addStretch(1)
        return cell

    def duplicate_lines(self, capture: dict) -> list[str]:
        """What the duplicate search found when the officer submitted (fieldkit.enrolment.submission.duplicate_search)."""
        if "duplicates" not in capture:
            return [self.tr("Duplicate check: not run for this record.")]
        found = capture["duplicates"]
        if capture.get("duplicates_error"):
            return [self.tr("⚠ The duplicate check could not run for this record: check the person against "
                            "earlier records by name.")]
        if not found:
            return [self.tr("Duplicate check: no earlier record of this kit looks like this person.")]
        names = {"face": self.tr("face"), "fingerprint": self.tr("fingerprint")}
        best = best_per_modality(found)
        lines = [self.tr("⛔ Possible duplicate of record %1 by %2: similarity %3 (flagged from %4)")
                 .replace("%1", str(c.get("record_id", ""))[:8]).replace("%2", names.get(c.get("modality"), "?"))
                 .replace("%3", _score(c.get("score"))).replace("%4", _score(c.get("threshold"))) for c in best]
        if len(found) > len(best):
            lines.append(self.tr("(%1 weaker matches not shown)").replace("%1", str(len(found) - len(best))))
        return lines

    def approve(self) -> None:
        from fieldkit.ui import token_approval

        rid = self.view.record_id
        job = lambda: self.ctx.kit_session.approve(rid)  # noqa: E731
        if token_approval.needs_token(self.ctx.kit_session):
            pin = token_approval.ask_pin(self)
            if pin is None:
                return
            many = token_approval.approve_job(self.ctx, [rid], pin)
            job = lambda: many()[0]  # noqa: E731
        self.status.setText(self.tr("Approving, co-signing and sealing…"))
        self.approve_button.setEnabled(False)
        self.ctx.runner.run(job, on_success=lambda ref: self._done(rid, "approve", ref), on_failure=self._failed)

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
        self.status.setText(self.tr("Not done: %1").replace("%1", user_message(exc)))
        self.approve_button.setEnabled(True)


def best_per_modality(found: list[dict]) -> list[dict]:
    """The strongest candidate of each modality, fingerprint first (a real print match outweighs face look-alikes)."""
    best: dict[str, dict] = {}
    for c in found:
        m = str(c.get("modality", ""))
        if m not in best or float(c.get("score") or 0) > float(best[m].get("score") or 0):
            best[m] = c
    order = {"fingerprint": 0, "face": 1}
    return sorted(best.values(), key=lambda c: (order.get(str(c.get("modality")), 2), -float(c.get("score") or 0)))


def face_quality_text(quality) -> str:
    """The portrait's quality on the prints' 0–100 scale (share of ICAO checks passed), "—" without a photo."""
    return f"{float(quality):.0f} / 100" if isinstance(quality, (int, float)) else "—"


def _score(value) -> str:
    """A score or threshold with two decimals; "—" when the check did not record one (never a made-up 0.00)."""
    return f"{float(value):.2f}" if isinstance(value, (int, float)) else "—"
