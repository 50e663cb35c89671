"""`fieldkit-hub loadtest`: simulated kits against a running hub on this machine, measured.

Each simulated kit is real as far as the hub can tell: it enrols with a one-time token (real provisioning,
its own Ed25519 device key), seals enrolment-sized packets to the hub's HPKE key with a certified supervisor
co-signature (~240 KB: a 60 KB face and ten 18 KB prints, random so incompressible), and delivers them with
the kit's own sync client (`sync.client.worker.SyncWorker`: resumable chunked uploads, signed requests,
receipts verified with the hub's key). One thread per kit, all starting together: a province's teams coming
back online at the same hour.

Reported: packets/s and MB/s over the delivery phase, p50/p95/p99 of the time from a packet's first upload
request to its verified signed receipt, refusals (signed rejections and 4xx), errors (passes that lost the
link or met a 5xx), and the exactly-once check against the hub's database: lost = sealed packets not
acknowledged by their kit or not stored at the hub, duplicated = rows at the hub beyond one per packet.

Safety: the target must be a loopback address (127.0.0.0/8, ::1, localhost) - this tool never loads
another machine; the size is bounded (MAX_*) and every run stops by itself at `max_seconds`.
"""

from __future__ import annotations

import ipaddress
import math
import random
import secrets
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Callable
from urllib.parse import urlparse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.client.kit import DeviceIdentity, OutgoingPacket, PacketSummary
from sync.client.transport import HubClient, Timeouts
from sync.protocol import DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES, sha256_hex

MAX_KITS = 1000
MAX_PACKETS_PER_KIT = 200
MAX_PACKETS = 4_000  # sealed up front, in memory: ~1 GB at 242 KB each
MAX_SECONDS = 3600
FACE_BYTES = 60_000
PRINT_BYTES = 18_000
FINGERS = 10
RETRY_PAUSE_S = (0.2, 0.6)  # between passes of a kit that met an error (jittered, like the real back-off)


class LoadtestRefused(ValueError):
    """A plan this tool will not run (a non-loopback target, or beyond its bounds)."""


@dataclass(frozen=True)
class LoadPlan:
    hub_url: str
    kits: int
    packets: int  # per kit
    link_rate_bps: float | None = None  # the hub's shared link (sync.faultproxy throttle), None = loopback speed
    max_seconds: float = 600.0
    first_chunk_bytes: int = DEFAULT_CHUNK_BYTES  # the kit's default: sized for a 2G link, grows with the link

    def check(self) -> None:
        check_loopback(self.hub_url)
        if not 1 <= self.kits <= MAX_KITS:
            raise LoadtestRefused(f"--kits must be from 1 to {MAX_KITS}")
        if not 1 <= self.packets <= MAX_PACKETS_PER_KIT or self.kits * self.packets > MAX_PACKETS:
            raise LoadtestRefused(f"--packets must be from 1 to {MAX_PACKETS_PER_KIT} and kits x packets at most "
                                  f"{MAX_PACKETS}")
        if not 0 < self.max_seconds <= MAX_SECONDS:
            raise LoadtestRefused(f"--max-seconds must be above 0 and at most {MAX_SECONDS}")
        if not 16 * 1024 <= self.first_chunk_bytes <= MAX_CHUNK_BYTES:
            raise LoadtestRefused(f"--first-chunk-kb must be from 16 to {MAX_CHUNK_BYTES // 1024}")
        if self.link_rate_bps is not None and self.link_rate_bps < 8_000:
            raise LoadtestRefused("--link-rate must be at least 8000 bit/s")


def check_loopback(url: str) -> None:
    parsed = urlparse(url)
    host = parsed.hostname or ""
    if parsed.scheme not in ("http", "https") or not host:
        raise LoadtestRefused(f"--hub must be an http(s) URL, not {url!r}")
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise LoadtestRefused(f"loadtest only targets a hub on this machine (127.0.0.1, ::1, localhost), not {host}")


