"""Step 10: the book's unit tests pass on square and fail on broken versions of it.

These tests test the student's tests: each SquareTest method runs against the module's
own square, then against Square with a deliberate bug (patched in, undone afterwards).
"""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, to_array
from grader.strategies import arrays


def _run(dz, method):
    """Run one SquareTest method: '' if it passed, else what went wrong (a failure or an error)."""
    square_test = dz.SquareTest  # outside the try: a target without it is not applicable
    try:
        square_test(method).debug()  # unlike run(), debug() lets exceptions through
    except NotImplementedError as exc:
        if "TODO(" in str(exc):
            raise  # a TODO not started yet: report it as such
        return f"NotImplementedError: {exc}"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()
    return ""


def _square(dz):
    """dz.Square, to be patched; only where the step's SquareTest exists (else not applicable)."""
    assert dz.SquareTest is not None
    return dz.Square


def _break_forward(dz, monkeypatch):
    monkeypatch.setattr(_square(dz), "forward", lambda self, x: x * 3)


def _break_backward(dz, monkeypatch):
    backward = _square(dz).backward
    monkeypatch.setattr(_square(dz), "backward", lambda self, gy: backward(self, gy) / 2)


@pytest.mark.grade(points=1, todo="step10.1")
def test_square_test_forward_passes_on_square(dz):
    """SquareTest.test_forward passes on the correct square."""
    problem = _run(dz, "test_forward")
    assert not problem, f"test_forward fails although square is correct: {problem}"


@pytest.mark.grade(points=2, todo="step10.1")
def test_square_test_forward_catches_wrong_forward(dz, monkeypatch):
    """SquareTest.test_forward fails when Square.forward returns 3x instead of x ** 2."""
    _break_forward(dz, monkeypatch)
    assert _run(dz, "test_forward"), "test_forward passes although square(2.0) now gives 6.0"


@pytest.mark.grade(points=1, todo="step10.2")
def test_square_test_backward_passes_on_square(dz):
    """SquareTest.test_backward passes on the correct square."""
    problem = _run(dz, "test_backward")
    assert not problem, f"test_backward fails although square is correct: {problem}"


@pytest.mark.grade(points=2, todo="step10.2")
def test_square_test_backward_catches_wrong_backward(dz, monkeypatch):
    """SquareTest.test_backward fails when Square.backward returns x * gy instead of 2x * gy."""
    _break_backward(dz, monkeypatch)
    assert _run(dz, "test_backward"), "test_backward passes although the grad at 3.0 is now 3.0"


@pytest.mark.grade(points=1, todo="step10.3")
def test_square_test_gradient_check_passes_on_square(dz):
    """SquareTest.test_gradient_check passes on the correct square."""
    problem = _run(dz, "test_gradient_check")
    assert not problem, f"test_gradient_check fails although square is correct: {problem}"


@pytest.mark.grade(points=2, todo="step10.3")
def test_square_test_gradient_check_catches_wrong_backward(dz, monkeypatch):
    """SquareTest.test_gradient_check fails when Square.backward returns x * gy instead of 2x * gy."""
    _break_backward(dz, monkeypatch)
    assert _run(dz, "test_gradient_check"), (
        "test_gradient_check passes although backward now disagrees with numerical_diff")


@pytest.mark.grade(points=1, todo="step10.3")
def test_square_test_gradient_check_compares_with_numerical_diff(dz, monkeypatch):
    """SquareTest.test_gradient_check passes for any forward/backward pair that agree (x**3, 3x**2)."""
    monkeypatch.setattr(_square(dz), "forward", lambda self, x: x**3)
    monkeypatch.setattr(_square(dz), "backward", lambda self, gy: 3 * self.input.data**2 * gy)
    problem = _run(dz, "test_gradient_check")
    assert not problem, (
        f"test_gradient_check should compare backprop with numerical_diff, not with 2x: {problem}")


@pytest.mark.grade(points=2, todo="step09.6")
@given(a=arrays(shape=(3,), lo=0, hi=1))
@example(a=np.array([0.5, 0.25, 0.75]))
def test_numerical_diff_matches_backprop_elementwise(dz, a):
    """The gradient check itself: on 1-d data numerical_diff(square, x) agrees with backprop elementwise."""
    x = dz.Variable(a.copy())
    numeric = to_array(dz.numerical_diff(dz.square, x))
    np.testing.assert_allclose(numeric, 2 * a, rtol=1e-6, atol=1e-8)
    check_grad(dz, dz.square, a)
