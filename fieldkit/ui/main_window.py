"""The main window: a header with the language switch, and a stack of pages for each role's work."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QMainWindow,
                               QStackedWidget, QVBoxLayout, QWidget)

from fieldkit.settings import Settings


class HomePage(QWidget):
    """What a user sees first: which kit this is and which devices it is set to use."""

    def __init__(self, settings: Settings, data_dir: str):
        super().__init__()
        self._settings = settings
        self._data_dir = data_dir
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.devices_box = QGroupBox()
        self.device_labels: dict[str, QLabel] = {}
        form = QFormLayout(self.devices_box)
        for key in ("camera", "fingerprint", "slap_scanner", "qr_reader"):
            label = QLabel()
            self.device_labels[key] = label
            form.addRow(label, QLabel(getattr(settings, key)))
        self.data_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.devices_box)
        layout.addWidget(self.data_label)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Mobile ID enrolment"))
        self.subtitle.setText(self.tr("Take applications for the chip-based ID card where there is no network. "
                                      "Records are sealed and sent to the hub when a connection returns."))
        self.devices_box.setTitle(self.tr("Devices"))
        names = {"camera": self.tr("Camera"), "fingerprint": self.tr("Fingerprint scanner"),
                 "slap_scanner": self.tr("Slap scanner"), "qr_reader": self.tr("Card QR reader")}
        for key, label in self.device_labels.items():
            label.setText(names[key])
        self.data_label.setText(self.tr("Data folder: %1").replace("%1", self._data_dir))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class MainWindow(QMainWindow):
    language_requested = Signal(str)

    def __init__(self, settings: Settings, data_dir: str):
        super().__init__()
        self.resize(1200, 760)
        header = QWidget()
        header.setObjectName("header")
        self.brand = QLabel("FieldKit")
        self.brand.setObjectName("brand")
        self.language_label = QLabel()
        self.language_box = QComboBox()
        self.language_box.addItem("Tiếng Việt", "vi")
        self.language_box.addItem("English", "en")
        self.language_box.currentIndexChanged.connect(
            lambda _i: self.language_requested.emit(self.language_box.currentData()))
        row = QHBoxLayout(header)
        row.addWidget(self.brand)
        row.addStretch(1)
        row.addWidget(self.language_label)
        row.addWidget(self.language_box)

        self.pages = QStackedWidget()
        self.home = HomePage(settings, data_dir)
        self.pages.addWidget(self.home)

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(header)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.retranslate()

    def show_language(self, language: str) -> None:
        """Reflect the language in force in the switch without re-emitting a request."""
        index = self.language_box.findData(language)
        self.language_box.blockSignals(True)
        self.language_box.setCurrentIndex(index)
        self.language_box.blockSignals(False)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("FieldKit — ID enrolment"))
        self.language_label.setText(self.tr("Language"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


STYLE = """
QWidget { font-size: 11pt; }
#header { background: #0b5d3b; }
#brand { color: white; font-size: 16pt; font-weight: bold; padding: 6px; }
#header QLabel { color: white; }
#pageTitle { font-size: 20pt; font-weight: bold; color: #0b5d3b; }
QPushButton { min-height: 40px; padding: 4px 16px; }
"""

__all__ = ["MainWindow", "HomePage", "STYLE", "Qt"]