@dataclass
class LoadReport:
    kits: int
    packets_planned: int
    packets_acknowledged: int = 0
    bytes_acknowledged: int = 0
    seconds: float = 0.0
    packets_per_s: float = 0.0
    mb_per_s: float = 0.0
    receipt_p50_s: float = 0.0
    receipt_p95_s: float = 0.0
    receipt_p99_s: float = 0.0
    receipt_max_s: float = 0.0
    refusals: int = 0
    errors: int = 0
    passes: int = 0
    stored_at_hub: int = 0
    lost: int = 0
    duplicated: int = 0
    timed_out: bool = False
    provisioning_s: float = 0.0
    sealing_s: float = 0.0
    link_rate_bps: float | None = None
    error_samples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def exactly_once(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.packets_acknowledged == self.packets_planned


class TimedOutbox:
    """The Outbox interface in memory for one simulated kit, timing each packet to its verified receipt."""

    def __init__(self, packets: list[OutgoingPacket]):
        self._lock = threading.Lock()
        self.packets = {p.packet_id: p for p in packets}
        self.waiting = set(self.packets)
        self.in_flight: set[str] = set()
        self.started: dict[str, float] = {}
        self.latency: dict[str, float] = {}
        self.rejected: dict[str, str] = {}
        self.on_acknowledged: Callable[[], None] | None = None  # after each first acknowledgement

    def next_packets_to_send(self, limit: int = 50) -> list[OutgoingPacket]:
        # Time to receipt runs from the moment the kit takes a packet up to send (the worker marks it
        # "uploading" only once the hub first answers, which on a fast link can be its last request).
        with self._lock:
            batch = sorted((self.packets[p] for p in self.waiting), key=lambda p: p.created_at)[:limit]
            now = time.monotonic()
            for packet in batch:
                self.started.setdefault(packet.packet_id, now)
            return batch

    def summaries(self, limit: int = 100_000) -> list[PacketSummary]:
        return [PacketSummary(p.packet_id, p.sha256, p.size, p.priority, p.created_at)
                for p in self.next_packets_to_send(limit)]

    def packet(self, packet_id: str) -> OutgoingPacket | None:
        with self._lock:
            return self.packets[packet_id] if packet_id in self.waiting else None

    def in_flight_packet_ids(self) -> list[str]:
        with self._lock:
            return sorted(self.in_flight)

    def mark_uploading(self, packet_id: str) -> None:
        with self._lock:
            self.in_flight.add(packet_id)
            self.started.setdefault(packet_id, time.monotonic())

    def mark_upload_failed(self, packet_id: str, error: str) -> None:
        pass  # stays in flight: the next pass asks the hub its fate first, as the real queue does

    def mark_acknowledged(self, packet_id: str, receipt: dict) -> None:
        with self._lock:
            if packet_id in self.waiting:
                self.waiting.discard(packet_id)
                self.in_flight.discard(packet_id)
                self.latency[packet_id] = time.monotonic() - self.started.get(packet_id, time.monotonic())
            else:
                return
        if self.on_acknowledged is not None:
            self.on_acknowledged()

    def mark_rejected(self, packet_id: str, reason: str, receipt: dict) -> None:
        with self._lock:
            self.waiting.discard(packet_id)
            self.in_flight.discard(packet_id)
            self.rejected[packet_id] = reason

    def purge_acknowledged(self, older_than: float) -> int:
        return 0

    def queued_count(self) -> int:
        with self._lock:
            return len(self.waiting)


@dataclass
class SimulatedKit:
    identity: DeviceIdentity
    hub_signing_key: bytes
    outbox: TimedOutbox
    passes: int = 0
    refusals: int = 0
    errors: list[str] = field(default_factory=list)


SUPERVISOR_ID = "sup-load"


def provision_kit(hub_url: str, token: str) -> tuple[DeviceIdentity, bytes, bytes, Ed25519PrivateKey]:
    """Enrol one new kit with one supervisor, whose co-signing key the hub pins at enrolment as for a real
    kit; (identity, hub signing key, hub x25519 HPKE key, the supervisor's co-signing key)."""
    from fieldkit.packets.seal import certify_supervisor
    from sync.client.provisioning import enrol
    from sync.roster import SupervisorKey

    identity = DeviceIdentity(str(uuid.uuid4()), Ed25519PrivateKey.generate())
    supervisor = Ed25519PrivateKey.generate()
    public = supervisor.public_key().public_bytes_raw()
    cert = certify_supervisor(identity.device_key, identity.kit_id, SUPERVISOR_ID, public)
    hub = enrol(hub_url, token, identity, supervisors=[SupervisorKey(SUPERVISOR_ID, public, cert)])
    return identity, hub.signing_public_key, hub.hpke_public_keys["x25519"], supervisor


def seal_packets(identity: DeviceIdentity, hub_hpke_key: bytes, count: int,
                 supervisor: Ed25519PrivateKey) -> list[OutgoingPacket]:
    """`count` sealed packets of ~240 KB from this kit (a synthetic person each, co-signed by `supervisor`)."""
    from fieldkit.packets.seal import SealInput, Signers, certify_supervisor, seal_packet

    cert = certify_supervisor(identity.device_key, identity.kit_id, SUPERVISOR_ID,
                              supervisor.public_key().public_bytes_raw())
    signers = Signers(identity.kit_id, identity.device_key, SUPERVISOR_ID, supervisor, cert)
    packets = []
    for i in range(count):
        blobs = {"face.jpg": secrets.token_bytes(FACE_BYTES)}
        blobs.update({f"print/rolled/{f:02d}.wsq": secrets.token_bytes(PRINT_BYTES) for f in range(1, FINGERS + 1)})
        record = {"demographics": {"birth_name": f"Load Test {i}"}, "session": {"team": "loadtest"}}
        content = SealInput(str(uuid.uuid4()), 1, record, blobs, {"loadtest": True}, [{"seq": 1, "action": "seal"}])
        packet_id, data = seal_packet(content, signers, hub_hpke_key, "x25519")
        packets.append(OutgoingPacket(packet_id, data, sha256_hex(data), 0, float(i)))
    return packets


def _run_kit(kit: SimulatedKit, url: str, deadline: float, stop: threading.Event, first_chunk: int) -> None:
    from sync.client.worker import SyncWorker

    timeouts = Timeouts(connect_s=10.0, read_s=30.0, write_s=30.0)
    with HubClient(url, kit.identity, timeouts) as client:
        worker = SyncWorker(client, kit.outbox, kit.hub_signing_key, idle_s=0.0, chunk_bytes=first_chunk)
        while kit.outbox.queued_count() and time.monotonic() < deadline and not stop.is_set():
            result = worker.run_once()
            kit.passes += 1
            kit.refusals += result.stuck + result.rejected
            if result.error:
                kit.errors.append(result.error)
            if not result.clean or result.stuck:
                stop.wait(random.uniform(*RETRY_PAUSE_S))


class _Halfway:
    """Calls `midway()` once, when acknowledgements reach half of `planned` (from any kit thread)."""

    def __init__(self, planned: int, midway: Callable[[], None]):
        self.planned, self.midway, self.count, self._lock = planned, midway, 0, threading.Lock()

    def one_more(self) -> None:
        with self._lock:
            self.count += 1
            if self.count != (self.planned + 1) // 2:  # the first count with count * 2 >= planned
                return
        self.midway()


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)  # nearest rank: the smallest value with at least `share` of them at or below it
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def run_loadtest(plan: LoadPlan, issue_token: Callable[[], str],
                 stored_rows: Callable[[str], list[str]] | None = None,
                 midway: Callable[[], None] | None = None,
                 progress: Callable[[str], None] = lambda line: None) -> LoadReport:
    """Provision, seal, deliver, check. `stored_rows(kit_id)` lists the packet ids the hub holds for a kit
    (one entry per stored row); `midway()` is called once when half the packets are acknowledged."""
    from sync.faultproxy import FaultProxy

    plan.check()
    report = LoadReport(plan.kits, plan.kits * plan.packets, link_rate_bps=plan.link_rate_bps)
    started = time.monotonic()
    kits = []
    for _ in range(plan.kits):
        kits.append(provision_kit(plan.hub_url, issue_token()))
    report.provisioning_s = round(time.monotonic() - started, 2)
    progress(f"{plan.kits} kits provisioned in {report.provisioning_s} s")
    started = time.monotonic()
    sims = [SimulatedKit(identity, signing_key,
                         TimedOutbox(seal_packets(identity, hpke_key, plan.packets, supervisor)))
            for identity, signing_key, hpke_key, supervisor in kits]
    report.sealing_s = round(time.monotonic() - started, 2)
    progress(f"{report.packets_planned} packets sealed in {report.sealing_s} s")

    proxy = None
    url = plan.hub_url
    if plan.link_rate_bps:
        parsed = urlparse(plan.hub_url)
        proxy = FaultProxy(parsed.hostname, parsed.port or 80, rate_bps=plan.link_rate_bps).start()
        url = proxy.url
    stop = threading.Event()
    begin = time.monotonic()
    deadline = begin + plan.max_seconds
    threads = [threading.Thread(target=_run_kit, args=(sim, url, deadline, stop, plan.first_chunk_bytes), name=f"loadkit-{i}", daemon=True)
               for i, sim in enumerate(sims)]
    if midway is not None:
        # Called by the kit thread whose acknowledgement reaches half the packets, before it goes on: a fast run
        # can finish between two looks of a watching thread.
        halfway = _Halfway(report.packets_planned, midway)
        for sim in sims:
            sim.outbox.on_acknowledged = halfway.one_more
    try:
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            if time.monotonic() > deadline + 30:
                break
            time.sleep(0.05)
        stop.set()
        for t in threads:
            t.join(timeout=40)
    finally:
        stop.set()
        if proxy is not None:
            proxy.stop()
    end = max([begin] + [s.outbox.started[p] + s.outbox.latency[p] for s in sims for p in s.outbox.latency])
    _summarise(report, sims, max(end - begin, 1e-6), stored_rows)
    report.timed_out = any(s.outbox.queued_count() for s in sims) and time.monotonic() >= deadline
    return report


