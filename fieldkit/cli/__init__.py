"""The `fieldkit` command line: one module per command group, each with `register(subparsers)`.

Each command module adds its subparsers and sets `func` to a callable taking (args, ctx) and returning
an exit code. Modules stay Qt-free except `app`, which imports the UI only when it runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fieldkit import __version__
from fieldkit.paths import ensure_private_dir, resolve_data_dir
from fieldkit.settings import Settings, load_settings

# Order here is the order in `fieldkit --help`.
COMMAND_MODULES = (
    "fieldkit.cli.app_command",
    "fieldkit.cli.doctor_command",
    "fieldkit.cli.settings_command",
    "fieldkit.cli.bench_command",
    "fieldkit.cli.record_commands",
    "fieldkit.cli.kit_commands",
    "fieldkit.cli.queue_commands",
    "fieldkit.cli.audit_commands",
    "fieldkit.cli.face_commands",
    "fieldkit.cli.print_commands",
    "fieldkit.cli.device_commands",
    "fieldkit.cli.sync_commands",
    "fieldkit.cli.demo_command",
    "fieldkit.cli.population_commands",
    "fieldkit.cli.revisit_commands",
)


@dataclass
class CliContext:
    """What every command needs: where the data is and the settings in force."""

    data_arg: str | None

    @cached_property
    def data_dir(self) -> Path:
        return ensure_private_dir(resolve_data_dir(self.data_arg))

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.data_dir, on_error=lambda msg: print(f"warning: {msg}", file=sys.stderr))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldkit",
        description="FieldKit: offline ID-enrolment kit. With no subcommand, starts the app.",
    )
    parser.add_argument("--version", action="version", version=f"fieldkit {__version__}")
    parser.add_argument("--data", metavar="DIR", help="data directory (default: $FIELDKIT_DATA or the user data dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command is None:
        args = parser.parse_args([*argv, "app"]) if not rest else parser.parse_args(argv)
    elif rest:
        parser.parse_args(argv)  # reports the unknown arguments and exits 2
    ctx = CliContext(args.data)
    try:
        return int(args.func(args, ctx) or 0)
    except KeyboardInterrupt:
        return 130
