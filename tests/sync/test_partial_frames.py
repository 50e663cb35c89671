"""A cut inside a frame: the hub holds the bytes of that frame it read (sync/hub/partial_frames.py), says so in
its position answer, and a kit whose frame starts with exactly those bytes sends only the rest. Held bytes are
never stored unchecked, never given to another kit or offset, and a resumed stream after too many idle tries
goes back to the worker."""

from __future__ import annotations

import pytest

from sync.client.transport import HubRefused
from sync.client.uploader import MAX_IDLE_STREAMS
from sync.client.worker import SyncWorker
from sync.faultproxy import UP, Fault, FaultProxy
from sync.frames import DEFAULT_FRAME_BYTES, FRAME_OVERHEAD, encode_frame
from sync.hub.app import build_app
from sync.hub.partial_frames import PartialFrames
from sync.hub.server import HubServer
from sync.protocol import API, sha256_hex
from tests.sync.conftest import FAST, Kit
from tests.sync.test_faults import assert_exactly_once
from tests.sync.test_hub import open_upload
from tests.sync.test_streamed_upload import RecordingClient, stream

pytestmark = pytest.mark.parametrize("storage_kind", ["sqlite"])
FRAME = DEFAULT_FRAME_BYTES


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def partials():
    return PartialFrames()


@pytest.fixture
def partial_hub(hub_service, partials):
    """A hub whose held partial frames the test can see."""
    server = HubServer(build_app(hub_service, partials), graceful_s=0.5).start()
    yield server
    server.stop()


def test_held_bytes_are_given_back_only_for_their_kit_upload_offset_and_length(storage_kind):
    clock = Clock()
    held = PartialFrames(ttl_s=60, clock=clock)
    held.keep("kit-a", "up-1", 8192, b"x" * 100)
    assert held.describe("kit-a", "up-1", 8192) == {"partial": 100, "partial_sha256": sha256_hex(b"x" * 100)}
    assert held.describe("kit-b", "up-1", 8192) == {} and held.describe("kit-a", "up-1", 0) == {}
    assert held.take("kit-b", "up-1", 8192, 100) is None  # another kit never gets them
    assert held.take("kit-a", "up-1", 8192, 99) is None  # nor a kit that means other bytes
    assert held.take("kit-a", "up-1", 8192, 100) == b"x" * 100
    assert held.take("kit-a", "up-1", 8192, 100) is None  # taken once
    held.keep("kit-a", "up-2", 0, b"y" * 10)
    clock.now += 61
    assert held.describe("kit-a", "up-2", 0) == {} and held.take("kit-a", "up-2", 0, 10) is None  # too old


def test_held_bytes_stay_within_their_bounds(storage_kind):
    held = PartialFrames(max_entries=3, max_bytes=1000)
    for i in range(5):
        held.keep("kit", f"up-{i}", 0, b"z" * 300)
    assert len(held) == 3  # the oldest two went first
    assert held.describe("kit", "up-0", 0) == {} and held.describe("kit", "up-4", 0)["partial"] == 300
    held.keep("kit", "up-5", 0, b"z" * 900)  # bytes bound: only this one fits
    assert len(held) == 1


def test_a_cut_inside_a_frame_sends_only_the_rest_of_that_frame(enrolled_kit, partial_hub, hub_service, hub_keys,
                                                                storage_kind):
    kit = enrolled_kit
    [packet_id] = kit.queue(1, face_bytes=200_000)
    with FaultProxy(partial_hub.host, partial_hub.port, rate_bps=4_000_000) as proxy:
        proxy.plan(Fault("reset", UP, after_bytes=120_000))  # mid-stream, most likely inside a frame
        with RecordingClient(proxy.url, kit.identity, FAST) as client:
            worker = SyncWorker(client, kit.outbox, hub_keys.signing_public, sleep=lambda _s: None)
            result, _ = worker.step()
    assert result.delivered == 1
    skipped = client.stream_partials()
    assert skipped[0] == 0 and 0 < skipped[1] < FRAME_OVERHEAD + FRAME  # the resumed stream left out what the hub held
    assert client.positions[0] == client.stream_offsets()[1]
    assert_exactly_once(kit, hub_service.storage, hub_keys, [packet_id])


def test_held_bytes_are_checked_whole_before_anything_is_stored(enrolled_kit, partial_hub, partials, hub_service,
                                                                client_for, storage_kind):
    """A rest that does not complete the held start into the kit's signed frame is refused; nothing is stored."""
    kit = enrolled_kit
    packet_id, data = kit.seal(face_bytes=60_000)
    client = client_for(partial_hub.url, kit.identity)
    upload_id = open_upload(client, packet_id, data)["upload_id"]
    frame = encode_frame(kit.identity, packet_id, sha256_hex(data), 0, data[:FRAME])
    partials.keep(kit.kit_id, upload_id, 0, frame[:1000])
    forged_rest = bytes(b ^ 0xFF for b in frame[1000:])  # the right length, other bytes
    with pytest.raises(HubRefused) as refused:
        stream_partial(client, packet_id, data, 0, 1000, [forged_rest])
    assert refused.value.code == "bad_frame" and refused.value.body["offset"] == 0
    assert hub_service.storage.get_upload(upload_id).received == 0


