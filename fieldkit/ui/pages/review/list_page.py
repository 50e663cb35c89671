"""Records waiting for review: status filter, diacritic-insensitive search (the store's folded tokens), batch approve.

Batch approval is four-eyes only for records the supervisor has opened: `mark_opened` is called when the detail
page shows a record; unopened records in the selection are left out, a confirmation names who will be approved,
and the selection never carries over to other rows after the list reloads.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from fieldkit.ui import token_approval
from fieldkit.ui.messages import user_message
from fieldkit.ui.names import display_date, record_status_name

CONFIRM_NAMES = 12   # names listed in the batch confirmation; the rest are counted
COLUMNS = ("name", "personal_id", "birth_date", "duplicate", "status", "opened", "updated")
STATUS_FILTERS = (("pending_review",), ("returned",), ("sealed", "uploading", "acknowledged"), ("rejected",),
                  ("draft", "captured"))


class ReviewListPage(QWidget):
    open_record = Signal(str)
    batch_done = Signal(int, int)   # approved, failed

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.rows: list = []
        self.opened: set[str] = set()   # record ids this supervisor has looked at in the detail page
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.status_box = QComboBox()
        self.status_box.setObjectName("reviewStatus")
        self.search = QLineEdit()
        self.search.setObjectName("reviewSearch")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("reviewTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # The name takes the room that is left, the other columns their content: no sideways scrolling at 1366 px.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("name"), QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.open_button = QPushButton()
        self.open_button.setObjectName("reviewOpen")
        self.batch_button = QPushButton()
        self.batch_button.setObjectName("reviewBatch")
        self.info = QLabel()
        self.info.setObjectName("reviewCount")
        # The batch result stays until the supervisor dismisses it (a list reload must not overwrite it).
        self.result = QLabel()
        self.result.setObjectName("reviewResult")
        self.result.setWordWrap(True)
        self.dismiss_button = QPushButton()
        self.dismiss_button.setObjectName("reviewDismiss")
        self.result_row = QWidget()
        result_layout = QHBoxLayout(self.result_row)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(self.result, 1)
        result_layout.addWidget(self.dismiss_button)
        self.result_row.hide()
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
        col.addWidget(self.result_row)
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
        self.dismiss_button.clicked.connect(self.dismiss_result)
        self.table.itemSelectionChanged.connect(self._update_batch_button)
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
        headers = {"name": self.tr("Name"), "personal_id": self.tr("ID number"), "birth_date": self.tr("Date of birth"),
                   "duplicate": self.tr("Duplicate?"), "status": self.tr("Status"), "opened": self.tr("Opened"),
                   "updated": self.tr("Updated")}
        self.table.setHorizontalHeaderLabels([headers[c] for c in COLUMNS])
        self.open_button.setText(self.tr("Open (Enter)"))
        self.dismiss_button.setText(self.tr("OK"))
        self._update_batch_button()

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
                            on_failure=lambda e: self.info.setText(user_message(e)))

    def _show(self, rows: list) -> None:
        keep = set(self.selected_ids())   # by record id: row numbers point at other people after a reload
        self.rows = rows
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(self._cells(row)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.record_id)
                if COLUMNS[c] == "duplicate" and row.possible_duplicate:
                    item.setForeground(Qt.GlobalColor.darkRed)
                    item.setToolTip(self.tr("The duplicate search on submit found an earlier record that may be "
                                            "this person: open the record to compare."))
                self.table.setItem(r, c, item)
        selection = self.table.selectionModel()
        for r, row in enumerate(rows):
            if row.record_id in keep:
                selection.select(self.table.model().index(r, 0),
                                 selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
        if rows and not keep:
            self.table.setCurrentCell(0, 0, selection.SelectionFlag.NoUpdate)   # keyboard focus, nothing selected
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self.info.setText(self.tr("%1 records").replace("%1", str(len(rows))))
        self._update_batch_button()

    def _cells(self, row) -> tuple[str, ...]:
        """The texts of one row, in COLUMNS order."""
        duplicate = {True: self.tr("⛔ Possible duplicate"), False: self.tr("No")}.get(row.possible_duplicate, "—")
        return (row.name or self.tr("(sealed: name not readable on the kit)"), row.personal_id or "—",
                display_date(row.birth_date), duplicate, record_status_name(row.status),
                "✓" if row.record_id in self.opened else "",
                datetime.fromtimestamp(row.updated_at / 1000).strftime("%d/%m/%Y %H:%M"))

    def mark_opened(self, record_id: str) -> None:
        """The detail page showed this record to the supervisor: it may now be approved in a batch."""
        self.opened.add(record_id)

    def forget_opened(self) -> None:
        """A new log-in: what the previous supervisor looked at does not count for this one."""
        self.opened.clear()
        self.dismiss_result()

    def approvable_ids(self) -> list[str]:
        """Selected records waiting for review that this supervisor has opened."""
        pending = {r.record_id for r in self.rows if r.status == "pending_review"}
        return [rid for rid in self.selected_ids() if rid in self.opened and rid in pending]

    def _update_batch_button(self) -> None:
        n = len(self.approvable_ids())
        self.batch_button.setText(self.tr("Approve the opened records (%1)").replace("%1", str(n)))
        self.batch_button.setEnabled(n > 0)
        self.batch_button.setToolTip(self.tr("Only records you have opened and checked can be approved together."))

    def show_result(self, text: str) -> None:
        self.result.setText(text)
        self.result_row.show()

    def dismiss_result(self) -> None:
        self.result.clear()
        self.result_row.hide()

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.open_record.emit(self.rows[row].record_id)

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.rows[r].record_id for r in rows if r < len(self.rows)]

    def confirm_batch(self, names: list[str], skipped: int) -> bool:
        """Ask before approving: who exactly will be co-signed (a test replaces this with its answer)."""
        return self.confirmation_box(names, skipped).exec() == QMessageBox.StandardButton.Yes

    def confirmation_box(self, names: list[str], skipped: int) -> QMessageBox:
        shown = names[:CONFIRM_NAMES]   # a box taller than the 768 px screen would hide its Yes/No buttons
        text = self.tr("Approve and co-sign these %1 records?").replace("%1", str(len(names))) + "\n\n" + \
            "\n".join(f"• {n}" for n in shown)
        if len(names) > len(shown):
            text += "\n" + self.tr("… and %1 more").replace("%1", str(len(names) - len(shown)))
        if skipped:
            text += "\n\n" + self.tr("%1 selected records you have not opened are left out.").replace(
                "%1", str(skipped))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Approve records"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box

    def approve_selected(self) -> None:
        """Approve (co-sign, seal, enqueue) the selected records the supervisor has opened, after a confirmation;
        one durable transaction each, off the UI thread. A supervisor bound to a token gives its PIN once."""
        ids = self.approvable_ids()
        session = self.ctx.kit_session
        if not ids or session is None:
            return
        by_id = {r.record_id: r for r in self.rows}
        names = [f"{by_id[rid].name or '—'} ({display_date(by_id[rid].birth_date)}"
                 f"{', ' + by_id[rid].personal_id if by_id[rid].personal_id else ''})" for rid in ids]
        if not self.confirm_batch(names, len(self.selected_ids()) - len(ids)):
            return
        pin = None
        if token_approval.needs_token(session):   # asked once: one token login signs the whole batch
            pin = token_approval.ask_pin(self)
            if pin is None:
                return
        self.batch_button.setEnabled(False)
        self.show_result(self.tr("Approving and sealing %1 records…").replace("%1", str(len(ids))))
        job = token_approval.approve_each_job(self.ctx, ids, pin)

        def finished(result) -> None:
            ok, failed = result
            lines = [f"{by_id[rid].name or '—'}: {user_message(exc)}" for rid, exc in failed]
            self.show_result(self.tr("%1 approved and sealed, %2 failed.").replace("%1", str(ok))
                             .replace("%2", str(len(failed))) + ("\n" + "\n".join(lines) if lines else ""))
            self.table.clearSelection()   # nothing stays selected for a second click
            self.batch_done.emit(ok, len(failed))
            self.refresh()

        def failed_whole(exc: BaseException) -> None:   # the token login failed: nothing was signed
            self.show_result(self.tr("Nothing approved: %1").replace("%1", user_message(exc)))
            self._update_batch_button()

        self.ctx.runner.run(job, on_success=finished, on_failure=failed_whole)

