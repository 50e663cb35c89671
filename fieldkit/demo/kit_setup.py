"""The demo's own kit: created in the data folder when there is none, with an officer and a supervisor.

Passphrases: both demo users get $FIELDKIT_PASSPHRASE when it is set; otherwise one is generated, returned
to the caller (the CLI prints it ONCE, marked demo-only) and never logged or written to disk. An existing
kit is reused only with $FIELDKIT_PASSPHRASE (the demo cannot guess its users' passphrases).

Hub keys: without a hub the demo stores a throw-away local hub key pair so sealing works (nobody keeps the
private key: the packets are sealed for real, and only an unreachable hub could open them). With a hub the
kit is provisioned against it with a one-time token, given or minted from the hub's own data folder.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from fieldkit.audit import log as audit
from fieldkit.security import keystore
from fieldkit.security.hub_keys import HubNotProvisioned, load_hub_keys, store_hub_keys
from fieldkit.store.store import Store

OFFICER, SUPERVISOR = "officer", "supervisor"
ENV_PASSPHRASE = "FIELDKIT_PASSPHRASE"
ENV_HUB_TOKEN = "FIELDKIT_HUB_TOKEN"
LOCAL_HUB_URL = "local-demo://no-hub"  # marks throw-away keys: never a reachable address


class DemoSetupError(RuntimeError):
    """The demo cannot set up or reuse the kit (message says what to do)."""


@dataclass(frozen=True)
class DemoLogin:
    passphrase: str = ""
    generated: bool = False  # True: made up for this run, show it once
    created: bool = False  # True: the kit was created by this run

    def __repr__(self) -> str:  # never show the passphrase in a traceback or a log
        return f"DemoLogin(generated={self.generated}, created={self.created})"


def ensure_kit(data_dir: Path, env=os.environ) -> DemoLogin:
    """Create the demo kit (supervisor first, then officer) or check that an existing one can be reused."""
    data_dir = Path(data_dir)
    given = env.get(ENV_PASSPHRASE, "")
    if keystore.is_initialised(data_dir) and not keystore.is_wiped(data_dir):
        if not given:
            raise DemoSetupError(f"{data_dir} already holds a kit: set ${ENV_PASSPHRASE} to the passphrase of its "
                                 f"'{OFFICER}' and '{SUPERVISOR}' users, or point --data at an empty folder")
        names = {u.name for u in keystore.list_users(data_dir)}
        if not {OFFICER, SUPERVISOR} <= names:
            raise DemoSetupError(f"the kit in {data_dir} has no '{OFFICER}' and '{SUPERVISOR}' users: "
                                 "run the demo in its own data folder")
        return DemoLogin(given, generated=False, created=False)
    passphrase = given or secrets.token_urlsafe(18)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    kit = keystore.init_kit(data_dir, SUPERVISOR, "supervisor", passphrase)
    try:
        officer = keystore.add_user(kit, OFFICER, "officer", passphrase)
        with Store(data_dir) as store:
            store.write(lambda c: audit.append(c, kit.kit_id, kit.user.user_id, "init", None, {}, kit.device_key))
            store.write(lambda c: audit.append(c, kit.kit_id, kit.user.user_id, "user_add", None,
                                               {"user_id": officer.user_id, "role": officer.role}, kit.device_key))
    finally:
        kit.lock()
    return DemoLogin(passphrase, generated=not given, created=True)


def hub_url_of(data_dir: Path) -> str | None:
    try:
        return load_hub_keys(data_dir).hub_url
    except HubNotProvisioned:
        return None


def ensure_local_hub_keys(data_dir: Path, login: DemoLogin) -> bool:
    """Throw-away hub keys when the kit has none (True if made now). The private key is dropped at once.
    The kit seals them with its device key (keys/hub.json is refused otherwise), so the supervisor unlocks."""
    if hub_url_of(data_dir) is not None:
        return False
    from fieldkit.packets.envelope import generate_hub_keys

    _hpke_private, hpke_public, _sign_private, sign_public = generate_hub_keys("x25519")
    kit = keystore.unlock(data_dir, SUPERVISOR, login.passphrase)
    try:
        store_hub_keys(data_dir, hub_url=LOCAL_HUB_URL, signing_public_key=sign_public,
                       hpke_public_keys={"x25519": hpke_public}, hub_id="local-demo", signer=kit)
    finally:
        kit.lock()
    return True


def mint_hub_token(hub_data: Path) -> str:
    """A one-time enrolment token written straight into a local hub's own database (`--hub-data`)."""
    from sync.hub.keys import load_or_create_hub_keys
    from sync.hub.open_storage import open_storage
    from sync.hub.service import HubService
    from sync.hub.verify import EnvelopeVerifier

    hub_data = Path(hub_data)
    if not hub_data.is_dir():
        raise DemoSetupError(f"--hub-data {hub_data} is not the hub's data folder")
    keys = load_or_create_hub_keys(hub_data)
    storage = open_storage(hub_data, None)
    try:
        return HubService(storage, keys, EnvelopeVerifier(keys.hpke_private)).issue_token()
    finally:
        storage.close()


def provision_for_hub(data_dir: Path, hub_url: str, token: str | None, session) -> bool:
    """Enrol the kit at `hub_url` unless it already is (True if enrolled now)."""
    if hub_url_of(data_dir) == hub_url:
        return False
    if not token:
        raise DemoSetupError(f"the kit is not provisioned for {hub_url}: give --hub-token (or ${ENV_HUB_TOKEN}), "
                             "or --hub-data DIR for a hub on this machine")
    from sync.client.kit import DeviceIdentity
    from sync.client.provisioning import provision

    hub = provision(data_dir, hub_url, token, DeviceIdentity(session.kit.kit_id, session.kit.device_key))
    session.service.queue(session).record_sync({"provisioned": hub.hub_id})
    return True
