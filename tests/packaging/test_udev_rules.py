"""packaging/linux/99-fieldkit-scanners.rules parses as udev rules and covers the scanners' USB bridges."""

from __future__ import annotations

import re
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "packaging" / "linux" / "99-fieldkit-scanners.rules"

# One `KEY{attr}OP"value"` pair; udev separates pairs with commas.
PAIR = re.compile(r'\s*([A-Z_]+)(?:\{([^}]+)\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(?:,|$)')
MATCH_KEYS = {"ACTION", "KERNEL", "SUBSYSTEM", "SUBSYSTEMS", "ATTRS", "ATTR", "KERNELS", "DRIVERS", "ENV"}
ASSIGN_KEYS = {"GROUP", "MODE", "SYMLINK", "ENV", "GOTO", "LABEL", "TAG", "OWNER"}
BRIDGES = {("10c4", "ea60"), ("1a86", "7523"), ("0403", "6001"), ("067b", "2303")}


def parse_rules() -> list[list[tuple[str, str | None, str, str]]]:
    """Every rule line as (key, attribute, operator, value) tuples; fails on anything udev would not read."""
    rules = []
    for number, line in enumerate(RULES.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pairs, position = [], 0
        while position < len(line):
            found = PAIR.match(line, position)
            assert found, f"line {number}: cannot parse from column {position}: {line[position:]!r}"
            pairs.append(found.groups())
            position = found.end()
        rules.append(pairs)
    return rules


def test_every_line_parses_with_valid_operators():
    for rule in parse_rules():
        for key, _attr, op, _value in rule:
            if op in ("==", "!="):
                assert key in MATCH_KEYS, f"{key} cannot be matched"
            else:
                assert key in ASSIGN_KEYS, f"{key} cannot be assigned"


def test_gotos_reach_a_label():
    rules = parse_rules()
    labels = {value for rule in rules for key, _a, _o, value in rule if key == "LABEL"}
    gotos = {value for rule in rules for key, _a, _o, value in rule if key == "GOTO"}
    assert gotos and gotos <= labels


def _rule_for(vendor: str, product: str | None = None):
    for rule in parse_rules():
        attrs = {(attr, value) for key, attr, op, value in rule if key == "ATTRS" and op == "=="}
        if ("idVendor", vendor) in attrs and (product is None or ("idProduct", product) in attrs):
            return {(key, attr): value for key, attr, _op, value in rule}
    return None


def test_fingerprint_bridges_get_group_mode_link_and_no_modemmanager():
    for vendor, product in BRIDGES:
        rule = _rule_for(vendor, product)
        assert rule is not None, f"no rule for {vendor}:{product}"
        assert rule[("GROUP", None)] == "dialout"
        assert rule[("MODE", None)] == "0660"
        assert rule[("SYMLINK", None)] == "fieldkit-fingerprint"
        assert rule[("ENV", "ID_MM_DEVICE_IGNORE")] == "1"


def test_cdc_acm_readers_get_a_stable_link():
    acm_links = [dict(((k, a), v) for k, a, _o, v in rule) for rule in parse_rules()
                 if ("KERNEL", None, "==", "ttyACM[0-9]*") in rule]
    assert any(rule.get(("SYMLINK", None)) == "fieldkit-qr" for rule in acm_links)
    assert any(rule.get(("SYMLINK", None), "").startswith("fieldkit-acm") for rule in acm_links)


def test_no_rule_opens_a_scanner_to_everyone():
    for rule in parse_rules():
        for key, _attr, _op, value in rule:
            if key == "MODE":
                assert int(value, 8) & 0o007 == 0, f"mode {value} lets any user read fingerprints"
