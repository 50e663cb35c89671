from __future__ import annotations

import pytest

from fieldkit.packets.envelope import generate_hub_keys
from fieldkit.packets.errors import PacketError
from fieldkit.security import keystore
from fieldkit.security.crypto import FAST_TEST_KDF
from fieldkit.security.hub_keys import HubNotProvisioned, load_hub_keys, store_hub_keys


@pytest.fixture
def kit(tmp_path):
    """The hub keys are sealed by the kit's device key: an unlocked kit stores them."""
    return keystore.init_kit(tmp_path, "tech", "technician", "tech-passphrase-1", FAST_TEST_KDF)


def test_store_and_load(tmp_path, kit):
    with pytest.raises(HubNotProvisioned):
        load_hub_keys(tmp_path)
    _, x_pub, _, sign_pub = generate_hub_keys("x25519")
    _, h_pub, _, _ = generate_hub_keys("mlkem768-x25519")
    store_hub_keys(tmp_path, hub_url="http://127.0.0.1:8080", signing_public_key=sign_pub,
                   hpke_public_keys={"x25519": x_pub, "mlkem768-x25519": h_pub}, hub_id="hub-a", signer=kit)
    keys = load_hub_keys(tmp_path)
    assert keys.hub_url == "http://127.0.0.1:8080" and keys.hub_id == "hub-a"
    assert keys.signing_public_key == sign_pub and keys.hpke_public_key("mlkem768-x25519") == h_pub
    assert (tmp_path / "keys" / "hub.json").stat().st_mode & 0o077 == 0


def test_missing_suite_and_bad_keys(tmp_path, kit):
    _, x_pub, _, sign_pub = generate_hub_keys("x25519")
    keys = store_hub_keys(tmp_path, hub_url="u", signing_public_key=sign_pub, hpke_public_keys={"x25519": x_pub},
                          signer=kit)
    with pytest.raises(HubNotProvisioned, match="x25519"):
        keys.hpke_public_key("mlkem768-x25519")
    with pytest.raises(PacketError) as err:
        store_hub_keys(tmp_path, hub_url="u", signing_public_key=sign_pub, hpke_public_keys={"mlkem768-x25519": x_pub},
                       signer=kit)
    assert err.value.code == "bad_key"
    with pytest.raises(PacketError):
        store_hub_keys(tmp_path, hub_url="u", signing_public_key=b"short", hpke_public_keys={"x25519": x_pub},
                       signer=kit)
