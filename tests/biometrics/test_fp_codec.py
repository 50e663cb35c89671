"""WSQ round trip for packets, and clear errors on bad input."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.synthetic.fingerprints import downsample_for_uart, synthesize_print
from fieldkit.biometrics.fp_codec import WsqError, decode_wsq, encode_wsq, psnr


@pytest.mark.parametrize("make", [lambda: synthesize_print("syn-a", 2), lambda: downsample_for_uart(synthesize_print("syn-a", 2))])
def test_round_trip_keeps_shape_and_quality(make):
    image = make()
    data = encode_wsq(image)
    back = decode_wsq(data)
    assert back.shape == image.shape and back.dtype == np.uint8
    assert psnr(image, back) > 25.0
    assert image.size / len(data) > 8       # WSQ at 0.75 bpp: ~10-15:1 on prints


@pytest.mark.parametrize("bad", [np.zeros((64, 64, 3), np.uint8), np.zeros((64, 64), np.uint16),
                                 np.zeros((8, 8), np.uint8), b"raw bytes"])
def test_encode_refuses_what_wsq_cannot_hold(bad):
    with pytest.raises(WsqError):
        encode_wsq(bad)


def test_decode_refuses_garbage_and_truncation():
    data = encode_wsq(synthesize_print("syn-a", 2))
    for bad in (b"", b"PNG....", data[:100], data[:len(data) // 2]):
        with pytest.raises(WsqError):
            decode_wsq(bad)


def test_psnr_of_identical_images_is_infinite():
    a = np.full((40, 40), 128, np.uint8)
    assert psnr(a, a) == float("inf")
    with pytest.raises(ValueError):
        psnr(a, a[:10])