def test_a_resume_after_bytes_the_hub_no_longer_holds_is_told_to_send_the_whole_frame(
        enrolled_kit, partial_hub, hub_service, client_for, storage_kind):
    kit = enrolled_kit
    packet_id, data = kit.seal(face_bytes=60_000)
    client = client_for(partial_hub.url, kit.identity)
    upload_id = open_upload(client, packet_id, data)["upload_id"]
    frame = encode_frame(kit.identity, packet_id, sha256_hex(data), 0, data[:FRAME])
    with pytest.raises(HubRefused) as refused:  # e.g. the hub restarted, or another of its processes answers
        stream_partial(client, packet_id, data, 0, 1000, [frame[1000:]])
    assert refused.value.code == "offset_conflict"
    assert refused.value.body["offset"] == 0 and refused.value.body["partial"] == 0
    assert hub_service.storage.get_upload(upload_id).received == 0


def test_another_kit_cannot_take_or_learn_a_kits_held_bytes(enrolled_kit, partial_hub, partials, hub_keys,
                                                            hub_service, client_for, storage_kind):
    from sync.client.provisioning import enrol

    kit, rogue = enrolled_kit, Kit(hub_keys)
    enrol(partial_hub.url, hub_service.issue_token(), rogue.identity, FAST, supervisors=rogue.supervisors)
    packet_id, data = kit.seal(face_bytes=60_000)
    upload_id = open_upload(client_for(partial_hub.url, kit.identity), packet_id, data)["upload_id"]
    partials.keep(kit.kit_id, upload_id, 0, b"k" * 1000)
    rogue_client = client_for(partial_hub.url, rogue.identity)
    answer = open_upload(rogue_client, packet_id, data)  # the same packet id and hash: the rogue's own upload
    assert answer["upload_id"] != upload_id and "partial" not in answer
    assert partials.describe(kit.kit_id, upload_id, 0)["partial"] == 1000  # still the kit's


def test_a_kit_whose_frame_differs_from_the_held_bytes_sends_it_whole(enrolled_kit, partial_hub, partials, hub_keys,
                                                                      hub_service, storage_kind):
    """The hub's hash of what it holds lets the kit check before leaving anything out (e.g. it now frames the
    packet differently): it sends the whole frame, and the packet arrives."""
    kit = enrolled_kit
    [packet_id] = kit.queue(1, face_bytes=60_000)
    packet = kit.outbox.packet(packet_id)
    with RecordingClient(partial_hub.url, kit.identity, FAST) as client:
        upload_id = open_upload(client, packet_id, packet.data)["upload_id"]
        partials.keep(kit.kit_id, upload_id, 0, b"not the kit's frame")
        worker = SyncWorker(client, kit.outbox, hub_keys.signing_public, sleep=lambda _s: None)
        worker._uploader._streaming[packet_id] = 0  # as after a cut in an earlier pass: ask the hub first
        worker._uploader.stream_support = True
        result, _ = worker.step()
    assert result.delivered == 1 and client.stream_partials() == [0]
    assert_exactly_once(kit, hub_service.storage, hub_keys, [packet_id])


@pytest.mark.parametrize("idle_cuts, delivered", [(MAX_IDLE_STREAMS, 1), (MAX_IDLE_STREAMS + 1, 0)])
def test_streams_that_store_nothing_are_retried_at_once_a_few_times_then_the_worker_backs_off(
        enrolled_kit, hub_server, hub_service, hub_keys, idle_cuts, delivered, storage_kind):
    kit = enrolled_kit
    [packet_id] = kit.queue(1, face_bytes=200_000)
    # The first connection carries the open and most of the stream; each later one the question for the
    # offset and a stream cut before its first frame is whole.
    faults = [Fault("reset", UP, after_bytes=120_000)] + [Fault("reset", UP, after_bytes=2_500)] * idle_cuts
    with FaultProxy(hub_server.host, hub_server.port, rate_bps=4_000_000) as proxy:
        proxy.plan(*faults)
        with RecordingClient(proxy.url, kit.identity, FAST) as client:
            worker = SyncWorker(client, kit.outbox, hub_keys.signing_public, sleep=lambda _s: None)
            result, delay = worker.step()
            assert proxy.pending_faults() == 0
    assert result.delivered == delivered
    assert len(client.positions) == idle_cuts + 1  # each cut asked the hub's offset, in the same pass
    if not delivered:
        assert result.error and result.progressed  # back to the worker, which retries soon (bytes moved)
        assert delay <= worker.backoff.quick_max_s


def stream_partial(client, packet_id: str, data: bytes, offset: int, partial: int, pieces: list[bytes]) -> dict:
    query = f"packet_id={packet_id}&size={len(data)}&sha256={sha256_hex(data)}&offset={offset}&partial={partial}"
    return client.request("POST", f"{API}/uploads/stream?{query}", stream=iter(pieces),
                          content_type="application/octet-stream")[1]
