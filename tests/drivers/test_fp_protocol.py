"""The R30x packet codec: datasheet bytes, streaming, resync and every malformed-frame error."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import ProtocolError
from drivers.fingerprint import protocol as p


def test_gen_img_matches_the_datasheet_example():
    assert p.command(p.GEN_IMG).hex().upper() == "EF01FFFFFFFF010003010005"


def test_round_trip_and_label():
    frame = p.ack(0x00, b"\x00\x05\x00\x78")
    reader = p.FrameReader()
    reader.feed(frame)
    packet = reader.next_packet()
    assert packet == p.Packet(p.PID_ACK, b"\x00\x00\x05\x00\x78")
    assert packet.code == 0 and packet.label() == "ack ok"
    assert reader.next_packet() is None


def test_byte_by_byte_feed_and_leading_noise_resync():
    reader = p.FrameReader()
    stream = b"\x00\xff\xef\x13" + p.command(p.GEN_IMG) + p.ack(0x02)
    packets = []
    for byte in stream:
        reader.feed(bytes([byte]))
        while (packet := reader.next_packet()) is not None:
            packets.append(packet)
    assert [pk.pid for pk in packets] == [p.PID_COMMAND, p.PID_ACK]
    assert packets[1].code == 0x02


def test_checksum_mismatch_is_reported_then_stream_continues():
    bad = bytearray(p.ack(0x00))
    bad[-1] ^= 0xFF
    reader = p.FrameReader()
    reader.feed(bytes(bad) + p.ack(0x09))
    with pytest.raises(ProtocolError, match="checksum mismatch"):
        reader.next_packet()
    assert reader.next_packet().code == 0x09


@pytest.mark.parametrize("mutate,message", [
    (lambda f: f[:6] + b"\x05" + f[7:], "unknown packet id"),
    (lambda f: f[:7] + b"\x01\x10" + f[9:], "length 272 out of range"),
    (lambda f: f[:7] + b"\x00\x01" + f[9:], "length 1 out of range"),
    (lambda f: f[:2] + b"\x00\x00\x00\x01" + f[6:], "address 0x00000001"),
])
def test_malformed_frames_raise_clear_errors(mutate, message):
    reader = p.FrameReader()
    reader.feed(mutate(p.ack(0x00)))
    with pytest.raises(ProtocolError, match=message):
        reader.next_packet()


def test_endless_noise_is_a_protocol_error_not_a_growing_buffer():
    reader = p.FrameReader()
    reader.feed(bytes(range(0x10, 0x80)) * 10)
    with pytest.raises(ProtocolError, match="noise without a packet header"):
        reader.next_packet()
    assert reader.pending <= 1


def test_data_packet_size_is_bounded():
    with pytest.raises(ValueError):
        p.encode_packet(p.PID_DATA, bytes(257))


def test_image_pack_unpack_keeps_the_high_nibble():
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, size=(p.IMAGE_HEIGHT, p.IMAGE_WIDTH), dtype=np.uint8)
    packed = p.pack_image(image)
    assert len(packed) == p.IMAGE_BYTES == 36864
    assert packed[0] >> 4 == image[0, 0] >> 4 and packed[0] & 0xF == image[0, 1] >> 4
    np.testing.assert_array_equal(p.unpack_image(packed), (image >> 4) * 17)


def test_wrong_image_size_is_a_protocol_error():
    with pytest.raises(ProtocolError, match="36863 bytes, expected 36864"):
        p.unpack_image(bytes(36863))


def test_line_time_matches_the_datasheet_figures():
    assert p.upload_wire_bytes(p.IMAGE_BYTES, 128) == 40044
    assert p.line_time(p.IMAGE_BYTES, 128, 57600) == pytest.approx(6.95, abs=0.01)
    assert p.line_time(p.IMAGE_BYTES, 128, 115200) == pytest.approx(3.48, abs=0.01)


def test_system_parameters_round_trip_and_validation():
    para = p.SystemParameters(4, 9, 1000, 3, 0xFFFFFFFF, 128, 57600)
    assert p.SystemParameters.decode(para.encode()) == para
    with pytest.raises(ProtocolError, match="16"):
        p.SystemParameters.decode(b"\x00" * 5)
    with pytest.raises(ProtocolError, match="packet size code"):
        p.SystemParameters.decode(para.encode()[:12] + b"\x00\x07" + para.encode()[14:])


def test_confirmation_codes_have_english_and_vietnamese_text():
    assert p.describe_code(0x02) == "no finger on the sensor"
    assert "ngón tay" in p.describe_code(0x02, "vi")
    assert "0x7E" in p.describe_code(0x7E)


@given(pid=st.sampled_from(sorted(p.PACKET_IDS)), payload=st.binary(max_size=p.MAX_PAYLOAD),
       address=st.integers(0, 0xFFFFFFFF), noise=st.binary(max_size=40), cut=st.integers(1, 50))
def test_any_frame_survives_noise_and_any_split(pid, payload, address, noise, cut):
    frame = p.encode_packet(pid, payload, address)
    reader = p.FrameReader(address=address)
    stream = noise.replace(b"\xef", b"\xee") + frame
    packets = []
    for i in range(0, len(stream), cut):
        reader.feed(stream[i:i + cut])
        while (packet := reader.next_packet()) is not None:
            packets.append(packet)
    assert packets == [p.Packet(pid, payload, address)]
