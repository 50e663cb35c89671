"""Shared fixtures: tiny and composable. Every test gets its own private data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

# Widgets render offscreen unless a test starts its own X server.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """An empty kit data directory, also exported as FIELDKIT_DATA for code that reads the environment."""
    path = tmp_path / "kit"
    monkeypatch.setenv("FIELDKIT_DATA", str(path))
    return path


@pytest.fixture(scope="session")
def soft_tokens(tmp_path_factory):
    """SoftHSM2 tokens signed by a throw-away test CA (tests/security/softhsm.py): {label: certificate}.

    SoftHSM sees only the tokens that exist when its library is first loaded in this process, so every token
    a run uses is made here, once. CI installs softhsm2 (packaging/apt-packages-ci.txt): there a missing
    module fails the run instead of skipping.
    """
    from drivers.token import softhsm

    module = softhsm.module_path()
    if module is None:
        if os.environ.get("CI"):
            pytest.fail("softhsm2 is not installed: CI must install it for the token tests")
        pytest.skip("softhsm2 is not installed")
    labels = {"sup-ec": ("ec", 365, 1), "sup-rsa": ("rsa", 365, 1), "other-sup": ("ec", 365, 1),
              "expired-sup": ("ec", 30, 60), "revoked-sup": ("ec", 365, 1), "foreign-sup": ("ec", 365, 1)}
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = softhsm.init_tokens(tmp_path_factory.mktemp("softhsm"), list(labels))
    ca, foreign_ca = softhsm.ThrowawayCA.create(), softhsm.ThrowawayCA.create("Untrusted Root (synthetic)")
    certs = {label: softhsm.provision_token(module, label, foreign_ca if label == "foreign-sup" else ca,
                                            f"Giám sát {label}", kind, days, ago)
             for label, (kind, days, ago) in labels.items()}
    yield SoftTokens(module, ca, certs)
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@dataclass
class SoftTokens:
    """What the `soft_tokens` fixture made: the module path, the trusted test CA and each token's certificate."""

    module: str
    ca: object
    certificates: dict

    def config(self, label: str):
        from fieldkit.security.token import TokenConfig
        return TokenConfig(self.module, label)
