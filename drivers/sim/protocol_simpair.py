"""pyserial URL handler for `simpair://<name>`: the host end of a `MemoryEndpoint` line.

Found by `serial.serial_for_url` because drivers.sim.transport appends "drivers.sim" to
`serial.protocol_handler_packages` (the documented extension point, as for loop://). It raises the same
SerialException texts a real port gives, so the driver's error mapping is exercised unchanged.
"""

from __future__ import annotations

import time

from serial.serialutil import PortNotOpenError, SerialBase, SerialException


class Serial(SerialBase):
    BAUDRATES = (9600, 19200, 28800, 38400, 48000, 57600, 67200, 76800, 86400, 96000, 105600, 115200)

    def __init__(self, *args, **kwargs):
        self._line = None
        self._generation = -1
        super().__init__(*args, **kwargs)

    def open(self) -> None:
        from drivers.sim.transport import memory_line

        if self.is_open:
            raise SerialException("Port is already open.")
        name = (self._port or "").split("://", 1)[-1].split("?", 1)[0]
        line = memory_line(name)
        if line is None or not line.plugged:
            raise SerialException(2, f"could not open port {self._port}: [Errno 2] No such file or directory")
        with line.cond:
            if line.busy or (self._exclusive and line.host_open):
                raise SerialException(11, f"Could not exclusively lock port {self._port}: "
                                          "[Errno 11] Resource temporarily unavailable")
            line.host_open = True
            line.host_baud = self._baudrate
            line.to_host.clear()
            self._generation = line.generation
        self._line = line
        self.is_open = True

    def close(self) -> None:
        if self.is_open and self._line is not None:
            with self._line.cond:
                if self._alive():
                    self._line.host_open = False
        self.is_open = False
        self._line = None

    def _reconfigure_port(self, force_update=False) -> None:
        # no line settings on a pipe; the simulator reads the baud rate to garble a mismatched line
        if self._line is not None:
            self._line.host_baud = self._baudrate

    def _alive(self) -> bool:
        return self._line.plugged and self._line.generation == self._generation

    def _check(self) -> None:
        if not self.is_open:
            raise PortNotOpenError()
        if not self._alive():
            raise SerialException("device reports readiness to read but returned no data "
                                  "(device disconnected or multiple access on port?)")

    @property
    def in_waiting(self) -> int:
        self._check()
        return len(self._line.to_host)

    def read(self, size: int = 1) -> bytes:
        self._check()
        line = self._line
        end = None if self._timeout is None else time.monotonic() + self._timeout
        with line.cond:
            while len(line.to_host) < size:
                if not self._alive():
                    raise SerialException("device reports readiness to read but returned no data "
                                          "(device disconnected or multiple access on port?)")
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    break
                line.cond.wait(left)
            data = bytes(line.to_host[:size])
            del line.to_host[:size]
            return data

    def write(self, data) -> int:
        self._check()
        with self._line.cond:
            self._line.to_device += bytes(data)
            self._line.cond.notify_all()
        return len(data)

    def flush(self) -> None:
        self._check()

    def reset_input_buffer(self) -> None:
        self._check()
        with self._line.cond:
            self._line.to_host.clear()

    def reset_output_buffer(self) -> None:
        self._check()

    @property
    def out_waiting(self) -> int:
        return 0
