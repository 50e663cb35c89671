"""`fieldkit audit verify`: check the hash chain, the device signatures, and records/packets against the log."""

from __future__ import annotations

import json

from fieldkit.audit.verify import verify_log
from fieldkit.store.queue import packet_hashes
from fieldkit.cli.unlock_options import kit_errors
from fieldkit.security import keystore
from fieldkit.store.store import Store


def register(sub) -> None:
    a = sub.add_parser("audit", help="the kit's audit log").add_subparsers(dest="audit_cmd", metavar="ACTION",
                                                                          required=True)
    v = a.add_parser("verify", help="exit 1 and name the seq if any log line or record was deleted, "
                                    "inserted, reordered or edited (no passphrase needed)")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=run_verify)


@kit_errors
def run_verify(args, ctx) -> int:
    kit_id = keystore.kit_id(ctx.data_dir)
    with Store(ctx.data_dir) as store:
        reader = store.reader()
        report = verify_log(reader, kit_id, keystore.device_public_key(ctx.data_dir), packet_hashes(reader))
    if args.json:
        print(json.dumps({"ok": report.ok, "entries": report.entries, "signed": report.signed,
                          "problems": [{"seq": p.seq, "problem": p.what} for p in report.problems]}))
    else:
        for p in report.problems:
            print(f"FAIL {p}")
        print(f"{'ok' if report.ok else 'FAILED'}: {report.entries} entries, {report.signed} signed, "
              f"{len(report.problems)} problems")
    return 0 if report.ok else 1
