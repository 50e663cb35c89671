"""The app's link to the kit's sync client: provisioning state, the queue rows the sync panel lists, and the
background sync that runs by itself while someone is logged in.

`BackgroundSync` starts the kit's SyncWorker thread (sync.client.for_kit) after login on a provisioned kit:
it waits for the hub with back-off, delivers without a click, and tries at once on `wake()` (a record was
approved and sealed, or "send now"). The worker's status listener fires on the worker thread and is
re-emitted as a Qt signal, which Qt queues to the UI thread (the fieldkit.ui.bridge pattern): the UI never
waits on the network.

Locked screen: every request is signed with the kit's device key, which the kit keeps encrypted under the
users' passphrases and forgets on lock. Sending while locked would mean keeping that key in memory, so
sending pauses on lock (the header says so on the lock screen, with the number waiting) and resumes at the
next login. Building the client and the USB routes is sync.client.factory's job.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


def hub_configured(data_dir) -> bool:
    from fieldkit.security.hub_keys import HubNotProvisioned, load_hub_keys
    try:
        load_hub_keys(data_dir)
        return True
    except (HubNotProvisioned, FileNotFoundError):
        return False


def packet_rows(service, limit: int = 200):
    """The newest packets in the kit's queue (fieldkit.store.queue.PacketRow: id, status, size, last error,
    the hub's refusal reason)."""
    from fieldkit.store.queue import recent_packets

    return recent_packets(service.store.reader(), limit)


def waiting_count(service) -> int:
    """Packets still to deliver; readable while locked (the queue holds sealed ciphertext and ids only)."""
    return service.queue().waiting_count() if service is not None else 0


class BackgroundSync(QObject):
    """The background SyncWorker of the logged-in kit. `status_changed(snapshot)` and `pass_done(result)`
    arrive on the UI thread; `paused(reason)` says why nothing is sent ("locked", "not_provisioned")."""

    status_changed = Signal(dict)   # sync.client.status.SyncStatus.snapshot()
    pass_done = Signal(object)      # sync.client.worker.PassResult of each background pass
    paused = Signal(str)
    _from_worker = Signal(object, str, object)   # (its KitSync, "status" | "pass", payload): queued to the UI

    def __init__(self, ctx, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.kit_sync = None
        self._from_worker.connect(self._relay)

    def _relay(self, kit_sync, kind: str, payload) -> None:
        """On the UI thread: pass on what the current worker said; a stopped one's last words are dropped
        (they would overwrite "paused while locked")."""
        if kit_sync is not self.kit_sync:
            return
        (self.status_changed if kind == "status" else self.pass_done).emit(payload)

    @property
    def running(self) -> bool:
        return self.kit_sync is not None

    def start(self) -> bool:
        """Start sending if someone is logged in on a provisioned kit; False (and `paused`) otherwise."""
        if self.kit_sync is not None:
            return True
        if self.ctx.kit_session is None or self.ctx.service is None:
            self.paused.emit("locked")
            return False
        if not hub_configured(self.ctx.data_dir):
            self.paused.emit("not_provisioned")
            return False
        from sync.client.factory import for_kit

        kit_sync = for_kit(self.ctx.data_dir, self.ctx.settings, self.ctx.service, self.ctx.kit_session)
        # Worker thread -> queued to the UI thread.
        kit_sync.status.add_listener(lambda snap, ks=kit_sync: self._from_worker.emit(ks, "status", snap))
        kit_sync.add_pass_listener(lambda result, ks=kit_sync: self._from_worker.emit(ks, "pass", result))
        self.kit_sync = kit_sync.start()
        self.status_changed.emit(kit_sync.status.snapshot())
        return True

    def wake(self) -> None:
        """Try now (a packet was sealed, or "send now"); starts the worker if it is not running."""
        if self.kit_sync is None:
            self.start()
        if self.kit_sync is not None:
            self.kit_sync.wake()

    def stop(self, reason: str = "locked", wait: bool = True) -> None:
        """Stop sending (lock, logout, close). `wait=False` joins the thread on the background pool, so a
        request stalled on a bad link never freezes the UI; close() waits (no thread outlives the app)."""
        kit_sync, self.kit_sync = self.kit_sync, None
        if kit_sync is not None:
            if wait:
                kit_sync.close()
            else:
                kit_sync.worker.request_stop()  # no new request starts from now on
                self.ctx.runner.run(kit_sync.close)
        self.paused.emit(reason)
