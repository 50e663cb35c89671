"""UI fixtures: a kit with three users (fast KDF), simulated devices on in-memory lines, the main window.

Every test closes what it opened: the window's shutdown closes devices (joining their threads), the
background pool and the store's writer thread; `no_threads_left` checks it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from fieldkit.security import keystore
from fieldkit.security.crypto import FAST_TEST_KDF
from fieldkit.settings import load_settings

PASS = {"tech": "tech-passphrase-1", "sup": "sup-passphrase-1", "off": "officer-passphrase-1"}

# Simulated devices on in-memory lines without line timing: the same driver code, fast enough for CI.
# distance=0.6 puts the synthetic sitter where the portrait checks pass (a villager stepping closer).
TEST_DEVICES = {
    "camera": "camera:sim:studio?distance=0.6&width=640&height=480",
    "fingerprint": "fingerprint:sim:instant?transport=memory&images=placeholder",
    "slap_scanner": "slap:sim:instant?transport=memory&images=placeholder",
    "qr_reader": "qr:sim?transport=memory&pacing=0",
}


def make_kit(data_dir):
    tech = keystore.init_kit(data_dir, "tech", "technician", PASS["tech"], FAST_TEST_KDF)
    keystore.add_user(tech, "sup", "supervisor", PASS["sup"], FAST_TEST_KDF)
    keystore.add_user(tech, "off", "officer", PASS["off"], FAST_TEST_KDF)
    return tech


def store_test_hub_keys(data_dir):
    """A hub key set without a running hub (for tests that seal but do not sync)."""
    from fieldkit.packets.envelope import generate_hub_keys
    from fieldkit.security.hub_keys import store_hub_keys
    hub = generate_hub_keys("x25519")
    store_hub_keys(data_dir, hub_url="http://127.0.0.1:9", signing_public_key=hub[3], hpke_public_keys={"x25519": hub[1]},
                   signer=keystore.unlock(data_dir, "tech", PASS["tech"]))  # the kit seals its hub keys


@pytest.fixture
def kit_dir(data_dir):
    make_kit(data_dir)
    return data_dir


@dataclass
class ProvisionedHub:
    server: object
    service: object
    storage: object


@pytest.fixture
def provisioned_hub(kit_dir):
    """A hub on 127.0.0.1 (SQLite storage) and this kit provisioned to it with a one-time token."""
    from sync.client.kit import DeviceIdentity
    from sync.client.provisioning import provision
    from sync.hub.app import build_app
    from sync.hub.keys import generate_hub_keys
    from sync.hub.server import HubServer
    from sync.hub.service import HubService
    from sync.hub.storage_sqlite import SqliteHubStorage
    from sync.hub.verify import EnvelopeVerifier

    keys = generate_hub_keys()
    storage = SqliteHubStorage(kit_dir.parent / "hub.sqlite3")
    service = HubService(storage, keys, EnvelopeVerifier(keys.hpke_private))
    server = HubServer(build_app(service)).start()
    tech = keystore.unlock(kit_dir, "tech", PASS["tech"])
    provision(kit_dir, server.url, service.issue_token(), DeviceIdentity(tech.kit_id, tech.device_key))
    tech.lock()
    yield ProvisionedHub(server, service, storage)
    server.stop()  # stopping twice is harmless: a test may take the link away early
    storage.close()


@pytest.fixture
def ui_settings(kit_dir):
    return load_settings(kit_dir, environ={}).with_overrides(**TEST_DEVICES)


@pytest.fixture
def no_threads_left():
    before = {t.ident for t in threading.enumerate()}
    yield
    left = [t.name for t in threading.enumerate() if t.ident not in before and t.is_alive()
            and not t.name.startswith(("AnyIO worker", "asyncio_", "Dummy"))]
    assert not left, f"threads left running: {left}"


@pytest.fixture
def window(qtbot, qapp, kit_dir, ui_settings, no_threads_left):
    from fieldkit.ui.app import build_main_window
    win = build_main_window(qapp, kit_dir, ui_settings, "vi")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()
