"""`fieldkit provision`, `fieldkit sync`, `fieldkit export`, `fieldkit import-receipts`: getting packets to the hub.

All four unlock the kit (the device key signs every request and the USB manifest), non-interactively with
`--passphrase-file` or $FIELDKIT_PASSPHRASE. `sync_pass()` is the one call the app and `fieldkit demo --hub`
use to deliver the queue once.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from fieldkit.cli.unlock_options import add_unlock_options, kit_errors, open_session, passphrase


def register(sub) -> None:
    prov = sub.add_parser("provision", help="enrol this kit at a hub with a one-time token (exchanges keys)")
    prov.add_argument("--hub", required=True, metavar="URL", help="the hub's address, e.g. https://hub.example:8600")
    prov.add_argument("--token", required=True, metavar="T", help="one-time token from `fieldkit-hub token`")
    prov.add_argument("--json", action="store_true")
    prov.set_defaults(func=run_provision)

    sync = sub.add_parser("sync", help="deliver sealed packets to the hub (waits for the link unless --once)")
    sync.add_argument("--once", action="store_true", help="one pass, print the status, exit")
    sync.add_argument("--json", action="store_true", help="print the status as JSON")
    sync.set_defaults(func=run_sync)

    export = sub.add_parser("export", help="write undelivered sealed packets to a removable drive")
    export.add_argument("dir", metavar="DIR", help="the drive's mount point")
    export.add_argument("--json", action="store_true")
    export.set_defaults(func=run_export)

    receipts = sub.add_parser("import-receipts", help="read the hub's receipts from a drive and settle the packets")
    receipts.add_argument("dir", metavar="DIR", help="the drive's mount point")
    receipts.add_argument("--json", action="store_true")
    receipts.set_defaults(func=run_import_receipts)

    for p in (prov, sync, export, receipts):
        add_unlock_options(p)



def _identity(session):
    from sync.client.kit import DeviceIdentity

    return DeviceIdentity(session.kit.kit_id, session.kit.device_key)


def _print(args, result: dict, human: str) -> None:
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else human)


@kit_errors
def run_provision(args, ctx) -> int:
    from sync.client.provisioning import provision
    from sync.client.transport import HubRefused, HubUnreachable

    service, session = open_session(args, ctx)
    try:
        try:
            hub = provision(ctx.data_dir, args.hub, args.token, _identity(session))
        except HubRefused as exc:
            print(f"error: the hub refused the enrolment: {exc.message} ({exc.code})", file=sys.stderr)
            return 1
        except HubUnreachable as exc:
            print(f"error: cannot reach the hub at {args.hub}: {exc}", file=sys.stderr)
            return 1
        ctx.settings.with_overrides(hub_url=hub.hub_url).save()
        service.queue(session).record_sync({"provisioned": hub.hub_id})
    finally:
        session.kit.lock()
        service.close()
    _print(args, {"hub_id": hub.hub_id, "hub_url": hub.hub_url, "suites": sorted(hub.hpke_public_keys)},
           f"provisioned: hub {hub.hub_id} at {hub.hub_url} (suites: {', '.join(sorted(hub.hpke_public_keys))})")
    return 0


def sync_pass(data_dir: Path, service, session, settings, status=None, timeouts=None):
    """Deliver the queue once: (PassResult, status snapshot). Used by `fieldkit sync --once`."""
    from sync.client.factory import for_kit

    with for_kit(data_dir, settings, service, session, status=status, timeouts=timeouts) as kit_sync:
        result = kit_sync.run_once()
        return result, kit_sync.status.snapshot()


@kit_errors
def run_sync(args, ctx) -> int:
    service, session = open_session(args, ctx)
    try:
        if args.once:
            result, snapshot = sync_pass(ctx.data_dir, service, session, ctx.settings)
            _print(args, snapshot, _human_status(snapshot))
            return 0 if result.clean and not snapshot["stuck"] else 1
        return _sync_forever(args, ctx, service, session)
    finally:
        session.kit.lock()
        service.close()


def _sync_forever(args, ctx, service, session) -> int:
    """Run the background worker in the foreground until Ctrl-C, printing each status change."""
    from sync.client.factory import for_kit
    from sync.client.status import SyncStatus

    status = SyncStatus()
    last = {}

    def show(snapshot):
        key = (snapshot["state"], snapshot["queued"], snapshot["delivered_total"], len(snapshot["stuck"]))
        if key != last.get("key"):
            last["key"] = key
            print(json.dumps(snapshot, ensure_ascii=False) if args.json else _human_status(snapshot), flush=True)

    status.add_listener(show)
    with for_kit(ctx.data_dir, ctx.settings, service, session, status=status) as kit_sync:
        kit_sync.worker.start()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


def _human_status(s: dict) -> str:
    lines = [f"sync: {s['state']}; {s['queued']} packet(s) queued; {s['delivered_total']} delivered this run; "
             f"last success {s['last_success_at'] or 'never'}"]
    if s["in_flight"]:
        f = s["in_flight"]
        lines.append(f"  moving {f['packet_id']}: {f['confirmed_bytes']}/{f['size']} bytes confirmed"
                     f" ({f.get('sent_bytes', 0)} sent)")
    if s["last_error"]:
        lines.append(f"  last error: {s['last_error']}")
    for stuck in s["stuck"]:
        lines.append(f"  STUCK {stuck['packet_id']} since {stuck['since']}: {stuck['reason']}")
    return "\n".join(lines)


@kit_errors
def run_export(args, ctx) -> int:
    from sync.client.factory import export_for_kit

    from sync.usb import UnsafeDriveFile

    service, session = open_session(args, ctx)
    try:
        result = export_for_kit(service, session, Path(args.dir))
    except UnsafeDriveFile as exc:  # a crafted drive: say which file, write nothing through it
        print(f"error: the drive was refused: {exc.message} ({exc.code})", file=sys.stderr)
        return 1
    finally:
        session.kit.lock()
        service.close()
    _print(args, {"directory": str(result.directory), "written": result.written,
                  "already_there": result.already_there, "removed": result.removed},
           f"exported {len(result.written)} packet(s) to {result.directory} "
           f"({len(result.already_there)} already there, {len(result.removed)} delivered ones removed)")
    return 0


@kit_errors
def run_import_receipts(args, ctx) -> int:
    from fieldkit.security.hub_keys import load_hub_keys
    from sync.client.factory import import_receipts_for_kit

    load_hub_keys(ctx.data_dir)  # an unprovisioned kit is told so before it asks for a passphrase
    service, session = open_session(args, ctx)
    try:
        result = import_receipts_for_kit(ctx.data_dir, service, session, Path(args.dir))
    finally:
        session.kit.lock()
        service.close()
    _print(args, {"acknowledged": result.acknowledged, "rejected": result.rejected, "invalid": result.invalid,
                  "already_settled": result.already_settled},
           f"{len(result.acknowledged)} acknowledged, {len(result.rejected)} rejected by the hub, "
           f"{len(result.invalid)} invalid receipt(s), {len(result.already_settled)} already settled"
           + "".join(f"\n  rejected {pid}: {reason}" for pid, reason in result.rejected)
           + "".join(f"\n  INVALID {pid}: {reason}" for pid, reason in result.invalid))
    return 1 if result.invalid else 0
