"""The end of a demo session with a hub: deliver the queue, optionally over a link that drops mid-sync.

`--link-drop` puts sync's fault-injecting proxy (sync/faultproxy.py) between the kit and the hub and plans
two one-shot faults: the connection is reset half-way through the upload, and a later answer is cut short.
The sync client resumes from the last byte the hub confirmed (within the same pass when the hub answers
again at once) and asks the hub the fate of packets left in flight, so every packet still arrives exactly
once; the summary shows the drops the proxy made and the passes it took.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

from fieldkit.demo.kit_setup import SUPERVISOR, DemoLogin
from fieldkit.demo.summary import DemoSummary

MAX_PASSES = 20  # the planned faults are two; a pass resumes after most drops by itself
PAUSE_AFTER_DROP_S = 0.2  # the link "comes back" (the worker thread would back off longer; the demo waits briefly)


def _queue_counts(queue) -> tuple[int, int, int]:
    """(acknowledged packets, packets still to deliver, total packet bytes)."""
    stats = queue.stats()
    acked = stats.get("acknowledged", {}).get("packets", 0)
    waiting = sum(v["packets"] for k, v in stats.items() if k in ("sealed", "uploading"))
    return acked, waiting, sum(v["bytes"] for v in stats.values())


def start_link_drop_proxy(hub_url: str, queue_bytes: int):
    """A fault proxy in front of the hub that drops the link mid-upload; its URL stands in for the hub's."""
    from sync.faultproxy import DOWN, UP, Fault, FaultProxy

    parts = urlsplit(hub_url)
    if parts.scheme != "http":
        raise ValueError("--link-drop works with an http:// hub (the proxy forwards plain TCP)")
    proxy = FaultProxy(parts.hostname or "127.0.0.1", parts.port or 80).start()
    proxy.plan(Fault("reset", UP, after_bytes=max(4_000, min(queue_bytes // 2, 400_000))),
               Fault("truncate", DOWN, after_bytes=400))
    return proxy


def sync_session(data_dir: Path, settings, login: DemoLogin, summary: DemoSummary, hub_url: str,
                 link_drop: bool = False) -> None:
    """Run sync passes until the queue is delivered (or MAX_PASSES); counts go into the summary."""
    from fieldkit.kit import open_kit

    started = time.perf_counter()
    with open_kit(Path(data_dir), settings) as kit:
        service = kit.service
        session = kit.unlock(SUPERVISOR, login.passphrase)
        proxy = None
        try:
            queue = service.queue(session)
            _acked, _waiting, total = _queue_counts(queue)
            if link_drop:
                proxy = start_link_drop_proxy(hub_url, total)
            with kit.sync(session, hub_url=proxy.url if proxy else None) as kit_sync:
                for _ in range(MAX_PASSES):
                    result = kit_sync.run_once()
                    summary.sync_passes += 1
                    if result.error:
                        time.sleep(PAUSE_AFTER_DROP_S)  # a pause between passes, not a wait for a condition
                        continue
                    if _queue_counts(queue)[1] == 0:
                        break
            summary.acknowledged, _waiting, summary.packet_bytes = _queue_counts(queue)
        finally:
            if proxy is not None:
                proxy.stop()
                summary.link_drops = len(proxy.faults_fired)
            session.lock()
    summary.seconds_sync += time.perf_counter() - started


def hub_packet_count(hub_data: Path, kit_id: str) -> int:
    """How many packets of this kit the hub holds (read from the hub's own data folder)."""
    from sync.hub.open_storage import open_storage

    storage = open_storage(Path(hub_data), None)
    try:
        return len(storage.list_packets(kit_id))
    finally:
        storage.close()
