"""A font that has every Vietnamese glyph, chosen once at start-up."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

# Stacked diacritics (circumflex + tone, horn + tone) are where fonts without Vietnamese coverage fail.
VIETNAMESE_SAMPLE = "ĐđƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"
PREFERRED = ("Noto Sans", "DejaVu Sans", "Segoe UI", "Arial", "Liberation Sans")


def covers_vietnamese(family: str) -> bool:
    metrics = QFontMetrics(QFont(family))
    return all(metrics.inFontUcs4(ord(ch)) for ch in VIETNAMESE_SAMPLE)


def choose_font(point_size: int = 11) -> QFont:
    available = set(QFontDatabase.families())
    for family in PREFERRED:
        if family in available and covers_vietnamese(family):
            return QFont(family, point_size)
    return QFont(QApplication.font().family(), point_size)
