"""The message a failing test gets on the scorecard: what went wrong, said once."""

from pathlib import Path

import pytest

from grader import verdict
from grader.results import Outcome


def _failure(check):
    try:
        check()
    except BaseException as exc:  # noqa: BLE001 - whatever the check raised is the subject
        return verdict.classify(exc, Path("."))
    raise AssertionError("the check passed")


def test_an_approx_comparison_shows_its_values_once():
    def check():
        assert 8.000000000008 == pytest.approx(4.0)

    outcome, todo, message = _failure(check)
    assert (outcome, todo) == (Outcome.FAILED, None)
    assert message.splitlines() == ["assert 8.000000000008 == 4.0 ± 4.0e-06"]


def test_our_own_message_drops_pytest_echo_of_the_expression():
    def check():
        got = 3
        assert got == 4, "backprop gives 3, central difference gives 4"

    assert _failure(check)[2] == "backprop gives 3, central difference gives 4"


def test_a_todo_not_started_is_not_a_failure():
    def check():
        raise NotImplementedError("TODO(step04.2): compute the central difference")

    outcome, todo, message = _failure(check)
    assert (outcome, todo) == (Outcome.NOT_STARTED, "step04.2")
    assert message.startswith("not started: ")
