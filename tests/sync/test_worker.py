"""The worker thread: back-off without tight loops, noticing the link return, status readable from any thread."""

from __future__ import annotations

import random
import socket
import threading
import time

import pytest

from sync.client.connectivity import Backoff
from sync.client.status import SyncStatus
from sync.client.worker import SyncWorker
from sync.faultproxy import UP, FaultProxy
from tests.sync.conftest import FAST
from tests.sync.waiting import wait_until

pytestmark = pytest.mark.parametrize("storage_kind", ["sqlite"])


def test_backoff_grows_is_capped_jittered_and_resets(storage_kind):
    backoff = Backoff(base_s=5, cap_s=900, floor_s=1, rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(40)]
    assert all(1 <= d <= 900 for d in delays)
    assert max(delays[:3]) <= 20  # early retries are quick ...
    assert sum(delays[-20:]) / 20 > 200  # ... later ones sleep minutes, not seconds (battery)
    assert len(set(round(d, 3) for d in delays)) > 30  # jittered: kits that lost the link together spread out
    backoff.reset()
    assert backoff.next_delay() <= 5


def test_worker_notices_the_link_return_and_delivers(enrolled_kit, hub_server, client_for, hub_keys, storage_kind):
    kit = enrolled_kit
    ids = kit.queue(2)
    with socket.socket() as s:  # the hub is "unreachable": the proxy points at a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    with FaultProxy("127.0.0.1", dead_port) as proxy:
        probes = []
        status = SyncStatus()
        status.add_listener(lambda snap: probes.append(snap["state"]) if snap["state"] == "probing" else None)
        worker = SyncWorker(client_for(proxy.url, kit.identity, FAST), kit.outbox, hub_keys.signing_public, status,
                            backoff=Backoff(base_s=0.05, cap_s=0.3, floor_s=0.02, rng=random.Random(3)),
                            idle_s=60).start()
        try:
            wait_until(lambda: len(probes) >= 3, timeout=10, what="a few failed probes")
            assert status.snapshot()["state"] in ("offline", "probing")
            assert kit.outbox.queued_count() == 2
            proxy.set_target(hub_server.host, hub_server.port)  # the link returns
            wait_until(lambda: kit.outbox.queued_count() == 0, timeout=10, what="delivery after the link returned")
            snap = status.snapshot()
            assert snap["delivered_total"] == 2 and snap["last_success_at"] and snap["stuck"] == []
            # After a clean pass the worker idles (60 s here) instead of probing again.
            settled = len(probes)
            time.sleep(0.3)
            assert len(probes) == settled
            # A new packet wakes it at once.
            more = kit.queue(1)
            worker.wake()
            wait_until(lambda: kit.outbox.queued_count() == 0, timeout=10, what="delivery after wake()")
        finally:
            worker.stop()
    assert sorted(i for i, s in kit.outbox.state.items() if s == "acknowledged") == sorted(ids + more)
    assert status.snapshot()["state"] == "stopped"


def test_status_is_readable_from_other_threads_while_moving(enrolled_kit, hub_server, client_for, hub_keys,
                                                           storage_kind):
    kit = enrolled_kit
    kit.queue(3, face_bytes=30_000)
    with FaultProxy(hub_server.host, hub_server.port, rate_bps=2_000_000) as proxy:
        worker = SyncWorker(client_for(proxy.url, kit.identity, FAST), kit.outbox, hub_keys.signing_public,
                            chunk_bytes=8192, max_chunk_bytes=8192)
        seen, errors, done = [], [], threading.Event()

        def reader():
            while not done.is_set():
                try:
                    snap = worker.status.snapshot()
                    if snap["in_flight"]:  # a stream's bytes are confirmed at its end: sent moves meanwhile
                        seen.append(max(snap["in_flight"]["confirmed_bytes"], snap["in_flight"]["sent_bytes"]))
                except Exception as exc:  # pragma: no cover - this is what the test looks for
                    errors.append(exc)
                time.sleep(0.005)

        thread = threading.Thread(target=reader)
        thread.start()
        try:
            worker.run_once()
        finally:
            done.set()
            thread.join(5)
    assert not errors and seen and max(seen) > 0
    assert worker.status.snapshot()["bytes_sent_total"] >= sum(p.size for p in kit.outbox.packets.values())


def test_proxy_throttle_really_slows_the_link(storage_kind):
    """The fault proxy's throttle is what the fault tests and the benchmark rely on: it must hold bytes back."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    received = []

    def sink():
        conn, _ = server.accept()
        with conn:
            total = 0
            while data := conn.recv(65536):
                total += len(data)
            received.append((total, time.monotonic()))

    thread = threading.Thread(target=sink)
    thread.start()
    try:
        with FaultProxy("127.0.0.1", server.getsockname()[1], rate_bps=256_000) as proxy:
            with socket.create_connection(("127.0.0.1", proxy.port)) as client:
                started = time.monotonic()
                client.sendall(b"x" * 16_000)
                client.shutdown(socket.SHUT_WR)
                thread.join(10)
            assert proxy.bytes[UP] == 16_000
    finally:
        server.close()
        thread.join(5)
    total, finished = received[0]
    assert total == 16_000
    assert finished - started >= 0.9 * 16_000 * 8 / 256_000  # at least the time the link needs
