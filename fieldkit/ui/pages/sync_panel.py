"""Sync: is the hub reachable, what is queued and moving (packets, bytes), each packet's fate; USB route.

The kit sends by itself: the panel owns the app's BackgroundSync (fieldkit.ui.sync_adapter), started when
someone logs in on a provisioned kit and stopped on lock and close; its status reaches this page and the
header's SyncStatusWidget as Qt signals on the UI thread. "Send now" wakes the worker and reports the pass
that follows.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from fieldkit.ui import sync_adapter
from fieldkit.ui.messages import local_time
from fieldkit.ui.names import record_status_name
from sync.client.factory import export_for_kit, import_receipts_for_kit
from sync.client.worker import PassResult


class SyncPanel(QWidget):
    pass_finished = Signal(object)   # sync.client.worker.PassResult
    usb_finished = Signal(str, object)   # "export" / "receipts", and sync.usb's result (or the exception)

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.background = sync_adapter.BackgroundSync(ctx, self)
        self.background.status_changed.connect(self.show_status)
        self.background.pass_done.connect(self._background_pass)
        self._send_now_pending = False
        self._unreported = PassResult()   # delivered/refused by background passes since the last report
        self._header = None
        self._last_snapshot = None
        self._link_reports_pass = False  # the line above the bars says how the last "Send now" went
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.link = QLabel()
        self.link.setObjectName("syncLink")
        self.packets_bar = QProgressBar()
        self.packets_bar.setObjectName("syncPackets")
        self.bytes_bar = QProgressBar()
        self.bytes_bar.setObjectName("syncBytes")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("syncTable")
        self.table.horizontalHeader().setStretchLastSection(True)
        self.sync_button = QPushButton()
        self.sync_button.setObjectName("syncNow")
        self.export_button = QPushButton()
        self.export_button.setObjectName("usbExport")
        self.import_button = QPushButton()
        self.import_button.setObjectName("usbReceipts")
        self.usb_note = QLabel()
        self.usb_note.setObjectName("usbStatus")
        self.usb_note.setWordWrap(True)
        self._usb_busy = False
        self._usb_text = None   # builds the USB status line in the current language (re-run on a switch)
        self.packets_label, self.bytes_label = QLabel(), QLabel()
        bars = QVBoxLayout()
        for label, bar in ((self.packets_label, self.packets_bar), (self.bytes_label, self.bytes_bar)):
            row = QHBoxLayout()
            label.setMinimumWidth(160)
            row.addWidget(label)
            row.addWidget(bar, 1)
            bars.addLayout(row)
        buttons = QHBoxLayout()
        for b in (self.sync_button, self.export_button, self.import_button):
            buttons.addWidget(b)
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addWidget(self.link)
        col.addLayout(bars)
        col.addWidget(self.detail)
        col.addWidget(self.table, 1)
        col.addLayout(buttons)
        col.addWidget(self.usb_note)
        self.sync_button.clicked.connect(self.sync_now)
        self.export_button.clicked.connect(lambda: self.export_to_usb())
        self.import_button.clicked.connect(lambda: self.import_receipts())
        self._delivered_start = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sending to the hub"))
        self.packets_label.setText(self.tr("Packets"))
        self.bytes_label.setText(self.tr("Current packet"))
        self.sync_button.setText(self.tr("Send now"))
        self.export_button.setText(self.tr("Export to USB…"))
        self.import_button.setText(self.tr("Import receipts from USB…"))
        self.table.setHorizontalHeaderLabels([self.tr("Packet"), self.tr("Status"), self.tr("Size"), self.tr("Problem")])
        self._show_usb()
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- state ----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        service = self.ctx.service
        usb_ready = self.ctx.kit_session is not None and not self._usb_busy
        self.export_button.setEnabled(usb_ready)
        # Receipts are verified with the hub's key from provisioning.
        self.import_button.setEnabled(usb_ready and sync_adapter.hub_configured(self.ctx.data_dir))
        if service is None:
            self.link.setText(self.tr("Log in to see the queue."))
            self._link_reports_pass = False
            return
        if not sync_adapter.hub_configured(self.ctx.data_dir):
            self.link.setText(self.tr("This kit is not provisioned: run `fieldkit provision` with the hub's token."))
            self.sync_button.setEnabled(False)
        else:
            self.sync_button.setEnabled(self.ctx.kit_session is not None and not self._send_now_pending)
            if self._last_snapshot is None:
                self.link.setText(self.tr("Not tried yet."))
            elif not self._link_reports_pass:
                self.link.setText("")  # the background worker's state is in the lines below (and the header)
        rows = sync_adapter.packet_rows(service)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            if row.refused_reason is not None:   # the hub's signed refusal, kept with the packet
                status = self.tr("refused by the hub")
                # The hub's stable code only: its message is English (`fieldkit queue list --status refused`
                # shows it whole, with the signed receipt).
                code = row.refused_reason.split(":", 1)[0].strip()
                problem = self.tr("Refused by the hub: %1").replace("%1", code)
            else:
                status, problem = record_status_name(row.status), row.last_error
            for c, text in enumerate((row.packet_id[:12], status, f"{row.size / 1024:.0f} KB", problem)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()   # ids and Vietnamese status names are not cut off
        waiting = sum(1 for row in rows if row.status in ("sealed", "uploading") and row.refused_reason is None)
        done = sum(1 for row in rows if row.status == "acknowledged")
        self.packets_bar.setRange(0, max(waiting + done, 1))
        self.packets_bar.setValue(done)
        self.packets_bar.setFormat(self.tr("%1 received by the hub, %2 waiting").replace("%1", str(done))
                                   .replace("%2", str(waiting)))

    # -- the background sync -----------------------------------------------------------------------------
    def attach_header(self, header) -> None:
        """Show the sync state in the window's header (fieldkit.ui.widgets.sync_status.SyncStatusWidget),
        and start/pause sending as people log in and out."""
        self._header = header
        self.background.status_changed.connect(header.show_snapshot)
        self.background.paused.connect(lambda reason: header.show_paused(
            reason, sync_adapter.waiting_count(self.ctx.service)))
        self.ctx.user_changed.connect(self._user_changed)
        self._user_changed()

    def _user_changed(self) -> None:
        if self.ctx.kit_session is not None:
            self.background.start()
        else:
            self.background.stop("locked", wait=False)

    def wake(self) -> None:
        """A packet was sealed: send it now (the app calls this after approve)."""
        self.background.wake()

    def sync_now(self) -> None:
        """"Send now": wake the background worker; `pass_finished` reports the pass that follows."""
        if self.ctx.kit_session is None:
            return
        self._send_now_pending = True
        self.sync_button.setEnabled(False)
        self.link.setText(self.tr("Contacting the hub…"))
        self.background.wake()

    def _background_pass(self, result) -> None:
        # "Send now" reports what moved since the last report: the worker may have delivered a packet on its
        # own (woken by an approve) just before the button was pressed.
        self._unreported.delivered += result.delivered
        self._unreported.rejected += result.rejected
        if self._send_now_pending:
            self._send_now_pending = False
            report = replace(result, delivered=self._unreported.delivered, rejected=self._unreported.rejected)
            self._unreported = PassResult()
            self._pass_done(report)
        elif self.isVisible():
            self.refresh()

    def _pass_done(self, result) -> None:
        self.sync_button.setEnabled(True)
        self._link_reports_pass = True
        if result.reached_hub:
            self.link.setText(self.tr("Hub reached: %1 delivered, %2 refused, %3 stuck.")
                              .replace("%1", str(result.delivered)).replace("%2", str(result.rejected))
                              .replace("%3", str(result.stuck)))
        else:
            self.link.setText(self.tr("No connection to the hub. The kit keeps trying by itself."))
        self.refresh()
        self.pass_finished.emit(result)

    def show_status(self, snap: dict) -> None:
        self._last_snapshot = snap
        flight = snap.get("in_flight")
        if flight:
            self.bytes_bar.setRange(0, max(int(flight["size"]), 1))
            # a stream is confirmed only at its end: what it has sent moves the bar meanwhile
            self.bytes_bar.setValue(int(max(flight.get("confirmed_bytes", 0), flight.get("sent_bytes", 0))))
        else:
            self.bytes_bar.setRange(0, 1)
            self.bytes_bar.setValue(0)
        states = {"idle": self.tr("waiting for new packets"), "offline": self.tr("no connection"),
                  "probing": self.tr("looking for the hub"), "uploading": self.tr("sending"),
                  "stopped": self.tr("paused")}
        lines = [self.tr("State: %1").replace("%1", states.get(snap.get("state", ""), "")),
                 self.tr("Last success: %1").replace("%1", local_time(snap.get("last_success_at")))]
        if snap.get("last_error"):   # the raw error goes to the log, not to the screen
            lines.append(self.tr("The last attempt failed; the kit tries again by itself."))
        for stuck in snap.get("stuck", []):
            lines.append(self.tr("Stuck %1: %2").replace("%1", str(stuck.get("packet_id", ""))[:12])
                         .replace("%2", str(stuck.get("reason", ""))))
        self.detail.setText("\n".join(lines))

    # -- USB route --------------------------------------------------------------------------------------
    def choose_drive(self, title: str) -> str:
        """Ask for the USB drive's folder (tests replace this); "" when cancelled."""
        from PySide6.QtWidgets import QFileDialog
        return QFileDialog.getExistingDirectory(self, title)

    def export_to_usb(self, drive: str | None = None) -> None:
        """Write every undelivered packet and a signed manifest to a drive (`fieldkit export DIR`)."""
        drive = drive or self.choose_drive(self.tr("Choose the USB drive to export to"))
        if drive and self.ctx.kit_session is not None:
            self._usb_run("export", export_for_kit, drive,
                          self.tr("Writing packets to %1…").replace("%1", drive))

    def import_receipts(self, drive: str | None = None) -> None:
        """Settle packets with the hub's signed receipts from a drive (`fieldkit import-receipts DIR`)."""
        drive = drive or self.choose_drive(self.tr("Choose the USB drive with the hub's receipts"))
        if drive and self.ctx.kit_session is not None:
            self._usb_run("receipts", partial(import_receipts_for_kit, self.ctx.data_dir), drive,
                          self.tr("Reading receipts from %1…").replace("%1", drive))

    def _show_usb(self, text_builder=None) -> None:
        if text_builder is not None:
            self._usb_text = text_builder
        self.usb_note.setText(self._usb_text() if self._usb_text else "")

    def _usb_run(self, kind: str, job, drive: str, busy_text: str) -> None:
        self._usb_busy = True
        self._show_usb(lambda: busy_text)
        self.refresh()
        self.ctx.runner.run(job, self.ctx.service, self.ctx.kit_session, drive,
                            on_success=lambda result: self._usb_done(kind, result),
                            on_failure=lambda exc: self._usb_done(kind, exc))

    def _usb_done(self, kind: str, result) -> None:
        self._usb_busy = False
        if isinstance(result, BaseException):
            self._show_usb(lambda: self.tr("USB transfer failed: %1").replace("%1", str(result)))
        elif kind == "export":
            self._show_usb(lambda: self.tr(
                "Exported %1 packet(s) to %2 (%3 already there, %4 delivered ones removed). Take the drive to the hub.")
                .replace("%1", str(len(result.written))).replace("%2", str(result.directory))
                .replace("%3", str(len(result.already_there))).replace("%4", str(len(result.removed))))
        else:
            self._show_usb(lambda: self.tr(
                "Receipts: %1 acknowledged, %2 refused by the hub, %3 invalid, %4 already settled.")
                .replace("%1", str(len(result.acknowledged))).replace("%2", str(len(result.rejected)))
                .replace("%3", str(len(result.invalid))).replace("%4", str(len(result.already_settled))))
        self.refresh()
        self.usb_finished.emit(kind, result)

    def table_rows(self) -> list:
        """The queue rows behind the table (fieldkit.store.queue.PacketRow)."""
        return sync_adapter.packet_rows(self.ctx.service) if self.ctx.service else []

    def close_worker(self, wait: bool = True) -> None:
        """Stop the background sync (lock: wait=False, its thread is joined off the UI thread; close: wait)."""
        self.background.stop("locked", wait=wait)
