"""Keep the team's work session (place, team, day, what was done) across a restart of the app, encrypted.

The file `work_session.bin` in the data directory is sealed with the kit's data key through the enrolment
vault (`seal_json` / `open_json`, AES-GCM bound to the kit id), so it is unreadable without a log-in and cannot be
moved to another kit. A session of an earlier day is not resumed: teams set up each day's session.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from fieldkit.ui.context import WorkSession

log = logging.getLogger(__name__)
FILE = "work_session.bin"
KIND = "work_session"


def _path(data_dir) -> Path:
    return Path(data_dir) / FILE


def save_work_session(data_dir, kit_session, ws: WorkSession) -> None:
    from fieldkit.enrolment.vault import seal_json
    kit = kit_session.kit
    value = asdict(ws)
    value["day"], value["started_at"] = ws.day.isoformat(), ws.started_at.isoformat()
    session_id = ws.session_id or "-"
    blob = session_id.encode("ascii") + b"\n" + seal_json(bytes(kit.data_key), KIND, kit.kit_id, session_id, 1, value)
    tmp = _path(data_dir).with_suffix(".tmp")
    with open(tmp, "wb") as f:
        f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, _path(data_dir))


def load_work_session(data_dir, kit_session, today: date | None = None) -> WorkSession | None:
    """Today's saved work session, or None (none saved, another day's, or unreadable: logged, not raised)."""
    from fieldkit.enrolment.vault import open_json
    path = _path(data_dir)
    if not path.exists():
        return None
    kit = kit_session.kit
    blob = path.read_bytes()
    try:
        value = _open_any(open_json, bytes(kit.data_key), kit.kit_id, blob)
    except Exception as exc:  # a damaged or foreign file must not stop the log-in
        log.warning("saved work session not readable: %s", type(exc).__name__)
        return None
    value["day"] = date.fromisoformat(value["day"])
    value["started_at"] = datetime.fromisoformat(value["started_at"])
    ws = WorkSession(**value)
    return ws if ws.day == (today or date.today()) else None


def _open_any(open_json, key: bytes, kit_id: str, blob: bytes):
    """The AAD carries the session id, which the file does not store in clear: it sits in a small header."""
    header, _, sealed = blob.partition(b"\n")
    return open_json(key, KIND, kit_id, header.decode("ascii"), 1, sealed)


def clear_work_session(data_dir) -> None:
    _path(data_dir).unlink(missing_ok=True)
