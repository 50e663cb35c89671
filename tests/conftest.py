"""Shared fixtures: tiny and composable. Every test gets its own private data directory."""

from __future__ import annotations

import os

import pytest

# Widgets render offscreen unless a test starts its own X server.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty kit data directory, also exported as FIELDKIT_DATA for code that reads the environment."""
    path = tmp_path / "kit"
    monkeypatch.setenv("FIELDKIT_DATA", str(path))
    return path
