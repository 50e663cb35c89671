"""packaging/linux/fieldkit.desktop follows the Desktop Entry spec and points at the installed bundle."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"
DESKTOP = LINUX / "fieldkit.desktop"
VIETNAMESE_MARKS = set("ăâđêôơưĂÂĐÊÔƠƯ" "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive: Name[vi], TryExec
    parser.read(DESKTOP, encoding="utf-8")
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def test_required_keys_and_values():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "/opt/fieldkit/fieldkit" == entry["TryExec"]
    assert entry["Icon"] == "fieldkit" and (LINUX / "fieldkit.svg").is_file()
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


def test_names_in_vietnamese_and_english():
    entry = desktop_entry()
    assert set(entry["Name[vi]"]) & VIETNAMESE_MARKS, "the Vietnamese name should carry its diacritics"
    assert not set(entry["Name[en]"]) & VIETNAMESE_MARKS
    for key in ("Comment", "GenericName"):
        assert set(entry[f"{key}[vi]"]) & VIETNAMESE_MARKS


def test_icon_is_valid_svg():
    import xml.etree.ElementTree as ET

    root = ET.parse(LINUX / "fieldkit.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox")


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_file_validate_accepts_it():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout + result.stderr
