"""A receive buffer that finds frame starts in a noisy byte stream: what every framed serial protocol needs.

Bytes before a start marker are skipped and counted; too much noise in a row is a ProtocolError (wrong baud
rate, or another device on the port). A trailing partial marker is kept: the rest of it may still be arriving.
"""

from __future__ import annotations

from drivers.errors import ProtocolError


class ResyncBuffer:
    def __init__(self, marker: bytes, max_noise: int, noise_hint: str):
        self._marker = marker
        self._max_noise = max_noise
        self._noise_hint = noise_hint
        self._buf = bytearray()
        self.noise = 0  # bytes skipped since the last good frame

    def feed(self, data: bytes) -> None:
        self._buf += data

    def clear(self) -> None:
        self._buf.clear()
        self.noise = 0

    @property
    def pending(self) -> int:
        return len(self._buf)

    def _skip_to_marker(self) -> None:
        buf = self._buf
        at = buf.find(self._marker)
        skipped = at if at >= 0 else len(buf) - (1 if buf.endswith(self._marker[:1]) else 0)
        if skipped:
            self.noise += skipped
            del buf[:skipped]
        if self.noise > self._max_noise:
            noise, self.noise = self.noise, 0
            raise ProtocolError(f"{noise} bytes of noise {self._noise_hint}")

    def _drop(self, count: int) -> None:
        del self._buf[:count]

    def _frame_done(self, total: int) -> None:
        """Consume a good frame of `total` bytes: the line is in step again."""
        del self._buf[:total]
        self.noise = 0
