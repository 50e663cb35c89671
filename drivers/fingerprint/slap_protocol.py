"""FieldKit slap-scanner protocol (FKSP/1): a small framed byte protocol of our own for the simulated
enrolment-grade four-finger scanner, so its driver is exercised at the byte level like the UART module.

Frame (all integers big-endian):

    AA 55 | type (1) | seq (1) | length (4) | payload (length ≤ 65 536) | CRC-32 (4) over type…payload

The host numbers its requests (seq 0-255); every answer frame carries the request's seq, so answers to an
abandoned request are recognised and skipped. Requests and answers:

    0x01 HELLO          payload: access key (4)          → 0x81 INFO: UTF-8 JSON {model, ppi, width, height,
                                                            protocol}
    0x02 CAPTURE_SLAP   payload: slap code (1: 13/14/15)  → image answer, or ERROR no_hand when nothing is on
    0x03 CAPTURE_FINGER payload: finger code (1: 1-10)       the platen, or ERROR capturing while the scanner
                                                            settles (the host polls, as with GenImg)
    image answer:       0x82 IMAGE_BEGIN JSON {width, height, ppi, kind, code, bytes, segments: [{finger,
                        box: [x, y, w, h], present}]} · 0x83 IMAGE_DATA raw 8-bit rows (≤ 60 000 bytes each)
                        · 0x84 IMAGE_END: CRC-32 (4) of the whole image
    0xEE ERROR          payload: code (1) + UTF-8 message; codes ERROR_CODES below
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass

from drivers.errors import ProtocolError
from drivers.framing import ResyncBuffer

SYNC = b"\xaa\x55"
HEADER_LEN = 8
MAX_PAYLOAD = 65536
DATA_CHUNK = 60000
MAX_NOISE = 2 * (MAX_PAYLOAD + HEADER_LEN + 4)  # after a resync, the tail of one maximal frame is skipped

HELLO, CAPTURE_SLAP, CAPTURE_FINGER = 0x01, 0x02, 0x03
INFO, IMAGE_BEGIN, IMAGE_DATA, IMAGE_END, ERROR = 0x81, 0x82, 0x83, 0x84, 0xEE
TYPE_NAMES = {HELLO: "HELLO", CAPTURE_SLAP: "CAPTURE_SLAP", CAPTURE_FINGER: "CAPTURE_FINGER", INFO: "INFO",
              IMAGE_BEGIN: "IMAGE_BEGIN", IMAGE_DATA: "IMAGE_DATA", IMAGE_END: "IMAGE_END", ERROR: "ERROR"}

ERROR_NO_HAND = 1
ERROR_BAD_REQUEST = 2
ERROR_ACCESS_DENIED = 4
ERROR_POOR_CAPTURE = 5
ERROR_CAPTURING = 6  # auto-capture has not settled yet: ask again
ERROR_CODES = {ERROR_NO_HAND: "nothing on the platen", ERROR_BAD_REQUEST: "request not understood",
               ERROR_ACCESS_DENIED: "access key refused", ERROR_POOR_CAPTURE: "capture too poor to segment",
               ERROR_CAPTURING: "capture in progress"}


@dataclass(frozen=True)
class Frame:
    type: int
    seq: int
    payload: bytes

    def encode(self) -> bytes:
        return encode_frame(self.type, self.seq, self.payload)

    def json(self) -> dict:
        try:
            value = json.loads(self.payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ProtocolError(f"{self.name} payload is not UTF-8 JSON") from None
        if not isinstance(value, dict):
            raise ProtocolError(f"{self.name} payload is not a JSON object")
        return value

    @property
    def name(self) -> str:
        return TYPE_NAMES.get(self.type, f"type 0x{self.type:02X}")


def encode_frame(kind: int, seq: int, payload: bytes = b"") -> bytes:
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD}")
    body = struct.pack(">BBI", kind, seq & 0xFF, len(payload)) + payload
    return SYNC + body + struct.pack(">I", zlib.crc32(body))


def json_frame(kind: int, seq: int, value: dict) -> bytes:
    return encode_frame(kind, seq, json.dumps(value, separators=(",", ":")).encode())


def error_frame(seq: int, code: int, message: str) -> bytes:
    return encode_frame(ERROR, seq, bytes([code]) + message.encode())


class SlapFrameReader(ResyncBuffer):
    """Streaming decoder with resync, bounds and CRC checks (same contract as the R30x FrameReader)."""

    def __init__(self):
        super().__init__(SYNC, MAX_NOISE, "without a frame start (not an FKSP slap scanner?)")

    def next_frame(self) -> Frame | None:
        self._skip_to_marker()
        buf = self._buf
        if len(buf) < HEADER_LEN:
            return None
        kind, seq, length = struct.unpack_from(">BBI", buf, 2)
        if kind not in TYPE_NAMES:
            self._drop(2)
            raise ProtocolError(f"unknown frame type 0x{kind:02X} (line noise or another protocol)")
        if length > MAX_PAYLOAD:
            self._drop(2)
            raise ProtocolError(f"frame length {length} exceeds {MAX_PAYLOAD} (corrupted frame)")
        total = HEADER_LEN + length + 4
        if len(buf) < total:
            return None
        (crc,) = struct.unpack_from(">I", buf, total - 4)
        expected = zlib.crc32(bytes(buf[2:total - 4]))
        if crc != expected:
            self._drop(2)
            raise ProtocolError(f"CRC mismatch in {TYPE_NAMES[kind]} frame: got 0x{crc:08X}, computed 0x{expected:08X}")
        frame = Frame(kind, seq, bytes(buf[HEADER_LEN:total - 4]))
        self._frame_done(total)
        return frame
