"""Sync over a bad link (the fault proxy on 127.0.0.1): every packet arrives exactly once, nothing is lost.

Each test ends by checking the same three facts: the hub stored each packet once with the kit's bytes,
the kit acknowledged exactly the packets the hub holds (counts agree), and every receipt verifies.
"""

from __future__ import annotations

import random

import pytest

from sync.client.connectivity import Backoff
from sync.client.uploader import verify_receipt
from sync.client.worker import SyncWorker
from sync.faultproxy import DOWN, UP, Fault, FaultProxy
from sync.hub.app import build_app
from sync.hub.server import HubServer
from sync.hub.service import HubService
from sync.hub.verify import EnvelopeVerifier
from sync.protocol import sha256_hex
from tests.sync.conftest import FAST, open_test_storage
from tests.sync.waiting import wait_until

MAX_PASSES = 25
# Link faults do not depend on the storage: those tests run on SQLite only; the hub restart and the race
# (where the database does the work) run on both.
sqlite_only = pytest.mark.parametrize("storage_kind", ["sqlite"])
# An unthrottled link: a streamed body's answer is waited for read_s plus the body at 1 MB/s.
FASTER = type(FAST)(connect_s=1.0, read_s=1.0, write_s=1.0, stream_floor_bytes_s=1_000_000)


@pytest.fixture
def proxy(hub_server):
    with FaultProxy(hub_server.host, hub_server.port) as p:
        yield p


def quick_backoff() -> Backoff:
    return Backoff(base_s=0.05, cap_s=0.2, floor_s=0.01, rng=random.Random(6))


def passes_until_empty(worker: SyncWorker, outbox) -> int:
    for n in range(1, MAX_PASSES + 1):
        worker.run_once()
        if outbox.queued_count() == 0:
            return n
    raise AssertionError(f"outbox not empty after {MAX_PASSES} passes: {worker.status.snapshot()}")


def assert_exactly_once(kit, storage, hub_keys, expected_ids) -> None:
    stored = {p.packet_id: p for p in storage.list_packets(kit.kit_id)}
    assert sorted(stored) == sorted(expected_ids), "hub holds exactly the kit's packets, once each"
    acked = [pid for pid, state in kit.outbox.state.items() if state == "acknowledged"]
    assert sorted(acked) == sorted(expected_ids), "kit acknowledged exactly what the hub holds"
    for pid in expected_ids:
        packet = kit.outbox.packets[pid]
        assert storage.packet_envelope(kit.kit_id, pid) == packet.data
        verify_receipt(kit.outbox.receipts[pid], packet, kit.kit_id, hub_keys.signing_public)


@sqlite_only
def test_resets_truncations_and_stalls(enrolled_kit, hub_service, proxy, client_for, hub_keys):
    kit = enrolled_kit
    ids = kit.queue(4, face_bytes=30_000)
    proxy.plan(
        Fault("reset", UP, after_bytes=20_000),        # link drops mid-chunk
        Fault("truncate", DOWN, after_bytes=60),       # an answer cut short after its status line
        Fault("reset", DOWN, after_bytes=5),           # a reset while the answer comes back
        Fault("stall", UP, after_bytes=3_000, stall_s=1.5),  # the link freezes longer than the kit waits
        Fault("reset", UP, after_bytes=70_000),
        Fault("truncate", DOWN, after_bytes=300),
    )
    worker = SyncWorker(client_for(proxy.url, kit.identity, FASTER), kit.outbox, hub_keys.signing_public,
                        chunk_bytes=16 * 1024, max_chunk_bytes=16 * 1024)
    passes_until_empty(worker, kit.outbox)
    assert proxy.pending_faults() == 0 and len(proxy.faults_fired) == 6
    assert_exactly_once(kit, hub_service.storage, hub_keys, ids)


