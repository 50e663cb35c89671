"""`fieldkit revisit`: the return-trip list of citizens the downstream systems want captured again.

    fieldkit revisit list [--json]        who to revisit and why, grouped by village and household (printable)
    fieldkit revisit import DRIVE [--json] take the hub's signed outcomes from a USB drive
    fieldkit revisit start OUTCOME_ID      start a new enrolment linked to the old record (officer)

Outcomes arrive by themselves on every network sync pass; `import` is the USB route. Each unlocks the kit:
the people in the list are sealed to the device key until shown (sync/client/outcomes.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fieldkit.cli.unlock_options import add_unlock_options, kit_errors, passphrase


def register(sub) -> None:
    p = sub.add_parser("revisit", help="citizens to capture again (downstream verdicts from the hub)")
    actions = p.add_subparsers(dest="revisit_command", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="who to revisit and why, by village and household")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)
    imp = actions.add_parser("import", help="take the hub's outcomes from a USB drive")
    imp.add_argument("drive", metavar="DRIVE")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=run_import)
    start = actions.add_parser("start", help="start a new enrolment for a recapture verdict")
    start.add_argument("outcome_id", metavar="OUTCOME_ID")
    start.set_defaults(func=run_start)
    for parser in (ls, imp, start):
        add_unlock_options(parser)


def _open(args, ctx):
    from fieldkit.enrolment.service import EnrolmentService
    from fieldkit.security.hub_keys import load_hub_keys

    hub = load_hub_keys(ctx.data_dir)  # an unprovisioned kit has no outcomes: say so before the passphrase
    service = EnrolmentService(ctx.data_dir, ctx.settings)
    try:
        return service, service.unlock(args.user, passphrase(args)), hub.signing_public_key
    except BaseException:
        service.close()
        raise


@kit_errors
def run_list(args, ctx) -> int:
    from sync.client.outcomes import open_return_trip

    service, session, _ = _open(args, ctx)
    try:
        groups = open_return_trip(ctx.data_dir, ctx.settings, session)
    finally:
        session.kit.lock()
        service.close()
    if args.json:
        print(json.dumps(groups, ensure_ascii=False, indent=2))
        return 0
    total = sum(len(h["people"]) for g in groups for h in g["households"])
    print(f"Return trip: {total} citizen(s) to capture again")
    for group in groups:
        print(f"\n{group['village'] or '(village not recorded)'}, {group['commune']}")
        for household in group["households"]:
            print(f"  {household['household'] or '(household not recorded)'}")
            for person in household["people"]:
                started = f"  [new enrolment {person['recapture_record_id']}]" if person["recapture_record_id"] else ""
                print(f"    [ ] {person['name']} ({person['date_of_birth'] or '?'}): {person['reason']}"
                      f"  outcome {person['outcome_id']}{started}")
    return 0


@kit_errors
def run_import(args, ctx) -> int:
    from sync.client.outcomes import import_from_drive

    service, session, hub_key = _open(args, ctx)
    try:
        got = import_from_drive(Path(args.drive), session.kit.kit_id, service.store, hub_key)
    finally:
        session.kit.lock()
        service.close()
    result = {"added": got.added, "already": got.already, "refused": got.refused}
    print(json.dumps(result, indent=2) if args.json else
          f"{len(got.added)} outcome(s) added, {len(got.already)} already held, {len(got.refused)} refused"
          + "".join(f"\n  REFUSED {what}: {why}" for what, why in got.refused))
    return 1 if got.refused else 0


@kit_errors
def run_start(args, ctx) -> int:
    from sync.client.outcomes import start_recapture

    service, session, hub_key = _open(args, ctx)
    try:
        try:
            record_id = start_recapture(session, service.store, hub_key, args.outcome_id)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    finally:
        session.kit.lock()
        service.close()
    print(f"new enrolment {record_id} started (a draft linked to the old record); finish it in the app")
    return 0
