"""The OpenCV camera driver against real video files and image sequences written by the tests."""

from __future__ import annotations

import platform
import threading

import cv2
import numpy as np
import pytest

from drivers.camera.base import FrozenFeed
from drivers.camera.opencv_camera import OpenCVCamera, cv2_capture_factory, device_node_index, enumerate_cameras
from drivers.errors import DeviceDisconnected, DeviceNotFound, SpecError
from drivers.registry import open_device
from drivers.spec import DeviceSpec


def numbered_frames(count: int, size=(160, 120), noise: float = 0.0, same: bool = False, seed: int = 0):
    """Frames whose mean grey level encodes their number (10, 20, 30 ...), unless `same`."""
    rng = np.random.default_rng(seed)
    w, h = size
    for i in range(count):
        image = np.full((h, w, 3), 40 if same else 10 * (i + 1), np.uint8)
        if noise:
            image = np.clip(image + rng.normal(0, noise, image.shape), 0, 255).astype(np.uint8)
        yield image


def write_video(path, frames, fourcc="MJPG", fps=25.0):
    frames = list(frames)
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
    assert writer.isOpened(), f"cannot write {fourcc} video here"
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def write_sequence(folder, frames):
    folder.mkdir(exist_ok=True)
    for i, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"frame_{i:03d}.png"), frame)
    return str(folder / "frame_%03d.png")


def camera_threads():
    return [t for t in threading.enumerate() if t.name.startswith("device-camera")]


@pytest.fixture
def open_camera():
    """Open cameras by spec; every one is closed at teardown and no camera thread may survive."""
    opened = []

    def _open(spec, **kwargs):
        cam = open_device(spec, **kwargs) if not kwargs else OpenCVCamera(DeviceSpec.parse(spec), **kwargs)
        opened.append(cam)
        return cam

    yield _open
    for cam in opened:
        cam.close()
    assert camera_threads() == []


def record_events(cam):
    events = []
    cam.worker.subscribe(lambda name, data: events.append((name, data)))
    return events


def test_reads_every_frame_of_a_video_at_its_resolution(tmp_path, open_camera):
    video = write_video(tmp_path / "clip.avi", numbered_frames(12, size=(320, 240)))
    cam = open_camera(f"camera:opencv:{video}")
    assert cam.resolution == (320, 240)
    frames = [cam.read_frame() for _ in range(12)]
    assert [f.sequence for f in frames] == list(range(1, 13))
    assert all(f.image.shape == (240, 320, 3) for f in frames)
    assert [round(float(f.image.mean()) / 10) for f in frames] == list(range(1, 13))
    assert all(b.timestamp >= a.timestamp for a, b in zip(frames, frames[1:]))
    with pytest.raises(DeviceDisconnected, match="stopped sending"):
        cam.read_frame()  # the end of a file is a camera that stopped: no silent empty frame
    stats = cam.stats()
    assert (stats.frames, stats.dropped, stats.state) == (12, 0, "disconnected")
    assert cam.device_info().backend != "none"


def test_image_sequence_loops_when_asked(tmp_path, open_camera):
    pattern = write_sequence(tmp_path / "seq", numbered_frames(4))
    cam = open_camera(f"camera:opencv:{pattern}?loop=1")
    levels = [round(float(cam.read_frame().image.mean()) / 10) for _ in range(10)]
    assert levels == [1, 2, 3, 4, 1, 2, 3, 4, 1, 2]
    assert cam.stats().dropped == 0  # a rewind is not a loss


def test_missing_source_is_not_found_and_leaves_no_thread(tmp_path):
    with pytest.raises(DeviceNotFound, match="cannot open"):
        open_device(f"camera:opencv:{tmp_path / 'nothing.avi'}")
    assert camera_threads() == []


@pytest.mark.parametrize("spec, bad", [("camera:opencv:0?width=wide", "width"), ("camera:opencv:0?api=usb", "api"),
                                       ("camera:opencv:0?loop=maybe", "loop")])
def test_bad_options_are_named(spec, bad):
    with pytest.raises(SpecError, match=bad):
        open_device(spec)
    assert camera_threads() == []


def test_frozen_picture_is_reported_then_raised_then_recovered(tmp_path, open_camera):
    video = write_video(tmp_path / "still.avi", numbered_frames(30, same=True))
    cam = open_camera(f"camera:opencv:{video}?frozen_frames=5&frozen_error_frames=10")
    events = record_events(cam)
    for _ in range(10):
        cam.read_frame()
    frozen = [d for e, d in events if e == "status" and d["state"] == "frozen"]
    assert len(frozen) == 1 and cam.stats().frozen_count == 1 and cam.state == "frozen"
    with pytest.raises(FrozenFeed, match="not changed for 10 frames"):
        cam.read_frame()
    assert any(e == "fault" and d["kind"] == "FrozenFeed" for e, d in events)
    # The driver released the camera; the next read reopens it at once.
    assert cam.read_frame().sequence == 12
    assert cam.stats().reconnects == 1


def test_a_still_scene_with_sensor_noise_is_not_frozen(tmp_path, open_camera):
    video = write_video(tmp_path / "noisy.avi", numbered_frames(20, same=True, noise=2.0), fourcc="FFV1")
    cam = open_camera(f"camera:opencv:{video}?frozen_frames=5")
    for _ in range(20):
        cam.read_frame()
    assert cam.stats().frozen_count == 0


