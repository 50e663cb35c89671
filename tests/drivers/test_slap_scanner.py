"""The slap scanner: FKSP/1 codec, and the driver against its simulator on a pty, with every fault."""

from __future__ import annotations

import random

import numpy as np
import pytest

from drivers.errors import (CaptureRejected, DeviceAccessDenied, DeviceBusy, DeviceDisconnected, DeviceError,
                            DeviceTimeout, ProtocolError)
from drivers.fingerprint import slap_protocol as sp
from drivers.fingerprint.scanner import FingerprintScanner
from drivers.fingerprint.slap_scanner import SlapScanner
from drivers.fingerprint.slap_simulator import SlapSimulator, slap_layout
from drivers.registry import open_device
from fieldkit.domain.fingers import Finger, Slap

pytestmark = pytest.mark.usefixtures("no_leftover_threads")


@pytest.fixture
def slap_sim():
    sim = SlapSimulator("instant", image_source="placeholder")
    yield sim
    sim.close()


@pytest.fixture
def slap_scanner(slap_sim):
    scanner = SlapScanner(slap_sim.path, timeout=0.5)
    yield scanner
    scanner.close()


def test_codec_round_trip_and_crc_check():
    frame = sp.encode_frame(sp.INFO, 7, b'{"a":1}')
    reader = sp.SlapFrameReader()
    reader.feed(b"\x00\x13" + frame)
    assert reader.next_frame() == sp.Frame(sp.INFO, 7, b'{"a":1}')
    bad = bytearray(frame)
    bad[-1] ^= 1
    reader.feed(bytes(bad) + frame)
    with pytest.raises(ProtocolError, match="CRC mismatch"):
        reader.next_frame()
    assert reader.next_frame().seq == 7


def test_codec_fuzz_raises_only_protocol_errors():
    rng = random.Random(3)
    good = sp.encode_frame(sp.IMAGE_DATA, 1, bytes(200))
    for _ in range(3000):
        data = bytearray(good)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        reader = sp.SlapFrameReader()
        reader.feed(bytes(data[:rng.randrange(len(data) + 1)]) + rng.randbytes(rng.randrange(50)))
        for _ in range(100):
            try:
                if reader.next_frame() is None:
                    break
            except ProtocolError:
                continue


def test_four_finger_slap_with_segments(slap_scanner, slap_sim):
    slap_sim.present_hand("synthetic-person-1", missing=(Finger.RIGHT_LITTLE,))
    capture = slap_scanner.capture_slap(Slap.RIGHT_FOUR, timeout=2)
    assert isinstance(slap_scanner, FingerprintScanner) and slap_scanner.capabilities.slap
    assert capture.image.shape == (1500, 1600) and capture.image.dtype == np.uint8 and capture.ppi == 500
    np.testing.assert_array_equal(capture.image, slap_sim.model.last_image)
    assert [(s.finger, s.box) for s in capture.segments] == slap_layout(Slap.RIGHT_FOUR)
    assert capture.missing == (Finger.RIGHT_LITTLE,)
    x, y, w, h = capture.segment(Finger.RIGHT_INDEX).box
    np.testing.assert_array_equal(capture.segment(Finger.RIGHT_INDEX).image, capture.image[y:y + h, x:x + w])
    assert capture.segment(Finger.RIGHT_INDEX).image.min() < 100  # ridges are there


def test_thumbs_and_rolled_capture(slap_scanner, slap_sim):
    slap_sim.present_hand("synthetic-person-2")
    thumbs = slap_scanner.capture_slap(Slap.TWO_THUMBS, timeout=2)
    assert [s.finger for s in thumbs.segments] == [Finger.LEFT_THUMB, Finger.RIGHT_THUMB]
    rolled = slap_scanner.capture_rolled(Finger.LEFT_INDEX, timeout=2)
    assert rolled.image.shape == (750, 800) and rolled.bit_depth == 8


def test_empty_platen_is_rejected_after_timeout(slap_scanner):
    with pytest.raises(CaptureRejected, match="nothing on the platen within 0.3 s"):
        slap_scanner.capture_slap(Slap.LEFT_FOUR, timeout=0.3)


