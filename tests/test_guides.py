"""The user guides stay honest: every screenshot they show exists, and every command they name is real.

Commands are read from code spans and fenced code blocks only (prose may say "FieldKit"). Each
`fieldkit …` / `fieldkit-hub …` is walked through the real argparse parsers: subcommands (also nested ones
such as `user add`, `audit verify`) must exist, and every `--option` must belong to the parser it reaches.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from fieldkit.cli import build_parser as build_kit_parser
from sync.hub_cli import build_parser as build_hub_parser

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = ("guide-operator-vi.md", "guide-technician.md")
# Options that exist only in the PyInstaller bundle's entry script, not in the source parser.
BUNDLE_ONLY_OPTIONS = {"--bundle-selfcheck"}

IMAGE_LINK = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
COMMAND = re.compile(r"(?<![\w/.-])(fieldkit(?:-hub)?)(?=\s|$)")
STOP = re.compile(r"\s(?:#|&&|\|\||\||;)|\s(?=fieldkit)")


def guide_text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def code_snippets(text: str) -> list[str]:
    """Lines of fenced blocks, then inline code spans outside them."""
    snippets = []
    for block in FENCE.findall(text):
        snippets.extend(block.splitlines())
    snippets.extend(CODE_SPAN.findall(FENCE.sub("", text)))
    return snippets


def command_invocations(text: str) -> list[tuple[str, list[str]]]:
    """(program, tokens after it) for each `fieldkit`/`fieldkit-hub` in the guide's code."""
    found = []
    for snippet in code_snippets(text):
        for match in COMMAND.finditer(snippet):
            rest = snippet[match.end():]
            stop = STOP.search(rest)
            found.append((match.group(1), (rest[:stop.start()] if stop else rest).split()))
    return found


def subparsers_of(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def problems_with(program: str, tokens: list[str]) -> list[str]:
    """Walk tokens through the real parser; name every unknown subcommand, option or device kind."""
    parser = build_kit_parser() if program == "fieldkit" else build_hub_parser()
    where, problems, positional_seen = program, [], False
    for index, token in enumerate(tokens):
        choices = subparsers_of(parser)
        if token.startswith("--"):
            option = token.split("=", 1)[0]
            if option not in parser._option_string_actions and option not in BUNDLE_ONLY_OPTIONS:
                problems.append(f"{where}: no option {option}")
        elif choices and re.fullmatch(r"[a-z][a-z0-9-]*", token):
            if token not in choices:
                problems.append(f"{where}: no subcommand {token!r}")
                break
            parser, where = choices[token], f"{where} {token}"
        elif not choices and not positional_seen and not is_option_value(parser, tokens, index):
            positional_seen = True   # only the first positional can be a kind; later words are paths, names
            kinds = first_positional_choices(parser)
            if kinds is not None and token not in kinds:
                problems.append(f"{where}: {token!r} is not one of {sorted(kinds)}")
    return problems


def first_positional_choices(parser: argparse.ArgumentParser):
    """The choices of the parser's first positional argument (e.g. `sim`'s device kinds), if it has any."""
    for action in parser._actions:
        if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
            return action.choices
    return None


def is_option_value(parser: argparse.ArgumentParser, tokens: list[str], index: int) -> bool:
    """True when tokens[index] is the value of the option just before it (`--user tech1`)."""
    if index == 0 or not tokens[index - 1].startswith("--"):
        return False
    action = parser._option_string_actions.get(tokens[index - 1])
    return action is None or action.nargs != 0


@pytest.mark.parametrize("name", GUIDES)
def test_every_image_link_points_to_an_existing_screenshot(name):
    links = IMAGE_LINK.findall(guide_text(name))
    assert len(links) >= 1, f"{name} shows no screenshot"
    missing = [target for _alt, target in links if not (DOCS / target).is_file()]
    assert missing == []
    assert all(alt.strip() for alt, _target in links), "every screenshot needs alt text"


def test_the_vietnamese_guide_shows_vietnamese_screens():
    targets = [target for _alt, target in IMAGE_LINK.findall(guide_text("guide-operator-vi.md"))]
    assert len(targets) >= 8
    assert [t for t in targets if not t.endswith("_vi.png")] == []


@pytest.mark.parametrize("name", GUIDES)
def test_every_command_and_option_named_exists(name):
    invocations = command_invocations(guide_text(name))
    assert invocations, f"{name} names no fieldkit command"
    problems = [p for program, tokens in invocations for p in problems_with(program, tokens)]
    assert problems == []


def test_the_technician_guide_covers_the_commands_it_is_for():
    named = {(program, tokens[0]) for program, tokens in command_invocations(guide_text("guide-technician.md"))
             if tokens and not tokens[0].startswith("-")}
    for command in ("doctor", "devices", "sim", "init", "user", "provision", "sync", "export",
                    "import-receipts", "bench", "audit", "wipe"):
        assert ("fieldkit", command) in named, command
    for command in ("serve", "token", "import", "revoke"):
        assert ("fieldkit-hub", command) in named, command


def test_the_checker_catches_a_made_up_command_and_option():
    assert problems_with("fieldkit", ["devcies"]) == ["fieldkit: no subcommand 'devcies'"]
    assert problems_with("fieldkit", ["audit", "verify", "--fix"]) == ["fieldkit audit verify: no option --fix"]
    assert problems_with("fieldkit-hub", ["revoke", "KIT_ID", "--data", "/srv/hub"]) == []
    assert problems_with("fieldkit", ["sim", "scanner"]) == [
        "fieldkit sim: 'scanner' is not one of ['camera', 'fingerprint', 'qr', 'slap']"]
    assert problems_with("fieldkit", ["sim", "qr", "--scan-every", "5"]) == []
    assert problems_with("fieldkit", ["export", "/media/usb", "--usr", "hung"]) == ["fieldkit export: no option --usr"]
    assert command_invocations("run `fieldkit sync --once # comment`, then `fieldkit/linux/install.sh`") == [
        ("fieldkit", ["sync", "--once"])]
