"""The appointment slip ("Giấy hẹn trả kết quả", after form CC02 of Thông tư 17/2024/TT-BCA), printed.

The slip carries the citizen's name, ID number and address: it goes straight to the printer through Qt's print
dialog (QPrintDialog/QPrinter) with "print to file" switched off, so the app never leaves a PDF of personal data
on the laptop's disk. The issuing police unit is the `issuing_unit` setting ("Công an" + the session's commune
when empty). The receiving officer is shown by the kit account name (the keystore keeps no display names),
labelled as such. The QR code of the receipt number is encoded by segno and painted as squares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import segno
from PySide6.QtCore import QCoreApplication, QEvent, QMarginsF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

RESULT_DAYS = 7  # working days are policy; the default promise is a week, the officer can print again
PREVIEW_HEIGHT = 430  # px: the on-screen slip fits the wizard's step area on a 1366×700 window
WRAP = Qt.TextFlag.TextWordWrap


@dataclass(frozen=True)
class SlipInfo:
    receipt_number: str
    name: str
    personal_id: str          # "" for a citizen who has none yet (a child)
    date_of_birth: str
    address: str              # the whole place of residence, printed wrapped, never cut
    received_at: str          # where the application was taken (the session's commune, province)
    officer: str              # the receiving officer's kit account name
    issuing_unit: str
    issued: date
    appointment: date


def receipt_number(record_id: str, day: date) -> str:
    """Short, readable, unique per record: date + the record id's first 8 hex digits."""
    return f"{day:%Y%m%d}-{record_id.replace('-', '')[:8].upper()}"


def issuing_unit_for(setting: str, commune: str) -> str:
    """The `issuing_unit` setting, or the commune police of the session ("Công an phường Buôn Ma Thuột")."""
    if setting.strip():
        return setting.strip()
    return f"Công an {commune[:1].lower()}{commune[1:]}" if commune else "Công an cấp xã"


def slip_for(record, officer: str, issuing_unit: str = "", day: date | None = None) -> SlipInfo:
    day = day or date.today()
    d = record.demographics
    r = d.residence
    address = ", ".join(part for part in (r.street, r.commune, r.province) if part) or (r.card_address or "")
    commune = record.session.commune or r.commune
    received_at = ", ".join(part for part in (record.session.village, commune, r.province) if part)
    return SlipInfo(receipt_number(str(record.record_id), day), d.birth_name, d.personal_id or "",
                    d.date_of_birth.display() if d.date_of_birth else "", address, received_at, officer,
                    issuing_unit_for(issuing_unit, commune), day, day + timedelta(days=RESULT_DAYS))


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


class _Pen:
    """Draws wrapped text blocks down the page and records each block's text and rectangle (for the test that
    the whole slip lies on the page, nothing cut)."""

    def __init__(self, p: QPainter, page: QRectF):
        self.p, self.page, self.unit = p, page, page.width() / 100
        self.drawn: list[tuple[str, QRectF]] = []

    def font(self, size: float, bold: bool = False) -> None:
        f = QFont(QCoreApplication.instance().font().family())
        f.setPixelSize(max(1, int(self.unit * size)))
        f.setBold(bold)
        self.p.setFont(f)

    def block(self, x: float, y: float, width: float, text: str, align=Qt.AlignmentFlag.AlignLeft) -> float:
        """Draw `text` wrapped into `width` at (x, y); returns the y below it."""
        flags = int(align) | int(WRAP)
        rect = self.p.boundingRect(QRectF(x, y, width, self.page.height() * 4), flags, text)
        rect = QRectF(x, y, width, rect.height())
        self.p.drawText(rect, flags, text)
        self.drawn.append((text, rect))
        return rect.bottom()


