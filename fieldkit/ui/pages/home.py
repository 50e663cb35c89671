"""After log-in: what this user can do, by role, and the officer's unfinished drafts to continue."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from fieldkit.ui.names import record_status_name, role_name

ACTIONS = {
    "officer": ("session", "enrol", "summary", "sync"),
    "supervisor": ("session", "enrol", "review", "summary", "sync"),
    "technician": ("lab", "sync"),
}


class HomePage(QWidget):
    action = Signal(str)
    continue_draft = Signal(str)

    def __init__(self, ctx, settings=None, data_dir: str = ""):
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addWidget(self.subtitle)
        for key in ("session", "enrol", "review", "summary", "sync", "lab"):
            b = QPushButton()
            b.setObjectName(f"home_{key}")
            b.setMinimumHeight(56)
            b.clicked.connect(lambda _c=False, k=key: self.action.emit(k))
            self.buttons[key] = b
            col.addWidget(b)
        self.drafts_label = QLabel()
        self.drafts = QListWidget()
        self.drafts.setObjectName("homeDrafts")
        self.drafts.itemActivated.connect(lambda item: self.continue_draft.emit(item.data(256)))
        col.addWidget(self.drafts_label)
        col.addWidget(self.drafts, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Mobile ID enrolment"))
        texts = {"session": self.tr("Set up today's session"), "enrol": self.tr("Enrol a citizen"),
                 "review": self.tr("Review records"), "summary": self.tr("Session summary"),
                 "sync": self.tr("Send to the hub"), "lab": self.tr("Hardware lab")}
        for key, b in self.buttons.items():
            b.setText(texts[key])
        self.drafts_label.setText(self.tr("Unfinished records (Enter to continue):"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        role = self.ctx.role
        allowed = ACTIONS.get(role, ())
        for key, b in self.buttons.items():
            b.setVisible(key in allowed)
        self.buttons["enrol"].setEnabled(self.ctx.work_session is not None)
        first = next((b for k, b in self.buttons.items() if k in allowed and b.isEnabled()), None)
        if first is not None:
            first.setFocus()
        ws = self.ctx.work_session
        who = self.tr("%1 (%2)").replace("%1", self.ctx.user_name).replace("%2", role_name(role)) if role else ""
        place = f" — {ws.commune}, {ws.province}" if ws else ""
        self.subtitle.setText(who + place)
        show_drafts = role in ("officer", "supervisor")
        self.drafts.setVisible(show_drafts)
        self.drafts_label.setVisible(show_drafts)
        if show_drafts and self.ctx.kit_session is not None:
            from fieldkit.enrolment.service import ReviewFilter
            f = ReviewFilter(statuses=("draft", "captured", "returned"), limit=50)
            self.ctx.runner.run(self.ctx.kit_session.list_for_review, f, on_success=self._show_drafts,
                                on_failure=lambda _e: self.drafts.clear())

    def _show_drafts(self, rows) -> None:
        self.drafts.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.name or '—'} · {row.birth_date} · {record_status_name(row.status)}")
            item.setData(256, row.record_id)
            self.drafts.addItem(item)
