"""Driver for the R30x / ZFM-20 / AS608 optical UART modules, over pyserial.

    fingerprint:serial:/dev/ttyUSB0?baud=57600&address=FFFFFFFF&password=0&timeout=2
    fingerprint:sim:normal[?faults=checksum&transport=memory&pacing=0]   (starts a simulator; close stops it)

All I/O runs on the scanner's DeviceWorker thread. Every read has a deadline (`timeout` per answer, plus
the line time for an image upload), so nothing hangs; a port error marks the scanner disconnected and the
next call reopens the same path and repeats the handshake (unplug/replug without restarting the app).

Events (DeviceWorker.emit): "bytes" (direction tx/rx, data hex summary, size, label) for every frame;
"status" (state connected / disconnected / waiting_for_finger / finger_captured / error, message);
"progress" (done, total bytes of an image upload).
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass

from drivers.errors import (CaptureRejected, DeviceAccessDenied, DeviceError, DeviceTimeout, ProtocolError,
                            UnsupportedOperation)
from drivers.fingerprint import protocol as p
from drivers.fingerprint.scanner import Capture, ScannerCapabilities
from drivers.serial_device import SerialDevice
from drivers.serial_link import Deadline
from drivers.spec import DeviceSpec, parse_bool, parse_int
from fieldkit.domain.fingers import Finger, Slap

# Confirmation codes by what a technician should do about them.
_CAPTURE_CODES = {0x02, 0x03, 0x06, 0x07, 0x0A, 0x15}
_ACCESS_CODES = {0x13, 0x20, 0x21}
_LINK_CODES = {0x01, 0x0D, 0x0E, 0x0F}

CAPABILITIES = ScannerCapabilities(model="R30x/ZFM-20 optical module (UART)", rolled=True, slap=False, ppi=500,
                                   bit_depth=4, image_size=(p.IMAGE_HEIGHT, p.IMAGE_WIDTH), rolled_is_plain=True)


@dataclass(frozen=True)
class SearchResult:
    page: int
    score: int


def error_for_code(code: int, command: str, spec: str | None) -> DeviceError:
    """The exception for a non-zero confirmation code, with the datasheet's meaning in the message."""
    text = f"{command}: {p.describe_code(code)} (code 0x{code:02X})"
    if code in _CAPTURE_CODES:
        exc: DeviceError = CaptureRejected(text, spec=spec)
    elif code in _ACCESS_CODES:
        exc = DeviceAccessDenied(text, spec=spec)
    elif code in _LINK_CODES:
        exc = ProtocolError(text, spec=spec)
    else:
        exc = DeviceError(text, spec=spec, hint="The module reported an internal fault; power-cycle it and retry.")
    exc.code = code  # type: ignore[attr-defined]
    exc.message_vi = p.describe_code(code, "vi")  # type: ignore[attr-defined]
    return exc


