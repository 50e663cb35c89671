"""Shared by the kit's commands: non-interactive unlock options and the kit errors → exit codes.

Passphrase sources, first found wins (never echoed, never logged, never put in argv):
  1. `--passphrase-file FILE` (its first line; `-` reads standard input),
  2. the `FIELDKIT_PASSPHRASE` environment variable,
  3. a prompt (getpass) when standard input is a terminal.
A second passphrase (a new user's, or a new one for `user passwd`) comes from `--new-passphrase-file`,
`FIELDKIT_NEW_PASSPHRASE`, or a prompt asked twice.
"""

from __future__ import annotations

import functools
import getpass
import os
import sys

from fieldkit.enrolment.service import EnrolmentService, RecordLocked, RecordNotFound, StaleVersion
from fieldkit.domain.status import IllegalTransition
from fieldkit.security.crypto import DecryptError, RecordUnreadable
from fieldkit.security.hub_keys import HubNotProvisioned
from fieldkit.security.keystore import BadPassphrase, KitError, KitNotInitialised, KitWiped, NotAllowed
from fieldkit.security.throttle import Throttled
from fieldkit.security.token import TokenError

ENV_PASSPHRASE = "FIELDKIT_PASSPHRASE"
ENV_NEW_PASSPHRASE = "FIELDKIT_NEW_PASSPHRASE"
ENV_TOKEN_PIN = "FIELDKIT_TOKEN_PIN"

EXIT_FAILED, EXIT_NOT_USABLE, EXIT_AUTH, EXIT_NOT_ALLOWED = 1, 3, 4, 5


class PassphraseUnavailable(KitError):
    pass


def add_unlock_options(parser, user_help: str = "user name to log in as (default: try every key slot)") -> None:
    parser.add_argument("--user", metavar="NAME", help=user_help)
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help=f"read the passphrase from FILE's first line ('-' = stdin); else ${ENV_PASSPHRASE}")


def add_new_passphrase_option(parser) -> None:
    parser.add_argument("--new-passphrase-file", metavar="FILE",
                        help=f"read the new passphrase from FILE's first line; else ${ENV_NEW_PASSPHRASE} or a prompt")


def _read_first_line(path: str) -> str:
    if path == "-":
        line = sys.stdin.readline()
    else:
        with open(path, encoding="utf-8") as f:
            line = f.readline()
    return line.rstrip("\r\n")


def passphrase(args, prompt: str = "Passphrase: ") -> str:
    if getattr(args, "passphrase_file", None):
        return _read_first_line(args.passphrase_file)
    if os.environ.get(ENV_PASSPHRASE):
        return os.environ[ENV_PASSPHRASE]
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise PassphraseUnavailable(f"no passphrase: use --passphrase-file or ${ENV_PASSPHRASE} (no terminal to ask)")


def new_passphrase(args, prompt: str = "New passphrase: ") -> str:
    if getattr(args, "new_passphrase_file", None):
        return _read_first_line(args.new_passphrase_file)
    if os.environ.get(ENV_NEW_PASSPHRASE):
        return os.environ[ENV_NEW_PASSPHRASE]
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Repeat it: ") != first:
            raise KitError("the two passphrases differ")
        return first
    raise PassphraseUnavailable(f"no new passphrase: use --new-passphrase-file or ${ENV_NEW_PASSPHRASE}")


def add_token_pin_option(parser) -> None:
    parser.add_argument("--pin-file", metavar="FILE",
                        help=f"a token supervisor's PIN from FILE's first line ('-' = stdin); else ${ENV_TOKEN_PIN} "
                             "or a prompt (never stored)")


def token_pin(args) -> str:
    """The signing token's PIN, used for one login and dropped."""
    if getattr(args, "pin_file", None):
        return _read_first_line(args.pin_file)
    if os.environ.get(ENV_TOKEN_PIN):
        return os.environ[ENV_TOKEN_PIN]
    if sys.stdin.isatty():
        return getpass.getpass("Token PIN: ")
    raise PassphraseUnavailable(f"no token PIN: use --pin-file or ${ENV_TOKEN_PIN} (no terminal to ask)")


def open_session(args, ctx):
    """(EnrolmentService, KitSession) for the kit in ctx.data_dir, logged in from the unlock options; the
    caller closes the service. On a refused login the service is closed before the error goes on."""
    service = EnrolmentService(ctx.data_dir, ctx.settings)
    try:
        return service, service.unlock(args.user, passphrase(args))
    except BaseException:
        service.close()
        raise


def kit_errors(run):
    """Turn the kit's refusals into one clear line on stderr and a stable exit code."""
    @functools.wraps(run)
    def wrapper(args, ctx):
        try:
            return run(args, ctx)
        except (KitWiped, KitNotInitialised) as exc:
            code, msg = EXIT_NOT_USABLE, str(exc)
        except (BadPassphrase, Throttled, PassphraseUnavailable) as exc:
            code, msg = EXIT_AUTH, str(exc)
        except NotAllowed as exc:
            code, msg = EXIT_NOT_ALLOWED, str(exc)
        except (KitError, RecordNotFound, RecordLocked, StaleVersion, IllegalTransition, HubNotProvisioned) as exc:
            code, msg = EXIT_FAILED, str(exc).strip("'\"")
        except DecryptError as exc:  # RecordUnreadable names the record; a bare DecryptError gets the same advice
            code, msg = EXIT_FAILED, (str(exc) if isinstance(exc, RecordUnreadable) else
                                      "stored data failed its integrity check (a record's ciphertext was moved, "
                                      "edited or comes from another kit); nothing was changed: run "
                                      "`fieldkit audit verify` and report the kit")
        except TokenError as exc:
            code, msg = EXIT_AUTH if exc.code in ("wrong_pin", "pin_locked") else EXIT_FAILED, \
                f"{exc.message('en')} [{exc.code}]"
        print(f"error: {msg}", file=sys.stderr)
        return code
    return wrapper
