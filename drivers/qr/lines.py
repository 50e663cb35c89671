"""Split a serial byte stream into scanned codes: CR, LF or CR LF ends a code; partial reads are buffered."""

from __future__ import annotations

import re

from drivers.errors import ProtocolError

MAX_LINE = 4096  # a card QR is ~150 bytes; anything this long is noise or a stuck reader
_END = re.compile(rb"\r\n|\r|\n")


class LineReader:
    """`feed(bytes)`, then `next_line()` → decoded text, None (need more bytes) or ProtocolError.

    A line that is not valid UTF-8, or runs past MAX_LINE, raises ProtocolError and is dropped; the bytes
    after it are kept, so reading goes on with the next code.
    """

    def __init__(self, max_line: int = MAX_LINE):
        self.max_line = max_line
        self._buf = bytearray()
        self._discarding = False  # inside an over-long line: drop until its end

    def feed(self, data: bytes) -> None:
        self._buf += data

    def clear(self) -> None:
        self._buf.clear()
        self._discarding = False

    @property
    def pending(self) -> int:
        return len(self._buf)

    def next_line(self, *, line_idle: bool = False) -> str | None:
        """The next complete code. `line_idle`: the line has gone quiet, so a trailing CR ends a code."""
        while True:
            match = _END.search(self._buf)
            if match is None:
                if len(self._buf) > self.max_line:
                    dropped = len(self._buf)
                    self._buf.clear()
                    self._discarding = True
                    raise ProtocolError(f"no line end after {dropped} bytes (not a serial-mode QR reader, "
                                        "or wrong baud rate); dropped")
                return None
            raw = bytes(self._buf[:match.start()])
            # a lone CR at the very end may be the first half of CR LF still arriving: wait for the next byte
            if match.group() == b"\r" and match.end() == len(self._buf) and not line_idle:
                return None
            del self._buf[:match.end()]
            if self._discarding:
                self._discarding = False
                continue
            if not raw:
                continue  # empty line (e.g. a reader that sends LF CR)
            return decode_line(raw)


def decode_line(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"scanned code is not valid UTF-8 (byte 0x{raw[exc.start]:02X} at position {exc.start} "
                            f"of {len(raw)}); the code was dropped, scan again",
                            hint="Set the QR reader to UTF-8 output in serial (virtual COM) mode, not keyboard mode.") \
            from None
    return text.lstrip("\ufeff")
