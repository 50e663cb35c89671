"""Fuzz: random and mutated frames against the frame reader and the driver.

Whatever the line delivers, the driver either returns a result or raises a DeviceError subclass with a
message (never IndexError, struct.error, ValueError…), and no call waits past its deadline.
Seeded, so a failure names a case that can be replayed.
"""

from __future__ import annotations

import random
import struct
import time

import pytest

from drivers.errors import DeviceError
from drivers.fingerprint import protocol as p
from drivers.fingerprint.uart_scanner import UartFingerprintScanner
from drivers.serial_link import SerialLink
from drivers.sim.runner import Send, SimulatorRunner
from drivers.sim.transport import MemoryEndpoint

pytestmark = pytest.mark.usefixtures("no_leftover_threads")

PARA = p.SystemParameters(4, 9, 1000, 3, p.DEFAULT_ADDRESS, 128, 57600).encode()


def _image_reply(rng: random.Random) -> bytes:
    data = rng.randbytes(p.IMAGE_BYTES)
    frames = [p.ack(0)]
    for i in range(0, len(data), 128):
        frames.append(p.encode_packet(p.PID_END if i + 128 >= len(data) else p.PID_DATA, data[i:i + 128]))
    return b"".join(frames)


# operation name, call, commands it sends, a correct reply
OPERATIONS = [
    ("read_system_parameters", lambda s: s.read_system_parameters(), 1, lambda r: p.ack(0, PARA)),
    ("echo", lambda s: s.echo(), 1, lambda r: p.ack(p.ECHO_OK)),
    ("search", lambda s: s.search(1, 0, 1000), 1, lambda r: p.ack(0, struct.pack(">HH", 3, 100))),
    ("capture_image", lambda s: s.capture_image(timeout=0, poll_interval=0), 1, lambda r: p.ack(0)),
    ("image_to_template", lambda s: s.image_to_template(1), 1, lambda r: p.ack(0)),
    ("handshake", lambda s: s.handshake(), 2, lambda r: p.ack(0) + p.ack(0, PARA)),
]
UPLOAD = ("upload_image", lambda s: s.upload_image(), 1, _image_reply)


def _random_frame(rng: random.Random) -> bytes:
    """A well-formed frame (valid checksum) with random packet id and payload: tests the semantic layer."""
    pid = rng.choice(list(p.PACKET_IDS))
    return p.encode_packet(pid, rng.randbytes(rng.randrange(0, 40)))


def mutate(rng: random.Random, reply: bytes) -> bytes:
    data = bytearray(reply)
    kind = rng.randrange(12)
    if kind == 0:  # bit flips
        for _ in range(rng.randint(1, 5)):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
    elif kind == 1:  # truncated
        del data[rng.randrange(len(data)):]
    elif kind == 2:  # noise inserted
        i = rng.randrange(len(data) + 1)
        data[i:i] = rng.randbytes(rng.randint(1, 64))
    elif kind == 3:  # bytes lost
        i = rng.randrange(len(data))
        del data[i:i + rng.randint(1, 16)]
    elif kind == 4:  # length field
        data[7:9] = struct.pack(">H", rng.randrange(65536))
    elif kind == 5:  # packet id
        data[6] = rng.randrange(256)
    elif kind == 6:  # pure noise
        data = bytearray(rng.randbytes(rng.randrange(0, 700)))
    elif kind == 7:  # duplicated answer
        data = data + bytes(data)
    elif kind == 8:  # well-formed frames of the wrong kind
        data = bytearray(b"".join(_random_frame(rng) for _ in range(rng.randint(1, 3))))
    elif kind == 9:  # an acknowledge with a plausible code and short/long data, valid checksum
        code = rng.choice([0x00, 0x00, 0x02, 0x09, p.ECHO_OK, rng.randrange(256)])
        data = bytearray(p.ack(code, rng.randbytes(rng.randrange(0, 20))))
    elif kind == 10:  # address changed
        data[2:6] = rng.randbytes(4)
    else:  # the first frame's payload cut or padded, re-encoded with a valid checksum
        length = struct.unpack(">H", bytes(data[7:9]))[0] if len(data) >= 9 else 2
        payload = bytes(data[9:9 + max(0, length - 2)])
        payload = payload[:rng.randrange(len(payload) + 1)] + rng.randbytes(rng.choice([0, 0, 3]))
        data = bytearray(p.encode_packet(data[6] if len(data) > 6 and data[6] in p.PACKET_IDS else p.PID_ACK,
                                         payload[:p.MAX_PAYLOAD]))
    return bytes(data)


