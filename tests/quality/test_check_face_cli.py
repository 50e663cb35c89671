"""`fieldkit check-face IMAGE [--json]`: report, verdict and exit codes."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from fieldkit.cli import build_parser, main
from fieldkit.quality import defects
from fieldkit.quality.thresholds import THRESHOLDS


@pytest.fixture
def photo_files(tmp_path, good):
    """The good portrait and a blurred copy written as files, as a technician would have them."""
    good_path, blurred_path = tmp_path / "good.png", tmp_path / "blurred.jpg"
    cv2.imwrite(str(good_path), np.ascontiguousarray(good[0]))
    cv2.imwrite(str(blurred_path), defects.blur(np.ascontiguousarray(good[0])))
    return good_path, blurred_path


def test_command_is_registered():
    assert "check-face" in build_parser().format_help()


def test_good_photo_exits_zero_with_every_check_in_json(photo_files, data_dir, capsys):
    assert main(["check-face", str(photo_files[0]), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["acceptable"] is True and (report["width"], report["height"]) == (480, 640)
    assert [c["code"] for c in report["checks"]] == list(THRESHOLDS)
    assert all(c["passed"] and c["value"] is not None for c in report["checks"])


def test_blurred_photo_exits_one_and_says_why(photo_files, data_dir, capsys):
    assert main(["check-face", str(photo_files[1])]) == 1
    out = capsys.readouterr().out
    assert "NOT ACCEPTABLE" in out
    line = next(l for l in out.splitlines() if l.strip().startswith("sharpness"))
    assert "FAIL" in line and "ảnh bị mờ" in line and "blurred" in line


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n truncated"])
def test_unreadable_files_exit_two_with_a_clear_message(tmp_path, data_dir, capsys, content):
    path = tmp_path / "photo.png"
    path.write_bytes(content)
    assert main(["check-face", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and ("not an image" in err or "empty" in err)


def test_missing_file_exits_two(tmp_path, data_dir, capsys):
    assert main(["check-face", str(tmp_path / "nowhere.jpg")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_doctor_reports_the_face_pipeline(data_dir, capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "== Face quality" in out and "dlib face models loaded" in out
    assert "Pillow JPEG 2000 (openjpeg, in memory): ok" in out  # auto-capture's default encoder works here


def test_a_small_face_is_reported_as_too_small_not_missing(tmp_path, data_dir, capsys):
    # A tiny real photo: the face is ~20 px between the eyes, below HOG's reach at upsample 0.
    from fieldkit.quality.samples import real_photo

    path = tmp_path / "tiny.png"
    cv2.imwrite(str(path), cv2.resize(real_photo("astronaut"), (256, 256), interpolation=cv2.INTER_AREA))
    assert main(["check-face", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    checks = {c["code"]: c for c in report["checks"]}
    assert checks["faces_found"]["passed"] and not checks["inter_eye"]["passed"]
    assert checks["inter_eye"]["reason_vi"] == "lại gần hơn"
