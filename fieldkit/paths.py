"""Where the kit keeps its data: one private directory per kit."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_DATA = "FIELDKIT_DATA"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("fieldkit", appauthor=False))


def resolve_data_dir(cli_value: str | os.PathLike | None = None) -> Path:
    """`--data DIR` beats FIELDKIT_DATA beats the platform's user data directory."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def ensure_private_dir(path: Path) -> Path:
    """Create `path` readable by the owner only (0700), and tighten it if it already exists looser."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and (path.stat().st_mode & 0o077):
        path.chmod(0o700)
    return path
