"""Signed frames of a streamed upload (`POST /v1/uploads/stream`): the wire format, pure (no I/O).

A streamed upload is one long request body made of frames, so the hub can check each frame the moment it
has it whole and store what it checked (in batches, sync/hub/stream_upload.py): a cut then loses nothing
checked, and no chunk waits for a round trip. The
request's own signature cannot cover a body that is not known yet (it covers the empty body), so each
frame carries its own Ed25519 signature by the kit's device key, bound to the packet (its id and the SHA-256
of the whole packet, which name the upload) and the frame's offset in it. A frame can thus only ever be
stored where the kit meant it; replaying one stores nothing new (the hub appends only at its confirmed
offset, and the bytes are the kit's anyway).

Frame: 4-byte big-endian length N of the data, 64-byte signature, N bytes of data. The signature covers
`FIELDKIT-FRAME-1\\n<packet id>\\n<hex SHA-256 of the packet>\\n<offset>\\n<hex SHA-256 of the data>`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sync.protocol import ProtocolError, Signer, sha256_hex

FRAME_MAGIC = b"FIELDKIT-FRAME-1"
SIGNATURE_BYTES = 64
HEADER = struct.Struct(">I")
FRAME_OVERHEAD = HEADER.size + SIGNATURE_BYTES
# 16 KB is half a second at 32 kB/s, for 0.4 % framing overhead. A cut loses none of it when the hub holds
# the frame's start (sync/hub/partial_frames.py), at most the frame otherwise.
DEFAULT_FRAME_BYTES = 16 * 1024
MAX_FRAME_BYTES = 64 * 1024


def frame_message(packet_id: str, packet_sha256: str, offset: int, data: bytes) -> bytes:
    return b"\n".join([FRAME_MAGIC, packet_id.encode("utf-8"), packet_sha256.encode("ascii"), str(offset).encode(),
                       sha256_hex(data).encode()])


def encode_frame(signer: Signer, packet_id: str, packet_sha256: str, offset: int, data: bytes) -> bytes:
    if not 0 < len(data) <= MAX_FRAME_BYTES:
        raise ValueError(f"a frame carries 1 to {MAX_FRAME_BYTES} bytes")
    signature = signer.sign(frame_message(packet_id, packet_sha256, offset, data))
    return HEADER.pack(len(data)) + signature + data


def verify_frame(key: Ed25519PublicKey, packet_id: str, packet_sha256: str, offset: int, frame: "Frame") -> None:
    """ProtocolError('bad_frame') unless the kit signed exactly these bytes for this packet at this offset."""
    try:
        key.verify(frame.signature, frame_message(packet_id, packet_sha256, offset, frame.data))
    except InvalidSignature:
        raise ProtocolError("bad_frame", f"frame at offset {offset} is not signed by the kit for this packet") from None


@dataclass(frozen=True)
class Frame:
    signature: bytes
    data: bytes


class FrameReader:
    """Cuts a byte stream into frames as the pieces arrive; a frame is returned only once it is whole."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, piece: bytes) -> list[Frame]:
        self._buffer += piece
        frames = []
        while len(self._buffer) >= FRAME_OVERHEAD:
            (length,) = HEADER.unpack_from(self._buffer)
            if not 0 < length <= MAX_FRAME_BYTES:
                raise ProtocolError("bad_frame", f"frame length {length} not within 1..{MAX_FRAME_BYTES}")
            end = FRAME_OVERHEAD + length
            if len(self._buffer) < end:
                break
            frames.append(Frame(bytes(self._buffer[HEADER.size:FRAME_OVERHEAD]),
                                bytes(self._buffer[FRAME_OVERHEAD:end])))
            del self._buffer[:end]
        return frames

    @property
    def pending(self) -> int:
        """Bytes of a frame not yet whole (lost if the stream ends here)."""
        return len(self._buffer)

    def pending_bytes(self) -> bytes:
        """The bytes of the frame not yet whole (the hub holds them across a cut: sync/hub/partial_frames.py)."""
        return bytes(self._buffer)
