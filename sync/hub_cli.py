"""`fieldkit-hub`: run and administer a receiving hub.

    fieldkit-hub serve   --data DIR [--db URL] [--host H --port P] [--workers N]   the HTTP service kits sync to
    fieldkit-hub token   --data DIR [--db URL] [--ttl-hours N]       print a one-time kit enrolment token
    fieldkit-hub list    --data DIR [--db URL] [--json] [--kit ID]   received (and rejected) packets
    fieldkit-hub export  --data DIR [--db URL] --out DIR [--format dirs|nist]   decrypt received packets (PLAINTEXT)
    fieldkit-hub import  DRIVE --data DIR [--db URL] [--json]        ingest a kit's USB export, write receipts
    fieldkit-hub loadtest --hub URL --kits K --packets P [--link-rate BIT_S] [--json]   simulated kits (loopback only)
    fieldkit-hub outcome PACKET_ID [--kit KIT_ID] --status accepted|in_production|recapture [--reason R] | --csv FILE
    fieldkit-hub kits    --data DIR [--db URL] [--json]              enrolled kits and their pinned supervisors
    fieldkit-hub kits supervisor add KIT_ID USER_ID PUBLIC_KEY --data DIR   pin a supervisor key (administrator)
    fieldkit-hub kits supervisor add KIT_ID --from-drive DRIVE --data DIR   pin the roster a kit exported
    fieldkit-hub kits supervisor add KIT_ID --from-received --data DIR      pin who co-signed received packets
    fieldkit-hub kits supervisor remove KIT_ID USER_ID --data DIR           stop accepting that supervisor
    fieldkit-hub revoke  KIT_ID --data DIR [--db URL]                refuse a lost or stolen kit from now on
    fieldkit-hub ca add ROOT.pem | crl CRL.pem | require-token on|off | list [--json]
                                                                     supervisors' token certificates: trust
    fieldkit-hub registry import|synth, extract, report             population data (docs/population.md)

`--data` (or $FIELDKIT_HUB_DATA) holds the hub's keys and, without `--db`, its SQLite database.
`--db postgresql://...` puts the state in PostgreSQL so several hub processes can share it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from sync.hub.keys import load_or_create_hub_keys
from sync.hub.open_storage import open_storage
from sync.hub.service import HubService
from sync.hub.trust import HubTrust
from sync.hub.service import HubLimits, HubService
from sync.hub.verify import EnvelopeVerifier
from sync.protocol import ProtocolError, b64d, b64e

ENV_DATA = "FIELDKIT_HUB_DATA"
ENV_DB = "FIELDKIT_HUB_DB"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldkit-hub", description="FieldKit receiving hub")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--data", metavar="DIR", default=os.environ.get(ENV_DATA),
                       help=f"hub data directory: keys and the default SQLite database (or ${ENV_DATA})")
        p.add_argument("--db", metavar="URL", default=os.environ.get(ENV_DB),
                       help=f"postgresql://... or sqlite:///PATH (default: SQLite in --data; or ${ENV_DB})")
        p.set_defaults(func=func)
        return p

    serve = command("serve", "run the HTTP service", run_serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8600, help="port (default 8600; 0 picks a free one)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="hub processes sharing the port (default 1; above 1 needs PostgreSQL)")
    serve.add_argument("--max-open-uploads", type=int, default=HubLimits.max_open_uploads_per_kit, metavar="N",
                       help="unfinished uploads one kit may hold (default %(default)s)")
    serve.add_argument("--max-open-upload-mib", type=int, metavar="M",
                       default=HubLimits.max_open_upload_bytes_per_kit // (1024 * 1024),
                       help="declared MiB of unfinished uploads one kit may hold (default %(default)s)")
    token = command("token", "print a one-time kit enrolment token", run_token)
    token.add_argument("--ttl-hours", type=float, default=168, help="token lifetime (default 7 days)")
    ls = command("list", "list received and rejected packets", run_list)
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--kit", metavar="ID")
    export = command("export", "decrypt received packets for the downstream system (plaintext!)", run_export)
    export.add_argument("--out", required=True, metavar="DIR", help="output directory (created 0700)")
    export.add_argument("--kit", metavar="ID")
    export.add_argument("--format", choices=("dirs", "nist"), default="dirs",
                        help="dirs: a directory per packet (default); nist: one ANSI/NIST-ITL 1-2011 file per enrolment")
    export.add_argument("--ori", default="FIELDKIT", help="nist: originating agency (1.008 ORI)")
    export.add_argument("--dai", default="AFIS", help="nist: destination agency (1.007 DAI)")
    imp = command("import", "ingest packets from a kit's USB export and write receipts back", run_import)
    imp.add_argument("drive", metavar="DRIVE")
    imp.add_argument("--json", action="store_true")
    kits = command("kits", "list enrolled kits and their pinned supervisors", run_kits)
    kits.add_argument("--json", action="store_true")
    load = command("loadtest", "simulated kits against a hub on this machine: throughput, receipt times", run_loadtest)
    load.add_argument("--hub", required=True, metavar="URL", help="the running hub (loopback addresses only)")
    load.add_argument("--kits", type=int, required=True, metavar="K")
    load.add_argument("--packets", type=int, required=True, metavar="P", help="packets per kit (~240 KB each)")
    load.add_argument("--link-rate", type=float, metavar="BIT_S", help="throttle the hub's link to this many bit/s")
    load.add_argument("--max-seconds", type=float, default=600, help="stop delivering after this long (default 600)")
    load.add_argument("--first-chunk-kb", type=int, default=64, help="the kits' first chunk (default 64, the kit's own)")
    load.add_argument("--json", action="store_true")
    outcome = command("outcome", "record a downstream verdict for a packet (signed, sent to its kit)", run_outcome)
    outcome.add_argument("packet_id", nargs="?", metavar="PACKET_ID")
    outcome.add_argument("--status", choices=("accepted", "in_production", "recapture"))
    outcome.add_argument("--reason", default="", help="why (required for recapture)")
    outcome.add_argument("--kit", metavar="KIT_ID", default="",
                         help="the kit that sent PACKET_ID (needed only when two kits sent a packet with that id)")
    outcome.add_argument("--csv", metavar="FILE",
                         help="import verdicts: CSV with columns packet_id,status,reason and an optional kit_id")
    kits_sub = kits.add_subparsers(dest="kits_command", metavar="supervisor")
    sup = kits_sub.add_parser("supervisor", help="pin or unpin a kit's supervisor co-signing key")
    sup_sub = sup.add_subparsers(dest="supervisor_command", metavar="add|remove", required=True)
    add = sup_sub.add_parser("add", help="pin a supervisor key for a kit (an administrator's decision)")
    add.add_argument("kit_id")
    add.add_argument("user_id", nargs="?")
    add.add_argument("public_key", nargs="?", help="the supervisor's co-signing public key, base64 (32 bytes)")
    add.add_argument("--from-drive", metavar="DRIVE",
                     help="pin every supervisor of the kit's roster.json on this drive (device signature checked)")
    add.add_argument("--from-received", action="store_true",
                     help="pin every supervisor who co-signed a packet this hub already received from the kit "
                          "(upgrading a hub whose kits were enrolled before supervisor pinning)")
    rm = sup_sub.add_parser("remove", help="stop accepting a supervisor's co-signatures for a kit")
    rm.add_argument("kit_id")
    rm.add_argument("user_id")
    for p in (add, rm):
        # SUPPRESS: an option given before `supervisor` is not overwritten by this level's default.
        p.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS, help="hub data directory")
        p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="postgresql://... or sqlite:///PATH")
        p.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    revoke = command("revoke", "refuse a lost or stolen kit from now on", run_revoke)
    revoke.add_argument("kit_id")
    _add_ca_commands(sub)
    # Population data (issue 14, docs/population.md): registry import|synth, extract, report.
    from sync.hub.registry.cli import register as register_population
    register_population(sub, command)
    return parser


def _add_ca_commands(sub) -> None:
    ca = sub.add_parser("ca", help="trusted roots and CRLs for supervisors' token certificates")
    ca_sub = ca.add_subparsers(dest="ca_command", metavar="CA_COMMAND", required=True)

    def ca_command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = ca_sub.add_parser(name, help=help_text)
        p.add_argument("--data", metavar="DIR", default=os.environ.get(ENV_DATA),
                       help=f"hub data directory (or ${ENV_DATA})")
        p.set_defaults(func=func)
        return p

    ca_command("add", "trust a root CA certificate (PEM or DER)", run_ca_add).add_argument("file", metavar="ROOT.pem")
    ca_command("crl", "install a certificate revocation list (PEM or DER)", run_ca_crl).add_argument(
        "file", metavar="CRL.pem")
    ca_command("require-token", "refuse packets approved without a token (on) or accept both (off)",
               run_ca_require_token).add_argument("state", choices=("on", "off"))
    ca_command("list", "show the trusted roots, CRLs and policy", run_ca_list).add_argument("--json", action="store_true")


def open_service(args, limits: HubLimits = HubLimits()) -> HubService:
    if not args.data:
        raise SystemExit(f"fieldkit-hub: --data DIR (or ${ENV_DATA}) is required")
    data = Path(args.data).expanduser().resolve()
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    keys = load_or_create_hub_keys(data)
    storage = open_storage(data, args.db)
    storage.set_meta_once("hub_id", keys.hub_id)
    if storage.meta("hub_id") != keys.hub_id:
        storage.close()
        raise SystemExit("fieldkit-hub: this database belongs to another hub (different keys in --data)")
    return HubService(storage, keys, EnvelopeVerifier(keys.hpke_private, HubTrust(data)), limits=limits)


def _hub_data(args) -> Path:
    if not args.data:
        raise SystemExit(f"fieldkit-hub: --data DIR (or ${ENV_DATA}) is required")
    data = Path(args.data).expanduser().resolve()
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    return data


def _read_file(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise SystemExit(f"fieldkit-hub: cannot read {name}: {exc.strerror}") from None


def run_ca_add(args) -> int:
    from sync.hub.trust import TrustConfigError, add_root

    try:
        subjects = add_root(_hub_data(args), _read_file(args.file), args.file)
    except TrustConfigError as exc:
        raise SystemExit(f"fieldkit-hub: {exc}") from None
    for subject in subjects:
        print(f"trusted root: {subject}")
    return 0


def run_ca_crl(args) -> int:
    from sync.hub.trust import TrustConfigError, set_crl

    try:
        issuer = set_crl(_hub_data(args), _read_file(args.file), args.file)
    except TrustConfigError as exc:
        raise SystemExit(f"fieldkit-hub: {exc}") from None
    print(f"CRL installed for {issuer}")
    return 0


def run_ca_require_token(args) -> int:
    from sync.hub.trust import set_require_token

    set_require_token(_hub_data(args), args.state == "on")
    print("packets must be approved with a token" if args.state == "on" else "software and token approvals accepted")
    return 0


def run_ca_list(args) -> int:
    from fieldkit.packets.certificates import subject_text
    from sync.hub.trust import load_policy

    policy = load_policy(_hub_data(args))
    doc = {"roots": [{"subject": subject_text(c), "not_after": c.not_valid_after_utc.isoformat()}
                     for c in policy.store.roots],
           "crls": [{"issuer": crl.issuer.rfc4514_string(), "revoked": len(crl),
                     "next_update": crl.next_update_utc.isoformat() if crl.next_update_utc else None}
                    for crl in policy.store.crls],
           "require_token_signatures": policy.require_token}
    if args.json:
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        for root in doc["roots"]:
            print(f"root  {root['subject']}  (until {root['not_after'][:10]})")
        for crl in doc["crls"]:
            print(f"crl   {crl['issuer']}  {crl['revoked']} revoked")
        print(f"require token signatures: {'on' if policy.require_token else 'off'}")
    return 0


def _limits(args) -> HubLimits:
    if args.max_open_uploads < 1 or args.max_open_upload_mib < 1:
        raise SystemExit("fieldkit-hub: --max-open-uploads and --max-open-upload-mib must be at least 1")
    return HubLimits(args.max_open_uploads, args.max_open_upload_mib * 1024 * 1024)


def run_serve(args) -> int:
    import uvicorn

    from sync.hub.app import build_app
    from sync.hub.server import bind_socket, uvicorn_config

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    limits = _limits(args)
    if args.workers != 1:
        return run_serve_workers(args)
    service = open_service(args, limits)
    try:
        sock = bind_socket(args.host, args.port)
        host, port = sock.getsockname()[:2]
        print(f"fieldkit-hub {service.keys.hub_id} ({service.storage.name}) listening on http://{host}:{port}",
              flush=True)
        uvicorn.Server(uvicorn_config(build_app(service), host, port, log_level="info")).run(sockets=[sock])
    finally:
        service.storage.close()
    return 0


def run_serve_workers(args) -> int:
    """`serve --workers N`: a pre-fork supervisor (sync/hub/workers.py); each child opens its own pool."""
    import uvicorn

    from sync.hub.app import build_app
    from sync.hub.server import bind_socket, uvicorn_config
    from sync.hub.workers import check_workers, supervise

    service = open_service(args)  # creates keys and schema once, before any fork
    hub_id, storage_name = service.keys.hub_id, service.storage.name
    service.storage.close()  # no pool threads may cross a fork
    check_workers(args.workers, storage_name)
    sock = bind_socket(args.host, args.port)
    host, port = sock.getsockname()[:2]
    print(f"fieldkit-hub {hub_id} ({storage_name}) listening on http://{host}:{port} with {args.workers} workers",
          flush=True)

    def child(listening) -> int:
        worker = open_service(args, _limits(args))
        try:
            uvicorn.Server(uvicorn_config(build_app(worker), host, port, log_level="warning")).run(sockets=[listening])
        finally:
            worker.storage.close()
        return 0

    def announce(slot: int, pid: int) -> None:
        print(f"worker {slot} pid {pid}", flush=True)

    try:
        return supervise(sock, args.workers, child, announce)
    finally:
        sock.close()


def run_token(args) -> int:
    service = open_service(args)
    try:
        print(service.issue_token(int(args.ttl_hours * 3600)))
    finally:
        service.storage.close()
    return 0


def run_list(args) -> int:
    service = open_service(args)
    try:
        rows = [{"packet_id": p.packet_id, "kit_id": p.kit_id, "status": "received", "size": p.size,
                 "sha256": p.sha256, "route": p.route, "at": _iso(p.received_at), "reason": ""}
                for p in service.storage.list_packets(args.kit)]
        received = {(r["kit_id"], r["packet_id"]) for r in rows}
        rows += [{"packet_id": r.packet_id, "kit_id": r.kit_id, "status": "rejected", "size": None,
                  "sha256": r.sha256, "route": json.loads(r.receipt)["receipt"]["route"], "at": _iso(r.rejected_at),
                  "reason": r.reason}
                 for r in service.storage.list_rejections(args.kit) if (r.kit_id, r.packet_id) not in received]
    finally:
        service.storage.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'packet':36}  {'kit':36}  {'status':8}  {'route':7}  {'at':20}  reason")
    for r in rows:
        print(f"{r['packet_id']:36}  {r['kit_id']:36}  {r['status']:8}  {r['route']:7}  {r['at']:20}  {r['reason']}")
    print(f"{sum(r['status'] == 'received' for r in rows)} received, {sum(r['status'] == 'rejected' for r in rows)} rejected")
    return 0


def run_export(args) -> int:
    from sync.hub.export import export_received

    service = open_service(args)
    print("WARNING: the output is PLAINTEXT personal data (names, ID numbers, face images, fingerprints).\n"
          "Keep it on an encrypted volume, hand it only to the downstream system, and delete it after.",
          file=sys.stderr)
    try:
        if args.format == "nist":
            from sync.hub.nist.export import export_nist
            from sync.hub.nist.transaction import NistOptions

            report = export_nist(service, Path(args.out), args.kit, NistOptions(args.ori, args.dai))
        else:
            report = export_received(service, Path(args.out), kit_id=args.kit)
    finally:
        service.storage.close()
    print(f"exported {len(report.written)} packet(s) to {args.out}, {len(report.already)} already there, "
          f"{len(report.failed)} failed")
    for packet_id, subject in report.token_signed:
        print(f"  {packet_id}: approved with token certificate {subject}")
    for packet_id, reason in report.failed:
        print(f"  failed {packet_id}: {reason}", file=sys.stderr)
    return 1 if report.failed else 0


def run_import(args) -> int:
    from sync.hub.usb_import import import_drive

    service = open_service(args)
    try:
        report = import_drive(service, Path(args.drive))
        from sync.hub.outcomes import write_outcomes_to_drive

        outcomes = write_outcomes_to_drive(service, Path(args.drive))  # verdicts ride back on the same drive
    finally:
        service.storage.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        if not report.kits:
            print(f"no FieldKit export found on {args.drive}")
        for kit in report.kits:
            print(f"kit {kit.kit_id}: {len(kit.received)} received, {len(kit.rejected)} rejected, "
                  f"{len(kit.skipped)} skipped{'; ERROR ' + kit.error if kit.error else ''}")
            if kit.roster:
                print(f"  supervisor roster: {kit.roster}")
            for packet_id, reason in kit.rejected + kit.skipped:
                print(f"  {packet_id}: {reason}")
        for kit_id, count in outcomes.items():
            if count:
                print(f"kit {kit_id}: {count} outcome(s) written to the drive")
    return 0 if report.ok else 1


def run_loadtest(args) -> int:
    """Tokens and the exactly-once check come from this hub's --data/--db; the kits go through --hub."""
    from sync.hub.loadtest import LoadPlan, LoadtestRefused, run_loadtest as run, summary_lines

    plan = LoadPlan(args.hub, args.kits, args.packets, args.link_rate, args.max_seconds, args.first_chunk_kb * 1024)
    try:
        plan.check()
    except LoadtestRefused as exc:
        raise SystemExit(f"fieldkit-hub loadtest: {exc}") from None
    service = open_service(args)
    try:
        report = run(plan, service.issue_token, lambda kit: [p.packet_id for p in service.storage.list_packets(kit)],
                     progress=lambda line: print(line, file=sys.stderr, flush=True))
    finally:
        service.storage.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print("\n".join(summary_lines(report)))
    return 0 if report.exactly_once and not report.refusals else 1


