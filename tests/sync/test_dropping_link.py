"""A link that drops every few seconds (issue 17): progress resets the back-off, a cut mid-chunk resumes from
the confirmed offset with a smaller chunk, chunks follow the link's up-time, and the proxy's random cuts.

The worker's waits go through an injected `sleep` (a recorder) and the chunk sizer runs on an injected
clock: no test here sleeps.
"""

from __future__ import annotations

import random
import socket
import time

import pytest

from sync.client.connectivity import Backoff
from sync.client.transport import HubClient
from sync.client.uploader import ChunkSizer
from sync.client.worker import SyncWorker
from sync.faultproxy import UP, Fault, FaultProxy
from tests.sync.conftest import FAST
from tests.sync.test_faults import assert_exactly_once

pytestmark = pytest.mark.parametrize("storage_kind", ["sqlite"])


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class RecordingClient(HubClient):
    """A HubClient that notes every PUT (offset, chunk length): what the kit sent after each cut."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.puts: list[tuple[int, int]] = []

    def request(self, method, path, **kwargs):
        if method == "PUT":
            self.puts.append((int(path.rsplit("offset=", 1)[1]), len(kwargs.get("body", b""))))
        return super().request(method, path, **kwargs)


def dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_chunks_shrink_after_cuts_and_grow_while_the_link_holds(storage_kind):
    clock = FakeClock()
    sizer = ChunkSizer(64 * 1024, min_bytes=4096, clock=clock)
    sizer.answered(clock())
    sizer.observe(64 * 1024, 2.0)  # 32 KB/s; no cut seen yet: ~10 s chunks, growing x2 at most
    assert sizer.current == 128 * 1024
    clock.now += 6.0
    sizer.cut()  # up 6 s: the next chunk is a fifth of that at the link's rate, and at most half the last
    assert sizer.uptime_s == pytest.approx(6.0)
    assert sizer.current == int(32 * 1024 * 0.2 * 6.0) < 128 * 1024
    small = sizer.current
    sizer.answered(clock())  # the link is back ...
    for _ in range(8):  # ... and holds for a minute: chunks grow with how long it has held
        clock.now += 7.5
        sizer.observe(sizer.current, sizer.current / (32 * 1024))
    assert sizer.current > 4 * small
    assert sizer.chunk_seconds() == sizer.target_s  # held 60 s: 0.2 x 60 s caps at the 10 s target
    clock.now += 1.0
    sizer.cut()
    assert sizer.current < sizer.target_s * 32 * 1024 / 2  # cut again: halved at once


def test_backoff_resets_on_progress_and_grows_when_nothing_moves(enrolled_kit, hub_server, hub_service, hub_keys,
                                                                 storage_kind):
    kit = enrolled_kit
    [packet_id] = kit.queue(1, face_bytes=200_000)
    with FaultProxy(hub_server.host, hub_server.port) as proxy:
        # The first connection dies 150 KB in: the 64 KB first chunk is confirmed, the next chunk is cut.
        proxy.plan(Fault("reset", UP, after_bytes=150_000))
        delays: list[float] = []
        backoff = Backoff(base_s=5, cap_s=900, floor_s=1, rng=random.Random(4))
        with RecordingClient(proxy.url, kit.identity, FAST) as client:
            worker = SyncWorker(client, kit.outbox, hub_keys.signing_public, backoff=backoff, idle_s=300,
                                chunk_bytes=64 * 1024, sleep=delays.append, stream=False)  # chunked PUTs
            result, delay = worker.step()
            assert result.error and result.progressed  # cut, but after the hub confirmed bytes
            assert backoff.quick_min_s <= delay <= backoff.quick_max_s <= 2.0  # retried within a second or two
            assert backoff.failures < 0  # the ladder restarts below its base
            cut_put = client.puts[-1]

            result, delay = worker.step()  # the link is back: resume from the confirmed offset
            assert result.delivered == 1 and delay == 300  # clean pass: idle until woken
            first_after_cut = client.puts[client.puts.index(cut_put) + 1]
            assert first_after_cut[0] == 64 * 1024 == cut_put[0]  # from the confirmed offset, not from zero
            assert first_after_cut[1] < cut_put[1]  # with a smaller chunk
            # Nothing moves: a hub that cannot be reached makes the back-off climb (jittered, capped).
            kit.queue(1)
            proxy.set_target("127.0.0.1", dead_port())
            proxy.drop_connections()
            no_progress = []
            for _ in range(6):
                result, delay = worker.step()
                assert not result.progressed and not result.reached_hub
                no_progress.append(delay)
            expected = Backoff(base_s=5, cap_s=900, floor_s=1, rng=random.Random(4))
            expected.after_progress()  # the same draws as the worker's back-off (then a clean pass reset it)
            expected.reset()
            assert no_progress == [expected.next_delay() for _ in range(6)]
            assert backoff.failures == 6 and min(no_progress) >= 1
            assert max(no_progress[3:]) > 5  # later ceilings are 40-160 s, not the 5 s of the first
    assert kit.outbox.state[packet_id] == "acknowledged"
    assert_exactly_once(kit, hub_service.storage, hub_keys, [packet_id])


def test_after_progress_the_ladder_restarts_low_and_climbs(storage_kind):
    """A link that moved bytes a moment ago is retried within a second; if it then stays silent the waits
    climb back to the usual ceilings (full jitter, capped)."""
    backoff = Backoff(base_s=5, cap_s=900, floor_s=1, rng=random.Random(2))
    assert backoff.quick_min_s <= backoff.after_progress() <= backoff.quick_max_s
    silent = [backoff.next_delay() for _ in range(12)]
    assert silent[0] <= 0.625 and silent[1] <= 1.25  # the first rungs stay short ...
    assert max(silent[-4:]) > 60 and all(d <= 900 for d in silent)  # ... then minutes, as for no link at all
    backoff.after_progress()
    assert backoff.next_delay() <= 0.625  # progress again: back to the bottom




def test_packets_left_after_a_cut_are_not_marked_uploading_before_the_hub_answers(enrolled_kit, hub_keys,
                                                                                  storage_kind):
    kit = enrolled_kit
    kit.queue(1)
    with HubClient(f"http://127.0.0.1:{dead_port()}", kit.identity, FAST) as client:
        worker = SyncWorker(client, kit.outbox, hub_keys.signing_public, sleep=lambda _s: None)
        result, _ = worker.step()
    assert not result.reached_hub and not result.progressed
    assert [what for what, _ in kit.outbox.events] == ["failed"]  # never "uploading": the hub never answered


def test_proxy_cuts_the_link_after_random_up_times(enrolled_kit, hub_server, hub_service, hub_keys, storage_kind):
    """The proxy's dropping-link model, and exactly-once delivery through it by the real worker."""
    kit = enrolled_kit
    ids = kit.queue(3, face_bytes=60_000)
    with FaultProxy(hub_server.host, hub_server.port, rate_bps=2_000_000) as proxy:
        proxy.cut_randomly(mean_up_s=0.15, seed=7)
        with HubClient(proxy.url, kit.identity, FAST) as client:
            worker = SyncWorker(client, kit.outbox, hub_keys.signing_public, chunk_bytes=16 * 1024,
                                sleep=lambda s: time.sleep(min(s, 0.05)))
            deadline = time.monotonic() + 60
            while kit.outbox.queued_count() and time.monotonic() < deadline:
                worker.step()
        proxy.stop_cuts()
        cuts = proxy.cuts
    assert cuts >= 2  # the link really dropped while packets moved
    assert worker.sizer.cuts >= 1 and worker.sizer.uptime_s is not None
    assert_exactly_once(kit, hub_service.storage, hub_keys, ids)


def test_dropping_link_benchmark_reports_both_strategies(storage_kind, capsys):
    """The benchmark at a tiny size (CI): both strategies deliver everything once, figures are flat."""
    from sync.bench import bench_dropping_link

    figures = bench_dropping_link(mean_up_s=(0.5,), packets=1, rate_bps=4_000_000, latency_s=0.0, seeds=(1,),
                                  face_bytes=20_000, print_bytes=2_000, timeout_s=60)
    for key in ("fieldkit_s_up0.5s", "reference_s_up0.5s", "floor_s_up0.5s", "speedup_up0.5s"):
        assert isinstance(figures[key], (int, float)) and figures[key] > 0
    assert "restart-from-zero" in capsys.readouterr().out
