"""Two hands drawn with QPainter; each finger coloured by its state, the one(s) to capture now highlighted."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from fieldkit.domain.fingers import Finger

COLOURS = {"todo": QColor("#d0d0d0"), "captured": QColor("#2ecc71"), "exception": QColor("#e67e22"),
           "low": QColor("#f1c40f"), "slap": QColor("#a9dfbf")}
CURRENT = QColor("#2980b9")

# Finger layout per hand as seen from above, palms down: (x offset, length) in hand units, thumb first.
_SHAPE = [(-0.55, 0.45), (-0.28, 0.75), (0.0, 0.85), (0.26, 0.78), (0.5, 0.6)]


class HandDiagram(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(360, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.states: dict[Finger, str] = {f: "todo" for f in Finger}
        self.current: set[Finger] = set()

    def set_state(self, finger: Finger, state: str) -> None:
        self.states[finger] = state
        self.update()

    def set_current(self, fingers) -> None:
        self.current = set(fingers)
        self.update()

    def finger_rects(self) -> dict[Finger, QRectF]:
        """Where each finger is drawn (also used by tests to check the layout)."""
        rects: dict[Finger, QRectF] = {}
        half = self.width() / 2
        unit = min(half * 0.8, self.height() * 0.9)
        for hand, first, mirror in (("left", Finger.LEFT_THUMB, 1), ("right", Finger.RIGHT_THUMB, -1)):
            cx = half * 0.5 if hand == "left" else half * 1.5
            base_y = self.height() * 0.62
            for i, (dx, length) in enumerate(_SHAPE):
                finger = Finger(first + i)
                # The left hand's thumb is on its right side (palm down), the right hand's on its left.
                x = cx - mirror * dx * unit
                w = unit * 0.17
                h = length * unit * 0.6
                top = base_y - h + (unit * 0.18 if i == 0 else 0)
                rects[finger] = QRectF(x - w / 2, top, w, h)
        return rects

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rects = self.finger_rects()
        half = self.width() / 2
        unit = min(half * 0.8, self.height() * 0.9)
        for cx in (half * 0.5, half * 1.5):
            palm = QRectF(cx - unit * 0.38, self.height() * 0.6, unit * 0.76, unit * 0.35)
            p.setPen(QPen(QColor("#7f8c8d"), 2))
            p.setBrush(QColor("#ecf0f1"))
            p.drawRoundedRect(palm, 14, 14)
        for finger, rect in rects.items():
            p.setBrush(COLOURS.get(self.states.get(finger, "todo"), COLOURS["todo"]))
            pen = QPen(CURRENT, 5) if finger in self.current else QPen(QColor("#7f8c8d"), 2)
            p.setPen(pen)
            p.drawRoundedRect(rect, rect.width() / 2, rect.width() / 2)
        p.setPen(QColor("#2c3e50"))
        for label, cx in ((self.tr("Left hand"), half * 0.5), (self.tr("Right hand"), half * 1.5)):
            p.drawText(QRectF(cx - 100, self.height() - 24, 200, 22), Qt.AlignmentFlag.AlignCenter, label)
        _ = QPointF
