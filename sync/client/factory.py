"""Build the sync client for a kit from its data folder: the one place that wires hub keys, the kit's packet
queue, its device identity and the HTTP client together.

    with for_kit(data_dir, settings, service, session) as kit_sync:   # or kit_sync.close() when done
        result = kit_sync.run_once()              # one pass, audited as a `sync` entry
        kit_sync.start(); kit_sync.wake()         # or the background thread (the app); close() stops it

`service` is the kit's EnrolmentService and `session` an unlocked KitSession (its device key signs every
request). `hub_url` overrides the provisioned address (e.g. a local proxy in front of the hub).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sync.client.kit import DeviceIdentity
from sync.client.queue_outbox import QueueOutbox
from sync.client.status import SyncStatus
from sync.client.transport import HubClient, Timeouts
from sync.client.worker import PassResult, SyncWorker


@dataclass
class KitSync:
    """The kit's sync worker with the HTTP client it owns; close() releases the connections."""

    worker: SyncWorker
    client: HubClient
    outbox: QueueOutbox

    @property
    def status(self) -> SyncStatus:
        return self.worker.status

    def __post_init__(self) -> None:
        # Packets refused earlier stay on the kit: people see them (with the hub's reason) from the start.
        for packet_id, reason in self.outbox.refused():
            self.status.packet_refused(packet_id, reason)
        self._pass_listeners: list[Callable[[PassResult], None]] = []
        self.worker.on_pass = self._after_background_pass

    def run_once(self) -> PassResult:
        """One delivery pass, then an audited `sync` entry with the counts (never packet contents)."""
        result = self.worker.run_once()
        self._audit(result)
        return result

    def start(self) -> "KitSync":
        """The background worker thread: waits for the link, delivers, and tries again at once on wake()."""
        self.worker.start()
        return self

    def wake(self) -> None:
        """Try now: a packet was just sealed, or someone pressed "send now"."""
        self.worker.wake()

    def add_pass_listener(self, listener: Callable[[PassResult], None]) -> None:
        """Called (on the worker thread) after each pass of the background thread."""
        self._pass_listeners.append(listener)

    def _after_background_pass(self, result: PassResult) -> None:
        # Audited when the pass changed something: a dropping link makes a pass every second or two, and an
        # entry for each would flood the log with nothing.
        if result.delivered or result.rejected or result.purged:
            self._audit(result)
        for listener in list(self._pass_listeners):
            listener(result)

    def _audit(self, result: PassResult) -> None:
        self.outbox.queue.record_sync({"route": "network", "delivered": result.delivered,
                                       "rejected": result.rejected, "purged": result.purged,
                                       "reached_hub": result.reached_hub})

    def close(self) -> None:
        self.worker.stop()
        self.client.close()

    def __enter__(self) -> "KitSync":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def for_kit(data_dir: Path, settings, service, session, *, hub_url: str | None = None,
            status: SyncStatus | None = None, timeouts: Timeouts | None = None, **worker_options) -> KitSync:
    """A KitSync for the provisioned hub of the kit in `data_dir` (HubNotProvisioned if it has none)."""
    from fieldkit.security.hub_keys import load_hub_keys

    hub = load_hub_keys(Path(data_dir))
    identity = DeviceIdentity(session.kit.kit_id, session.kit.device_key)
    client = HubClient(hub_url or hub.hub_url, identity, timeouts or Timeouts())
    outbox = QueueOutbox(service.queue(session))
    worker = SyncWorker(client, outbox, hub.signing_public_key, status or SyncStatus(),
                        retention_days=settings.sync_retention_days, **worker_options)
    worker.before_packets = lambda: _send_roster(client, Path(data_dir), session.kit)
    return KitSync(worker, client, outbox)


def _send_roster(client, data_dir: Path, kit):
    """The roster update at the start of a pass; a refusal is logged and the packets go on (sync/client/roster.py)."""
    from sync.client.roster import send_roster_update

    return send_roster_update(client, data_dir, kit)


def export_for_kit(service, session, drive: Path):
    """The USB route out (`fieldkit export DIR`, the app's Export button): undelivered packets and a signed
    manifest on the drive, then an audited `sync` entry. Needs no hub provisioning."""
    from sync.client.roster import roster_update_for_drive
    from sync.usb import export_packets

    queue = service.queue(session)
    result = export_packets(Path(drive), DeviceIdentity(session.kit.kit_id, session.kit.device_key),
                            QueueOutbox(queue), roster=roster_update_for_drive(session.kit.data_dir, session.kit))
    queue.record_sync({"route": "usb-export", "written": len(result.written), "removed": len(result.removed)})
    return result


def import_receipts_for_kit(data_dir: Path, service, session, drive: Path):
    """The USB route back (`fieldkit import-receipts DIR`, the app's Import button): verify the hub's
    receipts with the provisioned hub key, settle those packets, audit the counts."""
    from fieldkit.security.hub_keys import load_hub_keys
    from sync.usb import import_receipts

    hub = load_hub_keys(Path(data_dir))
    queue = service.queue(session)
    result = import_receipts(Path(drive), session.kit.kit_id, QueueOutbox(queue), hub.signing_public_key)
    queue.record_sync({"route": "usb-receipts", "acknowledged": len(result.acknowledged),
                       "rejected": len(result.rejected), "invalid": len(result.invalid)})
    return result
