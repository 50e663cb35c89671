"""After log-in: what this user can do, by role; counts of the kit's work (as MOSIP / ODK users expect: drafts,
waiting for review, returned, waiting to send, refused by the hub, last delivery); the devices' state; the
officer's unfinished drafts to continue.

Laid out for a 1366×768 screen: the actions sit in a grid of two columns, the counts in one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from fieldkit.ui.messages import user_message
from fieldkit.ui.names import display_date, record_status_name, role_name

ACTIONS = {
    "officer": ("session", "enrol", "summary", "sync"),
    "supervisor": ("session", "enrol", "review", "summary", "sync"),
    "technician": ("lab", "sync"),
}
COUNTS = ("drafts", "pending", "returned", "to_send", "refused")
DEVICES = ("camera", "fingerprint", "slap_scanner", "qr_reader")


@dataclass(frozen=True)
class KitCounts:
    """What the home page shows of the kit's records and queue (read off the UI thread)."""

    drafts: int
    pending: int
    returned: int
    to_send: int
    refused: int
    last_delivery_ms: int | None   # when the hub last acknowledged a record of this kit


def read_counts(kit_session) -> KitCounts:
    """Counts for the logged-in user (officers: their own records; the queue is the kit's)."""
    from fieldkit.enrolment.service import ReviewFilter
    officer = kit_session.user.user_id if kit_session.user.role == "officer" else None

    def count(*statuses: str) -> int:
        return kit_session.count(ReviewFilter(statuses=statuses, officer_id=officer))

    delivered = kit_session.list_for_review(ReviewFilter(statuses=("acknowledged",), officer_id=officer, limit=1))
    refused = len(kit_session.service.queue(kit_session).refused())
    return KitCounts(count("draft", "captured"), count("pending_review"), count("returned"),
                     count("sealed", "uploading"), refused, delivered[0].updated_at if delivered else None)


