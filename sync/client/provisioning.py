"""`fieldkit provision`: exchange keys with the hub using a one-time enrolment token.

The kit sends its kit id and device public key, signing the request with that key (proof it holds it);
the hub answers with its receipt-signing key and one HPKE public key per packet suite. The kit keeps them
with `fieldkit.security.hub_keys.store_hub_keys` (keys/hub.json).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sync.client.kit import KitIdentity
from sync.client.transport import HubClient, Timeouts
from sync.protocol import API, ProtocolError, b64d, b64e


@dataclass(frozen=True)
class HubIdentity:
    hub_url: str
    hub_id: str
    signing_public_key: bytes
    hpke_public_keys: dict[str, bytes]
    ca_roots_pem: bytes = b""  # the hub's trusted roots for supervisors' token certificates


def enrol(hub_url: str, token: str, identity: KitIdentity, timeouts: Timeouts = Timeouts()) -> HubIdentity:
    """Enrol this kit at the hub; HubRefused (e.g. token_invalid) or HubUnreachable on failure."""
    with HubClient(hub_url, identity, timeouts) as client:
        _, answer = client.request("POST", f"{API}/enrol", json_body={
            "token": token.strip(), "kit_id": identity.kit_id, "device_public_key": b64e(identity.public_key_bytes())})
    try:
        keys = answer["hpke_public_keys"]
        return HubIdentity(hub_url.rstrip("/"), str(answer["hub_id"]), b64d(answer["signing_public_key"], "hub key"),
                           {str(s): b64d(k, "hub HPKE key") for s, k in keys.items()},
                           str(answer.get("ca_roots", "")).encode("ascii"))
    except (KeyError, TypeError, AttributeError):
        raise ProtocolError("bad_answer", "the hub's enrolment answer is malformed") from None


def provision(data_dir: Path, hub_url: str, token: str, identity: KitIdentity) -> HubIdentity:
    """Enrol and store the hub's keys and URL in the kit's data directory."""
    from fieldkit.security.hub_keys import store_hub_keys

    hub = enrol(hub_url, token, identity)
    store_hub_keys(data_dir, hub_url=hub.hub_url, signing_public_key=hub.signing_public_key,
                   hpke_public_keys=hub.hpke_public_keys, hub_id=hub.hub_id, ca_roots_pem=hub.ca_roots_pem,
                   signer=identity)
    return hub
