"""`fieldkit extract load|list|drop` and `fieldkit lookup`: the commune's residents on the kit (docs/population.md).

    fieldkit extract load FILE        verify (hub signature, this kit, expiry) and store encrypted
    fieldkit extract list [--json]    extracts on the kit (works while locked; expired ones are shredded)
    fieldkit extract drop ID|--all    crypto-shred extracts
    fieldkit lookup TEXT [--json]     find residents by name, ID/CMND prefix, birth date/year, household or QR
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from fieldkit.audit import log as audit
from fieldkit.cli.unlock_options import EXIT_FAILED, add_unlock_options, kit_errors, open_session
from fieldkit.population import store as extracts
from fieldkit.population.extract_format import ExtractError
from fieldkit.security import keystore


def register(sub) -> None:
    ex = sub.add_parser("extract", help="population extracts from the hub: load, list, drop").add_subparsers(
        dest="extract_cmd", metavar="ACTION", required=True)
    load = ex.add_parser("load", help="verify a hub extract sealed to this kit and store it encrypted")
    load.add_argument("file", metavar="FILE")
    load.set_defaults(func=run_load)
    ls = ex.add_parser("list", help="extracts on this kit (expired ones are shredded)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)
    drop = ex.add_parser("drop", help="crypto-shred an extract (or all of them)")
    drop.add_argument("extract_id", nargs="?", metavar="ID")
    drop.add_argument("--all", action="store_true")
    drop.set_defaults(func=run_drop)
    look = sub.add_parser("lookup", help="find residents: name (diacritics optional), ID/CMND prefix, birth "
                                         "date or year, household id, or a card QR text")
    look.add_argument("text", metavar="TEXT")
    look.add_argument("--limit", type=int, default=20)
    look.add_argument("--json", action="store_true")
    look.set_defaults(func=run_lookup)
    for p in (load, drop, look):
        add_unlock_options(p)


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ms / 1000))



def _audit(service, session, action: str, detail: dict) -> None:
    kit = session.kit
    service.store.write(lambda c: audit.append(c, kit.kit_id, kit.user.user_id, action, None, detail, kit.device_key))


@kit_errors
def run_load(args, ctx) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    service, session = open_session(args, ctx)
    try:
        try:
            info, replaced = extracts.ExtractStore(ctx.data_dir, session.kit).load(data)
        except ExtractError as exc:
            _audit(service, session, "extract_load", {"refused": exc.code})
            print(f"error: extract refused: {exc}", file=sys.stderr)
            return EXIT_FAILED
        _audit(service, session, "extract_load", {"extract_id": info.extract_id, "communes": list(info.communes),
                                                  "count": info.count, "replaced": replaced})
    finally:
        service.close()
    print(f"extract {info.extract_id}: {info.count} resident(s) of commune(s) {', '.join(info.communes)}, "
          f"valid until {_iso(info.expires_at)}" + (f"; replaced {', '.join(replaced)}" if replaced else ""))
    return 0


@kit_errors
def run_list(args, ctx) -> int:
    keystore.check_usable(ctx.data_dir)
    shredded = extracts.sweep_expired(ctx.data_dir)
    infos = extracts.list_extracts(ctx.data_dir)
    if args.json:
        print(json.dumps({"extracts": [i.to_dict() for i in infos], "shredded_expired": shredded}, indent=2))
        return 0
    for extract_id in shredded:
        print(f"expired and shredded: {extract_id}")
    if not infos:
        print("no population extract on this kit (load one with `fieldkit extract load FILE`)")
    for i in infos:
        print(f"{i.extract_id}  communes {','.join(i.communes)}  {i.count} residents  valid until {_iso(i.expires_at)}")
    return 0


@kit_errors
def run_drop(args, ctx) -> int:
    if bool(args.extract_id) == bool(args.all):
        print("error: give an extract id or --all", file=sys.stderr)
        return 2
    service, session = open_session(args, ctx)
    try:
        if args.all:
            count = extracts.shred_all(ctx.data_dir)
            dropped = count > 0
        else:
            dropped = extracts.shred_extract(ctx.data_dir, args.extract_id)
            count = int(dropped)
        if dropped:
            _audit(service, session, "extract_drop", {"extract_id": args.extract_id or "*", "count": count})
    finally:
        service.close()
    print(f"shredded {count} extract(s)" if dropped else f"error: no extract {args.extract_id}",
          file=sys.stdout if dropped else sys.stderr)
    return 0 if dropped else EXIT_FAILED


def _match_dict(m) -> dict:
    r = m.resident
    return {"resident_id": r.resident_id, "birth_name": r.birth_name,
            "date_of_birth": r.date_of_birth.isoformat() if r.date_of_birth else None, "sex": r.sex,
            "personal_id": r.personal_id, "cmnd": r.cmnd, "household_id": r.household_id,
            "relation_to_head": r.relation_to_head, "commune": r.commune, "street": r.street,
            "old_address": r.old_address, "matched_by": list(m.matched_by)}


@kit_errors
def run_lookup(args, ctx) -> int:
    from fieldkit.population.lookup import QueryError, open_population

    service, session = open_session(args, ctx)
    try:
        population = open_population(ctx.data_dir, ctx.settings, session)
    finally:
        service.close()
    if not population.extracts:
        print("error: no valid population extract on this kit (load one with `fieldkit extract load FILE`)",
              file=sys.stderr)
        return EXIT_FAILED
    try:
        matches = population.search(args.text, args.limit)
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps([_match_dict(m) for m in matches], ensure_ascii=False, indent=2))
        return 0
    for m in matches:
        d = _match_dict(m)
        print(f"{d['resident_id']}  {d['birth_name']}  {d['date_of_birth'] or '?'}  {d['sex'] or '?'}  "
              f"ID {d['personal_id'] or '-'}  hộ {d['household_id'] or '-'}  ({', '.join(d['matched_by'])})")
    print(f"{len(matches)} match(es) among {len(population)} residents")
    return 0