@pytest.mark.parametrize("fault,error,message", [
    ("checksum", ProtocolError, "CRC mismatch"),
    ("timeout", DeviceTimeout, "no answer within 0.5 s"),
    ("garbage", ProtocolError, "no complete frame"),
    ("disconnect", DeviceDisconnected, "failed"),
])
def test_capture_faults_and_recovery(slap_scanner, slap_sim, wait_for, fault, error, message):
    slap_sim.present_hand("synthetic-person-3")
    slap_sim.faults.set(fault, times=1)
    with pytest.raises(error, match=message):
        slap_scanner.capture_slap(Slap.RIGHT_FOUR, timeout=2)
    wait_for(lambda: slap_sim.plugged)
    assert slap_scanner.capture_slap(Slap.RIGHT_FOUR, timeout=2).image.shape == (1500, 1600)


def test_access_key_and_busy_faults():
    sim = SlapSimulator("instant", image_source="placeholder", transport="memory", faults="password*1")
    try:
        with pytest.raises(DeviceAccessDenied, match="wrong access key"):
            SlapScanner(sim.path, timeout=0.5)
        sim.faults.set("busy")
        with pytest.raises(DeviceBusy):
            SlapScanner(sim.path, timeout=0.5)
        sim.faults.clear()
        with SlapScanner(sim.path, timeout=0.5) as scanner:
            assert scanner.hello()["ppi"] == 500
    finally:
        sim.close()


def test_open_from_spec_and_self_test():
    scanner = open_device("slap:sim:instant?transport=memory&images=placeholder")
    try:
        report = scanner.self_test()
        assert report["ok"] and report["ppi"] == 500
        with pytest.raises(DeviceError):
            scanner.capture_rolled(Finger.LEFT_INDEX, timeout=0.2)
    finally:
        scanner.close()


# --- the default profile behaves like a good USB slap scanner (issue 13 item 9); its speed is in `fieldkit bench`

def test_default_profile_captures_4_4_2_on_first_tries_with_per_finger_quality():
    from fieldkit.biometrics.fp_quality import DEFAULT_MINIMUM, assess_print

    scanner = open_device("slap:sim:normal")
    try:
        assert scanner.simulator.profile["name"] == "normal"
        for person in ("slap-default-1", "slap-default-2", "slap-default-3"):
            for slap in Slap:
                scanner.simulator.present_hand(person, "good")
                capture = scanner.capture_slap(slap, timeout=10)   # raises "did not settle" on a miss
                assert [s.finger for s in capture.segments] == list(slap.fingers)
                scores = [assess_print(s.image).score for s in capture.segments]
                assert all(s.present and s.image is not None for s in capture.segments)
                assert min(scores) >= DEFAULT_MINIMUM, (person, slap.name, scores)
    finally:
        scanner.close()


def test_hard_lab_profile_makes_a_short_timeout_run_out():
    scanner = open_device("slap:sim:hard?images=placeholder")
    try:
        scanner.simulator.present_hand("slap-hard-1", "good")
        with pytest.raises(CaptureRejected, match="did not settle"):
            scanner.capture_slap(Slap.TWO_THUMBS, timeout=1.0)
    finally:
        scanner.close()


def test_a_newer_render_cancels_stale_ones_that_have_not_started():
    from drivers.sim.render import BackgroundRenderer

    renderer = BackgroundRenderer("test")
    gate, ran = __import__("threading").Event(), []
    try:
        renderer.start("busy", lambda: gate.wait(5))
        renderer.start("stale", lambda: ran.append("stale"))
        assert renderer.get("fresh", lambda: ran.append("fresh") or "ok") is None
        gate.set()
        assert renderer.wait("fresh", 5) == "ok"
        assert ran == ["fresh"]
    finally:
        gate.set()
        renderer.close()


def test_pacing_off_skips_the_emulated_settle_time():
    scanner = open_device("slap:sim:hard?images=placeholder&pacing=0")
    try:
        scanner.simulator.present_hand("slap-hard-2", "good")
        assert scanner.capture_slap(Slap.TWO_THUMBS, timeout=2.0).segments
    finally:
        scanner.close()
