"""The background sync worker: one thread that waits for the link, delivers the outbox and tidies up.

A pass (`run_once`) is: ask the fate of packets left in flight by an earlier pass; upload the rest
(highest priority, then oldest first); acknowledge each packet only after its receipt verified; purge
packets acknowledged more than `retention_days` ago. The first request of a pass is the connectivity probe
(no separate round trip); only a pass with nothing to send probes `GET /v1/health`, to tell online from
offline. Between passes the thread sleeps (`sleep`, injectable: tests use none): `idle_s` after a clean
pass, about a second after a cut that followed progress (a link that drops every few seconds is used while
it is up), the capped jittered back-off after a pass that moved nothing, or until `wake()` (a new packet
was sealed) or `stop()`. No loop ever spins: every retry goes through one of these waits.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from sync.client import outcomes
from sync.client.connectivity import Backoff
from sync.client.kit import OutgoingPacket, Outbox
from sync.client.pipeline import DeliveryPipeline, Settled
from sync.client.status import SyncStatus
from sync.client.transport import HubClient, HubRefused, HubUnreachable
from sync.client.uploader import ChunkSizer, PacketUploader, ReceiptInvalid, UploadStuck, verify_receipt
from sync.protocol import API, DEFAULT_CHUNK_BYTES, STATUS_RECEIVED, STATUS_REJECTED

log = logging.getLogger(__name__)


@dataclass
class PassResult:
    reached_hub: bool = False
    progressed: bool = False  # the hub confirmed new bytes (or a fate) during the pass
    delivered: int = 0
    rejected: int = 0
    stuck: int = 0
    purged: int = 0
    error: str = ""

    @property
    def clean(self) -> bool:
        return self.reached_hub and not self.error


@dataclass
class SyncWorker:
    client: HubClient
    outbox: Outbox
    hub_signing_key: bytes
    status: SyncStatus = field(default_factory=SyncStatus)
    retention_days: int = 30
    backoff: Backoff = field(default_factory=Backoff)
    idle_s: float = 300.0
    chunk_bytes: int = DEFAULT_CHUNK_BYTES  # first chunk; later ones follow the link (see ChunkSizer)
    max_chunk_bytes: int | None = None
    batch: int = 10  # packets read from the queue at a time (~3 MB of sealed bytes)
    clock: Callable[[], float] = time.time
    # How the thread waits between passes; None = on the wake event (tests inject a recorder: no sleeps).
    sleep: Callable[[float], None] | None = None
    sizer: ChunkSizer | None = None  # None: sized from chunk_bytes / max_chunk_bytes
    stream: bool = True  # streamed uploads when the hub takes them (False: chunked PUTs only)
    in_flight: int = 2  # packets on the link at once: the next streams while the last waits for its receipt
    on_pass: Callable[[PassResult], None] | None = None  # after each pass of the thread (e.g. audit it)
    # Before the packets of each pass (the kit's signed supervisor roster: a new supervisor's packets are
    # refused until the hub pins their key); it may raise HubUnreachable like any request.
    before_packets: Callable[[], object] | None = None

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._uploader = PacketUploader(self.client, self.hub_signing_key, self.status, self.chunk_bytes,
                                        self.max_chunk_bytes, self.sizer, stream=self.stream)
        self._pipeline = DeliveryPipeline(self._uploader, self.in_flight)
        self.sizer = self._uploader.sizer

    # ------------------------------------------------------------------------------------------ a pass
    def run_once(self) -> PassResult:
        result = PassResult()
        queued = self.outbox.queued_count()
        self.status.set_queued(queued)
        self.status.set_state("probing")
        answers, confirmed = self.client.answers_received, self._uploader.confirmed_bytes
        try:
            if not queued and not self.outbox.in_flight_packet_ids():
                self.client.health()  # nothing to send: the probe alone tells online from offline
            if self.before_packets is not None and (queued or self.outbox.in_flight_packet_ids()):
                self.before_packets()
            self._settle_in_flight(result)
            self._deliver_queue(result)
            outcomes.after_pass(self)  # downstream verdicts for this kit (sync/client/outcomes.py)
        except HubUnreachable as exc:
            result.error = str(exc)
            self.status.packet_interrupted(result.error)
        except HubRefused as exc:  # e.g. the kit was revoked or its clock is far off: say so, retry later
            result.error = str(exc)
            self.status.packet_interrupted(result.error)
        result.reached_hub = self.client.answers_received > answers
        result.progressed = (self._uploader.confirmed_bytes > confirmed or result.delivered > 0
                             or result.rejected > 0)
        if result.reached_hub and not result.error:
            self.status.contact_succeeded()
        result.purged = self.outbox.purge_acknowledged(self.clock() - self.retention_days * 86400)
        self.status.set_queued(self.outbox.queued_count())
        self.status.set_state("idle" if result.clean else "offline", error=result.error)
        return result

    def _settle_in_flight(self, result: PassResult) -> None:
        """Packets an earlier pass left in flight may have arrived: ask the hub instead of re-sending them."""
        ids = self.outbox.in_flight_packet_ids()
        if not ids:
            return
        for start in range(0, len(ids), 500):
            _, answer = self.client.request("POST", f"{API}/fates", json_body={"packet_ids": ids[start:start + 500]})
            for packet_id, fate in (answer.get("fates") or {}).items():
                if packet_id not in ids or fate.get("status") not in (STATUS_RECEIVED, STATUS_REJECTED):
                    continue
                packet = self.outbox.packet(packet_id)
                if packet is not None:
                    self._record_fate(packet, fate.get("receipt"), result)

    def _deliver_queue(self, result: PassResult) -> None:
        skipped: set[str] = set()
        while not self._stop.is_set():
            batch = [p for p in self.outbox.next_packets_to_send(limit=self.batch) if p.packet_id not in skipped]
            if not batch:
                return
            lost: HubUnreachable | None = None
            # The next packet's stream starts while the last one waits for its receipt (sync/client/pipeline.py);
            # each delivery's end is recorded here, on the worker's thread, in queue order.
            for settled in self._pipeline.deliver(batch, self._contact, self._stop.is_set):
                if not self._settle(settled, result):
                    skipped.add(settled.packet.packet_id)
                if isinstance(settled.error, HubUnreachable) and lost is None:
                    lost = settled.error
                self.status.set_queued(self.outbox.queued_count())
            if lost is not None:
                raise lost

    def _contact(self, packet: OutgoingPacket) -> None:
        # The state turns "uploading" with the first bytes the hub confirms (SyncStatus.packet_progress), and the
        # queue marks the packet uploading when the hub first answers about it: until then this request is the
        # probe, and the kit may well be offline.
        self.outbox.mark_uploading(packet.packet_id)

    def _settle(self, settled: Settled, result: PassResult) -> bool:
        """Record how one delivery ended; False if the packet stays in the queue for this pass (stuck)."""
        packet, exc = settled.packet, settled.error
        if isinstance(exc, (ReceiptInvalid, UploadStuck)):
            return self._stuck(packet, str(exc), result)
        if isinstance(exc, HubRefused):
            return self._stuck(packet, f"{exc.code}: {exc.message}", result)
        if isinstance(exc, HubUnreachable):
            self.outbox.mark_upload_failed(packet.packet_id, str(exc))
            return True  # the pass ends (the worker raises it once the deliveries in flight are over)
        if exc is not None:
            raise exc  # a bug: step() logs it; the pipeline waits for the delivery still in flight
        delivery = settled.delivery
        self._apply(packet, delivery.receipt.to_json_obj(), delivery.accepted, delivery.receipt.receipt.reason, result)
        return True

    def _record_fate(self, packet: OutgoingPacket, receipt_obj, result: PassResult) -> None:
        try:
            signed = verify_receipt(receipt_obj, packet, self.client.identity.kit_id, self.hub_signing_key)
        except ReceiptInvalid as exc:
            self._stuck(packet, str(exc), result)
            return
        self._apply(packet, signed.to_json_obj(), signed.receipt.status == STATUS_RECEIVED, signed.receipt.reason,
                    result)

    def _apply(self, packet: OutgoingPacket, receipt: dict, accepted: bool, reason: str, result: PassResult) -> None:
        """Record a verified fate durably in the outbox, then tell people."""
        if accepted:
            self.outbox.mark_acknowledged(packet.packet_id, receipt)
            self.status.packet_delivered(packet.packet_id)
            result.delivered += 1
        else:
            self.outbox.mark_rejected(packet.packet_id, reason, receipt)
            self.status.packet_refused(packet.packet_id, reason)
            result.rejected += 1

    def _stuck(self, packet: OutgoingPacket, reason: str, result: PassResult) -> bool:
        log.warning("packet %s stuck: %s", packet.packet_id, reason)
        self.status.packet_stuck(packet.packet_id, reason)
        result.stuck += 1
        return False

    # -------------------------------------------------------------------------------------- the thread
    def start(self) -> "SyncWorker":
        if self._thread is not None:
            raise RuntimeError("sync worker already started")
        self._thread = threading.Thread(target=self._loop, name="sync-worker", daemon=True)
        self._thread.start()
        return self

    def wake(self) -> None:
        """Try now (a packet was sealed, or the user pressed 'sync')."""
        self._wake.set()

    def request_stop(self) -> None:
        """Ask the thread to stop after the request in progress, without waiting (stop() then joins)."""
        self._stop.set()
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise RuntimeError("sync worker did not stop")
            self._thread = None
        self.status.set_state("stopped")

    def next_delay(self, result: PassResult) -> float:
        """How long to wait after this pass. Progress is success: it resets the back-off."""
        if result.clean and not result.stuck:
            self.backoff.reset()
            return self.idle_s
        if result.progressed:
            return self.backoff.after_progress()  # cut after progress: the link works, use it again soon
        return self.backoff.next_delay()  # nothing moved: exponential, jittered, capped

    def step(self) -> tuple[PassResult, float]:
        """One pass, then the wait before the next (the thread's loop body)."""
        try:
            result = self.run_once()
        except Exception as exc:  # a bug must not kill the worker for the rest of the week
            log.exception("sync pass failed")
            result = PassResult(error=f"{type(exc).__name__}: {exc}")
        if self.on_pass is not None:
            try:
                self.on_pass(result)
            except Exception:
                log.exception("sync pass hook failed")
        delay = self.next_delay(result)
        self.status.set_state(self.status.snapshot()["state"], next_attempt_at=self.clock() + delay)
        (self.sleep or self._wait)(delay)
        return result, delay

    def _wait(self, delay: float) -> None:
        self._wake.wait(delay)
        self._wake.clear()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.step()
