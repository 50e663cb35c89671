"""What every serial device driver shares: its worker thread, connect-on-demand, and error recovery.

A subclass implements `_handshake()` (run after every (re)connect) and its commands; public methods call
`self._call(fn, *args)`, which runs `fn` on the device's worker thread after making sure the port is open.
A DeviceDisconnected drops the port (the next call reopens the same path: unplug/replug without a restart);
a ProtocolError or DeviceTimeout drains the line so the next answer lines up.
"""

from __future__ import annotations

import threading

from drivers.errors import DeviceDisconnected, DeviceNotFound, DeviceTimeout, ProtocolError
from drivers.serial_link import SerialLink
from drivers.worker import DeviceWorker


class SerialDevice:
    kind = "device"
    simulator = None  # for `sim` specs: the simulator behind this driver (the hardware lab toggles its faults)

    def __init__(self, url: str, *, baudrate: int, timeout: float, spec: str, connect: bool = True, on_close=None):
        self.url = url
        self.baudrate = baudrate
        self.timeout = timeout
        self.spec = spec
        self._link: SerialLink | None = None
        self._ever_connected = False
        self._on_close = on_close
        self._closing = threading.Event()
        self.worker = DeviceWorker(f"{self.kind}:{url}")
        if connect:
            try:
                self.worker.call(self._ensure_connected)
            except BaseException:
                self.close()
                raise

    # --- subclass hooks ---------------------------------------------------------------------------
    def _handshake(self):
        """Talk to the device right after opening the port (verify it is the expected device)."""

    def _reset_parser(self) -> None:
        """Forget partial frames (after a reconnect or an error)."""

    # --- running operations -----------------------------------------------------------------------
    def _call(self, fn, *args):
        return self.worker.call(self._guarded, fn, *args)

    def _guarded(self, fn, *args):
        try:
            self._ensure_connected()
            return fn(*args)
        except DeviceDisconnected as exc:
            self._disconnect(str(exc))
            raise
        except (ProtocolError, DeviceTimeout) as exc:
            self._resync()
            self.worker.emit("status", state="error", detail=str(exc))
            raise

    def _ensure_connected(self) -> None:
        if self._link is not None and self._link.is_open:
            return
        try:
            self._link = SerialLink(self.url, baudrate=self.baudrate, emit=self.worker.emit, spec=self.spec)
        except DeviceNotFound as exc:
            if self._ever_connected:
                raise DeviceDisconnected(f"the {self.kind} at {self.url} is still unplugged", spec=self.spec) from exc
            raise
        self._reset_parser()
        try:
            self._handshake()
        except BaseException:
            self._disconnect()
            raise
        self._ever_connected = True
        self.worker.emit("status", state="connected", detail=f"{self.url} at {self.baudrate} baud")

    def _disconnect(self, reason: str | None = None) -> None:
        link, self._link = self._link, None
        if link is not None:
            link.close()
            if reason:
                self.worker.emit("status", state="disconnected", detail=reason)

    def _close_now(self) -> None:
        self._disconnect()
        self.worker.emit("status", state="closed", detail=self.spec)

    def _resync(self) -> None:
        self._reset_parser()
        if self._link is not None and self._link.is_open:
            try:
                self._link.discard_input()
            except DeviceDisconnected:
                self._link = None

    def connect(self) -> None:
        """Open the port now (after a replug) instead of on the next operation; raises if it cannot."""
        self._call(lambda: None)

    @property
    def connected(self) -> bool:
        return self._link is not None and self._link.is_open

    def _pause(self, seconds: float) -> None:
        """Wait between polls; a close() meanwhile ends the wait at once (the app never waits on a capture)."""
        if self._closing.wait(seconds):
            raise DeviceDisconnected("the device was closed while waiting", spec=self.spec)

    # --- lifecycle --------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the port, stop the worker thread (and a simulator this driver started)."""
        self._closing.set()
        if self.worker.alive:
            try:
                self.worker.call(self._close_now, timeout=5)
            except TimeoutError:
                pass  # the worker is stuck in a device call; closing the worker below still ends it
        self.worker.close()
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
