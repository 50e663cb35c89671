"""Keep the hub's pinned supervisor keys in step with the kit: signed roster updates (sync/roster.py).

The hub pins the supervisors a kit sent at provisioning. When a supervisor is added (`fieldkit user add …
--role supervisor`), the kit must send a roster update signed by its device key AND by a supervisor the hub
already pins. The kit remembers what the hub last acknowledged in `<data>/sync-roster.json` (public keys and
the last signed update only; no secret):

- `prepare_roster_update(data_dir, kit)` signs an update when the roster changed and the logged-in user is
  a supervisor the hub pins (call it right after adding a supervisor, while the adder is logged in); the
  update waits in the state file until it is delivered.
- `send_roster_update(client, data_dir, kit)` delivers the waiting update (or signs one now) at the start
  of a sync pass; the sync worker / kit factory calls it.
- `roster_update_for_drive(data_dir, kit)` is what `fieldkit export` puts on the drive (`roster.json`), for
  `fieldkit-hub import` to apply before the packets.

A technician who adds the first supervisor after provisioning cannot sign (only supervisors hold
co-signing keys): the hub administrator pins that key (`fieldkit-hub kits supervisor add`).
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from sync.client.transport import HubRefused
from sync.protocol import API, ProtocolError, b64e
from sync.roster import RosterUpdate, SupervisorKey, sign_roster

log = logging.getLogger(__name__)

STATE_FILE = "sync-roster.json"


@dataclass(frozen=True)
class RosterOutcome:
    """What a sync pass did about the roster: `state` is one of in_step, sent, waiting, refused."""

    state: str
    message: str = ""
    pinned: tuple[str, ...] = ()


def kit_supervisors(data_dir: Path) -> tuple[SupervisorKey, ...]:
    """Every supervisor on the kit with their co-signing key and device certificate."""
    from fieldkit.security.keystore import supervisor_certificates

    return tuple(SupervisorKey(uid, pub, cert) for uid, pub, cert in supervisor_certificates(data_dir))


def _state_path(data_dir: Path) -> Path:
    return Path(data_dir) / STATE_FILE


def _load_state(data_dir: Path) -> dict:
    try:
        state = json.loads(_state_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _save_state(data_dir: Path, state: dict) -> None:
    import tempfile

    path = _state_path(data_dir)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _key_map(supervisors) -> dict[str, str]:
    return {s.user_id: b64e(s.public_key) for s in supervisors}


def mark_acknowledged(data_dir: Path, supervisors, sequence: int) -> None:
    """The hub pins exactly `supervisors` for this kit now (after provisioning or an applied update)."""
    state = _load_state(data_dir)
    state["acknowledged"] = {"sequence": int(sequence), "supervisors": _key_map(supervisors)}
    pending = state.get("pending")
    if pending and pending.get("roster", {}).get("sequence", -1) <= sequence:
        state.pop("pending", None)
    _save_state(data_dir, state)


def roster_changed(data_dir: Path) -> bool:
    """Whether the kit's supervisors differ from what the hub last acknowledged."""
    acked = _load_state(data_dir).get("acknowledged")
    return acked is None or acked.get("supervisors") != _key_map(kit_supervisors(data_dir))


def prepare_roster_update(data_dir: Path, kit) -> RosterUpdate | None:
    """The update to send for the kit's current roster: the waiting one if it still fits, else one signed
    now by `kit`'s user (an unlocked keystore kit) when that user is a supervisor the hub pins. None when
    nothing changed or nobody here can sign."""
    if not roster_changed(data_dir):
        return None
    state = _load_state(data_dir)
    current = kit_supervisors(data_dir)
    pending = state.get("pending")
    if pending:
        try:
            update = RosterUpdate.from_json_obj(pending)
            if _key_map(update.supervisors) == _key_map(current):
                return update
        except ProtocolError:
            pass
    acked = state.get("acknowledged") or {}
    cosign = getattr(kit, "cosign_key", None) if kit is not None else None
    if cosign is None:
        return None
    signer_id = kit.user.user_id
    if acked and signer_id not in acked.get("supervisors", {}):
        return None  # the hub would refuse a signer it does not pin (a new supervisor signing for themselves)
    sequence = max(int(time.time() * 1000), int(acked.get("sequence", 0)) + 1)
    update = sign_roster(kit.kit_id, sequence, current, kit.device_key, signer_id, cosign)
    state["pending"] = update.to_json_obj()
    _save_state(data_dir, state)
    return update


def send_roster_update(client, data_dir: Path, kit=None) -> RosterOutcome:
    """Deliver the roster update over the network (call at the start of a sync pass, before packets: a
    packet co-signed by a new supervisor is refused until the hub pins that key). Raises HubUnreachable
    like any request; a refusal is returned, not raised, so the pass goes on with the packets."""
    if not roster_changed(data_dir):
        return RosterOutcome("in_step")
    update = prepare_roster_update(data_dir, kit)
    if update is None:
        return RosterOutcome("waiting", "the supervisor roster changed: a supervisor the hub knows must log in "
                                        "and sync, or the hub administrator must add the new supervisor")
    try:
        _, answer = client.request("POST", f"{API}/roster", json_body=update.to_json_obj())
    except HubRefused as exc:
        log.warning("hub refused the roster update: %s (%s)", exc.message, exc.code)
        if exc.code in ("untrusted_roster_signer", "bad_roster_signature", "stale_roster", "bad_certificate"):
            state = _load_state(data_dir)
            state.pop("pending", None)  # this signed update can never pass: sign afresh next time
            _save_state(data_dir, state)
        return RosterOutcome("refused", f"{exc.code}: {exc.message}")
    pinned = tuple(str(u) for u in answer.get("supervisors", []))
    mark_acknowledged(data_dir, [s for s in update.supervisors if s.user_id in pinned], update.sequence)
    return RosterOutcome("sent", pinned=pinned)


def roster_update_for_drive(data_dir: Path, kit=None) -> RosterUpdate | None:
    """The signed update `fieldkit export` writes to the drive, or None when the hub is in step."""
    return prepare_roster_update(data_dir, kit)