def _summarise(report: LoadReport, sims: list[SimulatedKit], seconds: float,
               stored_rows: Callable[[str], list[str]] | None) -> None:
    latencies = [v for s in sims for v in s.outbox.latency.values()]
    report.packets_acknowledged = len(latencies)
    report.bytes_acknowledged = sum(s.outbox.packets[p].size for s in sims for p in s.outbox.latency)
    report.seconds = round(seconds, 2)
    report.packets_per_s = round(report.packets_acknowledged / seconds, 1)
    report.mb_per_s = round(report.bytes_acknowledged / seconds / 1e6, 2)
    for name, share in (("receipt_p50_s", 0.50), ("receipt_p95_s", 0.95), ("receipt_p99_s", 0.99)):
        setattr(report, name, round(_percentile(latencies, share), 3))
    report.receipt_max_s = round(max(latencies, default=0.0), 3)
    report.refusals = sum(s.refusals for s in sims) + sum(len(s.outbox.rejected) for s in sims)
    report.errors = sum(len(s.errors) for s in sims)
    report.passes = sum(s.passes for s in sims)
    report.error_samples = sorted({e[:160] for s in sims for e in s.errors})[:5]
    lost = report.packets_planned - report.packets_acknowledged
    if stored_rows is not None:
        stored_total, duplicated, missing = 0, 0, 0
        for s in sims:
            rows = stored_rows(s.identity.kit_id)
            stored_total += len(rows)
            duplicated += len(rows) - len(set(rows)) + len(set(rows) - set(s.outbox.packets))
            missing += len(set(s.outbox.packets) - set(rows))
        report.stored_at_hub = stored_total
        report.duplicated = duplicated
        lost = max(lost, missing)
    report.lost = lost


def summary_lines(report: LoadReport) -> list[str]:
    return [
        f"{report.kits} kits, {report.packets_acknowledged}/{report.packets_planned} packets acknowledged in "
        f"{report.seconds} s: {report.packets_per_s} packets/s, {report.mb_per_s} MB/s"
        + (f" through a {report.link_rate_bps / 1e6:g} Mbit/s link" if report.link_rate_bps else ""),
        f"time to signed receipt: p50 {report.receipt_p50_s} s, p95 {report.receipt_p95_s} s, "
        f"p99 {report.receipt_p99_s} s, max {report.receipt_max_s} s",
        f"refusals {report.refusals}, errors {report.errors} (in {report.passes} passes); at the hub "
        f"{report.stored_at_hub} stored, lost {report.lost}, duplicated {report.duplicated}"
        + ("; TIMED OUT" if report.timed_out else ""),
        *[f"  error: {e}" for e in report.error_samples],
    ]

