from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from fieldkit.paths import ensure_private_dir, resolve_data_dir
from fieldkit.settings import BY_NAME, SETTINGS, load_settings, settings_markdown_table

ROOT = Path(__file__).resolve().parents[1]


def test_docs_table_matches_code():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert settings_markdown_table() in doc


def test_every_setting_is_documented_and_typed():
    for s in SETTINGS:
        assert s.help.strip(), s.name
        assert isinstance(s.default, s.type), s.name
        assert s.parse(s.default) == s.default


def test_file_then_environment_override(tmp_path):
    (tmp_path / "settings.json").write_text(json.dumps({"language": "en", "fingerprint_max_tries": 5}))
    s = load_settings(tmp_path, environ={"FIELDKIT_FINGERPRINT_MAX_TRIES": "2"})
    assert s.language == "en"
    assert s.fingerprint_max_tries == 2


def test_bad_values_are_reported_and_defaults_kept(tmp_path):
    (tmp_path / "settings.json").write_text(json.dumps({"language": "fr", "nonsense": 1}))
    errors: list[str] = []
    s = load_settings(tmp_path, environ={"FIELDKIT_INACTIVITY_LOCK_MINUTES": "soon"}, on_error=errors.append)
    assert s.language == "vi" and s.inactivity_lock_minutes == BY_NAME["inactivity_lock_minutes"].default
    assert len(errors) == 3 and any("fr" in e for e in errors) and any("nonsense" in e for e in errors)


def test_unreadable_settings_file_does_not_stop_the_kit(tmp_path):
    (tmp_path / "settings.json").write_text("{not json")
    errors: list[str] = []
    assert load_settings(tmp_path, environ={}, on_error=errors.append).language == "vi"
    assert errors


def test_save_round_trip(tmp_path):
    s = load_settings(tmp_path, environ={}).with_overrides(language="en")
    s.save()
    assert json.loads((tmp_path / "settings.json").read_text()) == {"language": "en"}
    with pytest.raises(ValueError):
        s.with_overrides(language="de")


def test_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDKIT_DATA", str(tmp_path / "env"))
    assert resolve_data_dir(None) == tmp_path / "env"
    assert resolve_data_dir(str(tmp_path / "cli")) == tmp_path / "cli"
    monkeypatch.delenv("FIELDKIT_DATA")
    assert "fieldkit" in str(resolve_data_dir(None))


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_data_dir_is_private(tmp_path):
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    ensure_private_dir(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700
    fresh = ensure_private_dir(tmp_path / "a" / "b")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
