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
    store_hub_keys(data_dir, hub_url="http://127.0.0.1:9", signing_public_key=hub[3], hpke_public_keys={suite: hub[1]},
                   signer=tech)
    return hub


@pytest.fixture
def cli(data_dir, monkeypatch, capsys):
    """`fieldkit …` in this process: (exit code, stdout, stderr)."""
    from fieldkit.cli import main
    from fieldkit.security import crypto
    monkeypatch.setattr(crypto, "DEFAULT_KDF", crypto.FAST_TEST_KDF)  # the CLI's real cost is ~0.15 s an unlock
    def run(*argv, passphrase=None, new=None):
        monkeypatch.delenv("FIELDKIT_PASSPHRASE", raising=False)
        monkeypatch.delenv("FIELDKIT_NEW_PASSPHRASE", raising=False)
        if passphrase:
            monkeypatch.setenv("FIELDKIT_PASSPHRASE", passphrase)
        if new:
            monkeypatch.setenv("FIELDKIT_NEW_PASSPHRASE", new)
        code = main(["--data", str(data_dir), *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


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
