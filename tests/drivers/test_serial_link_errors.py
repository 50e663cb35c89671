"""A port that vanishes mid-call surfaces as DeviceDisconnected, whatever layer of pyserial noticed it."""

import pytest

from drivers.errors import DeviceDisconnected
from drivers.serial_link import SerialLink

termios = pytest.importorskip("termios")


class VanishedPort:
    """Stands in for a pty whose other end closed: pyserial's flush() calls tcdrain, which raises EIO."""

    closed = False

    def write(self, data):
        return len(data)

    def flush(self):
        raise termios.error(5, "Input/output error")

    def close(self):
        self.closed = True


def test_termios_error_becomes_disconnected():
    link = SerialLink("loop://", baudrate=57600, emit=lambda *a, **k: None)
    link._port = port = VanishedPort()
    with pytest.raises(DeviceDisconnected, match="Input/output error"):
        link.write(b"\xef\x01")
    assert port.closed
