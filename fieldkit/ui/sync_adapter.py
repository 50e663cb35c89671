"""Build the sync branch's SyncWorker for this kit (the sync branch has no kit-level factory yet).

The worker needs: a HubClient signing with the kit's device key (from the logged-in user's unlocked keys),
the kit's packet queue seen as an Outbox (sync.client.queue_outbox.QueueOutbox), and the hub's receipt
signing key stored at provisioning (fieldkit.security.hub_keys).
"""

from __future__ import annotations


def hub_configured(data_dir) -> bool:
    from fieldkit.security.hub_keys import HubNotProvisioned, load_hub_keys
    try:
        load_hub_keys(data_dir)
        return True
    except (HubNotProvisioned, FileNotFoundError):
        return False


def build_sync_worker(service, kit_session, status=None, retention_days: int = 30):
    from fieldkit.security.hub_keys import load_hub_keys
    from sync.client.kit import DeviceIdentity
    from sync.client.queue_outbox import QueueOutbox
    from sync.client.status import SyncStatus
    from sync.client.transport import HubClient
    from sync.client.worker import SyncWorker

    hub = load_hub_keys(service.data_dir)
    identity = DeviceIdentity(kit_session.kit.kit_id, kit_session.kit.device_key)
    client = HubClient(hub.hub_url, identity)
    outbox = QueueOutbox(service.queue(kit_session))
    return SyncWorker(client=client, outbox=outbox, hub_signing_key=hub.signing_public_key,
                      status=status or SyncStatus(), retention_days=retention_days)


def packet_rows(service, limit: int = 200) -> list[tuple[str, str, int, str]]:
    """(packet id, status, size, last error) of the newest packets in the kit's queue."""
    rows = service.store.reader().execute(
        "SELECT packet_id, status, size, COALESCE(last_error, '') FROM packets ORDER BY created_at DESC LIMIT ?",
        (limit,)).fetchall()
    return [tuple(r) for r in rows]


def export_to_drive(service, kit_session, drive):
    """`fieldkit export DIR` for the logged-in kit: undelivered packets and a signed manifest on the drive.

    Same calls as fieldkit/cli/sync_commands.py:run_export (sync.usb.export_packets), audited as a sync.
    Runs on the BackgroundRunner: it writes (and fsyncs) every packet file.
    """
    from pathlib import Path

    from sync.client.kit import DeviceIdentity
    from sync.client.queue_outbox import QueueOutbox
    from sync.usb import export_packets

    queue = service.queue(kit_session)
    identity = DeviceIdentity(kit_session.kit.kit_id, kit_session.kit.device_key)
    result = export_packets(Path(drive), identity, QueueOutbox(queue))
    queue.record_sync({"route": "usb-export", "written": len(result.written), "removed": len(result.removed)})
    return result


def import_receipts_from_drive(service, kit_session, drive):
    """`fieldkit import-receipts DIR`: verify the hub's receipts on the drive and settle those packets."""
    from pathlib import Path

    from fieldkit.security.hub_keys import load_hub_keys
    from sync.client.queue_outbox import QueueOutbox
    from sync.usb import import_receipts

    hub = load_hub_keys(service.data_dir)
    queue = service.queue(kit_session)
    result = import_receipts(Path(drive), kit_session.kit.kit_id, QueueOutbox(queue), hub.signing_public_key)
    queue.record_sync({"route": "usb-receipts", "acknowledged": len(result.acknowledged),
                       "rejected": len(result.rejected), "invalid": len(result.invalid)})
    return result