def paint_slip(p: QPainter, info: SlipInfo, page: QRectF) -> list[tuple[str, QRectF]]:
    """Paint the A5 slip into `page`; returns the text blocks drawn with their rectangles."""
    pen = _Pen(p, page)
    u, w, x0 = pen.unit, page.width(), page.x()
    centre = Qt.AlignmentFlag.AlignHCenter
    # Header: the issuing unit on the left, the national motto on the right (as on the CC02 form).
    pen.font(2.8, True)
    left = pen.block(x0, page.y(), w * 0.42, info.issuing_unit.upper(), centre)
    right = pen.block(x0 + w * 0.44, page.y(), w * 0.56, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", centre)
    pen.font(2.8)
    right = pen.block(x0 + w * 0.44, right, w * 0.56, "Độc lập - Tự do - Hạnh phúc", centre)
    y = max(left, right) + u * 5
    pen.font(5, True)
    y = pen.block(x0, y, w, QCoreApplication.translate("Slip", "APPOINTMENT SLIP FOR THE RESULT"), centre)
    pen.font(3.0)
    number = QCoreApplication.translate("Slip", "Receipt number: %1").replace("%1", info.receipt_number)
    y = pen.block(x0, y + u, w, number, centre) + u * 4
    qr_size, qr_top = w * 0.28, y
    draw_qr(p, info.receipt_number, QRectF(x0 + w - qr_size, qr_top, qr_size, qr_size))
    fields = (
        (QCoreApplication.translate("Slip", "Full name"), info.name),
        (QCoreApplication.translate("Slip", "Personal ID number"),
         info.personal_id or QCoreApplication.translate("Slip", "not issued yet")),
        (QCoreApplication.translate("Slip", "Date of birth"), info.date_of_birth),
        (QCoreApplication.translate("Slip", "Place of residence"), info.address),
        (QCoreApplication.translate("Slip", "Application received at"), info.received_at),
        (QCoreApplication.translate("Slip", "Received on"), f"{info.issued:%d/%m/%Y}"),
        (QCoreApplication.translate("Slip", "Receiving officer (kit account)"), info.officer),
        (QCoreApplication.translate("Slip", "Come back for the result on"), f"{info.appointment:%d/%m/%Y}"),
    )
    pen.font(3.2)
    text_width = w - qr_size - u * 3
    for label, value in fields:
        y = pen.block(x0, y, text_width, f"{label}: {value}") + u * 1.2
    y = max(y, qr_top + qr_size) + u * 2   # the note goes below the QR code too
    pen.font(2.6)
    note = QCoreApplication.translate(
        "Slip", "Bring this slip when you come back. Keep it safe: the receipt number identifies your application.")
    y = pen.block(x0, y, w, note) + u * 5
    # Signature lines: the citizen (or guardian) and the receiving officer.
    half = w / 2
    signers = ((QCoreApplication.translate("Slip", "Applicant"), ""),
               (QCoreApplication.translate("Slip", "Receiving officer"), info.officer))
    for column, (who, name) in enumerate(signers):
        cx = x0 + column * half
        pen.font(3.0, True)
        below = pen.block(cx, y, half, who, centre)
        pen.font(2.4)
        hint = QCoreApplication.translate("Slip", "(signature and full name)")
        below = pen.block(cx, below, half, hint, centre) + u * 14   # room to sign above the line
        p.drawLine(int(cx + half * 0.15), int(below), int(cx + half * 0.85), int(below))
        if name:
            pen.font(2.8)
            pen.block(cx, below + u, half, name, centre)
    return pen.drawn


def print_slip(info: SlipInfo, printer) -> list[tuple[str, QRectF]]:
    """Paint the slip on `printer` (a QPrinter chosen in the print dialog) as one A5 page."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A5))
    printer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    printer.setDocName(QCoreApplication.translate("Slip", "Appointment slip"))
    p = QPainter(printer)
    if not p.isActive():
        raise OSError("the printer could not be opened")
    try:
        return paint_slip(p, info, QRectF(0, 0, printer.width(), printer.height()))
    finally:
        p.end()


def slip_image(info: SlipInfo, height: int = PREVIEW_HEIGHT) -> QImage:
    """The slip as the printer gets it (A5, 12 mm margins), drawn in memory for the screen: nothing on disk."""
    page_w, page_h, margin = 148.0, 210.0, 12.0
    scale = 4 * height / page_h                      # drawn at 4× and reduced: legible small text
    image = QImage(int(page_w * scale), int(page_h * scale), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    try:
        m = margin * scale
        paint_slip(p, info, QRectF(m, m, image.width() - 2 * m, image.height() - 2 * m))
    finally:
        p.end()
    return image.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)


class SlipPage(QWidget):
    new_enrolment = Signal()

    def __init__(self, controller, ctx):
        super().__init__()
        self.controller, self.ctx = controller, ctx
        self.info: SlipInfo | None = None
        self._printed = False
        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setObjectName("slipText")
        self.print_button = QPushButton()
        self.print_button.setObjectName("slipPrint")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("slipStatus")
        self.next_button = QPushButton()
        self.next_button.setObjectName("nextCitizen")
        self.preview = QLabel()
        self.preview.setObjectName("slipPreview")
        self.preview.setStyleSheet("border: 1px solid #999;")
        actions = QVBoxLayout()
        actions.addWidget(self.title)
        actions.addWidget(self.text)
        actions.addWidget(self.print_button)
        actions.addWidget(self.status)
        actions.addWidget(self.next_button)
        actions.addStretch(1)
        row = QHBoxLayout(self)
        row.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(actions, 1)
        self.print_button.clicked.connect(self.print_dialog)
        self.next_button.clicked.connect(self.new_enrolment)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sent for review. Give the citizen the appointment slip."))
        self.print_button.setText(self.tr("Print the appointment slip…"))
        self.next_button.setText(self.tr("Next citizen"))
        self.show_info()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def prepare(self) -> None:
        self.info = slip_for(self.controller.record, self.ctx.user_name, self.ctx.settings.issuing_unit)
        self._printed = False
        self.show_info()
        self.print_button.setFocus()

    def show_info(self) -> None:
        if self.info is None:
            self.text.clear()
            self.status.clear()
            self.preview.clear()
            self.preview.hide()
            return
        self.preview.setPixmap(QPixmap.fromImage(slip_image(self.info)))   # re-drawn in the language on screen
        self.preview.show()
        self.text.setText(self.tr("Receipt number %1 — come back on %2.").replace("%1", self.info.receipt_number)
                          .replace("%2", f"{self.info.appointment:%d/%m/%Y}"))
        self.status.setText(self.tr("The slip was sent to the printer.") if self._printed else "")

    def print_to(self, printer) -> list[tuple[str, QRectF]]:
        drawn = print_slip(self.info, printer)
        self._printed = True
        self.show_info()
        return drawn

    def print_dialog(self) -> None:
        """Qt's print dialog without "print to file": the slip goes to paper, not to a file on the laptop."""
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        dialog.setWindowTitle(self.tr("Print the appointment slip"))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        if printer.outputFormat() != QPrinter.OutputFormat.NativeFormat or printer.outputFileName():
            self.status.setText(self.tr("Choose a printer: the slip is not saved to a file (it holds personal data)."))
            return
        try:
            self.print_to(printer)
        except OSError:
            self.status.setText(self.tr("The printer could not be used. Check that it is on and connected."))