class HomePage(QWidget):
    action = Signal(str)
    continue_draft = Signal(str)

    def __init__(self, ctx, settings=None, data_dir: str = ""):
        super().__init__()
        self.ctx = ctx
        self.counts: KitCounts | None = None
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.enrol_hint = QLabel()
        self.enrol_hint.setObjectName("issueText")
        self.enrol_hint.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        actions = QGridLayout()
        for key in ("session", "enrol", "review", "summary", "sync", "lab"):
            b = QPushButton()
            b.setObjectName(f"home_{key}")
            b.setMinimumHeight(48)
            b.clicked.connect(lambda _c=False, k=key: self.action.emit(k))
            self.buttons[key] = b
        # counts: a number over a caption, in one row
        self.count_values = {k: QLabel("—") for k in COUNTS}
        self.count_names = {k: QLabel() for k in COUNTS}
        counts = QGridLayout()
        for i, k in enumerate(COUNTS):
            self.count_values[k].setObjectName(f"count_{k}")
            self.count_values[k].setStyleSheet("font-size: 18pt; font-weight: bold; color: #0b5d3b;")
            self.count_names[k].setWordWrap(True)
            counts.addWidget(self.count_values[k], 0, i)
            counts.addWidget(self.count_names[k], 1, i)
        self.last_sync = QLabel()
        self.last_sync.setObjectName("homeLastSync")
        self.device_label = QLabel()
        self.device_label.setObjectName("homeDevices")
        self.device_label.setWordWrap(True)
        self.check_devices_button = QPushButton()
        self.check_devices_button.setObjectName("homeCheckDevices")
        devices = QHBoxLayout()
        devices.addWidget(self.device_label, 1)
        devices.addWidget(self.check_devices_button)
        self.drafts_label = QLabel()
        self.drafts = QListWidget()
        self.drafts.setObjectName("homeDrafts")
        self.drafts.itemActivated.connect(lambda item: self.continue_draft.emit(item.data(256)))
        self._actions = actions
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addWidget(self.subtitle)
        col.addLayout(actions)
        col.addWidget(self.enrol_hint)
        col.addLayout(counts)
        col.addWidget(self.last_sync)
        col.addLayout(devices)
        col.addWidget(self.drafts_label)
        col.addWidget(self.drafts, 1)
        self.check_devices_button.clicked.connect(self.check_devices)
        if ctx.devices is not None:
            for signal in (ctx.devices.opened, ctx.devices.closed, ctx.devices.failed, ctx.devices.health_changed):
                signal.connect(lambda *_a: self.show_devices())
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Mobile ID enrolment"))
        texts = {"session": self.tr("Set up today's session"), "enrol": self.tr("Enrol a citizen"),
                 "review": self.tr("Review records"), "summary": self.tr("Session summary"),
                 "sync": self.tr("Send to the hub"), "lab": self.tr("Hardware lab")}
        for key, b in self.buttons.items():
            b.setText(texts[key])
        names = {"drafts": self.tr("drafts"), "pending": self.tr("waiting for review"),
                 "returned": self.tr("returned to the officer"), "to_send": self.tr("waiting to send"),
                 "refused": self.tr("refused by the hub")}
        for k, label in self.count_names.items():
            label.setText(names[k])
        self.check_devices_button.setText(self.tr("Check the devices"))
        self.drafts_label.setText(self.tr("Unfinished records (Enter to continue):"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _place_buttons(self, allowed: tuple[str, ...]) -> None:
        for b in self.buttons.values():
            self._actions.removeWidget(b)
            b.setVisible(False)
        for i, key in enumerate(allowed):
            self._actions.addWidget(self.buttons[key], i // 2, i % 2)
            self.buttons[key].setVisible(True)

    def refresh(self) -> None:
        role = self.ctx.role
        allowed = ACTIONS.get(role, ())
        self._place_buttons(allowed)
        has_session = self.ctx.work_session is not None
        self.buttons["enrol"].setEnabled(has_session)
        # A greyed-out button says why (issue 13: "Thu nhận" was disabled without a reason).
        self.enrol_hint.setText("" if has_session or "enrol" not in allowed else
                                self.tr("To enrol, first set up today's session (where the team works)."))
        self.enrol_hint.setVisible(bool(self.enrol_hint.text()))
        first = next((self.buttons[k] for k in allowed if self.buttons[k].isEnabled()), None)
        if first is not None:
            first.setFocus()
        ws = self.ctx.work_session
        who = self.tr("%1 (%2)").replace("%1", self.ctx.user_name).replace("%2", role_name(role)) if role else ""
        place = f" — {ws.commune}, {ws.province}" if ws else ""
        self.subtitle.setText(who + place)
        show_drafts = role in ("officer", "supervisor")
        self.drafts.setVisible(show_drafts)
        self.drafts_label.setVisible(show_drafts)
        self.show_devices()
        self._show_counts(self.counts)
        if self.ctx.kit_session is None:
            return
        self.ctx.runner.run(read_counts, self.ctx.kit_session, on_success=self._show_counts,
                            on_failure=lambda _e: self._show_counts(None))
        if show_drafts:
            from fieldkit.enrolment.service import ReviewFilter
            f = ReviewFilter(statuses=("draft", "captured", "returned"), limit=50)
            self.ctx.runner.run(self.ctx.kit_session.list_for_review, f, on_success=self._show_drafts,
                                on_failure=lambda _e: self.drafts.clear())

    def _show_counts(self, counts: KitCounts | None) -> None:
        self.counts = counts
        for k, label in self.count_values.items():
            label.setText(str(getattr(counts, k)) if counts else "—")
        last = counts.last_delivery_ms if counts else None
        when = datetime.fromtimestamp(last / 1000).strftime("%d/%m/%Y %H:%M") if last else self.tr("never")
        self.last_sync.setText(self.tr("Last record received by the hub: %1").replace("%1", when))

    def show_devices(self) -> None:
        manager, settings = self.ctx.devices, self.ctx.settings
        if manager is None:
            return
        names = {"camera": self.tr("Camera"), "fingerprint": self.tr("Fingerprint scanner"),
                 "slap_scanner": self.tr("Slap scanner"), "qr_reader": self.tr("QR reader")}
        parts = []
        for key in DEVICES:
            spec = getattr(settings, key, "")
            if not spec:
                continue
            if spec in manager.errors:
                state = "⛔ " + user_message(manager.errors[spec])
            elif manager.is_open(spec):
                health = manager.health.get(spec, "ok")
                state = "✓ " + self.tr("ready") if health == "ok" else "⚠ " + self.tr("not delivering a picture")
            else:
                state = self.tr("not checked yet")
            parts.append(f"{names[key]}: {state}")
        self.device_label.setText(" · ".join(parts))

    def check_devices(self) -> None:
        """Open every configured device (in the background): each line then says ready or what is wrong."""
        for key in DEVICES:
            spec = getattr(self.ctx.settings, key, "")
            if spec:
                self.ctx.devices.open(spec)
        self.show_devices()

    def _show_drafts(self, rows) -> None:
        self.drafts.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.name or '—'} · {display_date(row.birth_date)} · "
                                   f"{record_status_name(row.status)}")
            item.setData(256, row.record_id)
            self.drafts.addItem(item)

