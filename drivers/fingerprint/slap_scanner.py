"""Driver for an enrolment-grade four-finger slap scanner speaking FKSP/1 (slap_protocol.py).

    slap:serial:/dev/ttyACM1?key=0&timeout=2      slap:sim:normal[?transport=memory&faults=…]

Implements the FingerprintScanner interface: `capture_slap(slap)` (4-4-2) with per-finger segments, and
`capture_rolled(finger)`. Same threading, deadlines, events and reconnect behaviour as the UART driver.
"""

from __future__ import annotations

import struct
import time
import zlib

import numpy as np

from drivers.errors import CaptureRejected, DeviceAccessDenied, DeviceError, DeviceTimeout, ProtocolError
from drivers.fingerprint import slap_protocol as sp
from drivers.fingerprint.scanner import Capture, FingerSegment, ScannerCapabilities, SlapCapture
from drivers.serial_device import SerialDevice
from drivers.serial_link import Deadline
from drivers.spec import DeviceSpec, parse_bool, parse_int
from fieldkit.domain.fingers import Finger, Slap

CAPABILITIES = ScannerCapabilities(model="FKSP/1 four-finger slap scanner", rolled=True, slap=True, ppi=500,
                                   bit_depth=8, image_size=(1500, 1600))
POLL_INTERVAL = 0.05  # seconds between capture requests while the platen is empty
MAX_IMAGE_BYTES = 4000 * 4000  # no enrolment scanner sends more than a 8 × 8 in platen at 500 ppi


