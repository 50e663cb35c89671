"""Open and close the kit's devices off the UI thread, and hand their events to the UI.

Every device owns its DeviceWorker thread (drivers/worker.py); opening one (a simulator starts a pty, a
real port is probed) runs on the BackgroundRunner. `DeviceManager.events(spec)` gives the WorkerEvents that
re-emit the device's "bytes"/"status"/"frame"/"fault" events on the UI thread.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, Signal

from drivers.registry import open_device
from fieldkit.ui.bridge import BackgroundRunner, WorkerEvents

log = logging.getLogger(__name__)


# Camera "status" states (drivers/camera/base.py) that mean the picture on screen is not live any more.
NOT_LIVE = ("disconnected", "reconnecting", "frozen")


class DeviceManager(QObject):
    """Opened devices by spec string. `opened(spec)` / `failed(spec, error)` / `closed(spec)` on the UI thread.

    `health_changed(spec, state)` tells pages when an open device stops (or starts again) delivering: state is
    "ok", or a camera status of NOT_LIVE ("disconnected" when the camera is unplugged). A page showing a live
    picture connects it and shows `fieldkit.ui.messages.device_health_message(state)` instead of a frozen frame.
    """

    opened = Signal(str)
    failed = Signal(str, object)
    closed = Signal(str)
    health_changed = Signal(str, str)

    def __init__(self, runner: BackgroundRunner, parent: QObject | None = None):
        super().__init__(parent)
        self._runner = runner
        self._devices: dict[str, object] = {}
        self._events: dict[str, WorkerEvents] = {}
        self._waiting: dict[str, list[tuple]] = {}   # spec → callbacks of callers while it opens
        self.health: dict[str, str] = {}              # spec → "ok" or a NOT_LIVE state
        self.errors: dict[str, BaseException] = {}    # spec → why the last open failed

    def get(self, spec: str):
        return self._devices.get(spec)

    def is_open(self, spec: str) -> bool:
        return spec in self._devices

    def open(self, spec: str, on_ready: Callable[[object], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None) -> None:
        """Open `spec` in the background (or hand back the open device at once)."""
        if spec in self._devices:
            if on_ready:
                on_ready(self._devices[spec])
            return
        if spec in self._waiting:  # already opening: one device, every caller told when it is ready
            self._waiting[spec].append((on_ready, on_error))
            return
        self._waiting[spec] = [(on_ready, on_error)]

        def ready(device) -> None:
            callers = self._waiting.pop(spec, [])
            self._devices[spec] = device
            self._events[spec] = WorkerEvents(device.worker, self)
            self._events[spec].event.connect(lambda name, data: self._device_event(spec, name, data))
            self.errors.pop(spec, None)
            self.health[spec] = "ok"
            self.opened.emit(spec)
            for ok, _err in callers:
                if ok:
                    ok(device)

        def failed(exc: BaseException) -> None:
            callers = self._waiting.pop(spec, [])
            log.warning("device %s failed to open: %s", spec.split("?")[0], type(exc).__name__)
            self.errors[spec] = exc
            self.failed.emit(spec, exc)
            for _ok, err in callers:
                if err:
                    err(exc)

        self._runner.run(open_device, spec, on_success=ready, on_failure=failed)

    def _device_event(self, spec: str, name: str, data: dict) -> None:
        if name != "status":
            return
        state = data.get("state", "")
        health = state if state in NOT_LIVE else "ok" if state in ("connected", "live") else None
        if health is not None and self.health.get(spec) != health:
            self.health[spec] = health
            self.health_changed.emit(spec, health)

    def events(self, spec: str) -> WorkerEvents | None:
        return self._events.get(spec)

    def close(self, spec: str) -> None:
        """Close one device now (joins its thread; a device thread never outlives its device)."""
        device = self._devices.pop(spec, None)
        events = self._events.pop(spec, None)
        self.health.pop(spec, None)
        if events is not None:
            events.detach()
            events.deleteLater()
        if device is not None:
            stop = getattr(device, "stop_stream", None)
            if stop:
                stop()
            device.close()
            self.closed.emit(spec)

    def close_all(self) -> None:
        for spec in list(self._devices):
            self.close(spec)


def simulator_of(device):
    """The simulator behind a simulated device, or None for real hardware."""
    return getattr(device, "simulator", None)


def present_to_simulator(device, person: str, finger=None, missing=()) -> None:
    """In simulation, play the citizen: put the hand (slap) or the finger (single scanner) on the platen.

    Real hardware needs no such call: the citizen does it.
    """
    sim = simulator_of(device)
    if sim is None:
        return
    if finger is None and hasattr(sim, "present_hand"):
        sim.present_hand(person, missing=tuple(missing))
    elif finger is not None and hasattr(sim, "present_finger"):
        sim.present_finger(person, int(finger))