def run_outcome(args) -> int:
    from sync.hub.outcomes import OutcomeRefused, Verdict, import_verdicts_csv, record_outcome

    if bool(args.csv) == bool(args.packet_id) or (args.packet_id and not args.status):
        raise SystemExit("fieldkit-hub outcome: give PACKET_ID --status S [--reason R], or --csv FILE")
    service = open_service(args)
    try:
        if args.csv:
            result = import_verdicts_csv(service, Path(args.csv))
            for error in result.errors:
                print(f"  {error}", file=sys.stderr)
            print(f"{len(result.recorded)} outcome(s) recorded" +
                  (f"; nothing recorded: {len(result.errors)} error(s) in {args.csv}" if result.errors else ""))
            return 1 if result.errors else 0
        try:
            signed = record_outcome(service, Verdict(args.packet_id, args.status, args.reason, args.kit))
        except OutcomeRefused as exc:
            raise SystemExit(f"fieldkit-hub outcome: {exc}") from None
    finally:
        service.storage.close()
    body = signed["outcome"]
    print(f"outcome {body['seq']} for kit {body['kit_id']}: packet {body['packet_id']} {body['status']}"
          + (f" ({body['reason']})" if body["reason"] else ""))
    return 0


def run_kits(args) -> int:
    if getattr(args, "kits_command", None) == "supervisor":
        return run_kit_supervisor(args)
    service = open_service(args)
    try:
        kits = [{"kit_id": k.kit_id, "enrolled_at": _iso(k.enrolled_at), "revoked": k.revoked,
                 "packets": len(service.storage.list_packets(k.kit_id)),
                 "supervisors": [{"user_id": s.user_id, "public_key": b64e(s.public_key), "added_by": s.added_by,
                                  "added_at": _iso(s.added_at)} for s in service.storage.supervisors(k.kit_id)]}
                for k in service.storage.list_kits()]
    finally:
        service.storage.close()
    if args.json:
        print(json.dumps(kits, indent=2))
    else:
        for k in kits:
            print(f"{k['kit_id']}  enrolled {k['enrolled_at']}  {k['packets']} packets{'  REVOKED' if k['revoked'] else ''}")
            for s in k["supervisors"]:
                print(f"    supervisor {s['user_id']}  key {s['public_key']}  ({s['added_by']}, {s['added_at']})")
            if not k["supervisors"]:
                print("    no supervisor pinned: every packet of this kit is refused (unknown_supervisor)")
    return 0


