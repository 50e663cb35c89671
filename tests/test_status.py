import itertools

import pytest

from fieldkit.domain.status import FINAL, TRANSITIONS, IllegalTransition, Status, can_transition, transition


def test_happy_path():
    path = ["draft", "captured", "pending_review", "approved", "sealed", "uploading", "acknowledged"]
    current = Status.DRAFT
    for target in path[1:]:
        current = transition(current, target)
    assert current is Status.ACKNOWLEDGED


@pytest.mark.parametrize("current,target", [(a, b) for a, b in itertools.product(Status, Status)
                                            if b not in TRANSITIONS[a]])
def test_every_illegal_transition_raises(current, target):
    with pytest.raises(IllegalTransition):
        transition(current, target)
    assert not can_transition(current, target)


def test_final_states_and_no_way_back_from_sealed():
    assert FINAL == {Status.ACKNOWLEDGED, Status.REJECTED, Status.VOIDED}
    assert not can_transition("sealed", "draft")
    assert not can_transition("sealed", "voided")  # a sealed packet can only travel on
