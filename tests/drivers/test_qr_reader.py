"""The serial-mode QR reader: line splitting, card parsing, and the driver against its simulator on a pty."""

from __future__ import annotations

import pytest

from drivers.errors import CaptureRejected, DeviceBusy, DeviceDisconnected, DeviceTimeout, ProtocolError
from drivers.qr.lines import LineReader
from drivers.qr.people import synthetic_person
from drivers.qr.reader import QrReader
from drivers.qr.simulator import QrSimulator
from drivers.registry import open_device

pytestmark = pytest.mark.usefixtures("no_leftover_threads")


@pytest.fixture(params=["pty", "memory"])
def qr_sim(request):
    sim = QrSimulator("instant", transport=request.param)
    yield sim
    sim.close()


@pytest.fixture
def qr_reader(qr_sim):
    reader = QrReader(qr_sim.path, stall=0.3)
    yield reader
    reader.close()


def test_line_reader_handles_partial_reads_and_all_line_ends():
    lines = LineReader()
    out = []
    for piece in (b"Ng", "uyễn".encode()[:2], "uyễn".encode()[2:] + b"\r", b"\nA\rB\n\nC\r"):
        lines.feed(piece)
        while (line := lines.next_line()) is not None:
            out.append(line)
    assert out == ["Nguyễn", "A", "B"]
    assert lines.next_line(line_idle=True) == "C"  # a CR-only reader: the quiet line ends the code


def test_invalid_utf8_is_a_clear_error_and_reading_goes_on():
    lines = LineReader()
    lines.feed(b"abc\xff\xfedef\r\nnext\r\n")
    with pytest.raises(ProtocolError, match=r"not valid UTF-8 \(byte 0xFF at position 3"):
        lines.next_line()
    assert lines.next_line() == "next"


def test_overlong_line_is_dropped():
    lines = LineReader(max_line=100)
    lines.feed(b"x" * 150)
    with pytest.raises(ProtocolError, match="no line end after 150 bytes"):
        lines.next_line()
    lines.feed(b"tail of the long one\nok\n")
    assert lines.next_line() == "ok"


def test_synthetic_cards_parse_with_the_domain_parser():
    from fieldkit.domain.card_qr import parse_card_qr

    for n in range(40):
        person = synthetic_person(n)
        card = parse_card_qr(person.card_qr(), convert_address=False)
        assert (card.personal_id, card.birth_name) == (person.id_number, person.full_name)


def test_reads_cards_presented_on_the_simulator(qr_reader, qr_sim):
    text = qr_sim.present_card(2)
    card = qr_reader.read_card(timeout=2, convert_address=False)
    assert card.raw == text and card.birth_name == synthetic_person(2).full_name
    assert qr_reader.read_code(timeout=0.1) is None
    qr_sim.scan("https://example.org/not-a-card")
    with pytest.raises(CaptureRejected, match="not a citizen-ID card QR"):
        qr_reader.read_card(timeout=2)


def test_scanned_text_is_not_shown_in_the_device_log(qr_reader, qr_sim):
    events = []
    qr_reader.worker.subscribe(lambda name, data: events.append((name, data)))
    text = qr_sim.present_card(5)
    assert qr_reader.read_code(timeout=2) == text
    rx = [d for n, d in events if n == "bytes"]
    assert rx and all("content hidden" in d["data"] for d in rx)
    assert synthetic_person(5).id_number not in repr(events)


@pytest.mark.parametrize("fault,error,message", [
    ("checksum", ProtocolError, "not valid UTF-8"),
    ("garbage", ProtocolError, "not valid UTF-8"),
    ("timeout", DeviceTimeout, "code cut off"),
    ("disconnect", DeviceDisconnected, "failed"),
])
def test_faults_surface_and_reading_recovers(qr_reader, qr_sim, wait_for, fault, error, message):
    qr_sim.faults.set(fault, times=1)
    qr_sim.present_card(1)
    with pytest.raises(error, match=message):
        qr_reader.read_code(timeout=2)
    wait_for(lambda: qr_sim.plugged)
    qr_reader.connect()  # a reader sends codes only to an open port: what came before is lost, as on a UART
    text = qr_sim.present_card(2)
    assert qr_reader.read_code(timeout=2) == text


def test_busy_port():
    sim = QrSimulator("instant", faults="busy")
    try:
        with pytest.raises(DeviceBusy, match="in use by another program"):
            QrReader(sim.path)
    finally:
        sim.close()


def test_open_qr_sim_spec():
    reader = open_device("qr:sim?transport=memory&pacing=0")
    try:
        reader.simulator.scan("plain text code")
        assert reader.read_code(timeout=2) == "plain text code"
        assert reader.self_test()["ok"]
    finally:
        reader.close()
