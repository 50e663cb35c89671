"""The delivery pipeline (sync/client/pipeline.py): the next packet starts once the last one has handed its
body over, never more than `depth` at once, results in queue order on the caller's thread, and no thread
outlives a batch, whatever happens to it."""

from __future__ import annotations

import threading

import pytest

from sync.client.kit import OutgoingPacket
from sync.client.pipeline import DeliveryPipeline
from sync.client.transport import HubUnreachable

WAIT_S = 10.0  # only ever reached when the behaviour under test is broken


def packets(n: int) -> list[OutgoingPacket]:
    return [OutgoingPacket(f"p{i}", b"x", "0" * 64, 0, float(i)) for i in range(n)]


class ScriptedUploader:
    """Stands in for PacketUploader.deliver: each packet's delivery follows a script the test controls."""

    def __init__(self):
        self.started = {}  # packet id -> Event, set when its delivery starts
        self.release = {}  # packet id -> Event the delivery waits for before it ends
        self.outcome = {}  # packet id -> exception to raise (else a delivery)
        self.hand_over = {}  # packet id -> whether it reports its body handed over first
        self.running = 0
        self.most_running = 0
        self.threads = set()
        self._lock = threading.Lock()

    def script(self, packet_id, hand_over=True, outcome=None):
        self.started[packet_id], self.release[packet_id] = threading.Event(), threading.Event()
        self.hand_over[packet_id], self.outcome[packet_id] = hand_over, outcome

    def deliver(self, packet, on_contact=None, on_handed_over=None):
        with self._lock:
            self.running += 1
            self.most_running = max(self.most_running, self.running)
            self.threads.add(threading.current_thread().name)
        try:
            self.started[packet.packet_id].set()
            on_contact()
            if self.hand_over[packet.packet_id]:
                on_handed_over()
            if not self.release[packet.packet_id].wait(WAIT_S):
                raise AssertionError(f"{packet.packet_id} never released")
            if self.outcome[packet.packet_id] is not None:
                raise self.outcome[packet.packet_id]
            return f"delivery of {packet.packet_id}"
        finally:
            with self._lock:
                self.running -= 1


def no_upload_threads() -> bool:
    return not [t for t in threading.enumerate() if t.name.startswith("sync-upload")]


def test_the_next_packet_starts_once_the_last_has_handed_over_its_body_before_its_receipt():
    uploader = ScriptedUploader()
    for pid in ("p0", "p1"):
        uploader.script(pid)
    # p0 ends only once p1 has started: a pipeline that waited for p0's receipt would never get there.
    threading.Thread(target=lambda: uploader.started["p1"].wait(WAIT_S) and uploader.release["p0"].set()).start()
    uploader.release["p1"].set()
    contacted = []
    settled = list(DeliveryPipeline(uploader).deliver(packets(2), lambda p: contacted.append(p.packet_id),
                                                      lambda: False))
    assert [(s.packet.packet_id, s.delivery, s.error) for s in settled] == [
        ("p0", "delivery of p0", None), ("p1", "delivery of p1", None)]
    assert uploader.most_running == 2 and sorted(contacted) == ["p0", "p1"]
    assert no_upload_threads()


def test_a_delivery_that_has_not_handed_over_its_body_holds_the_next_back():
    uploader = ScriptedUploader()
    uploader.script("p0", hand_over=False)  # e.g. chunked PUTs: the next waits until this one is over
    uploader.script("p1")
    uploader.release["p1"].set()
    early = []

    def control():  # give the pipeline a fair chance to start p1 too early, then end p0
        early.append(uploader.started["p1"].wait(0.3))
        uploader.release["p0"].set()

    controller = threading.Thread(target=control)
    controller.start()
    settled = list(DeliveryPipeline(uploader).deliver(packets(2), lambda p: None, lambda: False))
    controller.join()
    assert early == [False] and uploader.most_running == 1
    assert [s.packet.packet_id for s in settled] == ["p0", "p1"] and no_upload_threads()


def test_results_come_in_queue_order_and_never_more_than_depth_run_at_once():
    uploader = ScriptedUploader()
    for i in range(5):
        uploader.script(f"p{i}")
    seen = {}

    def control():
        seen["three_running"] = all(uploader.started[f"p{i}"].wait(WAIT_S) for i in range(3))
        seen["p3_early"] = uploader.started["p3"].wait(0.3)  # a fourth must wait for a slot
        for i in (2, 1, 0, 3, 4):  # later ones finish first
            uploader.release[f"p{i}"].set()

    controller = threading.Thread(target=control)
    controller.start()
    settled = list(DeliveryPipeline(uploader, depth=3).deliver(packets(5), lambda p: None, lambda: False))
    controller.join()
    assert seen == {"three_running": True, "p3_early": False}
    assert [s.packet.packet_id for s in settled] == ["p0", "p1", "p2", "p3", "p4"]
    assert uploader.most_running == 3 and no_upload_threads()


def test_a_lost_link_starts_nothing_new_and_waits_for_the_delivery_in_flight():
    uploader = ScriptedUploader()
    uploader.script("p0", outcome=HubUnreachable("reset"))
    for pid in ("p1", "p2", "p3"):
        uploader.script(pid)
    def control():  # p0 loses the link while p1 streams; p1 ends after that
        uploader.started["p1"].wait(WAIT_S)
        uploader.release["p0"].set()
        uploader.release["p1"].set()

    threading.Thread(target=control).start()
    settled = list(DeliveryPipeline(uploader).deliver(packets(4), lambda p: None, lambda: False))
    assert [(s.packet.packet_id, type(s.error).__name__) for s in settled] == [
        ("p0", "HubUnreachable"), ("p1", "NoneType")]  # p1 was in flight: waited for, its receipt kept
    assert not uploader.started["p2"].is_set() and not uploader.started["p3"].is_set()
    assert no_upload_threads()


def test_stop_starts_nothing_new():
    uploader = ScriptedUploader()
    for pid in ("p0", "p1"):
        uploader.script(pid)
        uploader.release[pid].set()
    stop = threading.Event()
    pipeline = DeliveryPipeline(uploader).deliver(packets(2), lambda p: stop.set(), stop.is_set)
    assert [s.packet.packet_id for s in pipeline] == ["p0"] and not uploader.started["p1"].is_set()


def test_a_caller_that_fails_mid_batch_leaves_no_thread_running():
    uploader = ScriptedUploader()
    for pid in ("p0", "p1"):
        uploader.script(pid)
    def control():
        uploader.started["p1"].wait(WAIT_S)
        uploader.release["p0"].set()
        uploader.release["p1"].set()

    threading.Thread(target=control).start()
    with pytest.raises(RuntimeError):
        for _settled in DeliveryPipeline(uploader).deliver(packets(2), lambda p: None, lambda: False):
            raise RuntimeError("a bug while recording the first receipt")
    assert no_upload_threads() and uploader.running == 0


def test_depth_must_be_at_least_one():
    with pytest.raises(ValueError):
        DeliveryPipeline(ScriptedUploader(), depth=0)
