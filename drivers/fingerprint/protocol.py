"""The R30x / ZFM-20 / AS608 UART packet format (ZFM-20 datasheet §5-6), both directions.

    EF 01 | address (4) | packet id (1) | length (2, BE) = len(payload) + 2 | payload | checksum (2, BE)

checksum = 16-bit sum of packet id, both length bytes and every payload byte. Packet ids: 01 command,
02 data (more follows), 07 acknowledge, 08 end of data. A command's payload is its instruction code and
parameters; an acknowledge's payload starts with a confirmation code (CONFIRMATION below).

`FrameReader` is the streaming decoder both the driver and the simulator use. Unlike the common hobby
library it verifies checksums, bounds the length field, and never trusts the stream: leading noise is
skipped until a header (resync), and every malformed frame raises ProtocolError with a message a
technician can read, after which the reader carries on with the bytes that follow.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from drivers.errors import ProtocolError
from drivers.framing import ResyncBuffer

HEADER = b"\xef\x01"
DEFAULT_ADDRESS = 0xFFFFFFFF

PID_COMMAND = 0x01
PID_DATA = 0x02
PID_ACK = 0x07
PID_END = 0x08
PACKET_IDS = {PID_COMMAND: "command", PID_DATA: "data", PID_ACK: "ack", PID_END: "end of data"}

# Data packets carry 32/64/128/256 payload bytes (SetSysPara parameter 6, code 0-3); commands and acks
# are shorter. No valid packet is longer than this.
PACKET_SIZES = (32, 64, 128, 256)
MAX_PAYLOAD = 256
HEADER_LEN = 9  # EF01 + address + pid + length
MAX_FRAME = HEADER_LEN + MAX_PAYLOAD + 2
# Noise tolerated before a header before the reader gives up (about two longest frames).
MAX_NOISE = 2 * MAX_FRAME

# Instruction codes.
GEN_IMG = 0x01
IMG2TZ = 0x02
MATCH = 0x03
SEARCH = 0x04
REG_MODEL = 0x05
STORE = 0x06
LOAD_CHAR = 0x07
UP_CHAR = 0x08
DOWN_CHAR = 0x09
UP_IMAGE = 0x0A
DOWN_IMAGE = 0x0B
DELETE = 0x0C
EMPTY = 0x0D
SET_SYS_PARA = 0x0E
READ_SYS_PARA = 0x0F
SET_PWD = 0x12
VFY_PWD = 0x13
GET_RANDOM_CODE = 0x14
SET_ADDR = 0x15
TEMPLATE_NUM = 0x1D
READ_INDEX_TABLE = 0x1F
SOFT_RESET = 0x3D
GET_ECHO = 0x53

COMMAND_NAMES = {
    GEN_IMG: "GenImg", IMG2TZ: "Img2Tz", MATCH: "Match", SEARCH: "Search", REG_MODEL: "RegModel",
    STORE: "Store", LOAD_CHAR: "LoadChar", UP_CHAR: "UpChar", DOWN_CHAR: "DownChar", UP_IMAGE: "UpImage",
    DOWN_IMAGE: "DownImage", DELETE: "Delete", EMPTY: "Empty", SET_SYS_PARA: "SetSysPara",
    READ_SYS_PARA: "ReadSysPara", SET_PWD: "SetPwd", VFY_PWD: "VfyPwd", GET_RANDOM_CODE: "GetRandomCode",
    SET_ADDR: "SetAddr", TEMPLATE_NUM: "TemplateNum", READ_INDEX_TABLE: "ReadIndexTable",
    SOFT_RESET: "SoftReset", GET_ECHO: "GetEcho",
}

# SetSysPara parameter numbers.
PARAM_BAUD = 4            # value N: baud = 9600 * N, N = 1..12
PARAM_SECURITY = 5
PARAM_PACKET_SIZE = 6     # value 0..3 → 32/64/128/256 bytes

# The GetEcho answer of modules that support it (R503 family): one ack with code 0x55.
ECHO_OK = 0x55

# Confirmation codes: (name, English, Vietnamese) for the device log and error messages.
CONFIRMATION: dict[int, tuple[str, str, str]] = {
    0x00: ("ok", "command done", "đã thực hiện"),
    0x01: ("receive_error", "the module could not read the command packet", "mô-đun không nhận được gói lệnh"),
    0x02: ("no_finger", "no finger on the sensor", "chưa đặt ngón tay lên cảm biến"),
    0x03: ("capture_failed", "the finger image could not be taken", "không chụp được ảnh vân tay"),
    0x06: ("too_messy", "the print is too blurred or smudged", "ảnh vân tay quá nhòe"),
    0x07: ("too_few_features", "too few ridge features in the print", "quá ít đặc điểm vân tay"),
    0x08: ("no_match", "the two prints do not match", "hai vân tay không khớp"),
    0x09: ("not_found", "no matching print in the library", "không tìm thấy vân tay trùng khớp"),
    0x0A: ("merge_failed", "could not combine the two prints", "không ghép được hai mẫu vân tay"),
    0x0B: ("bad_location", "library position out of range", "vị trí thư viện không hợp lệ"),
    0x0C: ("db_read_error", "could not read the template from the library", "lỗi đọc mẫu từ thư viện"),
    0x0D: ("upload_feature_failed", "could not upload the template", "lỗi tải lên mẫu vân tay"),
    0x0E: ("cannot_receive", "the module cannot receive the data packets", "mô-đun không nhận được gói dữ liệu"),
    0x0F: ("upload_image_failed", "could not upload the image", "lỗi tải ảnh lên"),
    0x10: ("delete_failed", "could not delete the template", "không xóa được mẫu"),
    0x11: ("clear_failed", "could not clear the library", "không xóa được thư viện"),
    0x13: ("wrong_password", "wrong module password", "sai mật khẩu mô-đun"),
    0x15: ("no_valid_image", "no valid image in the module's buffer", "không có ảnh hợp lệ trong bộ đệm"),
    0x18: ("flash_error", "error writing to the module's flash memory", "lỗi ghi bộ nhớ flash"),
    0x1A: ("bad_register", "invalid register number", "số thanh ghi không hợp lệ"),
    0x20: ("address_error", "wrong module address", "sai địa chỉ mô-đun"),
    0x21: ("password_required", "the module needs its password first", "cần xác minh mật khẩu trước"),
}


def describe_code(code: int, language: str = "en") -> str:
    """Technician-readable text for a confirmation code, in English or Vietnamese."""
    entry = CONFIRMATION.get(code)
    if entry is None:
        return f"unknown confirmation code 0x{code:02X}" if language == "en" else f"mã xác nhận lạ 0x{code:02X}"
    return entry[1] if language == "en" else entry[2]


def checksum(pid: int, payload: bytes) -> int:
    length = len(payload) + 2
    return (pid + (length >> 8) + (length & 0xFF) + sum(payload)) & 0xFFFF


@dataclass(frozen=True)
class Packet:
    pid: int
    payload: bytes
    address: int = DEFAULT_ADDRESS

    def encode(self) -> bytes:
        return encode_packet(self.pid, self.payload, self.address)

    @property
    def code(self) -> int:
        """An acknowledge's confirmation code."""
        if not self.payload:
            raise ProtocolError("acknowledge packet has no confirmation code")
        return self.payload[0]

    def label(self) -> str:
        kind = PACKET_IDS.get(self.pid, f"pid 0x{self.pid:02X}")
        if self.pid == PID_COMMAND and self.payload:
            return f"{kind} {COMMAND_NAMES.get(self.payload[0], hex(self.payload[0]))}"
        if self.pid == PID_ACK and self.payload:
            return f"{kind} {CONFIRMATION.get(self.payload[0], ('0x%02X' % self.payload[0],))[0]}"
        return f"{kind} ({len(self.payload)} bytes)"


