"""`fieldkit queue list|show|approve|reject`: the review queue from scripts (unlock non-interactively)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone

from fieldkit.cli.unlock_options import (add_token_pin_option, add_unlock_options, kit_errors, open_session,
                                         token_pin)
from fieldkit.domain.status import Status
from fieldkit.enrolment.service import ReviewFilter

# Not a record status: a sealed record whose packet the hub refused (signed reason kept with the packet).
REFUSED = "refused"


def register(sub) -> None:
    q = sub.add_parser("queue", help="list, show, approve or reject records").add_subparsers(
        dest="queue_cmd", metavar="ACTION", required=True)
    ls = q.add_parser("list", help="records, newest first (default: awaiting review)")
    ls.add_argument("--status", action="append", choices=[s.value for s in Status] + [REFUSED],
                    help="filter by status (repeatable; default pending_review); 'refused': sealed packets the "
                         "hub refused, with its reason")
    ls.add_argument("--all", action="store_true", help="every status")
    ls.add_argument("--session", metavar="ID", help="filter by enrolment session id")
    ls.add_argument("--since", metavar="YYYY-MM-DD", help="created on or after this day (UTC)")
    ls.add_argument("--until", metavar="YYYY-MM-DD", help="created before this day (UTC)")
    ls.add_argument("--search", metavar="TEXT", default="", help="name or ID prefix; diacritics ignored")
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--offset", type=int, default=0)
    ls.set_defaults(func=run_list)
    show = q.add_parser("show", help="one record's fields (no biometric bytes printed)")
    show.add_argument("record_id")
    show.set_defaults(func=run_show)
    ap = q.add_parser("approve", help="approve: seal to the hub and enqueue (supervisor)")
    ap.add_argument("record_id")
    ap.add_argument("--version", type=int, help="refuse if the record is no longer at this version")
    add_token_pin_option(ap)
    ap.set_defaults(func=run_approve)
    rj = q.add_parser("reject", help="reject for good, with a reason (supervisor)")
    rj.add_argument("record_id")
    rj.add_argument("--reason", required=True)
    rj.set_defaults(func=run_reject)
    for p in (ls, show, ap, rj):
        add_unlock_options(p)
        p.add_argument("--json", action="store_true", help="machine-readable output")


def _day_ms(text: str | None) -> int | None:
    if not text:
        return None
    return int(datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp() * 1000)



@kit_errors
def run_list(args, ctx) -> int:
    service, session = open_session(args, ctx)
    try:
        wanted = tuple(args.status or (Status.PENDING_REVIEW.value,))
        statuses = () if args.all else tuple(s for s in wanted if s != REFUSED)
        items = []
        if args.all or statuses:
            f = ReviewFilter(statuses, args.session, None, _day_ms(args.since), _day_ms(args.until), args.search,
                             args.limit, args.offset)
            items = [asdict(i) for i in session.list_for_review(f)]
        refused = [_refused_item(p) for p in service.queue(session).refused_packets()] if REFUSED in wanted else []
    finally:
        service.close()
    if args.json:
        print(json.dumps(items + refused, ensure_ascii=False))
    else:
        for i in items:
            print(f"{i['record_id']}  {i['status']:<14} v{i['version']}  {_when(i['created_at'])}  {i['name']}")
        for r in refused:
            print(f"{r['record_id']}  {REFUSED:<14} packet {r['packet_id']}  {_when(r['refused_at'])}"
                  f"  hub: {r['reason']}")
    return 0


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M")


def _refused_item(packet) -> dict:
    """A refused packet as `queue list` shows it: the hub's reason and its signed receipt, verbatim."""
    try:
        receipt = json.loads(packet.receipt.decode("utf-8")) if packet.receipt else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        receipt = None
    return {"record_id": packet.record_id, "status": REFUSED, "packet_id": packet.packet_id,
            "reason": packet.reason, "refused_at": packet.refused_at, "hub_receipt": receipt}


@kit_errors
def run_show(args, ctx) -> int:
    service, session = open_session(args, ctx)
    try:
        view = session.get_record(args.record_id)
    finally:
        service.close()
    out = {"record_id": view.record_id, "status": view.status, "version": view.version, "record": view.record,
           "capture": view.capture, "blobs": {n: len(b) for n, b in view.blobs.items()}, "note": view.note,
           "packet_id": view.packet_id}
    print(json.dumps(out, ensure_ascii=False, indent=None if args.json else 2))
    return 0


def _report(args, ref) -> int:
    if args.json:
        print(json.dumps(asdict(ref)))
    else:
        print(f"{ref.record_id} is now {ref.status}")
    return 0


@kit_errors
def run_approve(args, ctx) -> int:
    service, session = open_session(args, ctx)
    try:
        if not session.kit.token_certificate:
            return _report(args, session.approve(args.record_id, expected_version=args.version))
        from fieldkit.security.token_binding import open_signer_for

        with open_signer_for(session.kit, ctx.settings, token_pin(args)) as signer:
            return _report(args, session.approve(args.record_id, expected_version=args.version, cosigner=signer))
    finally:
        service.close()


@kit_errors
def run_reject(args, ctx) -> int:
    service, session = open_session(args, ctx)
    try:
        return _report(args, session.reject(args.record_id, args.reason))
    finally:
        service.close()
