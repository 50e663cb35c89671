"""The appointment slip ("Giấy hẹn trả kết quả", after form CC02 of Thông tư 17/2024/TT-BCA), as a PDF.

Drawn with Qt's QPdfWriter; the QR code of the receipt number is encoded by segno and painted as squares.
The slip carries the citizen's name: it is written only where the officer chooses (printing or a path).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import segno
from PySide6.QtCore import QCoreApplication, QEvent, QMarginsF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

RESULT_DAYS = 7  # working days are policy; the default promise is a week, the officer can print again



@dataclass(frozen=True)
class SlipInfo:
    receipt_number: str
    name: str
    date_of_birth: str
    commune: str
    province: str
    officer: str
    issued: date
    appointment: date


def receipt_number(record_id: str, day: date) -> str:
    """Short, readable, unique per record: date + the record id's first 8 hex digits."""
    return f"{day:%Y%m%d}-{record_id.replace('-', '')[:8].upper()}"


def slip_for(record, officer: str, day: date | None = None) -> SlipInfo:
    day = day or date.today()
    d = record.demographics
    return SlipInfo(receipt_number(str(record.record_id), day), d.birth_name,
                    d.date_of_birth.display() if d.date_of_birth else "", record.session.commune or d.residence.commune,
                    d.residence.province, officer, day, day + timedelta(days=RESULT_DAYS))


def draw_qr(p: QPainter, text: str, rect: QRectF) -> None:
    qr = segno.make(text, error="m")
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix) + 8  # quiet zone of 4 modules
    cell = min(rect.width(), rect.height()) / n
    p.fillRect(rect, QColor("white"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                p.fillRect(QRectF(rect.x() + (x + 4) * cell, rect.y() + (y + 4) * cell, cell, cell), QColor("black"))


def write_slip_pdf(info: SlipInfo, path: Path) -> Path:
    """Write the A5 slip to `path` and return it."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
    writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    writer.setTitle(QCoreApplication.translate("Slip", "Appointment slip"))
    p = QPainter(writer)
    try:
        paint_slip(p, info, QRectF(0, 0, writer.width(), writer.height()))
    finally:
        p.end()
    return path


def paint_slip(p: QPainter, info: SlipInfo, page: QRectF) -> None:
    w = page.width()
    unit = w / 100
    def font(size, bold=False):
        f = QFont(QCoreApplication.instance().font().family())
        f.setPixelSize(int(unit * size))
        f.setBold(bold)
        return f
    y = page.y()
    p.setFont(font(3.2, True))
    p.drawText(QRectF(0, y, w, unit * 5), Qt.AlignmentFlag.AlignCenter, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    y += unit * 5
    p.setFont(font(3.0))
    p.drawText(QRectF(0, y, w, unit * 5), Qt.AlignmentFlag.AlignCenter, "Độc lập - Tự do - Hạnh phúc")
    y += unit * 9
    p.setFont(font(5, True))
    p.drawText(QRectF(0, y, w, unit * 8), Qt.AlignmentFlag.AlignCenter, QCoreApplication.translate("Slip", "APPOINTMENT SLIP FOR THE RESULT"))
    y += unit * 8
    p.setFont(font(3.0))
    p.drawText(QRectF(0, y, w, unit * 5), Qt.AlignmentFlag.AlignCenter,
               QCoreApplication.translate("Slip", "Receipt number: %1").replace("%1", info.receipt_number))
    y += unit * 10
    lines = [
        (QCoreApplication.translate("Slip", "Full name"), info.name), (QCoreApplication.translate("Slip", "Date of birth"), info.date_of_birth),
        (QCoreApplication.translate("Slip", "Application received at"), f"{info.commune}, {info.province}"),
        (QCoreApplication.translate("Slip", "Received on"), f"{info.issued:%d/%m/%Y}"), (QCoreApplication.translate("Slip", "Receiving officer"), info.officer),
        (QCoreApplication.translate("Slip", "Come back for the result on"), f"{info.appointment:%d/%m/%Y}"),
    ]
    p.setFont(font(3.4))
    for label, value in lines:
        p.drawText(QRectF(0, y, w * 0.62, unit * 6), Qt.AlignmentFlag.AlignLeft, f"{label}: {value}")
        y += unit * 7
    draw_qr(p, info.receipt_number, QRectF(w * 0.66, page.y() + unit * 36, w * 0.34, w * 0.34))
    y += unit * 4
    p.setFont(font(2.8))
    p.drawText(QRectF(0, y, w, unit * 16), Qt.TextFlag.TextWordWrap,
               QCoreApplication.translate("Slip", "Bring this slip when you come back. Keep it safe: the receipt number identifies your application."))


class SlipPage(QWidget):
    new_enrolment = Signal()

    def __init__(self, controller, ctx):
        super().__init__()
        self.controller, self.ctx = controller, ctx
        self.info: SlipInfo | None = None
        self.last_pdf: Path | None = None
        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setObjectName("slipText")
        self.save_button = QPushButton()
        self.save_button.setObjectName("slipSave")
        self.next_button = QPushButton()
        self.next_button.setObjectName("nextCitizen")
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addWidget(self.text)
        col.addWidget(self.save_button)
        col.addWidget(self.next_button)
        col.addStretch(1)
        self.save_button.clicked.connect(self.save_dialog)
        self.next_button.clicked.connect(self.new_enrolment)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sent for review. Give the citizen the appointment slip."))
        self.save_button.setText(self.tr("Save the slip as PDF for printing…"))
        self.next_button.setText(self.tr("Next citizen"))
        self.show_info()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def prepare(self) -> None:
        self.info = slip_for(self.controller.record, self.ctx.user_name)
        self.show_info()
        self.next_button.setFocus()

    def show_info(self) -> None:
        if self.info is None:
            self.text.clear()
            return
        self.text.setText(self.tr("Receipt number %1 — come back on %2.").replace("%1", self.info.receipt_number)
                          .replace("%2", f"{self.info.appointment:%d/%m/%Y}"))

    def save_to(self, path: Path) -> Path:
        self.last_pdf = write_slip_pdf(self.info, Path(path))
        return self.last_pdf

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the slip"), f"giay-hen-{self.info.receipt_number}.pdf",
                                              "PDF (*.pdf)")
        if path:
            self.save_to(Path(path))
