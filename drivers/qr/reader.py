"""Driver for card-QR readers in serial (virtual COM) mode.

    qr:serial:/dev/ttyACM0?baud=115200&stall=0.5      qr:sim[:profile][?transport=memory&faults=…]

The reader sends each decoded code as a UTF-8 line (CR, LF or CR LF). `read_code(timeout)` returns the next
code or None if nobody scanned; partial reads are buffered; a code that is not UTF-8 raises ProtocolError
and reading goes on with the next one; a code cut off mid-way (the line goes quiet for `stall` seconds
without a line end) raises DeviceTimeout. Scanned text is personal data: the "bytes" events show sizes only.
"""

from __future__ import annotations

import time

from drivers.errors import CaptureRejected, DeviceTimeout
from drivers.qr.lines import LineReader
from drivers.serial_device import SerialDevice
from drivers.serial_link import Deadline
from drivers.spec import DeviceSpec, parse_bool

POLL_SLICE = 0.05  # seconds per read, so a stalled partial code is noticed promptly


class QrReader(SerialDevice):
    kind = "qr"

    def __init__(self, url: str, *, baudrate: int = 115200, stall: float = 0.5, spec: str | None = None,
                 connect: bool = True, on_close=None):
        self._lines = LineReader()
        super().__init__(url, baudrate=baudrate, timeout=stall, spec=spec or f"qr:serial:{url}",
                         connect=connect, on_close=on_close)

    def read_code(self, timeout: float = 10.0) -> str | None:
        """The next scanned code's text, or None if nothing was scanned within `timeout` seconds."""
        return self._call(self._read_code, timeout)

    def read_card(self, timeout: float = 10.0, *, convert_address: bool = True):
        """The next code parsed as an ID-card QR (`fieldkit.domain.card_qr.CardPrefill`), None if nothing was
        scanned; CaptureRejected naming the field if the code is not a card QR."""
        from fieldkit.domain.card_qr import QrParseError, parse_card_qr

        code = self.read_code(timeout)
        if code is None:
            return None
        try:
            return parse_card_qr(code, convert_address=convert_address)
        except QrParseError as exc:
            raise CaptureRejected(f"not a citizen-ID card QR: {exc}", spec=self.spec,
                                  hint="Scan the QR code on the back of the chip ID card (căn cước).") from None

    def self_test(self) -> dict:
        def run() -> dict:
            t0 = time.monotonic()
            dropped = self._link.discard_input()
            return {"ok": True, "model": "serial-mode QR reader", "baud": self.baudrate,
                    "steps": [{"step": "open port", "seconds": round(time.monotonic() - t0, 4),
                               "result": f"listening ({dropped} stale bytes dropped)"}]}
        return self._call(run)

    def _reset_parser(self) -> None:
        self._lines.clear()

    def _read_code(self, timeout: float) -> str | None:
        deadline = Deadline(timeout)
        last_data = time.monotonic()
        while True:
            idle = time.monotonic() - last_data
            line = self._lines.next_line(line_idle=idle >= POLL_SLICE)
            if line is not None:
                self._link.report_rx(line.encode(), label="code", redact=True)
                self.worker.emit("status", state="scanned", detail=f"code of {len(line)} characters")
                return line
            if self._lines.pending and idle >= self.timeout:
                pending = self._lines.pending
                self._lines.clear()
                raise DeviceTimeout(f"code cut off: {pending} bytes, then no line end for {self.timeout:g} s",
                                    spec=self.spec, hint="Scan the card again; check the reader's cable.")
            if deadline.expired:
                return None
            self._pause(0)  # raises if the reader is being closed
            data = self._link.read_some(Deadline(min(POLL_SLICE, deadline.remaining())))
            if data:
                self._lines.feed(data)
                last_data = time.monotonic()


def open_reader(spec: DeviceSpec, **kwargs) -> QrReader:
    return QrReader(spec.target, baudrate=spec.option("baud", 115200, int), stall=spec.option("stall", 0.5, float),
                    spec=str(spec), **kwargs)


def open_simulated_reader(spec: DeviceSpec, **kwargs) -> QrReader:
    """`qr:sim[:profile]?transport=pty|memory&faults=…&pacing=0`; the simulator is at `reader.simulator`."""
    from drivers.qr.simulator import QrSimulator

    sim = QrSimulator(spec.target or "normal", transport=spec.option("transport", "pty"),
                      faults=spec.option("faults", ""), pacing=spec.option("pacing", None, parse_bool))
    try:
        reader = QrReader(sim.path, baudrate=sim.baudrate, stall=spec.option("stall", 0.5, float), spec=str(spec),
                          on_close=sim.close, **kwargs)
    except BaseException:
        sim.close()
        raise
    reader.simulator = sim
    return reader
