"""Sync fixtures: a hub on SQLite or PostgreSQL, served on 127.0.0.1, an enrolled kit and sealed packets.

Every hub test runs against both storages (`hub_storage` is parametrised). PostgreSQL tests need
FIELDKIT_TEST_PG_DSN (CI sets it, see .ci/run); they skip without it locally and fail without it in CI.
Each PostgreSQL test gets its own schema, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import threading
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldkit.packets.seal import SealInput, Signers, certify_supervisor, seal_packet
from sync.client.kit import DeviceIdentity
from sync.client.provisioning import enrol
from sync.client.transport import HubClient, Timeouts
from sync.hub.app import build_app
from sync.hub.keys import generate_hub_keys
from sync.hub.server import HubServer
from sync.hub.service import HubService
from sync.hub.storage_sqlite import SqliteHubStorage
from sync.hub.verify import EnvelopeVerifier
from sync.roster import SupervisorKey
from tests.sync.doubles import MemoryOutbox

PG_ENV = "FIELDKIT_TEST_PG_DSN"
FAST = Timeouts(connect_s=2.0, read_s=2.0, write_s=2.0)


def pg_dsn() -> str:
    dsn = os.environ.get(PG_ENV, "")
    if not dsn:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: CI must start PostgreSQL for the hub tests")
        pytest.skip(f"{PG_ENV} not set (no PostgreSQL for this run)")
    return dsn


@pytest.fixture
def pg_schema():
    """A fresh schema in the test PostgreSQL, dropped after the test."""
    import psycopg

    dsn = pg_dsn()
    schema = "t_" + secrets.token_hex(6)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield schema
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_conninfo(pg_schema):
    """A conninfo whose search_path points at this test's schema."""
    from psycopg.conninfo import make_conninfo

    return make_conninfo(pg_dsn(), options=f"-c search_path={pg_schema}")


@pytest.fixture
def pg_url(pg_schema):
    """The same as a postgresql:// URL, as `fieldkit-hub --db` takes it."""
    dsn = pg_dsn()
    return dsn + ("&" if "?" in dsn else "?") + f"options=-csearch_path%3D{pg_schema}"


def open_test_storage(kind: str, tmp_path, request):
    if kind == "sqlite":
        return SqliteHubStorage(tmp_path / "hub.sqlite3")
    from sync.hub.storage_postgres import PostgresHubStorage

    return PostgresHubStorage(request.getfixturevalue("pg_conninfo"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def storage_kind(request):
    return request.param


@pytest.fixture
def hub_storage(storage_kind, tmp_path, request):
    storage = open_test_storage(storage_kind, tmp_path, request)
    yield storage
    storage.close()


@pytest.fixture(scope="session")
def hub_keys():
    return generate_hub_keys()


@pytest.fixture
def hub_service(hub_storage, hub_keys):
    return HubService(hub_storage, hub_keys, EnvelopeVerifier(hub_keys.hpke_private))


@pytest.fixture
def hub_server(hub_service):
    server = HubServer(build_app(hub_service), graceful_s=0.5).start()
    yield server
    server.stop()


class Kit:
    """A synthetic kit: device key, a certified supervisor, and a way to seal synthetic packets."""

    def __init__(self, hub_keys, suite: str = "x25519"):
        self.kit_id = str(uuid.uuid4())
        self.device_key = Ed25519PrivateKey.generate()
        supervisor = Ed25519PrivateKey.generate()
        cert = certify_supervisor(self.device_key, self.kit_id, "sup-1", supervisor.public_key().public_bytes_raw())
        self.signers = Signers(self.kit_id, self.device_key, "sup-1", supervisor, cert)
        # What the kit sends at provisioning: the hub pins this key and refuses co-signatures by any other.
        self.supervisors = (SupervisorKey("sup-1", supervisor.public_key().public_bytes_raw(), cert),)
        self.identity = DeviceIdentity(self.kit_id, self.device_key)
        self.hub_keys = hub_keys
        self.suite = suite
        self.outbox = MemoryOutbox()

    def seal(self, face_bytes: int = 20_000, created_at: int | None = None) -> tuple[str, bytes]:
        rng = secrets.token_bytes
        content = SealInput(
            record_id=str(uuid.uuid4()), record_version=1,
            record={"full_name": "Lò Văn Thử", "id_number": "001099000001"},
            blobs={"face.jpg": rng(face_bytes), "print/01.wsq": rng(2_000)},
            capture={"camera": "camera:sim:studio"}, audit=[{"seq": 1, "action": "seal"}])
        return seal_packet(content, self.signers, self.hub_keys.hpke_public[self.suite], self.suite,
                           created_at=created_at)

    def queue(self, n: int, face_bytes: int = 20_000) -> list[str]:
        ids = []
        for i in range(n):
            packet_id, data = self.seal(face_bytes)
            self.outbox.add(packet_id, data, created_at=1_000_000 + i)
            ids.append(packet_id)
        return ids


@pytest.fixture
def kit(hub_keys):
    return Kit(hub_keys)


@pytest.fixture
def enrolled_kit(kit, hub_service, hub_server):
    enrol(hub_server.url, hub_service.issue_token(), kit.identity, FAST, supervisors=kit.supervisors)
    return kit


@pytest.fixture
def client_for():
    """Make HubClients that are closed at teardown."""
    made = []

    def make(url, identity, timeouts=FAST):
        client = HubClient(url, identity, timeouts)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture(autouse=True)
def no_threads_left():
    """Every test stops the servers, proxies and workers it started."""
    before = {t.ident for t in threading.enumerate()}
    yield
    left = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]
    for thread in left:  # told to stop but not out yet (AnyIO ends its idle workers as the hub's loop closes)
        thread.join(timeout=2)
    left = [t for t in left if t.is_alive()]
    assert not left, f"threads left running: {[t.name for t in left]}"
