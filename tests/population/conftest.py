"""A hub data directory with a synthetic registry, and a kit enrolled at that hub (fast KDF)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from fieldkit.security import keystore
from fieldkit.security.hub_keys import store_hub_keys
from sync.hub.registry.store import RegistryStore
from sync.hub.registry.synth import synth_registry
from sync.hub.service import token_hash
from sync.hub_cli import open_service
from tests.security.conftest import PASS  # noqa: F401  (the same passphrases as the security tests)

COMMUNE = "23512"  # Xã Đăk Mar, Quảng Ngãi: the demo's commune


def hub_service(hub_dir: Path):
    return open_service(argparse.Namespace(data=str(hub_dir), db=None))


def enrol_kit_at_hub(hub_dir: Path, kit_dir: Path) -> None:
    """What provisioning does, without HTTP: the hub learns the kit's device key, the kit the hub's keys."""
    from sync.client.roster import kit_supervisors

    service = hub_service(hub_dir)
    try:
        service.storage.add_token(token_hash("t-" + kit_dir.name), 0, 2 ** 40)
        from sync.client.roster import kit_supervisors
        assert service.storage.enrol_kit(token_hash("t-" + kit_dir.name), keystore.kit_id(kit_dir),
                                         keystore.device_public_key(kit_dir), 1,
                                         supervisors=kit_supervisors(kit_dir)) == ""
        keys = service.keys
    finally:
        service.storage.close()
    tech = keystore.unlock(kit_dir, "tech", PASS["tech"])
    store_hub_keys(kit_dir, hub_url="http://127.0.0.1:9", signing_public_key=keys.signing_public,
                   hpke_public_keys=keys.hpke_public, hub_id=keys.hub_id, signer=tech)
    tech.lock()


def init_kit(kit_dir: Path) -> None:
    from fieldkit.security.crypto import FAST_TEST_KDF

    tech = keystore.init_kit(kit_dir, "tech", "technician", PASS["tech"], FAST_TEST_KDF)
    keystore.add_user(tech, "sup", "supervisor", PASS["sup"], FAST_TEST_KDF)
    keystore.add_user(tech, "off", "officer", PASS["off"], FAST_TEST_KDF)


@pytest.fixture(scope="session")
def registry():
    return synth_registry(COMMUNE, 120, seed=7)


@pytest.fixture
def hub_dir(tmp_path, registry):
    path = tmp_path / "hub"
    with RegistryStore(path) as store:
        store.load(registry.residents, 0)
    return path


@pytest.fixture
def kit_dir(tmp_path, hub_dir):
    path = tmp_path / "kit"
    init_kit(path)
    enrol_kit_at_hub(hub_dir, path)
    return path