class SlapScanner(SerialDevice):
    kind = "slap"
    capabilities = CAPABILITIES

    def __init__(self, url: str, *, access_key: int = 0, timeout: float = 2.0, baudrate: int = 115200,
                 spec: str | None = None, connect: bool = True, on_close=None):
        self.access_key = access_key
        self.info: dict = {}
        self._reader = sp.SlapFrameReader()
        self._seq = 0
        super().__init__(url, baudrate=baudrate, timeout=timeout, spec=spec or f"slap:serial:{url}",
                         connect=connect, on_close=on_close)

    # --- public API ---------------------------------------------------------------------------------
    def capture_slap(self, slap: Slap, *, timeout: float = 10.0) -> SlapCapture:
        return self._call(self._capture_slap, Slap(slap), timeout)

    def capture_rolled(self, finger: Finger, *, timeout: float = 10.0) -> Capture:
        return self._call(self._capture_rolled, Finger(finger), timeout)

    def hello(self) -> dict:
        return self._call(self._hello)

    def self_test(self) -> dict:
        def run() -> dict:
            t0 = time.monotonic()
            info = self._hello()
            return {"ok": True, "model": info.get("model"), "ppi": info.get("ppi"),
                    "steps": [{"step": "hello", "seconds": round(time.monotonic() - t0, 4), "result": info}]}
        return self._call(run)

    # --- connection hooks ---------------------------------------------------------------------------
    def _handshake(self) -> None:
        self._hello()

    def _reset_parser(self) -> None:
        self._reader.clear()

    # --- frames -------------------------------------------------------------------------------------
    def _request(self, kind: int, payload: bytes = b"") -> int:
        self._link.discard_input()
        self._reader.clear()
        self._seq = (self._seq + 1) & 0xFF
        self._link.write(sp.encode_frame(kind, self._seq, payload), label=sp.TYPE_NAMES[kind])
        return self._seq

    def _read_frame(self, seq: int, deadline: Deadline, what: str) -> sp.Frame:
        while True:
            frame = self._reader.next_frame()
            if frame is not None:
                self._link.report_rx(frame.encode(), label=frame.name)
                if frame.seq != seq and frame.type != sp.ERROR:
                    continue  # the tail of an abandoned request
                return frame
            if deadline.expired:
                got = self._reader.noise + self._reader.pending
                if got:
                    raise ProtocolError(f"{what}: {got} bytes arrived but no complete frame within "
                                        f"{deadline.seconds:.1f} s", spec=self.spec)
                raise DeviceTimeout(f"{what}: no answer within {deadline.seconds:.1f} s", spec=self.spec)
            data = self._link.read_some(deadline, max_bytes=1 << 20)
            if data:
                self._reader.feed(data)

    def _error(self, frame: sp.Frame, what: str) -> DeviceError:
        code = frame.payload[0] if frame.payload else 0
        message = frame.payload[1:].decode("utf-8", "replace") or sp.ERROR_CODES.get(code, "error")
        text = f"{what}: {message} (scanner error {code})"
        if code == sp.ERROR_ACCESS_DENIED:
            return DeviceAccessDenied(text, spec=self.spec, hint="Set the scanner's access key (key= in the spec).")
        if code in (sp.ERROR_NO_HAND, sp.ERROR_POOR_CAPTURE):
            return CaptureRejected(text, spec=self.spec)
        return ProtocolError(text, spec=self.spec)

    def _hello(self) -> dict:
        seq = self._request(sp.HELLO, struct.pack(">I", self.access_key))
        frame = self._read_frame(seq, Deadline(self.timeout), "HELLO")
        if frame.type == sp.ERROR:
            raise self._error(frame, "HELLO")
        if frame.type != sp.INFO:
            raise ProtocolError(f"HELLO: expected INFO, got {frame.name}", spec=self.spec)
        self.info = frame.json()
        return self.info

    # --- capture ------------------------------------------------------------------------------------
    def _poll_capture(self, kind: int, code: int, timeout: float, what: str) -> tuple[dict, np.ndarray, float]:
        """Ask until the scanner sees a hand (it answers ERROR no_hand at once while the platen is empty)."""
        deadline = Deadline(timeout)
        self.worker.emit("status", state="waiting_for_finger", detail=f"{what}: place the hand (up to {timeout:g} s)")
        while True:
            t0 = time.monotonic()
            seq = self._request(kind, bytes([code]))
            frame = self._read_frame(seq, Deadline(self.timeout), what)
            waiting = frame.type == sp.ERROR and frame.payload[:1] in (bytes([sp.ERROR_NO_HAND]),
                                                                       bytes([sp.ERROR_CAPTURING]))
            if waiting:
                if deadline.remaining() < POLL_INTERVAL:
                    reason = "nothing on the platen" if frame.payload[0] == sp.ERROR_NO_HAND else \
                        "the scanner did not settle on an image"
                    raise CaptureRejected(f"{what}: {reason} within {timeout:g} s", spec=self.spec,
                                          hint="Ask the person to press the fingers flat on the platen and hold still.")
                self._pause(POLL_INTERVAL)
                continue
            if frame.type == sp.ERROR:
                raise self._error(frame, what)
            header, image = self._receive_image(seq, frame, what)
            self.worker.emit("status", state="finger_captured", detail=f"{what}: image received")
            return header, image, time.monotonic() - t0

    def _receive_image(self, seq: int, begin: sp.Frame, what: str) -> tuple[dict, np.ndarray]:
        if begin.type != sp.IMAGE_BEGIN:
            raise ProtocolError(f"{what}: expected IMAGE_BEGIN, got {begin.name}", spec=self.spec)
        header = begin.json()
        try:
            width, height, size = int(header["width"]), int(header["height"]), int(header["bytes"])
            segments = list(header.get("segments", []))
        except (KeyError, TypeError, ValueError):
            raise ProtocolError(f"{what}: IMAGE_BEGIN lacks width/height/bytes", spec=self.spec) from None
        if width <= 0 or height <= 0 or size != width * height or size > MAX_IMAGE_BYTES:
            raise ProtocolError(f"{what}: image {width}×{height} announced as {size} bytes (expected 8-bit)",
                                spec=self.spec)
        data = bytearray()
        while True:
            frame = self._read_frame(seq, Deadline(self.timeout), f"{what} (after {len(data)} of {size} bytes)")
            if frame.type == sp.IMAGE_DATA:
                data += frame.payload
                if len(data) > size:
                    raise ProtocolError(f"{what}: more image bytes than the announced {size}", spec=self.spec)
                self.worker.emit("progress", done=len(data), total=size)
                continue
            if frame.type != sp.IMAGE_END or len(frame.payload) != 4:
                raise ProtocolError(f"{what}: expected IMAGE_DATA or IMAGE_END, got {frame.name}", spec=self.spec)
            break
        if len(data) != size:
            raise ProtocolError(f"{what}: image has {len(data)} bytes, {size} announced", spec=self.spec)
        if struct.unpack(">I", frame.payload)[0] != zlib.crc32(data):
            raise ProtocolError(f"{what}: image CRC mismatch (corrupted transfer)", spec=self.spec)
        header["segments"] = segments
        return header, np.frombuffer(bytes(data), np.uint8).reshape(height, width)

    def _capture_slap(self, slap: Slap, timeout: float) -> SlapCapture:
        t0 = time.monotonic()
        header, image, transfer = self._poll_capture(sp.CAPTURE_SLAP, slap.value, timeout, f"{slap.name} slap")
        segments = tuple(self._segment(image, s, slap) for s in header["segments"])
        if {s.finger for s in segments} != set(slap.fingers):
            raise ProtocolError(f"{slap.name} slap: scanner segmented fingers {sorted(s.finger for s in segments)}, "
                                f"expected {sorted(slap.fingers)}", spec=self.spec)
        return SlapCapture(slap=slap, image=image, ppi=int(header.get("ppi", 500)), segments=segments,
                           device=self.spec, timings={"transfer": transfer, "total": time.monotonic() - t0})

    def _segment(self, image: np.ndarray, raw: dict, slap: Slap) -> FingerSegment:
        try:
            finger = Finger(int(raw["finger"]))
            x, y, w, h = (int(v) for v in raw["box"])
            present = bool(raw.get("present", True))
        except (KeyError, TypeError, ValueError):
            raise ProtocolError(f"{slap.name} slap: malformed segment {raw!r}", spec=self.spec) from None
        if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > image.shape[1] or y + h > image.shape[0]:
            raise ProtocolError(f"{slap.name} slap: segment box {x, y, w, h} outside the image", spec=self.spec)
        return FingerSegment(finger, (x, y, w, h), image[y:y + h, x:x + w].copy() if present else None, present)

    def _capture_rolled(self, finger: Finger, timeout: float) -> Capture:
        t0 = time.monotonic()
        header, image, transfer = self._poll_capture(sp.CAPTURE_FINGER, finger.value, timeout, finger.name)
        if header["segments"] and not header["segments"][0].get("present", True):
            raise CaptureRejected(f"{finger.name}: no finger seen on the platen", spec=self.spec)
        return Capture(finger=finger, image=image, ppi=int(header.get("ppi", 500)), bit_depth=8, device=self.spec,
                       timings={"transfer": transfer, "total": time.monotonic() - t0})


def open_slap_scanner(spec: DeviceSpec, **kwargs) -> SlapScanner:
    return SlapScanner(spec.target, access_key=spec.option("key", 0, parse_int),
                       timeout=spec.option("timeout", 2.0, float), baudrate=spec.option("baud", 115200, int),
                       spec=str(spec), **kwargs)


def open_simulated_slap_scanner(spec: DeviceSpec, **kwargs) -> SlapScanner:
    """`slap:sim:<profile>?transport=pty|memory&faults=…&pacing=0&images=placeholder`; close stops the simulator."""
    from drivers.fingerprint.slap_simulator import SlapSimulator

    sim = SlapSimulator(spec.target or "normal", transport=spec.option("transport", "pty"),
                        faults=spec.option("faults", ""), pacing=spec.option("pacing", None, parse_bool),
                        image_source=spec.option("images", None))
    try:
        scanner = SlapScanner(sim.path, access_key=spec.option("key", 0, parse_int),
                              timeout=spec.option("timeout", 2.0, float), spec=str(spec), on_close=sim.close, **kwargs)
    except BaseException:
        sim.close()
        raise
    scanner.simulator = sim
    return scanner
