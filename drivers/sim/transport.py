"""The device side of a simulated serial line: a pseudo-terminal or an in-memory pipe.

A simulator owns one end; the driver opens the other with pyserial exactly as it would a USB adapter:

- `PtyEndpoint`: `pty.openpty()` + raw mode. The driver opens a stable symlink (like udev's
  /dev/serial/by-id names) that points at the current /dev/pts/N. `unplug()` closes the master (the driver's
  reads fail as on a real unplug) and `replug()` makes a new pty and repoints the link, so "same path after
  replug" holds as it does for /dev/ttyUSB0.
- `MemoryEndpoint`: the same over an in-process pipe, opened by pyserial as `simpair://<name>` (a URL handler
  registered below, in the manner of pyserial's own loop://). Fast and deterministic for unit tests.

Both: `read(timeout) -> bytes` (b"" on timeout), `write(data)`, `unplug()`, `replug()`, `set_busy(flag)`
(another program holds the port: the driver's exclusive open fails), `close()`, `path` (what to open).
"""

from __future__ import annotations

import errno
import fcntl
import itertools
import os
import pty
import select
import shutil
import tempfile
import termios
import threading
import time
import tty

import serial

# Let pyserial find drivers/sim/protocol_simpair.py for simpair:// URLs.
if "drivers.sim" not in serial.protocol_handler_packages:
    serial.protocol_handler_packages.append("drivers.sim")


# termios speed constants (B57600 …) → baud rate, to read back what the driver set on its end.
_SPEEDS = {getattr(termios, name): int(name[1:]) for name in dir(termios)
           if name.startswith("B") and name[1:].isdigit()}


class LinkDown(Exception):
    """The simulated cable is unplugged (device side)."""


class PtyEndpoint:
    """Simulator end of a pseudo-terminal, behind a stable symlink."""

    def __init__(self, name: str = "device"):
        self._dir = tempfile.mkdtemp(prefix="fieldkit-sim-")
        self.path = os.path.join(self._dir, name)
        self._master: int | None = None
        self._slave: int | None = None
        self._busy = False
        self._lock = threading.Lock()
        self.replug()

    @property
    def device_path(self) -> str | None:
        """The current /dev/pts/N (changes on every replug; `path` does not)."""
        return os.path.realpath(self.path) if self.plugged else None

    @property
    def plugged(self) -> bool:
        return self._master is not None

    def replug(self) -> None:
        with self._lock:
            if self._master is not None:
                return
            master, slave = pty.openpty()
            tty.setraw(master)
            tty.setraw(slave)  # no echo or line editing before the driver configures the port
            os.set_blocking(master, False)
            tmp = self.path + ".new"
            os.symlink(os.ttyname(slave), tmp)
            os.replace(tmp, self.path)
            # only now "plugged": the stable path already leads to the new terminal
            self._master, self._slave = master, slave
            if self._busy:
                self._lock_slave()

    def unplug(self) -> None:
        """Pull the cable: the driver's reads fail (hang-up) and the stable path disappears, as udev removes
        /dev/serial/by-id links."""
        with self._lock:
            master, slave = self._master, self._slave
            if master is None:
                return
            # "unplugged" must be visible before the driver can see the hang-up the close causes
            self._master = self._slave = None
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
            os.close(master)
            os.close(slave)

    def host_baudrate(self) -> int | None:
        """The baud rate the driver configured on its end (Linux reports the slave's settings on the master)."""
        master = self._master
        if master is None:
            return None
        try:
            return _SPEEDS.get(termios.tcgetattr(master)[5])
        except (termios.error, OSError):
            return None

    def set_busy(self, busy: bool) -> None:
        """Hold (or release) an exclusive lock on the port, as another program that opened it would."""
        with self._lock:
            self._busy = busy
            if self._slave is None:
                return
            if busy:
                self._lock_slave()
            else:
                fcntl.flock(self._slave, fcntl.LOCK_UN)

    def _lock_slave(self) -> None:
        try:
            fcntl.flock(self._slave, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # the driver holds it right now; the fault shows on its next open

    def read(self, timeout: float) -> bytes:
        master = self._master
        if master is None:
            raise LinkDown()
        try:
            ready, _, _ = select.select([master], [], [], timeout)
            return os.read(master, 65536) if ready else b""
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EINTR):
                return b""
            if exc.errno in (errno.EIO, errno.EBADF):
                # EIO: nobody has the slave open. The simulator keeps its own slave fd, so this only
                # happens while unplugging; treat as no data.
                if self._master is None:
                    raise LinkDown() from None
                return b""
            raise

    def write(self, data: bytes, stop: threading.Event | None = None) -> None:
        view = memoryview(data)
        while view:
            master = self._master
            if master is None:
                raise LinkDown()
            try:
                written = os.write(master, view)
                view = view[written:]
            except BlockingIOError:
                # The driver is not reading and the pty buffer is full: wait, but stay stoppable.
                if stop is not None and stop.is_set():
                    return
                select.select([], [master], [], 0.05)
            except OSError as exc:
                if exc.errno == errno.EBADF:
                    raise LinkDown() from None
                raise

    def close(self) -> None:
        self.unplug()
        shutil.rmtree(self._dir, ignore_errors=True)


