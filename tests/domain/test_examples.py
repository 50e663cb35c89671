"""docs/examples: `fieldkit validate` accepts every good example and rejects every bad one with its stated code."""

import json
from pathlib import Path

import pytest

from fieldkit.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TODAY = "2026-11-23"  # packaging/gen_record_examples.py: EXAMPLES_TODAY
GOOD = sorted((EXAMPLES / "good").glob("*.json"))
BAD = sorted((EXAMPLES / "bad").glob("*.json"))


def run(path, capsys):
    code = main(["validate", "--json", "--today", TODAY, str(path)])
    return code, json.loads(capsys.readouterr().out)


def test_there_are_examples_of_both_kinds():
    assert len(GOOD) >= 5 and len(BAD) >= 10


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_examples_pass(path, capsys):
    code, issues = run(path, capsys)
    assert code == 0, issues
    expected_warnings = json.loads(path.read_text("utf-8")).get("_expect_warnings", [])
    assert sorted(i["code"] for i in issues) == sorted(expected_warnings)


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_examples_fail_with_their_code(path, capsys):
    expect = json.loads(path.read_text("utf-8"))["_expect"]
    code, issues = run(path, capsys)
    assert code == 1
    errors = {i["code"] for i in issues if i["severity"] == "error"}
    assert set(expect if isinstance(expect, list) else [expect]) <= errors


def test_examples_cover_the_documented_cases():
    texts = {p.stem: p.read_text("utf-8") for p in GOOD}
    assert "Y Ben Niê" in texts["ede_year_only_dob"] and '"date_of_birth": "1975"' in texts["ede_year_only_dob"]
    assert '"card_address": "Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum"' in texts["bana_card_converted"]
    assert '"guardian": {' in texts["child_10_with_guardian"]
    assert '"image_ref": null' in texts["child_4_no_biometrics"]


def test_every_bad_example_is_documented():
    doc = (EXAMPLES.parents[0] / "record-format.md").read_text("utf-8")
    for path in BAD + GOOD:
        assert f"{path.parent.name}/{path.name}" in doc, path.name


def test_the_code_table_in_the_doc_is_current():
    from fieldkit.domain.messages import codes_markdown_table

    doc = (EXAMPLES.parents[0] / "record-format.md").read_text("utf-8")
    assert codes_markdown_table() in doc
