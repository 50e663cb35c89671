"""The header's sync state, always in words: offline · sending 3 of 12 · all delivered · 2 refused, with a
progress bar while packets move, and "paused while locked" on the lock screen.

It only shows what it is given: `show_snapshot(snapshot)` with sync.client.status.SyncStatus.snapshot()
(from fieldkit.ui.sync_adapter.BackgroundSync.status_changed, already on the UI thread) and
`show_paused(reason, waiting)`. "Sending k of n" counts from the first packet of the current batch: the
batch ends when nothing is left to send.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

BAR_STEPS = 1000


class SyncStatusWidget(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.label = QLabel()
        self.label.setObjectName("syncStatusText")
        self.bar = QProgressBar()
        self.bar.setObjectName("syncStatusBar")
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(120)
        self.bar.setMaximumHeight(14)
        self.bar.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.bar)
        self._snapshot: dict | None = None
        self._paused: tuple[str, int] | None = ("locked", 0)
        self._batch_base: int | None = None  # delivered_total when the current batch began
        self._render()

    # -- inputs (UI thread) ---------------------------------------------------------------------------------
    def show_snapshot(self, snapshot: dict) -> None:
        if snapshot.get("state") == "stopped":
            return  # a stopped worker says nothing new: the paused reason (lock, logout) follows
        self._snapshot, self._paused = dict(snapshot), None
        self._track_batch(self._snapshot)
        self._render()

    def show_paused(self, reason: str, waiting: int = 0) -> None:
        self._paused, self._snapshot, self._batch_base = (reason, waiting), None, None
        self._render()

    def text(self) -> str:
        return self.label.text()

    # -- words ------------------------------------------------------------------------------------------------
    def _track_batch(self, snap: dict) -> None:
        delivered, queued = int(snap.get("delivered_total", 0)), int(snap.get("queued", 0))
        if queued == 0:
            self._batch_base = None
        elif self._batch_base is None and snap.get("state") == "uploading":
            self._batch_base = delivered

    def _render(self) -> None:
        self.label.setText(self._words())
        self._render_bar()

    def _words(self) -> str:
        if self._paused is not None:
            reason, waiting = self._paused
            if reason == "not_provisioned":
                return self.tr("Not connected to a hub")
            if waiting:
                return self.tr("Sending paused while locked · %1 waiting").replace("%1", str(waiting))
            return self.tr("Sending paused while locked")
        snap = self._snapshot or {}
        state, queued = snap.get("state"), int(snap.get("queued", 0))
        if state == "uploading" and self._batch_base is not None:
            done = int(snap.get("delivered_total", 0)) - self._batch_base
            text = self.tr("Sending %1 of %2").replace("%1", str(done + 1)).replace("%2", str(done + queued))
        elif state == "offline":
            text = self.tr("Offline · %1 waiting").replace("%1", str(queued))
        elif state in ("probing", "uploading"):
            text = self.tr("Looking for the hub… · %1 waiting").replace("%1", str(queued))
        elif queued:
            text = self.tr("%1 waiting").replace("%1", str(queued))
        else:
            text = self.tr("All delivered")
        refused = int(snap.get("refused", 0))
        if refused:
            text += " · " + self.tr("%1 refused").replace("%1", str(refused))
        return text

    def _render_bar(self) -> None:
        snap = self._snapshot or {}
        if self._paused is not None or snap.get("state") != "uploading" or self._batch_base is None:
            self.bar.hide()
            return
        done = int(snap.get("delivered_total", 0)) - self._batch_base
        total = max(done + int(snap.get("queued", 0)), 1)
        flight = snap.get("in_flight") or {}
        moved = max(flight.get("confirmed_bytes", 0), flight.get("sent_bytes", 0))  # a stream is confirmed at its end
        part = moved / flight["size"] if flight.get("size") else 0.0
        self.bar.setValue(int(BAR_STEPS * min(1.0, (done + part) / total)))
        self.bar.show()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)
