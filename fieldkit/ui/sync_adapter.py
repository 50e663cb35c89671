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


def packet_rows(service, limit: int = 200):
    """The newest packets in the kit's queue (fieldkit.store.queue.PacketRow: id, status, size, last error,
    the hub's refusal reason)."""
    from fieldkit.store.queue import recent_packets

    return recent_packets(service.store.reader(), limit)