@sqlite_only
def test_receipt_lost_in_a_crash_is_recovered_by_asking_the_fate(enrolled_kit, hub_service, proxy, client_for, hub_keys):
    kit = enrolled_kit
    [packet_id] = kit.queue(1, face_bytes=5_000)
    client = client_for(proxy.url, kit.identity, FAST)
    worker = SyncWorker(client, kit.outbox, hub_keys.signing_public)
    sent_before = proxy.bytes[UP]
    first = worker.run_once()
    assert first.delivered == 1
    # The kit lost power after the hub stored the packet and before the receipt was recorded.
    kit.outbox.state[packet_id] = "uploading"
    kit.outbox.receipts.pop(packet_id)
    upload_bytes = proxy.bytes[UP] - sent_before
    proxy.reset_counters()
    second = worker.run_once()
    assert second.delivered == 1 and kit.outbox.state[packet_id] == "acknowledged"
    assert proxy.bytes[UP] < upload_bytes / 4, "the packet was not sent again: its fate was asked"
    assert_exactly_once(kit, hub_service.storage, hub_keys, [packet_id])


@sqlite_only
@pytest.mark.parametrize("rate_bps", [64_000, 256_000])
def test_throttled_link_with_a_drop(enrolled_kit, hub_service, proxy, client_for, hub_keys, rate_bps):
    kit = enrolled_kit
    ids = kit.queue(2, face_bytes=4_000 if rate_bps == 64_000 else 16_000)
    proxy.rate_bps = rate_bps
    proxy.plan(Fault("reset", UP, after_bytes=6_000))
    worker = SyncWorker(client_for(proxy.url, kit.identity, FAST), kit.outbox, hub_keys.signing_public,
                        chunk_bytes=4 * 1024, max_chunk_bytes=4 * 1024)
    passes_until_empty(worker, kit.outbox)
    assert proxy.faults_fired
    assert_exactly_once(kit, hub_service.storage, hub_keys, ids)


def test_hub_restart_mid_upload_resumes_where_it_stopped(enrolled_kit, hub_service, hub_server, proxy, hub_keys,
                                                         client_for, storage_kind, tmp_path, request):
    kit = enrolled_kit
    ids = kit.queue(2, face_bytes=40_000)
    size = sum(kit.outbox.packets[i].size for i in ids)
    proxy.rate_bps = 512_000  # slow enough to catch the upload half-way
    worker = SyncWorker(client_for(proxy.url, kit.identity, FAST), kit.outbox, hub_keys.signing_public,
                        backoff=quick_backoff(), idle_s=30, chunk_bytes=8 * 1024, max_chunk_bytes=8 * 1024).start()
    restarted = None
    try:
        def half_way():
            uploads = [hub_service.storage.get_upload(u) for u in _upload_ids(hub_service.storage)]
            return any(u and 0 < u.received < u.size for u in uploads)

        wait_until(half_way, timeout=10, what="an upload half-way")
        hub_server.stop()  # the hub goes down mid-upload ...
        storage = open_test_storage(storage_kind, tmp_path, request)  # ... and comes back on its database
        restarted = HubServer(build_app(HubService(storage, hub_keys, EnvelopeVerifier(hub_keys.hpke_private))),
                              graceful_s=0.5)
        restarted.start()
        proxy.set_target(restarted.host, restarted.port)
        wait_until(lambda: kit.outbox.queued_count() == 0, timeout=20, what="the outbox to empty")
    finally:
        worker.stop()
        if restarted is not None:
            restarted.stop()
            storage.close()
    assert_exactly_once(kit, hub_service.storage, hub_keys, ids)
    # Resumed, not restarted: at most one chunk per interruption is sent twice.
    assert worker.status.snapshot()["bytes_sent_total"] < size + 3 * 8 * 1024


def _upload_ids(storage) -> list[str]:
    with storage._transaction():
        return [r[0] for r in storage._execute("SELECT upload_id FROM uploads").fetchall()]


def test_two_workers_racing_store_each_packet_once(enrolled_kit, hub_service, proxy, client_for, hub_keys):
    """The same packet offered twice at once (two workers, as after a crash and restart) is stored once."""
    import threading

    kit = enrolled_kit
    ids = kit.queue(3, face_bytes=10_000)
    workers = [SyncWorker(client_for(proxy.url, kit.identity, FAST), kit.outbox, hub_keys.signing_public,
                          chunk_bytes=4096, max_chunk_bytes=4096) for _ in range(2)]
    threads = [threading.Thread(target=w.run_once) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    passes_until_empty(workers[0], kit.outbox)
    assert_exactly_once(kit, hub_service.storage, hub_keys, ids)
    assert sha256_hex(hub_service.storage.packet_envelope(kit.kit_id, ids[0])) == kit.outbox.packets[ids[0]].sha256