def run_kit_supervisor(args) -> int:
    """`kits supervisor add|remove`: the administrator's way to change which supervisor keys a kit may use."""
    from sync.roster import SupervisorKey

    service = open_service(args)
    now = int(time.time())
    try:
        kit = service.storage.get_kit(args.kit_id)
        if kit is None:
            print(f"fieldkit-hub: kit {args.kit_id} is not enrolled at this hub", file=sys.stderr)
            return 1
        if args.supervisor_command == "remove":
            done = service.storage.unpin_supervisor(args.kit_id, args.user_id, now, by="admin")
            print(f"supervisor {args.user_id} of kit {args.kit_id} "
                  f"{'removed: packets they co-sign are refused from now on' if done else 'was not pinned'}")
            return 0 if done else 1
        try:
            if args.from_drive:
                keys = _drive_roster(service, kit, Path(args.from_drive))
            elif args.from_received:
                keys = _received_cosigners(service, kit)
            else:
                keys = [SupervisorKey(args.user_id or "", b64d(args.public_key or "", "public key"))]
            if not (args.from_drive or args.from_received) and (not args.user_id or len(keys[0].public_key) != 32):
                raise ProtocolError("bad_key", "give USER_ID and a base64 32-byte PUBLIC_KEY (or --from-drive)")
        except ProtocolError as exc:
            print(f"fieldkit-hub: {exc.message} ({exc.code})", file=sys.stderr)
            return 1
        for key in keys:
            service.storage.pin_supervisor(args.kit_id, key, now, by="admin")
            print(f"supervisor {key.user_id} pinned for kit {args.kit_id} (key {b64e(key.public_key)})")
    finally:
        service.storage.close()
    return 0