def encode_packet(pid: int, payload: bytes, address: int = DEFAULT_ADDRESS) -> bytes:
    if pid not in PACKET_IDS:
        raise ValueError(f"unknown packet id 0x{pid:02X}")
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes is longer than {MAX_PAYLOAD}")
    length = len(payload) + 2
    return (HEADER + struct.pack(">IBH", address, pid, length) + payload
            + struct.pack(">H", checksum(pid, payload)))


def command(code: int, params: bytes = b"", address: int = DEFAULT_ADDRESS) -> bytes:
    return encode_packet(PID_COMMAND, bytes([code]) + params, address)


def ack(code: int, data: bytes = b"", address: int = DEFAULT_ADDRESS) -> bytes:
    return encode_packet(PID_ACK, bytes([code]) + data, address)


class FrameReader(ResyncBuffer):
    """Streaming decoder: `feed(bytes)`, then `next_packet()` until None.

    Resynchronises on noise (bytes before a header are skipped and counted in `noise`); a frame with a bad
    length, packet id, address or checksum raises ProtocolError and is dropped, so the next call goes on
    with the rest of the stream. Buffers never grow past one maximal frame plus the noise allowance.
    """

    def __init__(self, address: int | None = DEFAULT_ADDRESS, max_payload: int = MAX_PAYLOAD):
        super().__init__(HEADER, MAX_NOISE, "without a packet header (wrong baud rate, or not an R30x-family module)")
        self.address = address  # None: accept any address (the simulator learns it)
        self.max_payload = max_payload

    def next_packet(self) -> Packet | None:
        self._skip_to_marker()
        buf = self._buf
        if len(buf) < HEADER_LEN:
            return None
        address, pid, length = struct.unpack_from(">IBH", buf, 2)
        if pid not in PACKET_IDS:
            self._drop(2)
            raise ProtocolError(f"unknown packet id 0x{pid:02X} after header (line noise or another protocol)")
        if not 2 <= length <= self.max_payload + 2:
            self._drop(2)
            raise ProtocolError(f"packet length {length} out of range 2..{self.max_payload + 2} (corrupted frame)")
        total = HEADER_LEN + length
        if len(buf) < total:
            return None
        payload = bytes(buf[HEADER_LEN:total - 2])
        (received,) = struct.unpack_from(">H", buf, total - 2)
        expected = checksum(pid, payload)
        if received != expected:
            self._drop(2)  # the "header" may have been noise: rescan from the byte after it
            raise ProtocolError(f"checksum mismatch in {PACKET_IDS[pid]} packet: got 0x{received:04X}, "
                                f"computed 0x{expected:04X} (noise on the line?)")
        if self.address is not None and address != self.address:
            self._drop(total)
            raise ProtocolError(f"packet from address 0x{address:08X}, expected 0x{self.address:08X} "
                                "(two modules on one line, or the address setting is wrong)")
        self._frame_done(total)
        return Packet(pid, payload, address)


