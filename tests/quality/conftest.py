"""Session fixtures: the good portrait and its landmarks are computed once (dlib is the slow part)."""

from __future__ import annotations

import pytest

from fieldkit.quality import defects
from fieldkit.quality.landmarks import find_faces


@pytest.fixture(scope="session")
def good():
    """(image, person mask) of the ICAO-style portrait of a real face (grace_hopper) on a plain background."""
    image, mask = defects.good_portrait()
    image.setflags(write=False)  # shared by many tests: nobody may change it
    return image, mask


@pytest.fixture(scope="session")
def good_face(good):
    faces = find_faces(good[0])
    assert len(faces) == 1
    return faces[0]
