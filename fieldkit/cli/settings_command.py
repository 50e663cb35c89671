"""`fieldkit settings`: print the settings table and the values in force."""

from __future__ import annotations

import json

from fieldkit.settings import SETTINGS, env_name


def register(sub) -> None:
    p = sub.add_parser("settings", help="list settings, their values and defaults")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    values = ctx.settings.as_dict()
    if args.json:
        print(json.dumps(values, ensure_ascii=False, indent=2))
        return 0
    for s in SETTINGS:
        marker = "" if values[s.name] == s.default else "  (changed)"
        print(f"{s.name} = {values[s.name]!r}{marker}\n    {s.help} [{env_name(s.name)}]")
    return 0
