"""Fixtures for driver tests: simulators and drivers that are always closed, and a check that no thread survives."""

from __future__ import annotations

import threading
import time

import pytest

from drivers.fingerprint.simulator import FingerprintSimulator
from drivers.fingerprint.uart_scanner import UartFingerprintScanner


def _device_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith(("device-", "sim-"))}


@pytest.fixture
def no_leftover_threads():
    """Every device and simulator thread a test starts must be gone when it ends (used by this branch's
    driver test modules through `pytestmark`)."""
    before = _device_threads()
    yield
    end = time.monotonic() + 5
    while _device_threads() - before and time.monotonic() < end:
        time.sleep(0.01)
    left = _device_threads() - before
    assert not left, f"threads left running: {sorted(t.name for t in left)}"


def _wait_for(condition, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not reached in time"
        time.sleep(0.005)


@pytest.fixture
def wait_for():
    """Wait until `condition()` is true (fails after `timeout`): tests wait on conditions, never sleep."""
    return _wait_for


@pytest.fixture
def make_sim():
    """Factory: a fingerprint simulator (pty by default, no line timing, placeholder prints), closed after."""
    sims = []

    def make(profile: str = "instant", **kwargs) -> FingerprintSimulator:
        kwargs.setdefault("image_source", "placeholder")
        sim = FingerprintSimulator(profile, **kwargs)
        sims.append(sim)
        return sim

    yield make
    for sim in sims:
        sim.close()


@pytest.fixture
def make_scanner():
    """Factory: the real UART driver on a simulator's path, closed after."""
    scanners = []

    def make(sim: FingerprintSimulator, **kwargs) -> UartFingerprintScanner:
        kwargs.setdefault("timeout", 0.5)
        kwargs.setdefault("baudrate", sim.baudrate)
        scanner = UartFingerprintScanner(sim.path, **kwargs)
        scanners.append(scanner)
        return scanner

    yield make
    for scanner in scanners:
        scanner.close()


@pytest.fixture(params=["pty", "memory"])
def transport(request) -> str:
    return request.param


@pytest.fixture
def sim(make_sim, transport) -> FingerprintSimulator:
    return make_sim(transport=transport)


@pytest.fixture
def scanner(make_scanner, sim) -> UartFingerprintScanner:
    return make_scanner(sim)
