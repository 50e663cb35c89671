"""Sync benchmark: goodput over a throttled link and bytes on the wire per enrolment.

`bench_goodput()` runs a real hub (SQLite, in a temporary directory) behind the fault proxy throttled to
each rate, enrols a synthetic kit through it, seals enrolment-sized packets (random, so incompressible:
a face JPEG and ten fingerprint images) and delivers them with the real sync worker. It reports:

- goodput: packet bytes delivered / (elapsed seconds x link rate), as a share of the link (goal >= 90 %);
- bytes on the wire per enrolment: everything through the proxy, both directions (HTTP requests and
  answers, signatures, receipts; TCP/IP headers not counted), divided by the packets delivered;
- bytes of the kit's enrolment (provisioning) exchange with the hub.

Run: `python -m sync.bench` (about a minute at the default rates); `fieldkit bench` can call bench_goodput().
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.client.kit import DeviceIdentity
from sync.client.transport import HubClient
from sync.client.worker import SyncWorker
from sync.faultproxy import DOWN, UP, FaultProxy
from sync.hub.app import build_app
from sync.hub.keys import generate_hub_keys
from sync.hub.server import HubServer
from sync.hub.service import HubService
from sync.hub.storage_sqlite import SqliteHubStorage
from sync.hub.verify import EnvelopeVerifier

GOAL = 0.90
FACE_BYTES = 60_000  # a compressed ID photo
PRINT_BYTES = 20_000  # one WSQ-compressed fingerprint at 500 ppi
FINGERS = 10


class _BenchOutbox:
    """Just enough outbox for the benchmark (the kit's real queue is benchmarked by the packets issue)."""

    def __init__(self, packets):
        self.packets = {p.packet_id: p for p in packets}
        self.acknowledged: set[str] = set()

    def next_packets_to_send(self, limit=50):
        return [p for pid, p in self.packets.items() if pid not in self.acknowledged][:limit]

    def summaries(self, limit=100_000):
        return self.next_packets_to_send(limit)

    def packet(self, packet_id):
        return None if packet_id in self.acknowledged else self.packets.get(packet_id)

    def in_flight_packet_ids(self):
        return []

    def mark_uploading(self, packet_id): pass

    def mark_upload_failed(self, packet_id, error): pass

    def mark_acknowledged(self, packet_id, receipt):
        self.acknowledged.add(packet_id)

    def mark_rejected(self, packet_id, reason, receipt):
        raise RuntimeError(f"benchmark packet rejected: {reason}")

    def purge_acknowledged(self, older_than):
        return 0

    def queued_count(self):
        return len(self.packets) - len(self.acknowledged)


def _bench_supervisor(kit_id: str, device: Ed25519PrivateKey):
    """The bench kit's supervisor: (its key, what the kit sends at provisioning for the hub to pin)."""
    from fieldkit.packets.seal import certify_supervisor
    from sync.roster import SupervisorKey

    supervisor = Ed25519PrivateKey.generate()
    pub = supervisor.public_key().public_bytes_raw()
    return supervisor, SupervisorKey("sup-bench", pub, certify_supervisor(device, kit_id, "sup-bench", pub))


def _seal_packets(n: int, kit_id: str, device: Ed25519PrivateKey, hub_public: bytes, supervisor, pinned):
    from fieldkit.packets.seal import SealInput, Signers, seal_packet
    from sync.client.kit import OutgoingPacket
    from sync.protocol import sha256_hex

    signers = Signers(kit_id, device, "sup-bench", supervisor, pinned.certificate)
    packets = []
    for i in range(n):
        blobs = {"face.jpg": secrets.token_bytes(FACE_BYTES)}
        blobs.update({f"print/{f:02d}.wsq": secrets.token_bytes(PRINT_BYTES) for f in range(1, FINGERS + 1)})
        content = SealInput(str(uuid.uuid4()), 1, {"full_name": "Bench Person", "id_number": "000000000000"}, blobs,
                            {"camera": "camera:sim:studio"}, [{"seq": 1, "action": "seal"}])
        packet_id, data = seal_packet(content, signers, hub_public, "x25519")
        packets.append(OutgoingPacket(packet_id, data, sha256_hex(data), 0, float(i)))
    return packets


def _one_rate(rate_bps: int, packets_per_run: int, latency_s: float) -> dict:
    from sync.client.provisioning import enrol

    keys = generate_hub_keys()
    with tempfile.TemporaryDirectory() as tmp:
        storage = SqliteHubStorage(Path(tmp) / "hub.sqlite3")
        service = HubService(storage, keys, EnvelopeVerifier(keys.hpke_private))
        server = HubServer(build_app(service)).start()
        proxy = FaultProxy(server.host, server.port, rate_bps=rate_bps, latency_s=latency_s).start()
        try:
            kit_id, device = str(uuid.uuid4()), Ed25519PrivateKey.generate()
            identity = DeviceIdentity(kit_id, device)
            supervisor, pinned = _bench_supervisor(kit_id, device)
            enrol(proxy.url, service.issue_token(), identity, supervisors=[pinned])
            enrol_bytes = proxy.bytes[UP] + proxy.bytes[DOWN]
            packets = _seal_packets(packets_per_run, kit_id, device, keys.hpke_public["x25519"], supervisor, pinned)
            outbox = _BenchOutbox(packets)
            proxy.reset_counters()
            with HubClient(proxy.url, identity) as client:
                worker = SyncWorker(client, outbox, keys.signing_public)
                started = time.monotonic()
                result = worker.run_once()
                elapsed = time.monotonic() - started
                requests = client.requests_sent
            if result.delivered != len(packets):
                raise RuntimeError(f"benchmark delivered {result.delivered} of {len(packets)}: {result.error}")
            payload = sum(p.size for p in packets)
            wire = proxy.bytes[UP] + proxy.bytes[DOWN]
            return {
                "rate_kbit_s": rate_bps / 1000, "one_way_latency_ms": latency_s * 1000, "packets": len(packets),
                "packet_bytes_mean": round(payload / len(packets)), "seconds": round(elapsed, 2),
                "goodput_share": round(payload * 8 / (elapsed * rate_bps), 4),
                "wire_bytes_per_enrolment": round(wire / len(packets)),
                "overhead_share": round(wire / payload - 1, 4),
                "requests_per_enrolment": round(requests / len(packets), 1),
                "provisioning_wire_bytes": enrol_bytes,
            }
        finally:
            proxy.stop()
            server.stop()
            storage.close()


# (link rate bit/s, one-way latency s, packets delivered in the pass): a 2G link with a long round trip,
# and a 3G bar on a ridge delivering a few enrolments.
DEFAULT_LINKS = ((64_000, 0.25, 2), (256_000, 0.1, 4))


def bench_goodput(links: tuple[tuple[int, float, int], ...] = DEFAULT_LINKS) -> dict:
    """Goodput and wire bytes per enrolment on each link; prints a summary and returns the figures."""
    runs = [_one_rate(rate, packets, latency) for rate, latency, packets in links]
    for r in runs:
        print(f"sync goodput at {r['rate_kbit_s']:.0f} kbit/s (+{r['one_way_latency_ms']:.0f} ms one way): "
              f"{r['goodput_share'] * 100:.1f} % of the link (goal {GOAL * 100:.0f} %), "
              f"{r['packets']} x {r['packet_bytes_mean']} B in {r['seconds']} s; "
              f"{r['wire_bytes_per_enrolment']} B on the wire per enrolment (+{r['overhead_share'] * 100:.2f} %), "
              f"{r['requests_per_enrolment']} requests per enrolment", flush=True)
    print(f"kit provisioning: {runs[0]['provisioning_wire_bytes']} B on the wire", flush=True)
    # Flat figures for `fieldkit bench`.
    figures: dict = {"goal_goodput_share": GOAL, "min_goodput_share": min(r["goodput_share"] for r in runs),
                     "provisioning_wire_bytes": runs[0]["provisioning_wire_bytes"]}
    for r in runs:
        tag = f"{r['rate_kbit_s']:.0f}kbit"
        for key in ("goodput_share", "wire_bytes_per_enrolment", "overhead_share", "packet_bytes_mean",
                    "requests_per_enrolment", "seconds", "one_way_latency_ms", "packets"):
            figures[f"{key}_{tag}"] = r[key]
    return figures


if __name__ == "__main__":
    print(json.dumps(bench_goodput(), indent=2))
