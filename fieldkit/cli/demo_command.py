"""`fieldkit demo --citizens N [--seed S] [--hub URL] [--json] [--link-drop]`: a simulated village session.

Synthetic citizens go through the simulated devices, the quality checks, duplicate search, validation,
supervisor approval and sealing (the app's own code), and with `--hub` the session ends by syncing.
See docs/demo.md.
"""

from __future__ import annotations

import json
import os
import sys
import time


def register(sub) -> None:
    p = sub.add_parser("demo", help="simulated village session: synthetic citizens through the whole kit")
    p.add_argument("--citizens", type=int, default=20, metavar="N", help="how many villagers (default 20)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="village seed: same seed, same village")
    p.add_argument("--hub", metavar="URL", help="provision against this hub and end by syncing every packet")
    p.add_argument("--hub-token", metavar="T", help="one-time enrolment token (else $FIELDKIT_HUB_TOKEN)")
    p.add_argument("--hub-data", metavar="DIR", help="a hub on this machine: mint the token from its data folder")
    p.add_argument("--link-drop", action="store_true", help="drop the link mid-sync (through a fault proxy)")
    p.add_argument("--real-timing", action="store_true",
                   help="keep the simulators' real line timing (57 600 baud image uploads: slow)")
    p.add_argument("--registry", metavar="FILE",
                   help="a population extract for this kit: each villager is found in it (or DC01); with "
                        "--hub-data and no FILE yet, written from that hub's registry first")
    p.add_argument("--today", metavar="YYYY-MM-DD",
                   help="the village's reference day (as `fieldkit-hub registry synth --today`; default: today)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def _is_local(url: str) -> bool:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def _say(args, text: str) -> None:
    """Progress goes to stderr so --json keeps stdout to the summary alone."""
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)


def run(args, ctx) -> int:
    from fieldkit.demo.kit_setup import ENV_HUB_TOKEN, DemoSetupError
    from fieldkit.demo.registry import RegistryDemoError
    from fieldkit.security.keystore import KitError

    if args.citizens < 1:
        print("error: --citizens must be at least 1", file=sys.stderr)
        return 2
    if args.link_drop and not args.hub:
        print("error: --link-drop needs --hub", file=sys.stderr)
        return 2
    if args.hub_data and args.hub and not _is_local(args.hub):
        print("error: --hub-data mints a token only for a hub on this machine (127.0.0.1 / localhost)",
              file=sys.stderr)
        return 2
    if args.today:
        from datetime import date
        try:
            args.today = date.fromisoformat(args.today)
        except ValueError:
            print("error: --today must be YYYY-MM-DD", file=sys.stderr)
            return 2
    token = args.hub_token or os.environ.get(ENV_HUB_TOKEN, "")
    try:
        summary = run_demo(args, ctx, token)
    except (DemoSetupError, KitError, RegistryDemoError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(summary.as_text())
    if args.hub and summary.acknowledged != summary.packets_in_queue:
        return 1  # something stayed undelivered: the summary says how many
    return 0


def run_demo(args, ctx, token: str):
    """Kit set-up, the village, then (with a hub) provisioning and sync; the DemoSummary."""
    from fieldkit.demo import kit_setup
    from fieldkit.demo.hub_sync import hub_packet_count, sync_session
    from fieldkit.demo.session import DemoOptions, run_village
    from fieldkit.demo.summary import DemoSummary
    from fieldkit.kit import open_kit
    from fieldkit.security.keystore import kit_id

    started = time.perf_counter()
    data_dir, settings = ctx.data_dir, ctx.settings
    login = kit_setup.ensure_kit(data_dir)
    if login.created:
        _say(args, f"demo kit created in {data_dir} (users '{kit_setup.OFFICER}' and '{kit_setup.SUPERVISOR}')")
    if login.generated:
        # Shown once, on the terminal only: the demo kit's passphrase is needed to look at it afterwards.
        _say(args, f"DEMO-ONLY passphrase for both users (shown once, not stored): {login.passphrase}")
    if args.hub:
        if not token and args.hub_data:
            token = kit_setup.mint_hub_token(args.hub_data)
        with open_kit(data_dir, settings) as kit:
            session = kit.unlock(kit_setup.SUPERVISOR, login.passphrase)
            try:
                if kit_setup.provision_for_hub(data_dir, args.hub, token, session):
                    _say(args, f"kit provisioned at {args.hub}")
            finally:
                session.lock()
    else:
        kit_setup.ensure_local_hub_keys(data_dir, login)
    summary = DemoSummary()

    def progress(done: int, total: int) -> None:
        if done == total or done % 10 == 0:
            _say(args, f"  {done}/{total} citizens enrolled")

    from pathlib import Path
    options = DemoOptions(args.citizens, args.seed, args.real_timing, today=args.today or None,
                          registry=Path(args.registry) if args.registry else None,
                          hub_data=Path(args.hub_data) if args.hub_data else None)
    run_village(options, data_dir, settings, login, summary, progress)
    summary.packets_in_queue = _sealed_in_queue(data_dir, settings)
    if args.hub:
        _say(args, f"syncing {summary.packets_in_queue} packet(s) to {args.hub}"
                   + (" over a link that drops" if args.link_drop else ""))
        sync_session(data_dir, settings, login, summary, args.hub, args.link_drop)
        if args.hub_data:
            summary.hub_received = hub_packet_count(args.hub_data, kit_id(data_dir))
    summary.finish(time.perf_counter() - started)
    return summary


def _sealed_in_queue(data_dir, settings) -> int:
    """Every packet this kit ever sealed (earlier demo runs in the same folder included)."""
    from fieldkit.kit import open_kit

    with open_kit(data_dir, settings) as kit:
        stats = kit.service.queue().stats()
    return sum(v["packets"] for v in stats.values())
