"""Demo fixtures: the CLI run in-process (fast key stretching), and a check that no thread outlives a test."""

from __future__ import annotations

import json
import threading

import pytest

from fieldkit.cli import main

DEMO_PASSPHRASE = "demo-village-pass-42"


@pytest.fixture
def demo(data_dir, monkeypatch, capsys):
    """Run `fieldkit demo ... --json` in this process; (exit code, summary dict, stderr)."""
    from fieldkit.security import crypto

    monkeypatch.setattr(crypto, "DEFAULT_KDF", crypto.FAST_TEST_KDF)  # the real Argon2id costs ~0.2 s a slot
    monkeypatch.setenv("FIELDKIT_PASSPHRASE", DEMO_PASSPHRASE)
    monkeypatch.delenv("FIELDKIT_HUB_TOKEN", raising=False)

    def run(*argv):
        code = main(["--data", str(data_dir), "demo", "--json", *argv])
        out, err = capsys.readouterr()
        return code, (json.loads(out) if out.strip() else {}), err
    return run


@pytest.fixture(autouse=True)
def no_threads_left():
    """Devices, simulators, hub servers, proxies and sync clients are all closed by the end of each test."""
    before = {t.ident for t in threading.enumerate()}
    yield
    left = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()
            and not t.name.startswith(("AnyIO worker", "asyncio_"))]
    assert not left, f"threads left running: {[t.name for t in left]}"


@pytest.fixture
def local_hub(tmp_path):
    """A real hub (`fieldkit-hub serve` pieces) on 127.0.0.1 with its own data folder; stopped afterwards."""
    from sync.hub.app import build_app
    from sync.hub.keys import load_or_create_hub_keys
    from sync.hub.open_storage import open_storage
    from sync.hub.server import HubServer
    from sync.hub.service import HubService
    from sync.hub.verify import EnvelopeVerifier

    hub_data = tmp_path / "hub"
    hub_data.mkdir()
    keys = load_or_create_hub_keys(hub_data)
    storage = open_storage(hub_data)
    service = HubService(storage, keys, EnvelopeVerifier(keys.hpke_private))
    server = HubServer(build_app(service), graceful_s=0.5).start()
    yield server.url, hub_data, storage
    server.stop()
    storage.close()
