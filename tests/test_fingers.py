from fieldkit.domain.fingers import CAPTURE_PLAN, Finger, FingerStatus, Slap


def test_capture_plan_is_four_four_two_then_ten_rolled():
    assert CAPTURE_PLAN[:3] == (Slap.RIGHT_FOUR, Slap.LEFT_FOUR, Slap.TWO_THUMBS)
    assert [len(s.fingers) for s in CAPTURE_PLAN[:3]] == [4, 4, 2]
    assert list(CAPTURE_PLAN[3:]) == list(Finger) and len(CAPTURE_PLAN[3:]) == 10


def test_slaps_cover_every_finger_once():
    covered = [f for s in Slap for f in s.fingers]
    assert sorted(covered) == list(Finger)


def test_exceptions_need_reasons():
    assert not FingerStatus.CAPTURED.needs_reason
    assert all(s.needs_reason for s in FingerStatus if s is not FingerStatus.CAPTURED)
    assert Finger.LEFT_RING.hand == "left" and Finger.RIGHT_LITTLE.hand == "right"
