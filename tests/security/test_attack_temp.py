"""Attack 4: a second process copies portraits out of the temp folder WHILE the kit captures.

The watch runs during the capture, not after: Linux inotify (through ctypes, no dependency) queues every file
created in the watched folder as it happens, so a temporary that lives for a millisecond is still seen. The
temp folder is pointed at the watched one for every library that has a temp folder: Python and Qt
($TMPDIR) and OpenCV ($OPENCV_TEMP_PATH; it writes `__opencv_temp.*` for `.jp2`). A first test proves the
watcher catches OpenCV's JPEG 2000 temporary, so the enrolment test can fail.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys
import tempfile
import threading

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux-only")

IN_CREATE, IN_MOVED_TO, IN_MODIFY = 0x100, 0x80, 0x2


class TempWatch:
    """Files created, moved in or written in `folder` from start() until events() is read."""

    def __init__(self, folder):
        self.folder = folder
        self.libc = ctypes.CDLL(None, use_errno=True)

    def __enter__(self):
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        assert self.fd >= 0, ctypes.get_errno()
        wd = self.libc.inotify_add_watch(self.fd, str(self.folder).encode(), IN_CREATE | IN_MOVED_TO | IN_MODIFY)
        assert wd >= 0, ctypes.get_errno()
        return self

    def events(self) -> list[str]:
        names, data = [], b""
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            data += chunk
        offset = 0
        while offset < len(data):
            _wd, _mask, _cookie, length = struct.unpack_from("iIII", data, offset)
            names.append(data[offset + 16:offset + 16 + length].rstrip(b"\0").decode())
            offset += 16 + length
        return names

    def __exit__(self, *exc):
        os.close(self.fd)


@pytest.fixture
def watched_temp(tmp_path, monkeypatch):
    folder = tmp_path / "watched-temp"
    folder.mkdir()
    for var in ("TMPDIR", "TMP", "TEMP", "OPENCV_TEMP_PATH"):
        monkeypatch.setenv(var, str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)  # Python caches the temp folder: look it up again
    assert tempfile.gettempdir() == str(folder)
    return folder


def test_the_watch_catches_opencv_jpeg2000_temporaries(watched_temp):
    """The hole the review found, reproduced: proves the watch below can fail."""
    import cv2
    with TempWatch(watched_temp) as watch:
        ok, _ = cv2.imencode(".jp2", np.zeros((64, 64, 3), np.uint8))
        seen = watch.events()
    assert ok and any(name.startswith("__opencv_temp") for name in seen), seen
    assert not any(watched_temp.iterdir())  # ...and a scan afterwards would have found nothing


def test_no_temp_file_while_a_citizen_is_captured_and_saved(watched_temp, data_dir):
    """Face auto-capture (JPEG 2000), fingerprints (WSQ), the encrypted autosave: nothing in the temp folder."""
    from fieldkit.biometrics.fp_codec import encode_wsq
    from fieldkit.enrolment.service import EnrolmentService
    from fieldkit.quality.autocapture import AutoCapture, CaptureConfig
    from fieldkit.quality.samples import camera_frames
    from tests.security.conftest import PASS, make_kit

    make_kit(data_dir)
    frames = camera_frames(24, (640, 480), seed=1)
    result: dict = {}

    def enrol():  # the capture runs in another thread while the watch is on, as in the app
        capture = AutoCapture(CaptureConfig(consecutive=3))
        for frame in frames:
            _, portrait = capture.feed(frame)
            if portrait is not None:
                result["portrait"] = portrait
                break
        rng = np.random.default_rng(7)
        prints = {f"prints/{i:02d}.wsq": encode_wsq((rng.random((400, 320)) * 255).astype(np.uint8)) for i in range(2)}
        with EnrolmentService(data_dir) as service:
            officer = service.unlock("off", PASS["off"])
            result["ref"] = officer.save_draft({"full_name": "Sùng Thị Mỷ"},
                                               {"face.jp2": result["portrait"].data, **prints})

    with TempWatch(watched_temp) as watch:
        worker = threading.Thread(target=enrol)
        worker.start()
        worker.join(timeout=120)
        seen = watch.events()
    assert not worker.is_alive()
    portrait = result["portrait"]
    assert portrait.format == "jp2" and portrait.data[:12] == b"\0\0\0\x0cjP  \r\n\x87\n"  # JPEG 2000 file
    assert result["ref"].record_id
    assert seen == [], f"files created in the temp folder during the capture: {seen}"
