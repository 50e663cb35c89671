"""A kit with three users (fast KDF), and a provisioned hub, for service-level tests."""

from __future__ import annotations

import pytest

from fieldkit.enrolment.service import EnrolmentService
from fieldkit.packets.envelope import generate_hub_keys
from fieldkit.security import keystore
from fieldkit.security.crypto import FAST_TEST_KDF
from fieldkit.security.hub_keys import store_hub_keys

PASS = {"tech": "tech-passphrase-1", "sup": "sup-passphrase-1", "off": "officer-passphrase-1"}


def make_kit(data_dir, suite="x25519"):
    """An initialised, provisioned kit; returns the hub keys (priv, pub, sign priv, sign pub)."""
    tech = keystore.init_kit(data_dir, "tech", "technician", PASS["tech"], FAST_TEST_KDF)
    keystore.add_user(tech, "sup", "supervisor", PASS["sup"], FAST_TEST_KDF)
    keystore.add_user(tech, "off", "officer", PASS["off"], FAST_TEST_KDF)
    hub = generate_hub_keys(suite)
    store_hub_keys(data_dir, hub_url="http://127.0.0.1:9", signing_public_key=hub[3], hpke_public_keys={suite: hub[1]})
    return hub


@pytest.fixture
def kit(data_dir):
    return make_kit(data_dir)


@pytest.fixture
def service(data_dir, kit):
    svc = EnrolmentService(data_dir)
    yield svc
    svc.close()


@pytest.fixture
def officer(service):
    return service.unlock("off", PASS["off"])


@pytest.fixture
def supervisor(service):
    return service.unlock("sup", PASS["sup"])
