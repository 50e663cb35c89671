"""`fieldkit devices` and `fieldkit sim`: listing, self-tests, and a standalone simulator in a subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from drivers import registry
from drivers.fingerprint.uart_scanner import UartFingerprintScanner
from drivers.qr.reader import QrReader
from fieldkit.cli import main

pytestmark = pytest.mark.usefixtures("no_leftover_threads")

ROOT = Path(__file__).resolve().parents[2]
FAST = {"FIELDKIT_FINGERPRINT": "fingerprint:sim:instant?transport=memory&images=placeholder",
        "FIELDKIT_SLAP_SCANNER": "slap:sim:instant?transport=memory&images=placeholder",
        "FIELDKIT_QR_READER": "qr:sim:instant?transport=memory",
        "FIELDKIT_CAMERA": "camera:nosuchbackend:0"}


@pytest.fixture
def fast_devices(monkeypatch, data_dir):
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    return data_dir


def test_devices_json_lists_and_self_tests_configured_devices(fast_devices, capsys):
    assert main(["devices", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"fingerprint:sim:normal", "slap:sim:normal", "qr:sim:normal"} <= {d["spec"] for d in report["found"]}
    tests = {t["setting"]: t for t in report["tests"]}
    assert set(tests) == {"fingerprint", "slap_scanner", "qr_reader"}  # no camera backend of that name
    assert all(t["ok"] for t in tests.values())
    assert [s["step"] for s in tests["fingerprint"]["steps"]] == ["handshake", "read parameters", "echo"]
    assert tests["fingerprint"]["seconds"] >= tests["fingerprint"]["steps"][0]["seconds"]


def test_devices_reports_a_failing_device(data_dir, capsys):
    assert main(["devices", "--spec", "fingerprint:serial:/dev/nonexistent-fieldkit"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "DeviceNotFound: fingerprint:serial:/dev/nonexistent-fieldkit: no serial port" in out


def test_devices_faulty_simulator_fails_with_its_error(data_dir, capsys):
    spec = "fingerprint:sim:instant?transport=memory&faults=password&images=placeholder"
    assert main(["devices", "--json", "--spec", spec]) == 1
    test = json.loads(capsys.readouterr().out)["tests"][0]
    assert test["error_type"] == "DeviceAccessDenied" and "wrong module password" in test["error"]


def test_sim_camera_without_a_camera_simulator(data_dir, monkeypatch, capsys):
    monkeypatch.setattr(registry, "BACKENDS", {k: v for k, v in registry.BACKENDS.items() if k[0] != "camera"})
    monkeypatch.setattr("fieldkit.cli.device_commands.BACKENDS", registry.BACKENDS)
    assert main(["sim", "camera"]) == 2
    assert "no camera simulator" in capsys.readouterr().out


def _start_sim(data_dir, *args: str) -> tuple[subprocess.Popen, dict[str, str]]:
    env = {**os.environ, "FIELDKIT_DATA": str(data_dir), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "fieldkit", "sim", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    info = {}
    for line in proc.stdout:
        key, _, value = line.partition(": ")
        info[key.strip()] = value.strip()
        if line.startswith("faults:"):
            break
    return proc, info


def _stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    return out


def test_sim_fingerprint_standalone_serves_a_driver_in_another_process(data_dir):
    proc, info = _start_sim(data_dir, "fingerprint", "--profile", "instant", "--present", "synthetic-person-9")
    try:
        path = info["serial path"]
        assert info["current pty"].startswith("/dev/pts/")
        with UartFingerprintScanner(path, baudrate=57600, timeout=1.0) as scanner:
            assert scanner.read_system_parameters().packet_size == 128
            scanner.capture_image(timeout=20)
    finally:
        out = _stop(proc)
    assert "simulator stopped" in out
    assert not os.path.exists(path)


def test_sim_qr_standalone_presents_cards(data_dir):
    proc, info = _start_sim(data_dir, "qr", "--profile", "instant", "--scan-every", "0.2")
    try:
        with QrReader(info["serial path"]) as reader:
            card = reader.read_card(timeout=5, convert_address=False)
            assert len(card.personal_id) == 12
    finally:
        _stop(proc)


def test_sim_rejects_unknown_profile_and_faults(data_dir, capsys):
    assert main(["sim", "fingerprint", "--profile", "nosuch"]) == 2
    assert "no fingerprint simulator profile 'nosuch'" in capsys.readouterr().out
    assert main(["sim", "qr", "--faults", "smoke"]) == 2
    assert "unknown fault 'smoke'" in capsys.readouterr().out


def test_camera_fault_text():
    from fieldkit.cli.device_commands import _camera_faults

    assert _camera_faults("frozen,drop_rate=0.2,disconnect_every=30,unplugged=false") == {
        "frozen": True, "drop_rate": 0.2, "disconnect_every": 30, "unplugged": False}


def test_sim_camera_standalone_serves_a_stream(data_dir):
    pytest.importorskip("drivers.camera.mjpeg_server")
    import urllib.request

    env = {**os.environ, "FIELDKIT_DATA": str(data_dir), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "fieldkit", "sim", "camera"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = next(line.split(": ", 1)[1].strip() for line in proc.stdout if line.startswith("stream:"))
        with urllib.request.urlopen(url, timeout=10) as response:
            assert "multipart" in response.headers["Content-Type"]
    finally:
        _stop(proc)