def test_reconnects_when_the_source_comes_back(tmp_path, open_camera):
    folder = tmp_path / "seq"
    pattern = write_sequence(folder, numbered_frames(3))
    cam = open_camera(f"camera:opencv:{pattern}?reconnect_backoff=0")
    events = record_events(cam)
    for _ in range(3):
        cam.read_frame()
    hidden = folder.rename(tmp_path / "unplugged")
    with pytest.raises(DeviceDisconnected, match="stopped sending"):
        cam.read_frame()
    with pytest.raises(DeviceDisconnected, match="still not answering"):
        cam.read_frame()  # reopen attempt fails: the files are gone
    hidden.rename(folder)
    frame = cam.read_frame()
    assert round(float(frame.image.mean()) / 10) == 1 and frame.sequence == 4
    states = [d["state"] for e, d in events if e == "status"]
    assert states == ["disconnected", "reconnecting", "reconnecting", "connected"]
    assert cam.stats().reconnects == 1 and cam.stats().state == "open"


def test_back_off_stops_hammering_a_missing_camera(tmp_path, open_camera):
    pattern = write_sequence(tmp_path / "seq", numbered_frames(2))
    opens = []
    real = cv2_capture_factory()

    def counting_factory(source):
        opens.append(source)
        return real(source)

    cam = open_camera(f"camera:opencv:{pattern}?reconnect_backoff=30", capture_factory=counting_factory)
    cam.read_frame(), cam.read_frame()
    for _ in range(3):
        with pytest.raises(DeviceDisconnected):
            cam.read_frame()
    assert len(opens) == 1  # only the first open: the back-off has not run out
    cam.reconnect()  # the technician's button ignores the back-off
    assert len(opens) == 2 and cam.read_frame().sequence == 3


class GlitchyCapture:
    """A real cv2.VideoCapture whose read() fails while `fail` is set, and that can skip frames."""

    def __init__(self, source):
        self.cap = cv2.VideoCapture(source)
        self.fail = 0
        self.skip = 0

    def read(self):
        if self.fail:
            self.fail -= 1
            return False, None
        for _ in range(self.skip):
            self.cap.grab()  # frames the camera made that the driver never sees
        self.skip = 0
        return self.cap.read()

    def __getattr__(self, name):
        return getattr(self.cap, name)


def test_one_failed_read_is_tolerated_three_are_a_disconnect(tmp_path, open_camera):
    video = write_video(tmp_path / "clip.avi", numbered_frames(10))
    handles = []
    cam = open_camera(f"camera:opencv:{video}?fail_reads=3&reconnect_backoff=30",
                      capture_factory=lambda src: handles.append(GlitchyCapture(src)) or handles[-1])
    cam.read_frame()
    handles[-1].fail = 2
    assert round(float(cam.read_frame().image.mean()) / 10) == 2
    assert cam.stats().read_failures == 2 and cam.state == "open"
    handles[-1].fail = 3
    with pytest.raises(DeviceDisconnected):
        cam.read_frame()
    assert cam.stats().last_error


def test_dropped_frames_are_counted_from_the_source_counter(tmp_path, open_camera):
    video = write_video(tmp_path / "clip.avi", numbered_frames(12))
    handles = []
    cam = open_camera(f"camera:opencv:{video}",
                      capture_factory=lambda src: handles.append(GlitchyCapture(src)) or handles[-1])
    cam.read_frame()
    handles[-1].skip = 3
    frame = cam.read_frame()
    assert round(float(frame.image.mean()) / 10) == 5 and frame.sequence == 2
    assert cam.stats().dropped == 3


@pytest.mark.skipif(platform.system() != "Linux", reason="sysfs/v4l enumeration is Linux-only")
def test_enumeration_lists_capture_nodes_by_their_stable_path(tmp_path):
    sysfs, dev = tmp_path / "sys", tmp_path / "dev"
    for node, index, name in (("video0", 0, "HD Webcam"), ("video1", 1, "HD Webcam"), ("video2", 0, "Doc Cam")):
        (sysfs / node).mkdir(parents=True)
        (sysfs / node / "index").write_text(f"{index}\n")
        (sysfs / node / "name").write_text(f"{name}\n")
        (dev / node).parent.mkdir(exist_ok=True)
        (dev / node).touch()
    (dev / "v4l" / "by-id").mkdir(parents=True)
    link = dev / "v4l" / "by-id" / "usb-Acme_HD_Webcam-video-index0"
    link.symlink_to(dev / "video0")
    found = enumerate_cameras(str(sysfs), str(dev))
    assert [(i.spec, i.description.split(" (")[0]) for i in found] == [
        (f"camera:opencv:{link}", "HD Webcam"), ("camera:opencv:2", "Doc Cam")]
    assert not any(i.simulated for i in found)
    assert enumerate_cameras(str(tmp_path / "none"), str(dev)) == []
    # The driver opens a by-id link by the index it points at now, so a renumbered camera is found again.
    assert device_node_index(str(link)) == 0
    link.unlink()
    link.symlink_to(dev / "video2")
    assert device_node_index(str(link)) == 2
    link.unlink()
    assert device_node_index(str(link)) is None  # unplugged: the link is gone