# --- in-memory pipe ----------------------------------------------------------------------------------

class MemoryLine:
    """Two byte queues and a plug state, shared by the device endpoint and the pyserial handler."""

    def __init__(self, name: str):
        self.name = name
        self.cond = threading.Condition()
        self.to_device = bytearray()
        self.to_host = bytearray()
        self.generation = 0      # bumps on every replug: a host port from an older plug-in is dead
        self.plugged = True
        self.busy = False
        self.host_open = False
        self.host_baud: int | None = None


_LINES: dict[str, MemoryLine] = {}
_LINES_LOCK = threading.Lock()
_NAMES = itertools.count(1)


def memory_line(name: str) -> MemoryLine | None:
    with _LINES_LOCK:
        return _LINES.get(name)


class MemoryEndpoint:
    """Simulator end of an in-memory serial line, opened by drivers as `simpair://<name>`."""

    def __init__(self, name: str | None = None):
        name = name or f"sim{next(_NAMES)}-{os.getpid()}"
        self.line = MemoryLine(name)
        with _LINES_LOCK:
            _LINES[name] = self.line
        self.path = f"simpair://{name}"
        self.device_path = self.path

    @property
    def plugged(self) -> bool:
        return self.line.plugged

    def read(self, timeout: float) -> bytes:
        line = self.line
        with line.cond:
            if not line.plugged:
                raise LinkDown()
            if not line.to_device:
                line.cond.wait(timeout)
            if not line.plugged:
                raise LinkDown()
            data = bytes(line.to_device)
            line.to_device.clear()
            return data

    def write(self, data: bytes, stop: threading.Event | None = None) -> None:
        line = self.line
        with line.cond:
            if not line.plugged:
                raise LinkDown()
            if line.host_open:  # like a UART: bytes sent while nobody listens are lost
                line.to_host += data
                line.cond.notify_all()

    def unplug(self) -> None:
        with self.line.cond:
            self.line.plugged = False
            self.line.host_open = False
            self.line.to_device.clear()
            self.line.to_host.clear()
            self.line.cond.notify_all()

    def replug(self) -> None:
        with self.line.cond:
            if not self.line.plugged:
                self.line.generation += 1
                self.line.plugged = True
            self.line.cond.notify_all()

    def host_baudrate(self) -> int | None:
        return self.line.host_baud if self.line.host_open else None

    def set_busy(self, busy: bool) -> None:
        with self.line.cond:
            self.line.busy = busy

    def close(self) -> None:
        self.unplug()
        with _LINES_LOCK:
            _LINES.pop(self.line.name, None)


def wait_until(condition, timeout: float, interval: float = 0.01) -> bool:
    """Poll `condition()` until true or timeout (for callers that must wait on a simulator state)."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= end:
            return False
        time.sleep(interval)
    return True
