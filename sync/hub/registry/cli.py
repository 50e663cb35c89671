"""The hub's population commands (docs/population.md), registered by sync/hub_cli.py:

    fieldkit-hub registry import FILE --data DIR [--json]
    fieldkit-hub registry synth --commune CODE --people N --seed S [--out FILE] [--truth FILE] [--data DIR]
    fieldkit-hub extract --commune CODE --kit KIT_ID --out FILE --data DIR [--valid-days N] [--also CODE ...]
    fieldkit-hub report --commune CODE --data DIR [--csv FILE] [--pdf FILE] [--json]
"""

from __future__ import annotations

import csv
import json
import os
import sys
from datetime import date
from pathlib import Path

ENV_DATA = "FIELDKIT_HUB_DATA"


def _data_option(p) -> None:
    p.add_argument("--data", metavar="DIR", default=os.environ.get(ENV_DATA),
                   help=f"hub data directory (or ${ENV_DATA}); the registry is <DIR>/registry.db")


def register(sub, command) -> None:
    """Add `registry`, `extract` and `report` to the hub's subparsers; `command` is hub_cli's helper."""
    reg = sub.add_parser("registry", help="the population registry: import a file, or make a synthetic one")
    reg_sub = reg.add_subparsers(dest="registry_command", metavar="ACTION", required=True)
    imp = reg_sub.add_parser("import", help="load a CSV or JSON registry file (all rows or none)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    _data_option(imp)
    imp.set_defaults(func=run_import)
    syn = reg_sub.add_parser("synth", help="a synthetic registry with planted defects (demos and tests)")
    syn.add_argument("--commune", required=True, metavar="CODE", help="2025 commune code, e.g. 23512 (Xã Đăk Mar)")
    syn.add_argument("--people", type=int, required=True, metavar="N")
    syn.add_argument("--seed", type=int, default=0, metavar="S")
    syn.add_argument("--today", metavar="YYYY-MM-DD", help="the village's reference day (default 2026-11-23); "
                                                            "a demo must use the same day for its village")
    syn.add_argument("--out", metavar="FILE", help="write the registry as CSV")
    syn.add_argument("--truth", metavar="FILE", help="where to write the planted defects (default FILE.truth.json)")
    _data_option(syn)
    syn.set_defaults(func=run_synth)

    ext = command("extract", "seal a commune's residents to one kit (HPKE to the kit, signed, expiring)", run_extract)
    ext.add_argument("--commune", required=True, metavar="CODE")
    ext.add_argument("--also", action="append", default=[], metavar="CODE", help="a neighbouring commune to add")
    ext.add_argument("--kit", required=True, metavar="KIT_ID")
    ext.add_argument("--out", required=True, metavar="FILE")
    ext.add_argument("--valid-days", type=float, default=30, metavar="N", help="days until the extract expires (30)")
    rep = command("report", "per-commune population report from received packets", run_report)
    rep.add_argument("--commune", required=True, metavar="CODE")
    rep.add_argument("--csv", metavar="FILE")
    rep.add_argument("--pdf", metavar="FILE")
    rep.add_argument("--json", action="store_true")


def _data_dir(args) -> Path:
    if not args.data:
        raise SystemExit(f"fieldkit-hub: --data DIR (or ${ENV_DATA}) is required")
    return Path(args.data).expanduser().resolve()


def run_import(args) -> int:
    from sync.hub.registry.importer import RegistryFileError, import_registry
    from sync.hub.registry.store import RegistryStore

    with RegistryStore(_data_dir(args)) as store:
        try:
            report = import_registry(Path(args.file), store)
        except (RegistryFileError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps({"loaded": report.loaded, "communes": report.communes,
                          "bad_rows": [{"line": b.line, "column": b.column, "reason": b.reason} for b in report.bad]},
                         ensure_ascii=False, indent=2))
    else:
        for bad in report.bad:
            print(f"{args.file}: {bad}", file=sys.stderr)
        if report.bad:
            print(f"nothing loaded: {len(report.bad)} bad row(s)", file=sys.stderr)
        else:
            print(f"loaded {report.loaded} resident(s): "
                  + ", ".join(f"commune {c}: {n}" for c, n in sorted(report.communes.items())))
    return 0 if report.ok else 1


def run_synth(args) -> int:
    from sync.hub.registry.rows import COLUMNS, resident_to_row
    from sync.hub.registry.store import RegistryStore
    from sync.hub.registry.synth import TODAY, synth_registry

    if not args.out and not args.data:
        raise SystemExit("fieldkit-hub registry synth: give --out FILE, --data DIR, or both")
    try:
        today = date.fromisoformat(args.today) if args.today else TODAY
        reg = synth_registry(args.commune, args.people, args.seed, today=today)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, COLUMNS)
            writer.writeheader()
            writer.writerows(resident_to_row(r) for r in reg.residents)
    truth = Path(args.truth) if args.truth else (Path(args.out + ".truth.json") if args.out else
                                                 _data_dir(args) / f"registry-truth-{args.commune}-{args.seed}.json")
    truth.parent.mkdir(parents=True, exist_ok=True)
    truth.write_text(json.dumps(reg.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.data:
        with RegistryStore(_data_dir(args)) as store:
            store.load(reg.residents, 0)
    counts = reg.truth["counts"]
    print(f"{reg.commune.name} ({reg.commune.code}): {counts['registry_rows']} registry rows for {args.people} villagers; "
          + ", ".join(f"{k} {v}" for k, v in counts.items() if k != "registry_rows"))
    print(f"ground truth: {truth}")
    return 0


def run_extract(args) -> int:
    from sync.hub.registry.extract import ExtractRefused, write_extract
    from sync.hub_cli import open_service

    service = open_service(args)
    try:
        result = write_extract(service, _data_dir(args), [args.commune, *args.also], args.kit, Path(args.out),
                               valid_days=args.valid_days)
    except ExtractRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        service.storage.close()
    print(f"extract {result.extract_id}: {result.count} resident(s) of {', '.join(result.communes)} sealed to kit "
          f"{args.kit}, expires {result.expires_iso}; written to {args.out}")
    return 0


def run_report(args) -> int:
    from sync.hub.registry.report import build_report, report_text, write_csv, write_pdf
    from sync.hub.registry.store import RegistryStore
    from sync.hub_cli import open_service

    service = open_service(args)
    try:
        with RegistryStore(_data_dir(args)) as store:
            report = build_report(service, store, args.commune)
    finally:
        service.storage.close()
    if args.csv:
        write_csv(report, Path(args.csv))
    if args.pdf:
        try:
            write_pdf(report, Path(args.pdf))
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if args.json else report_text(report))
    return 0
