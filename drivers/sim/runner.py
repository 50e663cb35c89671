"""The simulator thread: reads bytes from its endpoint, asks the device model what to do, does it at line speed.

A device model (fingerprint module, slap scanner, QR reader) is pure protocol logic:
`on_bytes(data) -> list[Action]` and `on_replug()`. It never sleeps or touches the transport; the runner
executes its actions: `Send` (paced to the baud rate), `Pause` (device processing time), `Unplug`
(cable pulled, optionally plugged back after a delay). Unsolicited output (a QR code read) goes through
`runner.enqueue(actions)`. `close()` stops and joins the thread and removes the pty.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from dataclasses import dataclass

from drivers.serial_link import LinePacer
from drivers.sim.transport import LinkDown, MemoryEndpoint, PtyEndpoint

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Send:
    data: bytes


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Call:
    """Run a function on the simulator thread between sends (e.g. switch baud after the ack went out)."""

    fn: object


@dataclass(frozen=True)
class Unplug:
    replug_after: float | None = 0.2  # None: stay unplugged until `replug()`


def make_endpoint(transport: str, name: str):
    """'pty' (default, a real /dev/pts path) or 'memory' (simpair://, for unit tests)."""
    if transport == "pty":
        return PtyEndpoint(name)
    if transport == "memory":
        return MemoryEndpoint()
    raise ValueError(f"unknown simulator transport {transport!r} (pty or memory)")


class SimulatorRunner:
    """Runs one device model on one endpoint, in its own thread."""

    def __init__(self, model, endpoint, *, baudrate: int, pacing: bool = True, name: str = "sim",
                 check_baud: bool = True):
        self.model = model
        # A UART at the wrong baud rate turns every byte into noise in both directions; USB devices
        # (check_baud=False) ignore the host's setting.
        self.check_baud = check_baud
        self._noise = random.Random(0)
        self.endpoint = endpoint
        self.pacer = LinePacer(baudrate, enabled=pacing)
        self._stop = threading.Event()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._replug_at: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"sim-{name}", daemon=True)
        self._thread.start()

    @property
    def path(self) -> str:
        return self.endpoint.path

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def set_baudrate(self, baudrate: int) -> None:
        self.pacer.baudrate = baudrate

    def enqueue(self, actions: list) -> None:
        self._queue.put(list(actions))

    def unplug(self, replug_after: float | None = None) -> None:
        self._queue.put([Unplug(replug_after)])

    def replug(self) -> None:
        self.endpoint.replug()
        self.model.on_replug()

    def close(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        self.endpoint.close()

    def baud_mismatch(self) -> bool:
        """True when the driver's port is set to another baud rate than this device's line."""
        if not self.check_baud:
            return False
        host = self.endpoint.host_baudrate()
        return host is not None and host != self.pacer.baudrate

    def _through_line(self, data: bytes) -> bytes:
        if not self.baud_mismatch():
            return data
        # sampled at the wrong rate, each byte becomes some other byte (and framing errors)
        return bytes(self._noise.randrange(256) for _ in data)

    # --- thread ---------------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            if self._replug_at is not None and time.monotonic() >= self._replug_at:
                self._replug_at = None
                self.replug()
            try:
                data = self.endpoint.read(0.02)
            except LinkDown:
                self._stop.wait(0.02)
                data = b""
            except OSError:
                log.exception("simulator endpoint failed")
                return
            if data:
                try:
                    actions = self.model.on_bytes(self._through_line(data))
                except Exception:  # a simulator bug: log it and stay up (the driver sees a timeout)
                    log.exception("simulator %s failed on %d bytes", self._thread.name, len(data))
                    actions = []
                self._perform(actions)
            while True:
                try:
                    actions = self._queue.get_nowait()
                except queue.Empty:
                    break
                self._perform(actions)

    def _perform(self, actions: list) -> None:
        self.pacer.begin_burst()
        for action in actions:
            if self._stop.is_set():
                return
            try:
                if isinstance(action, Send):
                    self.pacer.send(self._through_line(action.data), lambda chunk: self.endpoint.write(chunk, self._stop),
                                    self._stop.wait)
                elif isinstance(action, Call):
                    action.fn()
                    self.pacer.begin_burst()  # e.g. a new baud rate: a new schedule
                elif isinstance(action, Pause):
                    self._stop.wait(action.seconds)
                    self.pacer.begin_burst()
                elif isinstance(action, Unplug):
                    self.endpoint.unplug()
                    if action.replug_after is not None:
                        self._replug_at = time.monotonic() + action.replug_after
                    return  # whatever was still to send is lost with the cable
            except LinkDown:
                return  # unplugged while talking: the rest is lost, as on a real cable
