"""Session set-up (where the team works today) and the end-of-session summary.

Communes are the 2025 units (fieldkit.domain.units): pick the province, then type any part of the commune's
name with or without diacritics.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QDate, QEvent, Signal
from PySide6.QtWidgets import (QDateEdit, QFormLayout, QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from fieldkit.domain.units import find_province, provinces
from fieldkit.ui.context import AppContext, WorkSession
from fieldkit.ui.widgets.search_combo import SearchCombo


class SessionSetupPage(QWidget):
    started = Signal()

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.province = SearchCombo()
        self.province.setObjectName("sessionProvince")
        self.province.set_items([(p.short, p.code) for p in provinces()])
        self.commune = SearchCombo()
        self.commune.setObjectName("sessionCommune")
        self.village = QLineEdit()
        self.team = QLineEdit()
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.start_button = QPushButton()
        self.start_button.setObjectName("sessionStart")
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.province_hint = QLabel()   # "Kon Tum is part of Quảng Ngãi since 1 July 2025"
        self.province_hint.setObjectName("provinceHint")
        self.province_hint.setWordWrap(True)
        self.labels = [QLabel() for _ in range(5)]
        form = QFormLayout()
        for label, field in zip(self.labels, (self.province, self.commune, self.village, self.team, self.day)):
            form.addRow(label, field)
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addLayout(form)
        col.addWidget(self.province_hint)
        col.addWidget(self.start_button)
        col.addWidget(self.error)
        col.addStretch(1)
        self.province.currentIndexChanged.connect(self._province_changed)
        self.province.lineEdit().editingFinished.connect(self._maybe_old_province)
        # An error about the place or the team goes as soon as the officer corrects it.
        self.province.currentIndexChanged.connect(lambda _i: self.error.clear())
        self.commune.currentIndexChanged.connect(lambda _i: self.error.clear())
        self.team.textEdited.connect(lambda _t: self.error.clear())
        self.start_button.clicked.connect(self.start)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Today's session"))
        for label, text in zip(self.labels, (self.tr("Province"), self.tr("Commune"), self.tr("Village (thôn, buôn)"),
                                             self.tr("Team"), self.tr("Date"))):
            label.setText(text)
        self.province.lineEdit().setPlaceholderText(self.tr("Type to search, e.g. quang ngai"))
        self.commune.lineEdit().setPlaceholderText(self.tr("Type to search, diacritics optional"))
        self.start_button.setText(self.tr("Start the session"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _maybe_old_province(self) -> None:
        """A province name from before the 2025 merger ("kon tum"): pick the province it is part of now and say so.
        The old-to-new table (fieldkit.domain.addresses) loads in ~0.6 s the first time: off the UI thread."""
        typed = self.province.currentText().strip()
        if not typed or self.province.findText(typed) >= 0 or self.province.matches(typed):
            self.province_hint.clear()
            return
        from fieldkit.domain.addresses import convert_old_address
        self.ctx.runner.run(convert_old_address, typed, on_success=lambda c: self._old_province_found(typed, c),
                            on_failure=lambda _e: None)

    def _old_province_found(self, typed: str, conversion) -> None:
        if conversion.province is None or self.province.currentText().strip() != typed:
            return
        self.province.choose_text(conversion.province.short)
        self.province_hint.setText(self.tr("%1 is part of %2 since 1 July 2025: %2 is chosen.")
                                   .replace("%1", conversion.old_province or typed)
                                   .replace("%2", conversion.province.short))

    def _province_changed(self, _index: int) -> None:
        province = find_province(self.province.currentData() or "")
        self.commune.set_items([(c.name, c.code) for c in province.communes] if province else [])

    def choose(self, province: str, commune: str) -> None:
        """Set the place programmatically (tests, resuming)."""
        self.province.setCurrentIndex(self.province.findText(province))
        self.commune.setCurrentIndex(self.commune.findText(commune))

    def start(self) -> None:
        self.province.accept_typed()
        self.commune.accept_typed()
        if self.province.currentIndex() < 0 or self.commune.currentIndex() < 0 or \
                self.commune.findText(self.commune.currentText()) < 0:
            self.error.setText(self.tr("Choose the province and the commune from the list."))
            return
        if not self.team.text().strip():
            self.error.setText(self.tr("Type the team's name."))
            return
        self.error.clear()
        qd = self.day.date()
        self.ctx.start_work_session(WorkSession(
            province=self.province.currentText(), commune=self.commune.currentText(),
            village=self.village.text().strip(), team=self.team.text().strip(),
            day=date(qd.year(), qd.month(), qd.day()), session_id=str(uuid.uuid4())))
        self.started.emit()


class SessionSummaryPage(QWidget):
    """What was done in this session: submitted for review, drafts not finished, finger exceptions."""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.place = QLabel()
        grid = QGridLayout()
        self.names = [QLabel() for _ in range(3)]
        self.values = [QLabel("0") for _ in range(3)]
        for i, (n, v) in enumerate(zip(self.names, self.values)):
            v.setObjectName("bigNumber")
            grid.addWidget(v, 0, i)
            grid.addWidget(n, 1, i)
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addWidget(self.place)
        col.addLayout(grid)
        col.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Session summary"))
        for label, text in zip(self.names, (self.tr("enrolled, waiting for review"), self.tr("drafts not finished"),
                                            self.tr("fingers recorded as exceptions"))):
            label.setText(text)
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        ws = self.ctx.work_session
        if ws is None:
            self.place.setText(self.tr("No session started."))
            return
        self.place.setText(f"{ws.commune}, {ws.province} — {ws.village} — {ws.team} — {ws.day:%d/%m/%Y}")
        drafts = [r for r in ws.drafts if r not in ws.submitted]
        for label, value in zip(self.values, (len(ws.submitted), len(drafts), ws.exceptions)):
            label.setText(str(value))
