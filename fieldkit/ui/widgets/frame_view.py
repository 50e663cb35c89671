"""A camera preview: the latest frame scaled into the widget, with the quality overlay drawn on top.

Frames arrive as QImages already copied off the camera thread; painting never touches the device.
The overlay (fieldkit.quality.live.Overlay) is in frame pixels and is mapped with the same scale.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


class FrameView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None
        self._overlay = None
        self._message = ""
        self.language = "vi"
        self.frames_shown = 0

    def show_frame(self, image: QImage, overlay=None) -> None:
        self._image, self._overlay = image, overlay
        self.frames_shown += 1
        self.update()

    def set_message(self, text: str) -> None:
        """A line shown when there is no picture (camera opening, unplugged)."""
        self._message = text
        self.update()

    def clear(self) -> None:
        self._image, self._overlay = None, None
        self.update()

    def guidance(self) -> str:
        if self._overlay is None:
            return ""
        return self._overlay.guidance_vi if self.language == "vi" else self._overlay.guidance_en

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#1d1d1d"))
        if self._image is None:
            p.setPen(QColor("white"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
            return
        img = self._image
        scale = min(self.width() / img.width(), self.height() / img.height())
        w, h = img.width() * scale, img.height() * scale
        ox, oy = (self.width() - w) / 2, (self.height() - h) / 2
        p.drawImage(QRectF(ox, oy, w, h), img)
        if self._overlay is not None:
            self._paint_overlay(p, scale, ox, oy)

    def _paint_overlay(self, p: QPainter, scale: float, ox: float, oy: float) -> None:
        ov = self._overlay
        colour = QColor("#2ecc71") if ov.ok else QColor("#f39c12")
        x, y, w, h = ov.window
        p.setPen(QPen(colour, 3, Qt.PenStyle.DashLine))
        p.drawRect(QRectF(ox + x * scale, oy + y * scale, w * scale, h * scale))
        if ov.face_box is not None:
            left, top, right, bottom = ov.face_box
            p.setPen(QPen(colour, 2))
            p.drawRect(QRectF(ox + left * scale, oy + top * scale, (right - left) * scale, (bottom - top) * scale))
        if ov.eye_points is not None:
            p.setPen(QPen(QColor("#3498db"), 6))
            for ex, ey in ov.eye_points:
                p.drawPoint(int(ox + ex * scale), int(oy + ey * scale))
        text = self.guidance()
        if text:
            font = QFont(self.font())
            font.setPointSize(18)
            font.setBold(True)
            p.setFont(font)
            band = QRectF(0, self.height() - 56, self.width(), 56)
            p.fillRect(band, QColor(0, 0, 0, 170))
            p.setPen(colour)
            p.drawText(band, Qt.AlignmentFlag.AlignCenter, text)