def _received_cosigners(service: HubService, kit) -> list:
    """Every supervisor key that co-signed a packet this hub already stored for the kit (those packets were
    accepted under the rules before pinning: their co-signers are what the hub trusted then)."""
    from fieldkit.packets.envelope import open_envelope, parse_envelope
    from fieldkit.packets.errors import PacketError
    from sync.roster import SupervisorKey

    found: dict[str, SupervisorKey] = {}
    for row in service.storage.list_packets(kit.kit_id):
        try:
            env = parse_envelope(service.storage.packet_envelope(kit.kit_id, row.packet_id))
            contents = open_envelope(env, service.keys.hpke_private[env.suite], kit.device_public_key)
            cert = b64d(contents.manifest["supervisor"]["certificate"], "certificate")
        except (PacketError, KeyError, TypeError, ProtocolError):
            continue
        found[contents.supervisor_id] = SupervisorKey(contents.supervisor_id, contents.supervisor_public_key, cert)
    if not found:
        raise ProtocolError("no_cosigners", f"no packet received from kit {kit.kit_id} names a supervisor to pin")
    return [found[u] for u in sorted(found)]


def _drive_roster(service: HubService, kit, drive: Path) -> list:
    """The supervisors of a kit's roster.json on a drive, after checking the device's signature and each
    certificate: what an administrator pins when no supervisor the hub knows can sign (a legacy kit, or a
    first supervisor added by a technician)."""
    from sync.roster import RosterUpdate, verify_signature
    from sync.usb import MAX_ROSTER_BYTES, ROSTER, kit_dir, read_regular

    try:
        update = RosterUpdate.from_json_obj(json.loads(read_regular(kit_dir(drive, kit.kit_id) / ROSTER,
                                                                    MAX_ROSTER_BYTES)))
    except (OSError, ValueError) as exc:
        raise ProtocolError("no_roster", f"no readable roster.json for kit {kit.kit_id} on {drive}: {exc}") from None
    if update.kit_id != kit.kit_id or not verify_signature(kit.device_public_key, update.device_signature,
                                                           update.message()):
        raise ProtocolError("bad_roster_signature", "roster.json is not signed by this kit's device key")
    bad = [s.user_id for s in update.supervisors if not s.certified_by(kit.kit_id, kit.device_public_key)]
    if bad:
        raise ProtocolError("bad_certificate", f"supervisor certificate does not verify: {', '.join(bad)}")
    return list(update.supervisors)


def run_revoke(args) -> int:
    service = open_service(args)
    try:
        done = service.storage.revoke_kit(args.kit_id, int(time.time()))
    finally:
        service.storage.close()
    print(f"kit {args.kit_id} {'revoked' if done else 'was not enrolled or already revoked'}")
    return 0 if done else 1


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
