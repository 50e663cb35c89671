"""Records waiting for review: status filter, diacritic-insensitive search (the store's folded tokens), batch approve."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from fieldkit.ui.names import record_status_name

STATUS_FILTERS = (("pending_review",), ("returned",), ("sealed", "uploading", "acknowledged"), ("rejected",),
                  ("draft", "captured"))


class ReviewListPage(QWidget):
    open_record = Signal(str)
    batch_done = Signal(int, int)   # approved, failed

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.rows: list = []
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.status_box = QComboBox()
        self.status_box.setObjectName("reviewStatus")
        self.search = QLineEdit()
        self.search.setObjectName("reviewSearch")
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("reviewTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.open_button = QPushButton()
        self.open_button.setObjectName("reviewOpen")
        self.batch_button = QPushButton()
        self.batch_button.setObjectName("reviewBatch")
        self.info = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.status_box)
        top.addWidget(self.search, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.batch_button)
        buttons.addWidget(self.info, 1)
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addLayout(top)
        col.addWidget(self.table, 1)
        col.addLayout(buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.status_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.cellDoubleClicked.connect(lambda r, _c: self._open_row(r))
        self.table.itemActivated.connect(lambda item: self._open_row(item.row()))
        self.open_button.clicked.connect(lambda: self._open_row(self.table.currentRow()))
        self.batch_button.clicked.connect(self.approve_selected)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Records to review"))
        current = max(self.status_box.currentIndex(), 0)
        self.status_box.blockSignals(True)
        self.status_box.clear()
        for statuses in STATUS_FILTERS:
            self.status_box.addItem(" / ".join(record_status_name(s) for s in statuses), statuses)
        self.status_box.setCurrentIndex(current)
        self.status_box.blockSignals(False)
        self.search.setPlaceholderText(self.tr("Search by name or ID number (diacritics optional)"))
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Date of birth"), self.tr("Status"),
                                              self.tr("Updated")])
        self.open_button.setText(self.tr("Open (Enter)"))
        self.batch_button.setText(self.tr("Approve the selected records"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.refresh()
        super().changeEvent(event)

    def refresh(self) -> None:
        session = self.ctx.kit_session
        if session is None:
            return
        from fieldkit.enrolment.service import ReviewFilter
        f = ReviewFilter(statuses=tuple(self.status_box.currentData() or ("pending_review",)),
                         search=self.search.text(), limit=200)
        self.ctx.runner.run(session.list_for_review, f, on_success=self._show,
                            on_failure=lambda e: self.info.setText(str(e)))

    def _show(self, rows: list) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            updated = datetime.fromtimestamp(row.updated_at / 1000).strftime("%d/%m %H:%M")
            for c, text in enumerate((row.name or "—", display_date(row.birth_date), record_status_name(row.status), updated)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.record_id)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.info.setText(self.tr("%1 records").replace("%1", str(len(rows))))
        if rows and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.open_record.emit(self.rows[row].record_id)

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.rows[r].record_id for r in rows if r < len(self.rows)]

    def approve_selected(self) -> None:
        """Approve (co-sign, seal, enqueue) every selected record, one durable transaction each, off the UI thread."""
        ids = self.selected_ids()
        session = self.ctx.kit_session
        if not ids or session is None:
            return
        self.batch_button.setEnabled(False)
        self.info.setText(self.tr("Approving and sealing %1 records…").replace("%1", str(len(ids))))

        def job():
            ok, failed = 0, []
            for rid in ids:
                try:
                    session.approve(rid)
                    ok += 1
                except Exception as exc:  # one bad record must not stop the batch; each is reported
                    failed.append(f"{rid[:8]}: {exc}")
            return ok, failed

        def finished(result) -> None:
            ok, failed = result
            self.batch_button.setEnabled(True)
            self.info.setText(self.tr("%1 approved and sealed, %2 failed.").replace("%1", str(ok))
                              .replace("%2", str(len(failed))) + ("\n" + "\n".join(failed) if failed else ""))
            self.batch_done.emit(ok, len(failed))
            self.refresh()

        self.ctx.runner.run(job, on_success=finished, on_failure=lambda e: self.info.setText(str(e)))


def display_date(value: str | None) -> str:
    """ISO dates as officers write them (DD/MM/YYYY, MM/YYYY or YYYY); anything else as stored."""
    parts = (value or "").split("-")
    if len(parts) in (1, 2, 3) and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        return "/".join(reversed(parts))
    return value or ""