class ScriptedLink:
    """Stands in for SerialLink: delivers the scripted reply in random pieces, then lets the deadline pass."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.reply = b""
        self.is_open = True

    def write(self, data: bytes, *, label: str = "") -> None:
        pass

    def read_some(self, deadline, max_bytes: int = 4096) -> bytes:
        if self.reply:
            n = self.rng.randint(1, 300)
            chunk, self.reply = self.reply[:n], self.reply[n:]
            return chunk
        deadline.end = time.monotonic()  # the device says nothing more: time runs out without sleeping
        return b""

    def report_rx(self, data: bytes, *, label: str = "", redact: bool = False) -> None:
        pass

    def discard_input(self) -> int:
        return 0

    def set_baudrate(self, baudrate: int) -> None:
        pass

    def close(self) -> None:
        self.is_open = False


def test_frame_reader_survives_20000_random_and_mutated_streams():
    rng = random.Random(20261123)
    valid = [p.ack(0, PARA), p.ack(0x02), p.command(p.GEN_IMG), p.encode_packet(p.PID_DATA, bytes(128))]
    errors = packets = 0
    for _ in range(20_000):
        reader = p.FrameReader()
        stream = mutate(rng, rng.choice(valid)) + rng.choice(valid)
        pos = 0
        while pos < len(stream):
            step = rng.randint(1, 64)
            reader.feed(stream[pos:pos + step])
            pos += step
            while True:
                try:
                    packet = reader.next_packet()
                except DeviceError as exc:
                    assert str(exc)
                    errors += 1
                    continue
                if packet is None:
                    break
                packets += 1
        assert reader.pending <= p.MAX_FRAME + 1
    assert errors > 1000 and packets > 10_000  # both paths were really exercised


def test_driver_survives_10000_mutated_answers():
    rng = random.Random(6)
    scanner = UartFingerprintScanner("unused://", connect=False, timeout=0.2)
    link = ScriptedLink(rng)
    outcomes = {"ok": 0, "error": 0}
    try:
        scanner._link = link
        scanner.params = p.SystemParameters.decode(PARA)
        for case in range(10_000):
            name, call, _, reply = UPLOAD if case % 40 == 0 else rng.choice(OPERATIONS)
            good = reply(rng)
            link.reply = good if rng.random() < 0.1 else mutate(rng, good)
            link.is_open = True
            try:
                call(scanner)
                outcomes["ok"] += 1
            except DeviceError as exc:
                assert str(exc), f"case {case} ({name}): empty message"
                outcomes["error"] += 1
            except Exception as exc:  # noqa: BLE001 - this is what the fuzz test hunts for
                pytest.fail(f"case {case} ({name}): {type(exc).__name__}: {exc} on reply {link.reply.hex()[:120]}")
    finally:
        scanner.close()
    assert outcomes["ok"] > 800 and outcomes["error"] > 5000


class ReplayModel:
    """Device model that answers every command with the next scripted reply."""

    def __init__(self):
        self.replies: list[bytes] = []

    def on_bytes(self, data: bytes) -> list:
        return [Send(self.replies.pop(0))] if self.replies else []

    def on_replug(self) -> None:
        pass


def test_driver_never_waits_past_its_deadline_on_a_real_line():
    """A smaller real-time run: mutated answers over the memory line, each call bounded by its timeouts."""
    rng = random.Random(99)
    model = ReplayModel()
    runner = SimulatorRunner(model, MemoryEndpoint(), baudrate=57600, pacing=False, name="fuzz")
    timeout = 0.03
    scanner = UartFingerprintScanner(runner.path, connect=False, timeout=timeout)
    try:
        # connect without the handshake (the replay device answers only what the cases script)
        scanner._link = SerialLink(runner.path, baudrate=57600, emit=scanner.worker.emit)
        scanner.params = p.SystemParameters.decode(PARA)
        for case in range(150):
            name, call, commands, reply = rng.choice(OPERATIONS)
            model.replies = [mutate(rng, reply(rng))]
            t0 = time.monotonic()
            try:
                call(scanner)
            except DeviceError:
                pass
            elapsed = time.monotonic() - t0
            assert elapsed < commands * timeout + 0.5, f"case {case} ({name}) took {elapsed:.2f} s"
    finally:
        scanner.close()
        runner.close()