@dataclass(frozen=True)
class SystemParameters:
    """ReadSysPara's 16 bytes (datasheet §5.2.8)."""

    status: int
    system_id: int
    library_size: int
    security_level: int
    address: int
    packet_size: int
    baudrate: int

    @classmethod
    def decode(cls, data: bytes) -> "SystemParameters":
        if len(data) < 16:
            raise ProtocolError(f"ReadSysPara answer has {len(data)} bytes, expected 16")
        status, sys_id, lib, level, address, size_code, baud_n = struct.unpack(">HHHHIHH", data[:16])
        if size_code > 3:
            raise ProtocolError(f"ReadSysPara packet size code {size_code} is not 0-3")
        if not 1 <= baud_n <= 12:
            raise ProtocolError(f"ReadSysPara baud multiplier {baud_n} is not 1-12")
        return cls(status, sys_id, lib, level, address, PACKET_SIZES[size_code], 9600 * baud_n)

    def encode(self) -> bytes:
        return struct.pack(">HHHHIHH", self.status, self.system_id, self.library_size, self.security_level,
                           self.address, PACKET_SIZES.index(self.packet_size), self.baudrate // 9600)


# --- image format -----------------------------------------------------------------------------------
IMAGE_WIDTH = 256
IMAGE_HEIGHT = 288
IMAGE_BYTES = IMAGE_WIDTH * IMAGE_HEIGHT // 2  # 4 bits a pixel, two pixels a byte: 36 864


def pack_image(image) -> bytes:
    """8-bit 288×256 image → the module's 4-bit format (high nibble = left pixel)."""
    import numpy as np

    arr = np.asarray(image, dtype=np.uint8)
    if arr.shape != (IMAGE_HEIGHT, IMAGE_WIDTH):
        raise ValueError(f"image must be {IMAGE_HEIGHT}×{IMAGE_WIDTH}, got {arr.shape}")
    nibbles = arr >> 4
    return ((nibbles[:, 0::2] << 4) | nibbles[:, 1::2]).astype(np.uint8).tobytes()


def unpack_image(data: bytes):
    """The module's 4-bit image bytes → 8-bit 288×256 numpy image (nibble × 17, so 0xF → 255)."""
    import numpy as np

    if len(data) != IMAGE_BYTES:
        raise ProtocolError(f"image upload delivered {len(data)} bytes, expected {IMAGE_BYTES} "
                            f"({IMAGE_WIDTH}×{IMAGE_HEIGHT} pixels at 4 bits)")
    packed = np.frombuffer(data, dtype=np.uint8).reshape(IMAGE_HEIGHT, IMAGE_WIDTH // 2)
    image = np.empty((IMAGE_HEIGHT, IMAGE_WIDTH), dtype=np.uint8)
    image[:, 0::2] = packed >> 4
    image[:, 1::2] = packed & 0x0F
    return image * 17


def line_time(payload_bytes: int, packet_size: int, baudrate: int) -> float:
    """Seconds UpImage needs on the wire at 8N1 (10 bits a byte): the acknowledge plus every data packet.

    256×288 at 4 bits with 128-byte packets: 12 + 36 864 + 288 × 11 = 40 044 bytes → 6.95 s at 57 600 baud.
    """
    return upload_wire_bytes(payload_bytes, packet_size) * 10 / baudrate


def upload_wire_bytes(payload_bytes: int, packet_size: int) -> int:
    packets = -(-payload_bytes // packet_size)
    return (HEADER_LEN + 3) + payload_bytes + packets * (HEADER_LEN + 2)