class UartFingerprintScanner(SerialDevice):
    """One R30x-family module on one serial port."""

    kind = "fingerprint"
    capabilities = CAPABILITIES

    def __init__(self, url: str, *, baudrate: int = 57600, address: int = p.DEFAULT_ADDRESS, password: int = 0,
                 timeout: float = 2.0, spec: str | None = None, connect: bool = True, on_close=None):
        self.address = address
        self.password = password
        self.params: p.SystemParameters | None = None
        self._reader = p.FrameReader(address)
        super().__init__(url, baudrate=baudrate, timeout=timeout, spec=spec or f"fingerprint:serial:{url}",
                         connect=connect, on_close=on_close)

    # --- public API (blocking; runs on the device thread) ----------------------------------------
    def handshake(self) -> p.SystemParameters:
        """(Re)connect, verify the password and read the system parameters."""
        return self._call(self._handshake_now)

    def read_system_parameters(self) -> p.SystemParameters:
        return self._call(self._read_sys_para)

    def echo(self) -> bool:
        """GetEcho (R503 family); older modules do not know it and answer 'receive error' → False."""
        return self._call(self._echo)

    def capture_image(self, timeout: float = 10.0, poll_interval: float = 0.1) -> None:
        """Poll GenImg until a finger is imaged into the module's buffer, or CaptureRejected at `timeout`."""
        self._call(self._capture_image, timeout, poll_interval)

    def upload_image(self):
        """UpImage: the buffer's 256×288 4-bit image as an 8-bit numpy array (288 rows × 256 columns)."""
        return self._call(self._upload_image)

    def image_to_template(self, buffer_id: int = 1) -> None:
        self._call(self._command_ok, p.IMG2TZ, bytes([buffer_id]))

    def search(self, buffer_id: int = 1, start: int = 0, count: int = 1000) -> SearchResult | None:
        return self._call(self._search, buffer_id, start, count)

    def set_baudrate(self, baudrate: int) -> None:
        """SetSysPara baud (9600 × N, N 1-12); the port follows once the module acknowledged."""
        self._call(self._set_baudrate, baudrate)

    def set_packet_size(self, size: int) -> None:
        self._call(self._set_packet_size, size)

    def capture_rolled(self, finger: Finger, *, timeout: float = 10.0) -> Capture:
        return self._call(self._capture_rolled, Finger(finger), timeout)

    def capture_slap(self, slap: Slap, *, timeout: float = 10.0):
        raise UnsupportedOperation(f"the {CAPABILITIES.model} images one finger at a time; it cannot take the "
                                   f"{Slap(slap).name} slap", spec=self.spec,
                                   hint="Take slaps on the four-finger slap scanner (setting slap_scanner).")

    def self_test(self) -> dict:
        """Handshake, parameters and echo, each timed (for `fieldkit devices`)."""
        return self._call(self._self_test)

    # --- connection --------------------------------------------------------------------------------
    def _handshake(self) -> None:
        self._handshake_now()

    def _reset_parser(self) -> None:
        self._reader.clear()

    def _handshake_now(self) -> p.SystemParameters:
        self._command_ok(p.VFY_PWD, struct.pack(">I", self.password))
        return self._read_sys_para()

    # --- packets -----------------------------------------------------------------------------------
    def _send(self, code: int, params: bytes = b"") -> None:
        self._link.discard_input()  # a late answer to an earlier command must not be taken for this one
        self._reader.clear()
        frame = p.command(code, params, self.address)
        self._link.write(frame, label=p.COMMAND_NAMES.get(code, hex(code)))

    def _read_packet(self, deadline: Deadline, what: str) -> p.Packet:
        while True:
            packet = self._reader.next_packet()
            if packet is not None:
                self._link.report_rx(packet.encode(), label=packet.label())
                return packet
            if deadline.expired:
                raise self._silence_error(what, deadline)
            data = self._link.read_some(deadline)
            if data:
                self._reader.feed(data)

    def _silence_error(self, what: str, deadline: Deadline) -> DeviceError:
        if self._reader.noise or self._reader.pending:
            got = self._reader.noise + self._reader.pending
            return ProtocolError(f"{what}: {got} bytes arrived but no complete packet within "
                                 f"{deadline.seconds:.1f} s (noise, or wrong baud rate)", spec=self.spec)
        return DeviceTimeout(f"{what}: no answer within {deadline.seconds:.1f} s", spec=self.spec)

    def _ack(self, code: int, params: bytes = b"", timeout: float | None = None) -> p.Packet:
        name = p.COMMAND_NAMES.get(code, hex(code))
        self._send(code, params)
        deadline = Deadline(timeout or self.timeout)
        packet = self._read_packet(deadline, name)
        while packet.pid in (p.PID_DATA, p.PID_END):  # the tail of an abandoned upload, not our answer
            packet = self._read_packet(deadline, name)
        if packet.pid != p.PID_ACK or not packet.payload:
            raise ProtocolError(f"{name}: expected an acknowledge, got a {packet.label()} packet", spec=self.spec)
        return packet

    def _command_ok(self, code: int, params: bytes = b"") -> p.Packet:
        packet = self._ack(code, params)
        if packet.code != 0x00:
            raise error_for_code(packet.code, p.COMMAND_NAMES[code], self.spec)
        return packet

    # --- commands ----------------------------------------------------------------------------------
    def _read_sys_para(self) -> p.SystemParameters:
        packet = self._command_ok(p.READ_SYS_PARA)
        self.params = p.SystemParameters.decode(packet.payload[1:])
        return self.params

    def _echo(self) -> bool:
        packet = self._ack(p.GET_ECHO)
        return packet.code == p.ECHO_OK

    def _capture_image(self, timeout: float, poll_interval: float) -> None:
        deadline = Deadline(timeout)
        last = None
        self.worker.emit("status", state="waiting_for_finger", detail=f"place the finger (up to {timeout:g} s)")
        while True:
            packet = self._ack(p.GEN_IMG)
            if packet.code == 0x00:
                self.worker.emit("status", state="finger_captured", detail="image taken")
                return
            if packet.code not in (0x02, 0x03):
                raise error_for_code(packet.code, "GenImg", self.spec)
            last = packet.code
            if deadline.remaining() < poll_interval:
                break
            self._pause(poll_interval)  # the module needs no faster polling; this paces the sensor's light
        if last == 0x03:
            raise error_for_code(0x03, "GenImg", self.spec)
        raise CaptureRejected(f"GenImg: no finger on the sensor within {timeout:g} s", spec=self.spec,
                              hint="Ask the person to place the finger flat on the sensor and hold still.")

    def _upload_image(self):
        packet_size = self.params.packet_size if self.params else 128
        line = p.line_time(p.IMAGE_BYTES, packet_size, self.baudrate)
        try:
            return self._receive_image(packet_size, line)
        except (ProtocolError, DeviceTimeout):
            # The module keeps sending the rest of the image and takes no command until it is done: let it
            # finish, so the next command is answered instead of timing out behind it.
            self._drain_until_quiet(quiet=max(0.05, 3 * (packet_size + 11) * 10 / self.baudrate),
                                    limit=line + self.timeout)
            raise

    def _drain_until_quiet(self, quiet: float, limit: float) -> None:
        end = Deadline(limit)
        while not end.expired and self._link is not None and self._link.is_open:
            if not self._link.read_some(Deadline(min(quiet, end.remaining()))):
                return

    def _receive_image(self, packet_size: int, line: float):
        ack = self._ack(p.UP_IMAGE)
        if ack.code != 0x00:
            raise error_for_code(ack.code, "UpImage", self.spec)
        # The whole image must arrive within twice its line time plus one answer timeout; each packet
        # within one answer timeout of the previous one.
        overall = Deadline(2 * line + self.timeout)
        data = bytearray()
        started = time.monotonic()
        while True:
            gap = Deadline(min(self.timeout, overall.remaining()))
            packet = self._read_packet(gap, f"UpImage (after {len(data)} of {p.IMAGE_BYTES} bytes)")
            if packet.pid not in (p.PID_DATA, p.PID_END):
                raise ProtocolError(f"UpImage: expected a data packet, got a {packet.label()} packet", spec=self.spec)
            if len(packet.payload) > packet_size:
                raise ProtocolError(f"UpImage: data packet of {len(packet.payload)} bytes, the module's packet "
                                    f"size is {packet_size}", spec=self.spec)
            data += packet.payload
            if len(data) > p.IMAGE_BYTES:
                raise ProtocolError(f"UpImage: more than {p.IMAGE_BYTES} image bytes (not a 256×288 4-bit image)",
                                    spec=self.spec)
            if len(data) % (16 * packet_size) == 0 or packet.pid == p.PID_END:
                self.worker.emit("progress", done=len(data), total=p.IMAGE_BYTES)
            if packet.pid == p.PID_END:
                break
        self.last_transfer_seconds = time.monotonic() - started
        try:
            return p.unpack_image(bytes(data))
        except ProtocolError as exc:
            exc.spec = self.spec
            raise

    def _search(self, buffer_id: int, start: int, count: int) -> SearchResult | None:
        packet = self._ack(p.SEARCH, struct.pack(">BHH", buffer_id, start, count))
        if packet.code == 0x09:
            return None
        if packet.code != 0x00:
            raise error_for_code(packet.code, "Search", self.spec)
        if len(packet.payload) < 5:
            raise ProtocolError(f"Search: answer has {len(packet.payload)} bytes, expected 5", spec=self.spec)
        page, score = struct.unpack(">HH", packet.payload[1:5])
        return SearchResult(page, score)

    def _set_baudrate(self, baudrate: int) -> None:
        if baudrate % 9600 or not 1 <= baudrate // 9600 <= 12:
            raise ValueError(f"baud rate must be 9600 × N with N 1-12, got {baudrate}")
        self._command_ok(p.SET_SYS_PARA, bytes([p.PARAM_BAUD, baudrate // 9600]))
        self._link.set_baudrate(baudrate)
        self.baudrate = baudrate
        self._read_sys_para()

    def _set_packet_size(self, size: int) -> None:
        if size not in p.PACKET_SIZES:
            raise ValueError(f"packet size must be one of {p.PACKET_SIZES}, got {size}")
        self._command_ok(p.SET_SYS_PARA, bytes([p.PARAM_PACKET_SIZE, p.PACKET_SIZES.index(size)]))
        self._read_sys_para()

    def _capture_rolled(self, finger: Finger, timeout: float) -> Capture:
        t0 = time.monotonic()
        self._capture_image(timeout, 0.1)
        t1 = time.monotonic()
        image = self._upload_image()
        t2 = time.monotonic()
        return Capture(finger=finger, image=image, ppi=CAPABILITIES.ppi, bit_depth=4, device=self.spec,
                       timings={"capture": t1 - t0, "transfer": t2 - t1, "total": t2 - t0})

    def _self_test(self) -> dict:
        steps = []
        for name, fn in (("handshake", self._handshake_now), ("read parameters", self._read_sys_para),
                         ("echo", self._echo)):
            t0 = time.monotonic()
            result = fn()
            steps.append({"step": name, "seconds": round(time.monotonic() - t0, 4), "result": _plain(result)})
        params = self.params
        return {"ok": True, "model": CAPABILITIES.model, "baud": self.baudrate,
                "packet_size": params.packet_size if params else None,
                "library_size": params.library_size if params else None, "steps": steps}


def _plain(value):
    if isinstance(value, p.SystemParameters):
        return {"packet_size": value.packet_size, "baud": value.baudrate, "library_size": value.library_size}
    return value


# --- openers for drivers.registry --------------------------------------------------------------------

def _hex(text: str) -> int:
    return int(text, 16)


def open_scanner(spec: DeviceSpec, **kwargs) -> UartFingerprintScanner:
    """`fingerprint:serial:<port or pyserial URL>?baud=57600&address=FFFFFFFF&password=0&timeout=2`."""
    if not spec.target:
        from drivers.errors import SpecError
        raise SpecError("fingerprint:serial needs a port, e.g. fingerprint:serial:/dev/ttyUSB0", spec=str(spec))
    return UartFingerprintScanner(
        spec.target, baudrate=spec.option("baud", 57600, int), address=spec.option("address", p.DEFAULT_ADDRESS, _hex),
        password=spec.option("password", 0, parse_int), timeout=spec.option("timeout", 2.0, float),
        spec=str(spec), **kwargs)


def open_simulated_scanner(spec: DeviceSpec, **kwargs) -> UartFingerprintScanner:
    """`fingerprint:sim:<profile>?faults=…&transport=pty|memory&pacing=0&password=…`: simulator + real driver.

    The simulator runs on a pty (or memory line); the returned driver talks to it byte by byte and stops
    it on close. The simulator is at `scanner.simulator` (present fingers, toggle faults).
    """
    from drivers.fingerprint.simulator import FingerprintSimulator

    pacing = spec.option("pacing", None, parse_bool)
    sim = FingerprintSimulator(spec.target or "normal", transport=spec.option("transport", "pty"),
                               faults=spec.option("faults", ""), baud=spec.option("baud", None, int),
                               pacing=pacing, image_source=spec.option("images", None))
    try:
        scanner = UartFingerprintScanner(sim.path, baudrate=sim.baudrate, password=spec.option("password", 0, parse_int),
                                         timeout=spec.option("timeout", 2.0, float), spec=str(spec),
                                         on_close=sim.close, **kwargs)
    except BaseException:
        sim.close()
        raise
    scanner.simulator = sim
    return scanner
