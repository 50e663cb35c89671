"""The demo's kit set-up and device specs (fast unit checks)."""

from __future__ import annotations

import pytest

from fieldkit.demo import kit_setup
from fieldkit.kit_devices import demo_spec
from fieldkit.security import keystore


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    from fieldkit.security import crypto
    monkeypatch.setattr(crypto, "DEFAULT_KDF", crypto.FAST_TEST_KDF)


def test_simulated_serial_devices_lose_their_line_timing_only():
    # the scanners' default profile also emulates the device's processing: the demo takes the instant one
    assert demo_spec("fingerprint:sim:normal") == "fingerprint:sim:instant?pacing=0"
    assert demo_spec("slap:sim:normal?key=0") == "slap:sim:instant?key=0&pacing=0"
    assert demo_spec("fingerprint:sim:dry-finger") == "fingerprint:sim:dry-finger?pacing=0"  # a chosen profile stays
    assert demo_spec("qr:sim") == "qr:sim?pacing=0"
    assert demo_spec("camera:sim:studio") == "camera:sim:studio"  # frames are not paced by a line
    assert demo_spec("fingerprint:serial:/dev/ttyUSB0?baud=57600") == "fingerprint:serial:/dev/ttyUSB0?baud=57600"
    assert demo_spec("fingerprint:sim:normal?pacing=1") == "fingerprint:sim:normal?pacing=1"
    assert demo_spec("fingerprint:sim:normal", real_timing=True) == "fingerprint:sim:normal"


def test_a_new_kit_gets_both_users_and_a_generated_passphrase(data_dir):
    login = kit_setup.ensure_kit(data_dir, env={})
    assert login.created and login.generated and len(login.passphrase) >= 20
    assert login.passphrase not in repr(login)
    roles = {u.name: u.role for u in keystore.list_users(data_dir)}
    assert roles == {"supervisor": "supervisor", "officer": "officer"}
    keystore.unlock(data_dir, "officer", login.passphrase).lock()
    with pytest.raises(kit_setup.DemoSetupError, match="FIELDKIT_PASSPHRASE"):
        kit_setup.ensure_kit(data_dir, env={})
    again = kit_setup.ensure_kit(data_dir, env={"FIELDKIT_PASSPHRASE": login.passphrase})
    assert not again.created and not again.generated


def test_local_hub_keys_are_made_once_and_never_replace_a_real_hub(data_dir):
    login = kit_setup.ensure_kit(data_dir, env={"FIELDKIT_PASSPHRASE": "a-demo-passphrase"})
    assert kit_setup.ensure_local_hub_keys(data_dir, login) is True
    assert kit_setup.hub_url_of(data_dir) == kit_setup.LOCAL_HUB_URL
    assert kit_setup.ensure_local_hub_keys(data_dir, login) is False
