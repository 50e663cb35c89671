"""What the sync panel reads from the kit that sync.client.factory does not give: provisioning state and the
queue rows it lists. Building the client and the USB routes is sync.client.factory's job."""

from __future__ import annotations


def hub_configured(data_dir) -> bool:
    from fieldkit.security.hub_keys import HubNotProvisioned, load_hub_keys
    try:
        load_hub_keys(data_dir)
        return True
    except (HubNotProvisioned, FileNotFoundError):
        return False


def packet_rows(service, limit: int = 200) -> list[tuple[str, str, int, str]]:
    """(packet id, status, size, last error) of the newest packets in the kit's queue."""
    rows = service.store.reader().execute(
        "SELECT packet_id, status, size, COALESCE(last_error, '') FROM packets ORDER BY created_at DESC LIMIT ?",
        (limit,)).fetchall()
    return [tuple(r) for r in rows]
