"""Streamed uploads (POST /v1/uploads/stream, sync/frames.py): each signed frame is stored as it arrives,
a cut resumes from the hub's confirmed frame offset, a forged or altered frame is refused and not stored,
an older hub without the route gets chunks, and exactly-once holds under random cuts."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.client.kit import DeviceIdentity
from sync.client.transport import HubClient, HubRefused
from sync.client.worker import SyncWorker
from sync.faultproxy import UP, Fault, FaultProxy
from sync.frames import DEFAULT_FRAME_BYTES, FRAME_OVERHEAD, FrameReader, encode_frame
from sync.hub.app import build_app
from sync.hub.server import HubServer
from sync.protocol import API, ProtocolError, sha256_hex
from tests.sync.conftest import FAST
from tests.sync.test_faults import assert_exactly_once
from tests.sync.test_hub import open_upload

pytestmark = pytest.mark.parametrize("storage_kind", ["sqlite"])
FRAME = DEFAULT_FRAME_BYTES


class RecordingClient(HubClient):
    """Notes each request (method, path) and the offset each bodiless re-open answered: what the kit did after
    a cut."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[str, str]] = []
        self.positions: list[int] = []

    def request(self, method, path, **kwargs):
        self.calls.append((method, path))
        status, answer = super().request(method, path, **kwargs)
        if method == "POST" and path.startswith(f"{API}/uploads?") and not kwargs.get("body") and "offset" in answer:
            self.positions.append(answer["offset"])  # (no offset: the packet was stored, the answer is its receipt)
        return status, answer

    def stream_offsets(self) -> list[int]:
        return [int(self.stream_query(p)["offset"]) for m, p in self.calls if m == "POST" and "/stream?" in p]

    def stream_partials(self) -> list[int]:
        """Bytes of its first frame each stream left out (the hub held them from the cut stream)."""
        return [int(self.stream_query(p).get("partial", 0)) for m, p in self.calls if m == "POST" and "/stream?" in p]

    @staticmethod
    def stream_query(path: str) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(path).query))


def stream(client: HubClient, packet_id: str, data: bytes, offset: int, frames: list[bytes]) -> dict:
    query = f"packet_id={packet_id}&size={len(data)}&sha256={sha256_hex(data)}&offset={offset}"
    return client.request("POST", f"{API}/uploads/stream?{query}", stream=iter(frames),
                          content_type="application/octet-stream")[1]


def test_frame_reader_returns_only_whole_frames(storage_kind):
    signer = DeviceIdentity("kit-1", Ed25519PrivateKey.generate())
    wire = encode_frame(signer, "p1", "0" * 64, 0, b"a" * 100) + encode_frame(signer, "p1", "0" * 64, 100, b"b" * 50)
    reader = FrameReader()
    assert reader.feed(wire[:FRAME_OVERHEAD + 99]) == []  # one byte short of the first frame
    first = reader.feed(wire[FRAME_OVERHEAD + 99:FRAME_OVERHEAD + 101])
    assert [f.data for f in first] == [b"a" * 100] and reader.pending == 1
    assert [f.data for f in reader.feed(wire[FRAME_OVERHEAD + 101:])] == [b"b" * 50] and reader.pending == 0
    with pytest.raises(ProtocolError):
        FrameReader().feed(b"\xff\xff\xff\xff" + b"\0" * 64)  # a length over the limit


def test_a_cut_mid_stream_resumes_from_the_confirmed_frame_offset(enrolled_kit, hub_server, hub_service, hub_keys,
                                                                  storage_kind):
    kit = enrolled_kit
    [packet_id] = kit.queue(1, face_bytes=200_000)
    with FaultProxy(hub_server.host, hub_server.port, rate_bps=4_000_000) as proxy:
        proxy.plan(Fault("reset", UP, after_bytes=120_000))  # the first connection dies mid-stream
        with RecordingClient(proxy.url, kit.identity, FAST) as client:
            worker = SyncWorker(client, kit.outbox, hub_keys.signing_public, sleep=lambda _s: None)
            result, _ = worker.step()
        fired = len(proxy.faults_fired)
    assert fired == 1 and result.delivered == 1
    offsets = client.stream_offsets()
    assert offsets[0] == FRAME  # the first open carried one frame (and said "stream"), the stream the rest
    assert len(offsets) == 2 and len(client.positions) == 1  # after the cut: ask where the hub is, stream on
    resumed = offsets[1]
    assert resumed == client.positions[0]  # from the hub's confirmed offset, not from zero
    assert resumed % FRAME == 0 and 4 * FRAME <= resumed < 120_000  # whole frames stored before the cut
    assert_exactly_once(kit, hub_service.storage, hub_keys, [packet_id])


