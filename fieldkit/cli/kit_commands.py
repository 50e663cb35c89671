"""`fieldkit init`, `fieldkit user add|passwd|list`, `fieldkit wipe`: the kit's keys and users."""

from __future__ import annotations

import hashlib
import json
import sys

from fieldkit.cli.unlock_options import (add_new_passphrase_option, add_unlock_options, kit_errors, new_passphrase,
                                         passphrase)
from fieldkit.audit import log as audit
from fieldkit.enrolment.service import EnrolmentService
from fieldkit.security import keystore
from fieldkit.security.files import shred_file
from fieldkit.security.keystore import KitError
from fieldkit.store.db import DB_FILE
from fieldkit.store.store import Store


def register(sub) -> None:
    p = sub.add_parser("init", help="create a kit: device key, kit id, data key and its first user")
    p.add_argument("--user", metavar="NAME", required=True, help="the first user (a supervisor or technician)")
    p.add_argument("--role", choices=keystore.ADMIN_ROLES, default="technician")
    p.add_argument("--passphrase-file", metavar="FILE", help="the first user's passphrase; else $FIELDKIT_PASSPHRASE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_init)

    user = sub.add_parser("user", help="add users or change a passphrase").add_subparsers(dest="user_cmd",
                                                                                      metavar="ACTION", required=True)
    add = user.add_parser("add", help="add a user (needs a supervisor or technician to log in)")
    add.add_argument("name")
    add.add_argument("--role", choices=keystore.ROLES, required=True)
    add.add_argument("--token", action="store_true",
                     help="a supervisor who approves with the government certificate on their PKCS#11 token "
                          "(settings token_module / token_label / token_slot)")
    add_unlock_options(add, "the supervisor or technician adding the user")
    add_new_passphrase_option(add)
    add.set_defaults(func=run_user_add)
    pw = user.add_parser("passwd", help="change a user's passphrase (re-wraps one key slot; no data is re-encrypted)")
    pw.add_argument("name")
    pw.add_argument("--passphrase-file", metavar="FILE", help="the current passphrase; else $FIELDKIT_PASSPHRASE")
    add_new_passphrase_option(pw)
    pw.set_defaults(func=run_user_passwd)
    ls = user.add_parser("list", help="list users and roles (no passphrase needed)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_user_list)

    w = sub.add_parser("wipe", help="destroy the kit's keys: nothing on it can be read again (lost/stolen kit)")
    add_unlock_options(w, "a supervisor or technician")
    w.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    w.set_defaults(func=run_wipe)


def fingerprint(public_key: bytes) -> str:
    """A short, readable fingerprint of a public key (for comparing with the hub's record)."""
    digest = hashlib.sha256(public_key).hexdigest()[:20]
    return ":".join(digest[i:i + 4] for i in range(0, 20, 4))


@kit_errors
def run_init(args, ctx) -> int:
    data_dir = ctx.data_dir
    was_wiped = keystore.is_wiped(data_dir)
    if keystore.is_initialised(data_dir) and not was_wiped:
        raise KitError(f"{data_dir} already holds a kit (use `fieldkit wipe` first to start over)")
    first = passphrase(args, "Passphrase for the first user: ")
    keystore.check_passphrase_strength(first, args.user)  # refused before anything is touched
    if was_wiped:  # the old database is unreadable noise: remove it before the new kit starts
        for suffix in ("", "-wal", "-shm"):
            shred_file(data_dir / (DB_FILE + suffix))
    kit = keystore.init_kit(data_dir, args.user, args.role, first)
    with Store(data_dir) as store:
        store.write(lambda c: audit.append(c, kit.kit_id, kit.user.user_id, "init", None, {"role": kit.user.role},
                                                kit.device_key))
    result = {"kit_id": kit.kit_id, "device_public_key_fingerprint": fingerprint(kit.device_public_key),
              "user": kit.user.name, "role": kit.user.role}
    kit.lock()
    if args.json:
        print(json.dumps(result))
    else:
        print(f"kit {result['kit_id']} initialised; device key {result['device_public_key_fingerprint']}; "
              f"first user {result['user']} ({result['role']})")
    return 0


@kit_errors
def run_user_add(args, ctx) -> int:
    with EnrolmentService(ctx.data_dir, ctx.settings) as service:
        certificate, subject = _token_certificate(args, ctx) if args.token else (None, "")
        admin = service.unlock(args.user, passphrase(args))
        try:
            user = admin.add_user(args.name, args.role, new_passphrase(args, f"Passphrase for {args.name}: "),
                                  token_certificate=certificate)
        finally:
            admin.lock()
    print(f"user {user.name} ({user.role}) added" + (f", bound to token certificate {subject}" if subject else ""))
    return 0


def _token_certificate(args, ctx) -> tuple[bytes, str]:
    """The token's certificate, checked against the roots the hub provisioned (before anything is written)."""
    from fieldkit.security.token import TokenConfig
    from fieldkit.security.token_binding import certificate_to_bind

    if args.role != "supervisor":
        raise KitError("only a supervisor approves with a token (--token goes with --role supervisor)")
    return certificate_to_bind(TokenConfig.from_settings(ctx.settings), ctx.data_dir)


@kit_errors
def run_user_passwd(args, ctx) -> int:
    old = passphrase(args, "Current passphrase: ")
    with EnrolmentService(ctx.data_dir, ctx.settings) as service:
        service.change_passphrase(args.name, old, new_passphrase(args))
    print(f"passphrase of {args.name} changed")
    return 0


@kit_errors
def run_user_list(args, ctx) -> int:
    users = keystore.list_users(ctx.data_dir)
    if args.json:
        print(json.dumps([{"user_id": u.user_id, "name": u.name, "role": u.role} for u in users], ensure_ascii=False))
    else:
        for u in users:
            print(f"{u.name}\t{u.role}\t{u.user_id}")
    return 0


@kit_errors
def run_wipe(args, ctx) -> int:
    from fieldkit.security.wipe import wipe_kit
    kit = keystore.unlock(ctx.data_dir, args.user, passphrase(args))
    kit.require_role(*keystore.ADMIN_ROLES)
    if not args.yes:
        if not sys.stdin.isatty():
            raise KitError("refusing to wipe without --yes when there is no terminal to confirm on")
        if input("Type WIPE to destroy this kit's keys for good: ").strip() != "WIPE":
            print("not wiped")
            return 1
    wipe_kit(kit, Store(ctx.data_dir))
    print("kit wiped: its keys are destroyed; run `fieldkit init` to use it again")
    return 0
