"""The real OpenCV driver (FFmpeg backend) reading the simulator over HTTP MJPEG on 127.0.0.1."""

from __future__ import annotations

import threading
import time

import pytest

from drivers.camera.mjpeg_server import MjpegServer
from drivers.camera.sim_camera import SimulatedCamera, load_profile
from drivers.errors import DeviceDisconnected
from drivers.registry import open_device


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


@pytest.fixture
def server():
    """A simulated studio camera on a local port; at teardown no thread it or a test started survives."""
    before = set(threading.enumerate())
    device = SimulatedCamera(load_profile("studio"))
    device.set_mode(320, 240)
    device.fps = 60.0
    srv = MjpegServer(device).start()
    yield srv
    srv.stop()
    assert set(threading.enumerate()) - before == set()


def read_or_disconnected(cam):
    try:
        cam.read_frame(timeout=5)
        return "frame"
    except DeviceDisconnected:
        return "lost"


def test_driver_reads_the_stream_and_survives_an_unplug(server):
    cam = open_device(server.spec + "?reconnect_backoff=0&timeout_ms=5000")
    try:
        assert cam.device_info().backend == "FFMPEG"
        frames = [cam.read_frame(timeout=5) for _ in range(3)]
        assert all(f.image.shape == (240, 320, 3) for f in frames)
        server.device.faults.set(unplugged=True)
        server.drop_clients()
        wait_until(lambda: read_or_disconnected(cam) == "lost")
        assert read_or_disconnected(cam) == "lost"  # reopen refused with 503 while unplugged
        server.device.faults.set(unplugged=False)
        wait_until(lambda: read_or_disconnected(cam) == "frame")
        assert cam.stats().reconnects == 1
    finally:
        cam.close()


def test_unknown_path_is_not_found(server):
    from drivers.errors import DeviceNotFound

    with pytest.raises(DeviceNotFound):
        open_device(server.spec.replace("stream.mjpg", "other.mjpg") + "?timeout_ms=5000")