def test_forged_altered_or_moved_frames_are_refused_and_not_stored(enrolled_kit, hub_server, hub_service, hub_keys,
                                                                   client_for, storage_kind):
    kit = enrolled_kit
    packet_id, data = kit.seal(face_bytes=100_000)
    other_id, other = kit.seal(face_bytes=100_000)
    client = client_for(hub_server.url, kit.identity)
    upload_id = open_upload(client, packet_id, data, first=data[:FRAME])["upload_id"]
    digest = sha256_hex(data)

    def frame(offset: int, signer=kit.identity, signed_offset: int | None = None, signed_for=(packet_id, digest)):
        at = offset if signed_offset is None else signed_offset
        return encode_frame(signer, *signed_for, at, data[offset:offset + FRAME])

    def altered(offset: int) -> bytes:
        wire = bytearray(frame(offset))
        wire[-1] ^= 1  # one bit of the data flipped after signing
        return bytes(wire)

    stranger = DeviceIdentity(kit.kit_id, Ed25519PrivateKey.generate())  # an attacker's key, the kit's id
    attacks = {
        "altered": altered,
        "forged": lambda at: frame(at, signer=stranger),
        "moved": lambda at: frame(at, signed_offset=at + 2 * FRAME),  # the kit's signature, for another place
        "other packet": lambda at: frame(at, signed_for=(other_id, sha256_hex(other))),
    }
    confirmed = FRAME
    for name, bad in attacks.items():
        with pytest.raises(HubRefused) as refused:
            stream(client, packet_id, data, confirmed,
                   [frame(confirmed), bad(confirmed + FRAME), frame(confirmed + 2 * FRAME)])
        assert (refused.value.status, refused.value.code) == (403, "bad_frame"), name
        confirmed += FRAME  # the good first frame was stored; the bad one and everything after it were not
        assert refused.value.body["offset"] == confirmed, name
        assert hub_service.storage.get_upload(upload_id).received == confirmed, name
    # A frame the kit really signed for an earlier offset, replayed, stores nothing.
    with pytest.raises(HubRefused) as refused:
        stream(client, packet_id, data, FRAME, [frame(FRAME)])
    assert refused.value.code == "offset_conflict" and refused.value.body["offset"] == confirmed
    # The kit's own frames finish the packet: verified, stored once, with the receipt.
    answer = stream(client, packet_id, data, confirmed, [frame(o) for o in range(confirmed, len(data), FRAME)])
    assert answer["status"] == "received" and answer["offset"] == len(data)
    stored = hub_service.storage.packet_envelope(kit.kit_id, packet_id)
    assert stored == data and sha256_hex(stored) == answer["receipt"]["receipt"]["sha256"]
    # Streaming it again is answered with the same receipt; nothing is stored twice.
    again = stream(client, packet_id, data, 0, [frame(0)])
    assert again["receipt"] == answer["receipt"] and hub_service.storage.count_packets() == 1


def test_a_stream_cut_inside_a_frame_keeps_the_whole_frames_only(enrolled_kit, hub_server, hub_service,
                                                                   client_for, storage_kind):
    kit = enrolled_kit
    packet_id, data = kit.seal(face_bytes=60_000)
    digest = sha256_hex(data)
    client = client_for(hub_server.url, kit.identity)
    whole = encode_frame(kit.identity, packet_id, digest, 0, data[:FRAME])
    half = encode_frame(kit.identity, packet_id, digest, FRAME, data[FRAME:2 * FRAME])[:FRAME // 2]
    with pytest.raises(HubRefused) as refused:
        stream(client, packet_id, data, 0, [whole, half])  # the stream request opens the upload itself
    assert refused.value.code == "bad_frame" and refused.value.body["offset"] == FRAME
    upload_id = open_upload(client, packet_id, data)["upload_id"]
    assert hub_service.storage.get_upload(upload_id).received == FRAME


def test_a_hub_without_the_stream_route_gets_chunks(enrolled_kit, hub_service, hub_keys, storage_kind):
    kit = enrolled_kit
    ids = kit.queue(2, face_bytes=40_000)
    app = build_app(hub_service)
    app.router.routes = [r for r in app.router.routes if not r.path.endswith("/stream")]  # an older hub
    server = HubServer(app, graceful_s=0.5).start()
    try:
        with RecordingClient(server.url, kit.identity, FAST) as client:
            worker = SyncWorker(client, kit.outbox, hub_keys.signing_public, chunk_bytes=16 * 1024,
                                sleep=lambda _s: None)
            for _ in range(3):
                if not kit.outbox.queued_count():
                    break
                worker.step()
    finally:
        server.stop()
    assert worker._uploader.stream_support is False
    assert any(m == "PUT" for m, _ in client.calls)  # the chunked route carried the packets
    assert_exactly_once(kit, hub_service.storage, hub_keys, ids)


@pytest.mark.parametrize("seed", [3, 11])
def test_exactly_once_under_random_cuts_while_streaming(enrolled_kit, hub_server, hub_service, hub_keys, seed,
                                                        storage_kind):
    kit = enrolled_kit
    ids = kit.queue(4, face_bytes=60_000)
    with FaultProxy(hub_server.host, hub_server.port, rate_bps=1_000_000) as proxy:
        proxy.cut_randomly(mean_up_s=0.2, seed=seed)
        with RecordingClient(proxy.url, kit.identity, FAST) as client:
            worker = SyncWorker(client, kit.outbox, hub_keys.signing_public, sleep=lambda s: time.sleep(min(s, 0.05)))
            deadline = time.monotonic() + 90
            while kit.outbox.queued_count() and time.monotonic() < deadline:
                worker.step()
        proxy.stop_cuts()
        cuts = proxy.cuts
    assert cuts >= 2 and len(client.stream_offsets()) > len(ids)  # cut mid-stream, resumed
    assert_exactly_once(kit, hub_service.storage, hub_keys, ids)
