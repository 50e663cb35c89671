"""The OpenCV driver running unchanged over the camera simulator: profiles, faults, streaming, close."""

from __future__ import annotations

import queue
import threading
import time

import cv2
import pytest

from drivers.camera.base import FrozenFeed
from drivers.camera.sim_camera import enumerate_profiles, profile_names
from drivers.errors import DeviceDisconnected, DeviceTimeout, SpecError
from drivers.registry import open_device

SHIPPED = {"studio", "dim-hall", "backlit", "two-people", "empty", "flaky"}


def leftover_threads():
    return [t.name for t in threading.enumerate() if t.name.startswith("device-camera")]


@pytest.fixture
def open_camera():
    """Open simulated cameras; all are closed at teardown and no device or preview thread may survive."""
    opened = []

    def _open(spec):
        cam = open_device(spec)
        opened.append(cam)
        return cam

    yield _open
    for cam in opened:
        cam.close()
    assert leftover_threads() == []


def wait_until(condition, timeout=3.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


def events_of(cam):
    events = []
    cam.worker.subscribe(lambda name, data: events.append((name, data)))
    return events


@pytest.fixture(scope="module")
def face_locations():
    face_recognition = pytest.importorskip("face_recognition")

    def locate(image, height=360):
        """HOG faces on a copy scaled to `height` lines (upsample 0: ~25 ms, no false boxes seen)."""
        scale = height / image.shape[0]
        small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return face_recognition.face_locations(cv2.cvtColor(small, cv2.COLOR_BGR2RGB), 0)

    return locate


def test_every_shipped_profile_is_listed_and_opens(open_camera):
    assert SHIPPED <= set(profile_names())
    listed = {info.spec for info in enumerate_profiles()}
    assert {f"camera:sim:{name}" for name in SHIPPED} <= listed
    for name in sorted(SHIPPED):
        cam = open_camera(f"camera:sim:{name}")
        info = cam.device_info()
        assert info.simulated and info.backend == "SIM"
        assert cam.read_frame().image.shape == (info.height, info.width, 3)
        cam.close()


@pytest.mark.parametrize("profile, faces", [("studio", 1), ("empty", 0), ("two-people", 2), ("dim-hall", 1),
                                            ("backlit", 1)])
def test_profiles_show_the_expected_number_of_faces(open_camera, face_locations, profile, faces):
    cam = open_camera(f"camera:sim:{profile}")
    assert len(face_locations(cam.read_frame().image)) == faces == cam.simulator.scene.faces


def test_options_override_the_profile_and_bad_ones_are_named(open_camera):
    with pytest.raises(SpecError, match="colour"):
        open_device("camera:sim:studio?colour=red")
    with pytest.raises(SpecError, match="studio"):
        open_device("camera:sim:nosuch")  # the message lists the shipped profiles
    with pytest.raises(SpecError, match="background"):
        open_device("camera:sim:studio?background=beach")
    assert leftover_threads() == []
    cam = open_camera("camera:sim:studio?width=640&height=480&sitter=astronaut&yaw=12&drop_rate=0.1")
    assert cam.resolution == (640, 480)
    assert (cam.simulator.scene.sitter, cam.simulator.scene.yaw) == ("astronaut", 12.0)
    assert cam.simulator.faults.drop_rate == 0.1


def test_the_simulated_sensor_picks_its_nearest_mode(open_camera):
    cam = open_camera("camera:sim:studio?width=640&height=480")
    assert cam.set_resolution(1270, 700) == (1280, 720)
    assert cam.read_frame().image.shape == (720, 1280, 3)


def test_scene_changes_at_run_time_and_bad_values_change_nothing(open_camera, face_locations):
    cam = open_camera("camera:sim:studio?width=640&height=480")
    sim = cam.simulator
    sim.set_scene(sitter=None)
    assert face_locations(cam.read_frame().image) == []
    with pytest.raises(ValueError, match="occlusion"):
        sim.set_scene(sitter="astronaut", occlusion="scarf")
    assert sim.scene.sitter is None
    with pytest.raises(ValueError, match="unknown camera fault"):
        sim.faults.set(smoke=True)


def test_unplug_raises_disconnected_then_recovers_after_replug(open_camera):
    cam = open_camera("camera:sim:studio?width=640&height=480&reconnect_backoff=0")
    events = events_of(cam)
    cam.read_frame()
    cam.simulator.faults.set(unplugged=True)
    with pytest.raises(DeviceDisconnected, match="stopped sending"):
        cam.read_frame()
    with pytest.raises(DeviceDisconnected, match="still not answering"):
        cam.read_frame()
    cam.simulator.faults.set(unplugged=False)
    assert cam.capture_still(1280, 720).image.shape == (720, 1280, 3)  # a still reconnects too
    assert cam.stats().reconnects == 1
    assert [d["kind"] for e, d in events if e == "fault"] == ["DeviceDisconnected", "DeviceNotFound"]


def test_flaky_cable_unplugs_itself_and_comes_back(open_camera):
    cam = open_camera("camera:sim:flaky?reconnect_backoff=0&drop_rate=0&freeze_every=0&disconnect_every=5"
                      "&unplugged_reopens=2")
    outcomes = []
    for _ in range(10):
        try:
            cam.read_frame()
            outcomes.append("frame")
        except DeviceDisconnected:
            outcomes.append("lost")
    assert outcomes == ["frame"] * 5 + ["lost"] * 3 + ["frame"] * 2
    assert cam.stats().reconnects == 1


def test_frozen_sensor_is_detected_and_a_reopen_cures_it(open_camera):
    cam = open_camera("camera:sim:studio?width=640&height=480&frozen_frames=4&frozen_error_frames=8")
    events = events_of(cam)
    cam.read_frame()
    cam.simulator.faults.set(frozen=True)
    with pytest.raises(FrozenFeed):
        for _ in range(20):
            cam.read_frame()
    assert cam.stats().frozen_count == 1
    assert [d["state"] for e, d in events if e == "status"][:2] == ["frozen", "disconnected"]
    cam.read_frame(), cam.read_frame()
    assert not cam.simulator.faults.frozen and cam.stats().reconnects == 1
    assert [d["state"] for e, d in events if e == "status"][-2:] == ["reconnecting", "connected"]
    assert cam.state == "open"


def test_dropped_frames_are_counted_exactly(open_camera):
    cam = open_camera("camera:sim:studio?width=320&height=240&drop_rate=0.3&seed=1")
    frames = [cam.read_frame() for _ in range(100)]
    sim = cam.simulator
    assert cam.stats().dropped == sim.produced - sim.delivered > 10
    assert [f.sequence for f in frames] == list(range(1, 101))  # the driver's numbering has no gaps


def test_slow_preview_consumer_gets_the_newest_frame_not_a_backlog(open_camera):
    cam = open_camera("camera:sim:studio?width=320&height=240")
    seen = []  # (frame sequence, frames the driver had read when the consumer got it)
    enough = threading.Event()

    def slow_consumer(frame):
        seen.append((frame.sequence, cam.stats().frames))
        time.sleep(0.08)
        if len(seen) >= 4:
            enough.set()

    cam.start_stream(slow_consumer, fps=50)
    assert enough.wait(5)
    cam.stop_stream()
    # Always the newest frame (the device may have read one more meanwhile): the lag never grows.
    assert all(read - sequence <= 2 for sequence, read in seen)
    sequences = [s for s, _ in seen]
    assert sequences == sorted(sequences) and max(b - a for a, b in zip(sequences, sequences[1:])) > 2
    assert cam.stats().superseded > 0


def test_queue_consumer_never_holds_more_than_one_frame(open_camera):
    cam = open_camera("camera:sim:studio?width=320&height=240")
    frames: queue.Queue = queue.Queue()
    cam.start_stream(frames, fps=200)
    wait_until(lambda: cam.stats().frames >= 20)
    assert frames.qsize() <= 1
    newest = frames.get(timeout=1)
    assert newest.sequence >= 19
    cam.stop_stream()


def test_still_capture_runs_between_preview_frames(open_camera):
    cam = open_camera("camera:sim:studio?width=320&height=240")
    preview: queue.Queue = queue.Queue()
    cam.start_stream(preview, fps=60)
    still = cam.capture_still(1280, 720)
    assert still.image.shape == (720, 1280, 3)
    assert cam.resolution == (320, 240)
    wait_until(lambda: cam.stats().frames >= still.sequence + 2)
    assert preview.get(timeout=1).image.shape == (240, 320, 3)
    cam.stop_stream()


def test_stream_survives_an_unplug_and_resumes(open_camera):
    cam = open_camera("camera:sim:studio?width=320&height=240&reconnect_backoff=0.02")
    events = events_of(cam)
    got: queue.Queue = queue.Queue()
    stream = cam.start_stream(got, fps=100)
    wait_until(lambda: cam.stats().frames >= 3)
    cam.simulator.faults.set(unplugged=True)
    wait_until(lambda: stream.errors >= 2)
    cam.simulator.faults.set(unplugged=False)
    before = cam.stats().frames
    wait_until(lambda: cam.stats().frames >= before + 3)
    assert cam.stats().reconnects == 1
    assert ("status", {"state": "connected", "detail": "320x240 @ 30 fps"}) in events
    cam.stop_stream()


def test_frame_events_carry_sequence_and_timing(open_camera):
    cam = open_camera("camera:sim:studio?width=320&height=240")
    events = events_of(cam)
    cam.read_frame(), cam.read_frame()
    frames = [d for e, d in events if e == "frame"]
    assert [d["sequence"] for d in frames] == [1, 2]
    assert frames[1]["interval_ms"] >= 0 and frames[1]["width"] == 320 and frames[1]["dropped"] == 0


def test_close_while_streaming_leaves_no_thread():
    cam = open_device("camera:sim:studio?width=320&height=240")
    cam.start_stream(lambda frame: time.sleep(0.01), fps=50)
    wait_until(lambda: cam.stats().frames >= 3)
    cam.close()
    cam.close()  # idempotent
    assert leftover_threads() == []
    assert cam.stats().state == "closed"
    with pytest.raises(DeviceDisconnected, match="closed"):
        cam.read_frame()


def test_a_short_freeze_is_reported_and_its_end_too(open_camera):
    cam = open_camera("camera:sim:studio?width=320&height=240&frozen_frames=4&frozen_error_frames=100")
    events = events_of(cam)
    cam.read_frame()
    cam.simulator.faults.set(frozen=True)
    for _ in range(6):
        cam.read_frame()
    assert cam.state == "frozen"
    cam.simulator.faults.set(frozen=False)
    cam.read_frame()
    assert [d["state"] for e, d in events if e == "status"] == ["frozen", "live"]
    assert cam.state == "open" and cam.stats().frozen_count == 1


def test_a_stalled_camera_times_out_and_the_next_read_works(open_camera):
    cam = open_camera("camera:sim:studio?width=320&height=240")
    cam.simulator.faults.set(stall_seconds=0.3)
    with pytest.raises(DeviceTimeout, match="did not answer"):
        cam.read_frame(timeout=0.05)
    cam.simulator.faults.set(stall_seconds=0)
    assert cam.read_frame(timeout=2).sequence == 2  # the stalled read finished first, in order


def test_the_camera_doc_names_every_profile_scene_field_and_fault():
    import dataclasses
    from pathlib import Path

    from drivers.camera.sim_camera import SimFaults
    from drivers.synthetic.face_scenes import Scene

    doc = (Path(__file__).resolve().parents[2] / "docs" / "devices-camera.md").read_text(encoding="utf-8")
    missing = [f"camera:sim:{name}" for name in profile_names() if f"`camera:sim:{name}`" not in doc]
    missing += [f.name for cls in (Scene, SimFaults) for f in dataclasses.fields(cls) if f"`{f.name}`" not in doc]
    assert missing == []


def test_self_test_reports_health_and_problems_without_raising(tmp_path):
    from drivers.camera.selftest import self_test

    good = self_test("camera:sim:studio?width=320&height=240", frames=5)
    assert good.ok and (good.width, good.height, good.frames) == (320, 240, 5) and "320x240" in good.summary
    frozen = self_test("camera:sim:studio?width=320&height=240&frozen=1&frozen_frames=3", frames=6)
    assert not frozen.ok and frozen.frozen and "FROZEN" in frozen.summary
    missing = self_test(f"camera:opencv:{tmp_path / 'none.avi'}")
    assert not missing.ok and "cannot open" in missing.summary
    assert leftover_threads() == []


def test_auto_exposure_warm_up_after_each_open(open_camera):
    cam = open_camera("camera:sim:studio?width=320&height=240&warmup_frames=3&reconnect_backoff=0")
    levels = [cam.read_frame().image.mean() for _ in range(5)]
    assert levels[0] < levels[1] < levels[2] < levels[3] and abs(levels[4] - levels[3]) < 2
    cam.reconnect()
    assert cam.read_frame().image.mean() < 0.5 * levels[4]  # dark again after a reopen
    cam.simulator.set_scene(sway=3)
    assert cam.read_frame().image.shape == (240, 320, 3)


def test_device_log_shows_the_conversation(open_camera):
    cam = open_camera("camera:sim:studio?width=640&height=480")
    events = events_of(cam)
    cam.set_resolution(1280, 720)
    cam.close()
    lines = [d["line"] for e, d in events if e == "log"]
    assert lines == ["set WIDTH=1280 -> accepted", "set HEIGHT=720 -> accepted", "get WIDTH=1280 HEIGHT=720 FPS=30",
                     "release (closed)"]
