"""`fieldkit app`: start the desktop app (the default when no subcommand is given)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("app", help="start the desktop app (default)")
    p.add_argument("--lang", choices=("vi", "en"), help="interface language (default: the 'language' setting)")
    p.add_argument("--screenshot", metavar="PNG", help="save a screenshot of the main window once shown, then quit")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from fieldkit.ui.app import run_app  # Qt is loaded only here

    return run_app(ctx.data_dir, ctx.settings, language=args.lang, screenshot=args.screenshot)
