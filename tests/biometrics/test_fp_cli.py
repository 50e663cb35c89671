"""`fieldkit check-print`: exit 0 acceptable, 1 not acceptable, 2 unreadable; every feature printed."""

from __future__ import annotations

import json

import cv2
import pytest

from drivers.synthetic.fingerprints import synthesize_print
from fieldkit.biometrics.fp_codec import encode_wsq
from fieldkit.biometrics.fp_quality import FEATURES
from fieldkit.cli import main


@pytest.fixture(scope="module")
def prints(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prints")
    cv2.imwrite(str(folder / "good.png"), synthesize_print("syn-a", 2))
    cv2.imwrite(str(folder / "dry.png"), synthesize_print("syn-a", 2, condition="dry"))
    (folder / "good.wsq").write_bytes(encode_wsq(synthesize_print("syn-a", 2)))
    (folder / "notes.png").write_text("not an image")
    return folder


def test_good_print_exits_zero_and_lists_every_feature(prints, data_dir, capsys):
    assert main(["check-print", str(prints / "good.png")]) == 0
    out = capsys.readouterr().out
    assert "ACCEPTABLE" in out and "NOT ACCEPTABLE" not in out
    for spec in FEATURES:
        assert spec.name in out


def test_dry_print_exits_one_with_bilingual_reason_in_json(prints, data_dir, capsys):
    assert main(["check-print", str(prints / "dry.png"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["acceptable"] is False and report["score"] < report["minimum"]
    assert {"faint"} <= {r["code"] for r in report["reasons"]}
    assert all(r["vi"] and r["en"] for r in report["reasons"])
    assert len(report["features"]) >= len(FEATURES)


def test_wsq_files_are_read(prints, data_dir, capsys):
    assert main(["check-print", str(prints / "good.wsq"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["acceptable"] is True


def test_minimum_follows_the_setting(prints, data_dir, monkeypatch, capsys):
    monkeypatch.setenv("FIELDKIT_FINGERPRINT_QUALITY_MIN", "101")
    assert main(["check-print", str(prints / "good.png")]) == 1


@pytest.mark.parametrize("name", ["notes.png", "missing.png"])
def test_unreadable_file_exits_two_with_a_message(prints, data_dir, capsys, name):
    assert main(["check-print", str(prints / name)]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and name in err
