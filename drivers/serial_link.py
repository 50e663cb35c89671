"""Shared serial plumbing for the UART drivers: open a port, read against a deadline, log every frame.

Every driver that talks bytes (fingerprint module, slap scanner, QR reader) goes through `SerialLink`, so
they share one behaviour a technician can rely on:

- opening maps the OS's reasons to the kit's errors (missing → DeviceNotFound, locked by another program →
  DeviceBusy, no permission → DeviceAccessDenied);
- no read waits past its deadline (`Deadline`), and any OS/pyserial failure after opening becomes
  DeviceDisconnected, so the driver can drop the port and reopen it on the next call (unplug/replug);
- every frame in and out is reported as a "bytes" event (direction tx/rx, hex summary) for the device log.
"""

from __future__ import annotations

import errno
import os
import time
from typing import Any, Callable

import serial

try:  # pyserial calls termios directly for flush/drain; termios.error is not an OSError (a vanished pty -> EIO)
    import termios

    _TERMIOS_ERRORS: tuple[type[BaseException], ...] = (termios.error,)
except ImportError:  # Windows
    _TERMIOS_ERRORS = ()

from drivers.errors import (DeviceAccessDenied, DeviceBusy, DeviceDisconnected, DeviceError, DeviceNotFound)

Emit = Callable[..., None]

# A frame shown in the device log is cut to this many bytes: enough to recognise it, and image data (a
# biometric) is never shown in full.
HEX_SUMMARY_BYTES = 24


class Deadline:
    """A point in time that reads must not pass; `remaining()` never goes below zero."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.end


def hex_summary(data: bytes, limit: int = HEX_SUMMARY_BYTES) -> str:
    """'EF01FFFF… (40 bytes)'-style text for the device log."""
    shown = data[:limit].hex().upper()
    return shown if len(data) <= limit else f"{shown}… ({len(data)} bytes)"


def _open_error(exc: Exception, url: str, spec: str | None) -> DeviceError:
    """The kit error for a failed open, chosen from errno or pyserial's message."""
    text = str(exc)
    code = getattr(exc, "errno", None)
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO) or "No such file" in text or "could not find" in text:
        return DeviceNotFound(f"no serial port at {url}", spec=spec)
    if code in (errno.EACCES, errno.EPERM) or "Permission denied" in text:
        return DeviceAccessDenied(f"no permission to open {url}", spec=spec,
                                  hint="Add the kit's user to the 'dialout' group, then log in again.")
    if "exclusively lock" in text or code in (errno.EBUSY, errno.EAGAIN):
        return DeviceBusy(f"{url} is in use by another program", spec=spec,
                          hint="Close the other program using the device (or `fieldkit sim` test tools) and retry.")
    return DeviceNotFound(f"cannot open {url}: {text}", spec=spec)


def open_port(url: str, *, baudrate: int, spec: str | None = None, write_timeout: float = 2.0):
    """An open pyserial port for a /dev path or any pyserial URL (loop://, socket://, simpair://)."""
    import drivers.sim.transport  # noqa: F401  registers the simpair:// URL handler with pyserial

    try:
        return serial.serial_for_url(url, baudrate=baudrate, timeout=0.1, write_timeout=write_timeout,
                                     exclusive=True)
    except (serial.SerialException, OSError, ValueError) as exc:
        raise _open_error(exc, url, spec) from None


class SerialLink:
    """One open port plus the event stream; all methods run on the device's worker thread."""

    def __init__(self, url: str, *, baudrate: int, emit: Emit, spec: str | None = None):
        self.url = url
        self.spec = spec
        self._emit = emit
        self._port = open_port(url, baudrate=baudrate, spec=spec)

    # --- lifecycle --------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self._port is not None and self._port.is_open

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                _forget_descriptors(port)

    def set_baudrate(self, baudrate: int) -> None:
        self._call(lambda: setattr(self._port, "baudrate", baudrate), "change baud rate")

    # --- I/O --------------------------------------------------------------------------------------
    def write(self, data: bytes, *, label: str = "") -> None:
        self._emit("bytes", direction="tx", data=hex_summary(data), size=len(data), label=label)
        self._call(lambda: (self._port.write(data), self._port.flush()), "write")

    def read_some(self, deadline: Deadline, max_bytes: int = 4096) -> bytes:
        """Whatever arrives before the deadline (at least one byte unless it expires); never blocks past it."""
        remaining = deadline.remaining()
        if remaining <= 0:
            return b""

        def read() -> bytes:
            self._port.timeout = min(remaining, 0.25)
            waiting = self._port.in_waiting
            return self._port.read(max(1, min(waiting, max_bytes)))

        return self._call(read, "read")

    def report_rx(self, data: bytes, *, label: str = "", redact: bool = False) -> None:
        """Log one received frame (the driver decides frame boundaries)."""
        shown = f"<{len(data)} bytes, content hidden>" if redact else hex_summary(data)
        self._emit("bytes", direction="rx", data=shown, size=len(data), label=label)

    def discard_input(self) -> int:
        """Drop bytes already received (late answers after a timeout); returns how many."""
        def drop() -> int:
            dropped = 0
            while True:
                waiting = self._port.in_waiting
                if not waiting:
                    return dropped
                dropped += len(self._port.read(waiting))

        return self._call(drop, "flush")

    def _call(self, fn: Callable[[], Any], what: str) -> Any:
        if self._port is None:
            raise DeviceDisconnected(f"port {self.url} is not open", spec=self.spec)
        try:
            return fn()
        except serial.SerialTimeoutException:
            self.close()
            raise DeviceDisconnected(f"{what} on {self.url} timed out: the device stopped taking data",
                                     spec=self.spec) from None
        except (serial.SerialException, OSError, *_TERMIOS_ERRORS) as exc:
            self.close()
            raise DeviceDisconnected(f"{what} on {self.url} failed: {exc}", spec=self.spec) from None


