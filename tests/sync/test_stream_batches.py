"""The hub writes a stream's checked frames in batches (sync/hub/stream_upload.py): a packet arriving whole is
one write, the one that completes it; a slow stream is written at least every FLUSH_S; and a cut writes what
was checked before it."""

from __future__ import annotations

import threading

import pytest

from sync.frames import DEFAULT_FRAME_BYTES, encode_frame
from sync.hub import stream_upload
from sync.protocol import sha256_hex
from tests.sync.test_hub import open_upload
from tests.sync.test_streamed_upload import stream

pytestmark = pytest.mark.parametrize("storage_kind", ["sqlite"])
FRAME = DEFAULT_FRAME_BYTES
WAIT_S = 10.0  # only reached when the hub never writes


class ChunkWrites:
    """Counts the hub's chunk writes (service.put_chunk) and lets a test wait for the next one."""

    def __init__(self, service, monkeypatch):
        self.offsets: list[int] = []
        self.happened = threading.Event()
        real = service.put_chunk

        def put_chunk(kit, upload_id, offset_text, data):
            answer = real(kit, upload_id, offset_text, data)
            self.offsets.append(int(offset_text))
            self.happened.set()
            return answer

        monkeypatch.setattr(service, "put_chunk", put_chunk)


def frames_of(kit, packet_id: str, data: bytes) -> list[bytes]:
    digest = sha256_hex(data)
    return [encode_frame(kit.identity, packet_id, digest, start, data[start:start + FRAME])
            for start in range(0, len(data), FRAME)]


def test_a_packet_streamed_whole_is_one_write_answered_with_its_receipt(enrolled_kit, hub_server, hub_service,
                                                                         client_for, monkeypatch, storage_kind):
    kit = enrolled_kit
    packet_id, data = kit.seal(face_bytes=200_000)
    assert len(data) < stream_upload.FLUSH_BYTES
    writes = ChunkWrites(hub_service, monkeypatch)
    answer = stream(client_for(hub_server.url, kit.identity), packet_id, data, 0, frames_of(kit, packet_id, data))
    assert answer["status"] == "received" and answer["receipt"]
    assert writes.offsets == [0]  # 13 frames, one transaction
    assert hub_service.storage.get_packet(kit.kit_id, packet_id) is not None


def test_a_slow_stream_is_written_every_flush_interval_before_it_ends(enrolled_kit, hub_server, hub_service,
                                                                       client_for, monkeypatch, storage_kind):
    kit = enrolled_kit
    packet_id, data = kit.seal(face_bytes=200_000)
    ticks = iter(range(10_000))
    # a slow link: every time the hub looks, another FLUSH_S has passed
    monkeypatch.setattr(stream_upload, "clock", lambda: next(ticks) * stream_upload.FLUSH_S)
    writes = ChunkWrites(hub_service, monkeypatch)
    frames = frames_of(kit, packet_id, data)
    seen_while_streaming = []

    def slow_body():
        yield from frames[:3]
        seen_while_streaming.append(writes.happened.wait(WAIT_S))  # written while the stream is still open
        yield from frames[3:]

    answer = stream(client_for(hub_server.url, kit.identity), packet_id, data, 0, slow_body())
    assert seen_while_streaming == [True] and answer["status"] == "received"
    assert len(writes.offsets) >= 2 and writes.offsets == sorted(set(writes.offsets))
    assert all(offset % FRAME == 0 for offset in writes.offsets)  # whole checked frames only


def test_frames_checked_before_a_bad_one_are_written(enrolled_kit, hub_server, hub_service, client_for,
                                                     monkeypatch, storage_kind):
    from sync.client.transport import HubRefused

    kit = enrolled_kit
    packet_id, data = kit.seal(face_bytes=200_000)
    frames = frames_of(kit, packet_id, data)
    bad = frames[2][:-1] + bytes([frames[2][-1] ^ 1])  # a flipped bit in the third frame's data
    with pytest.raises(HubRefused) as refused:
        stream(client_for(hub_server.url, kit.identity), packet_id, data, 0, [frames[0], frames[1], bad, frames[3]])
    assert refused.value.code == "bad_frame" and refused.value.body["offset"] == 2 * FRAME
    upload_id = open_upload(client_for(hub_server.url, kit.identity), packet_id, data)["upload_id"]
    assert hub_service.storage.get_upload(upload_id).received == 2 * FRAME
