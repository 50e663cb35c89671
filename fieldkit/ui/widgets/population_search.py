""""Find in the database": a search box over the commune's residents, for the start of the enrolment wizard.

Self-contained: give it the app's BackgroundRunner and a population (`fieldkit.population.lookup.open_population`,
or anything with `.search(text, limit)`). Typing searches after a short pause, off the UI thread; only the
answer to the latest text is shown (an older, slower search that finishes later is dropped). The officer picks a
resident (Enter, double-click or "Choose") → `resident_chosen(Resident)`, or declares the citizen absent from the
database → `not_found(text)`, which starts a DC01 enrolment. A card QR text pasted or scanned into the box is
looked up by ID number, CMND, or name and birth date. Beside the results, the household of the highlighted
resident: its registry members, those already seen this session (`set_seen(resident_ids)`) marked, so the team
asks after the others.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)
from shiboken6 import isValid

from fieldkit.population.lookup import QueryError

RESIDENT = Qt.ItemDataRole.UserRole + 20
DEBOUNCE_MS = 150
LIMIT = 50


class PopulationSearch(QWidget):
    resident_chosen = Signal(object)  # fieldkit.population.resident.Resident
    not_found = Signal(str)           # the text searched: the wizard starts a DC01 enrolment

    def __init__(self, runner, population, parent: QWidget | None = None):
        super().__init__(parent)
        self._runner, self._population = runner, population
        self._seq = 0
        self.box = QLineEdit(self)
        self.box.setPlaceholderText(self.tr("Name, ID number, birth date, household or card QR"))
        self.box.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.household = QListWidget(self)
        self.household.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._seen: set[str] = set()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.choose = QPushButton(self.tr("Choose"), self)
        self.choose.setEnabled(False)
        self.dc01 = QPushButton(self.tr("Not in the database: enrol as new (DC01)"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose)
        buttons.addStretch(1)
        buttons.addWidget(self.dc01)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Find the citizen in the population database"), self))
        layout.addWidget(self.box)
        lists = QHBoxLayout()
        lists.addWidget(self.results, 3)
        side = QVBoxLayout()
        self.household_title = QLabel(self.tr("Household"), self)
        side.addWidget(self.household_title)
        side.addWidget(self.household, 1)
        lists.addLayout(side, 2)
        layout.addLayout(lists, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._start_search)
        self.box.textChanged.connect(lambda _t: self._timer.start())
        self.box.returnPressed.connect(self._enter_in_box)
        self.results.itemActivated.connect(self._emit_item)
        self.results.currentItemChanged.connect(self._current_changed)
        self.choose.clicked.connect(lambda: self._emit_item(self.results.currentItem()))
        self.dc01.clicked.connect(lambda: self.not_found.emit(self.box.text().strip()))
        self.setFocusProxy(self.box)

    # -- searching ---------------------------------------------------------------------------------------
    def search_now(self, text: str) -> None:
        """Put `text` in the box (e.g. a scanned QR) and search at once."""
        self.box.blockSignals(True)
        self.box.setText(text)
        self.box.blockSignals(False)
        self._start_search()

    def _start_search(self) -> None:
        self._timer.stop()
        text = self.box.text().strip()
        self._seq += 1
        seq = self._seq
        if not text:
            self._show(seq, [])
            self.status.clear()
            return
        self.status.setText(self.tr("Searching…"))
        self._runner.run(self._population.search, text, LIMIT,
                         on_success=lambda matches: self._show(seq, matches),
                         on_failure=lambda exc: self._failed(seq, exc))

    def _show(self, seq: int, matches) -> None:
        if not isValid(self) or seq != self._seq:
            return  # an older search: the officer has typed on since
        self.results.clear()
        for match in matches:
            item = QListWidgetItem(self._describe(match.resident))
            item.setData(RESIDENT, match.resident)
            self.results.addItem(item)
        if matches:
            self.results.setCurrentRow(0)
            self.status.setText(self.tr("Residents found: %1").replace("%1", str(len(matches))))
        else:
            self.status.setText(self.tr("No one found: check the spelling, or enrol as new (DC01)"))

    def _failed(self, seq: int, exc: BaseException) -> None:
        if not isValid(self) or seq != self._seq:
            return
        self.results.clear()
        if isinstance(exc, QueryError):
            self.status.setText(self.tr("This is not the QR code of an ID card"))
        else:  # never the raw exception text: the screen is Vietnamese
            self.status.setText(self.tr("The search failed; try again or enrol as new (DC01)"))

    def _describe(self, r) -> str:
        sex = {"male": self.tr("male"), "female": self.tr("female")}.get(r.sex or "", "")
        parts = [r.birth_name, r.date_of_birth.display() if r.date_of_birth else self.tr("birth date unknown"), sex]
        if r.personal_id:
            parts.append(self.tr("ID %1").replace("%1", r.personal_id))
        if r.household_id:
            parts.append(self.tr("household %1").replace("%1", r.household_id))
        if r.street or r.commune:
            parts.append(", ".join(p for p in (r.street, r.commune) if p))
        return " · ".join(p for p in parts if p)

    # -- household ---------------------------------------------------------------------------------------
    def set_seen(self, resident_ids) -> None:
        """Residents already enrolled this session: marked in the household list."""
        self._seen = set(resident_ids)
        self._current_changed(self.results.currentItem(), None)

    def _current_changed(self, current, _previous) -> None:
        self.choose.setEnabled(current is not None)
        resident = current.data(RESIDENT) if current is not None else None
        self.household.clear()
        if resident is None or not resident.household_id:
            return
        hid = resident.household_id
        self._runner.run(self._population.household, hid,
                         on_success=lambda members: self._show_household(hid, members))

    def _show_household(self, household_id: str, members) -> None:
        current = self.results.currentItem()
        if not isValid(self) or current is None or current.data(RESIDENT).household_id != household_id:
            return  # the officer moved on to another resident
        self.household.clear()
        for r in members:
            mark = self.tr("seen") if r.resident_id in self._seen else self.tr("not seen yet")
            relation = f" ({r.relation_to_head})" if r.relation_to_head else ""
            self.household.addItem(f"{r.birth_name}{relation} · {mark}")

    # -- choosing ----------------------------------------------------------------------------------------
    def _enter_in_box(self) -> None:
        if self._timer.isActive() or not self.results.count():
            self._start_search()
            return
        self._emit_item(self.results.currentItem())

    def _emit_item(self, item) -> None:
        if item is not None:
            self.resident_chosen.emit(item.data(RESIDENT))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        # Up/Down in the box move through the results, so the keyboard path is type → arrows → Enter.
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
            row = self.results.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            self.results.setCurrentRow(max(0, min(row, self.results.count() - 1)))
            return
        super().keyPressEvent(event)