def _forget_descriptors(port) -> None:
    """After a failed close() of a vanished device: the OS released the descriptor anyway, but pyserial
    still holds its number and would close it again later (from __del__), by then possibly someone else's
    file (a new pty, the database). Release the helper pipes and make pyserial forget the number."""
    for name in ("pipe_abort_read_w", "pipe_abort_read_r", "pipe_abort_write_w", "pipe_abort_write_r"):
        fd = getattr(port, name, None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
            setattr(port, name, None)
    if getattr(port, "fd", None) is not None:
        port.fd = None
    port.is_open = False


def pace_chunk_size(baudrate: int) -> int:
    """Bytes per write when emulating a line: about 4 ms of line time, so timing stays smooth."""
    return max(8, int(baudrate / 10 * 0.004))


class LinePacer:
    """Emulates a UART's speed on a transport that has none (a pty or memory pipe).

    Bytes are handed on in small chunks on an absolute schedule (`t_next += bytes * 10 / baud`, 8N1 = 10 bits
    a byte), so sleep errors do not accumulate (see docs/devices-fingerprint-qr.md). The schedule runs over a
    whole burst (one answer: an acknowledge and its data packets, sent back to back as a UART does): a late
    wake-up at the end of one frame is made up in the next. `begin_burst()` starts a new schedule.
    """

    def __init__(self, baudrate: int, enabled: bool = True):
        self.baudrate = baudrate
        self.enabled = enabled
        self._line_free_at = 0.0
        self._anchor: float | None = None
        self._burst_bytes = 0

    def begin_burst(self) -> None:
        self._anchor = None

    def send(self, data: bytes, write: Callable[[bytes], None], wait: Callable[[float], bool]) -> bool:
        """Write `data` at line speed; `wait(seconds)` returns True if the simulator is stopping."""
        if not self.enabled:
            write(data)
            return True
        if self._anchor is None:
            self._anchor = max(time.monotonic(), self._line_free_at)
            self._burst_bytes = 0
        chunk = pace_chunk_size(self.baudrate)
        for offset in range(0, len(data), chunk):
            piece = data[offset:offset + chunk]
            self._burst_bytes += len(piece)
            due = self._anchor + self._burst_bytes * 10 / self.baudrate
            delay = due - time.monotonic()
            if delay > 0 and wait(delay):
                return False
            write(piece)
        self._line_free_at = self._anchor + self._burst_bytes * 10 / self.baudrate
        return True


def enumerate_serial_ports() -> list:
    """Serial ports the OS can see, with a guess at what kind of kit device each is."""
    from serial.tools import list_ports

    from drivers.registry import DeviceInfo

    found = []
    for port in sorted(list_ports.comports(), key=lambda p: p.device):
        kind, what = _guess_kind(port.vid, port.pid, port.device)
        ids = f" [{port.vid:04X}:{port.pid:04X}]" if port.vid is not None and port.pid is not None else ""
        label = port.description if port.description and port.description != "n/a" else "built-in port"
        desc = f"{what}: {label}{ids}"
        found.append(DeviceInfo(spec=f"{kind}:serial:{port.device}", description=desc))
    return found


# USB-UART bridges the R30x modules are sold with; QR readers in serial mode are usually CDC-ACM.
_UART_BRIDGES = {(0x10C4, 0xEA60): "CP210x", (0x1A86, 0x7523): "CH340", (0x0403, 0x6001): "FTDI FT232",
                 (0x067B, 0x2303): "PL2303"}


def _guess_kind(vid, pid, device: str) -> tuple[str, str]:
    bridge = _UART_BRIDGES.get((vid, pid))
    if bridge:
        return "fingerprint", f"USB-serial adapter ({bridge}), as sold with UART fingerprint modules"
    if "ACM" in device:
        return "qr", "USB CDC-ACM device (QR readers in serial mode show up as this)"
    return "fingerprint", "serial port"
