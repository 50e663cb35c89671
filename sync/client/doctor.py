"""`fieldkit doctor` probe: the sync state a technician checks first (hub, queue, reachability). No secrets."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from sync.protocol import API


def sync_section(ctx) -> tuple[str, list[str]]:
    from fieldkit.security.hub_keys import HubNotProvisioned, load_hub_keys

    try:
        hub = load_hub_keys(ctx.data_dir)
    except HubNotProvisioned:
        return "Sync", ["not provisioned (run `fieldkit provision --hub URL --token T`)"]
    lines = [f"hub {hub.hub_id or '?'} at {hub.hub_url}", _queue_line(ctx.data_dir), _reach_line(hub.hub_url)]
    return "Sync", lines


def _queue_line(data_dir) -> str:
    from fieldkit.store.db import connect, db_path
    from fieldkit.store.queue import status_counts

    path = db_path(data_dir)
    if not path.exists():
        return "queue: no database yet"
    conn = connect(path, readonly=True)
    try:
        counts = status_counts(conn)
    finally:
        conn.close()
    refused = counts.pop("refused", 0)
    listed = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "empty"
    return f"queue: {listed}" + (
        f"; {refused} refused by the hub (see `fieldkit queue list --status refused`)" if refused else "")


def _reach_line(hub_url: str, timeout_s: float = 3.0) -> str:
    try:
        with urllib.request.urlopen(hub_url.rstrip("/") + f"{API}/health", timeout=timeout_s) as answer:
            body = json.loads(answer.read(4096))
        return f"hub reachable now (protocol {body.get('protocol')})"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"hub not reachable now ({type(exc).__name__}): packets wait in the queue, or use `fieldkit export`"
