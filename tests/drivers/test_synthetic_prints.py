"""Synthetic fingerprints: deterministic per (person, finger), controllable conditions, slaps, UART window."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest

from drivers.synthetic.fingerprints import (CONDITIONS, SLAP_SHAPE, UART_SHAPE, downsample_for_uart, master_print,
                                            synthesize_print, synthesize_slap)
from fieldkit.domain.fingers import SLAP_FINGERS, Slap


def test_same_arguments_give_identical_pixels():
    a = synthesize_print("syn-a", 2, impression=1)
    b = synthesize_print("syn-a", 2, impression=1)
    assert a.dtype == np.uint8 and a.shape == (480, 400)
    assert np.array_equal(a, b)


def test_other_person_finger_or_impression_differ():
    base = synthesize_print("syn-a", 2)
    assert np.mean(base != synthesize_print("syn-b", 2)) > 0.5
    assert np.mean(base != synthesize_print("syn-a", 3)) > 0.5
    other_press = synthesize_print("syn-a", 2, impression=1)
    assert not np.array_equal(base, other_press)


def test_master_is_the_same_in_another_process():
    # seeds come from sha256, not Python's salted hash(): a fresh interpreter must draw the same finger
    code = ("import hashlib; from drivers.synthetic.fingerprints import synthesize_print as s; "
            "print(hashlib.sha256(s('syn-a', 2).tobytes()).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == hashlib.sha256(synthesize_print("syn-a", 2).tobytes()).hexdigest()


def test_prints_have_dark_ridges_on_light_background():
    image = synthesize_print("syn-a", 2)
    assert image[:8, :].mean() > 200            # platen above the fingertip
    centre = image[200:280, 160:240]
    assert centre.min() < 90 and centre.max() > 180   # ridges and valleys both present
    assert master_print("syn-a", 2).pattern in ("arch", "tented_arch", "left_loop", "right_loop", "whorl")


@pytest.mark.parametrize("condition", CONDITIONS)
def test_every_condition_renders(condition):
    image = synthesize_print("syn-a", 2, condition=condition, size=(300, 260))
    assert image.shape == (300, 260) and image.dtype == np.uint8


def test_no_finger_is_a_flat_platen_and_dry_is_faint():
    blank = synthesize_print("syn-a", 2, condition="no_finger")
    assert blank.std() < 12 and blank.mean() > 200
    good, dry = synthesize_print("syn-a", 2), synthesize_print("syn-a", 2, condition="dry")
    assert dry.mean() > good.mean() + 30


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="unknown condition"):
        synthesize_print("syn-a", 2, condition="greasy")
    with pytest.raises(ValueError, match="size"):
        synthesize_print("syn-a", 2, size=(2000, 400))


@pytest.mark.parametrize("slap", [Slap.TWO_THUMBS, Slap.RIGHT_FOUR])
def test_slap_places_each_finger_in_its_box(slap):
    image, boxes = synthesize_slap("syn-a", int(slap))
    assert image.shape == SLAP_SHAPE and image.dtype == np.uint8
    assert [finger for finger, _ in boxes] == [int(f) for f in SLAP_FINGERS[slap]]
    xs = [box[0] for _, box in boxes]
    assert xs == sorted(xs)                     # left to right as on the platen
    for _, (x, y, w, h) in boxes:
        assert 0 <= x and x + w <= image.shape[1] and 0 <= y and y + h <= image.shape[0]
        assert image[y:y + h, x:x + w].min() < 100       # ridges inside every box


def test_uart_window_is_256_by_288_with_16_grey_levels():
    window = downsample_for_uart(synthesize_print("syn-a", 2))
    assert window.shape == UART_SHAPE == (288, 256)
    assert set(np.unique(window) % 17) == {0}
    assert len(np.unique(window)) > 6
    small = downsample_for_uart(np.zeros((100, 100), np.uint8))
    assert small.shape == (288, 256) and small[0, 0] > 200 and small[144, 128] == 0   # padded with platen grey


def test_simulator_image_source_aliases():
    # the scanner simulators call source(person, finger, condition=..., size=..., seed_offset=...)
    assert np.array_equal(synthesize_print("syn-a", 2, seed_offset=4, size=(288, 256)),
                          synthesize_print("syn-a", 2, impression=4, size=(288, 256)))
    assert np.array_equal(synthesize_print("syn-a", 2, condition="none"), synthesize_print("syn-a", 2, condition="no_finger"))
