"""Step 39: sum over all elements or along axes, keepdims, and its grad copied back."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import assert_array_close, check_grad, grad_as_array, seed_grad, to_array
from grader.strategies import sum_cases

BOOK_V = np.array([1, 2, 3, 4, 5, 6])
BOOK_M = np.array([[1, 2, 3], [4, 5, 6]])


def _call(axis, keepdims):
    return f"sum(x, axis={axis}, keepdims={keepdims})"


@pytest.mark.grade(points=2, todo="step39.1")
@given(case=sum_cases())
@example(case=(BOOK_V, None, False))
@example(case=(BOOK_M, 0, False))
def test_sum_matches_numpy(dz, case):
    """functions.sum(x, axis, keepdims) gives numpy's sum, for axis None, an int or a tuple."""
    x, axis, keepdims = case
    y = dz.functions.sum(dz.Variable(x.copy()), axis=axis, keepdims=keepdims)
    assert_array_close(y, x.sum(axis=axis, keepdims=keepdims), _call(axis, keepdims), atol=1e-9)


@pytest.mark.grade(points=2, todo="step39.2")
@given(case=sum_cases())
@example(case=(BOOK_V, None, False))
@example(case=(BOOK_M, 0, False))
def test_sum_grad_has_input_shape(dz, case):
    """Backprop from sum(x, axis, keepdims) gives x a grad of ones in x's shape (the book's ones)."""
    x, axis, keepdims = case
    v = dz.Variable(x.copy())
    dz.functions.sum(v, axis=axis, keepdims=keepdims).backward()
    assert_array_close(grad_as_array(v), np.ones_like(x), f"x.grad after {_call(axis, keepdims)}", atol=1e-9)


@pytest.mark.grade(points=2, todo="step39.2")
@given(case=sum_cases())
def test_sum_grad_matches_central_difference(dz, case):
    """Backprop through sum, from a random upstream grad, agrees with central differences."""
    x, axis, keepdims = case
    check_grad(dz, lambda v: dz.functions.sum(v, axis=axis, keepdims=keepdims), x, todo="step39.2")


@pytest.mark.grade(points=1, todo="step39.2")
@given(case=sum_cases())
def test_sum_grad_is_upstream_grad_copied_back(dz, case):
    """x.grad is the sum's upstream grad gy, copied back over every summed axis."""
    x, axis, keepdims = case
    v = dz.Variable(x.copy())
    y = dz.functions.sum(v, axis=axis, keepdims=keepdims)
    gy = np.arange(1.0, to_array(y).size + 1).reshape(to_array(y).shape)
    seed_grad(dz, y, gy.copy())  # the test keeps gy itself for the expectation
    y.backward()
    expected = np.broadcast_to(gy.reshape(x.sum(axis=axis, keepdims=True).shape), x.shape)
    what = f"x.grad after {_call(axis, keepdims)} from gy = {gy!r}"
    assert_array_close(grad_as_array(v), expected, what, atol=1e-9)


@pytest.mark.grade(points=2, todo="step39.3")
@given(case=sum_cases())
@example(case=(BOOK_M, 0, False))
def test_variable_sum_matches_function(dz, case):
    """x.sum(axis, keepdims) gives numpy's sum, and backprop from it gives x a grad of ones in x's shape."""
    x, axis, keepdims = case
    v = dz.Variable(x.copy())
    y = v.sum(axis=axis, keepdims=keepdims)
    call = f"x.sum(axis={axis}, keepdims={keepdims})"
    assert_array_close(y, x.sum(axis=axis, keepdims=keepdims), call, atol=1e-9)
    y.backward()
    assert_array_close(grad_as_array(v), np.ones_like(x), f"x.grad after {call}", atol=1e-9)


@pytest.mark.grade(points=1, todo="step39.3")
def test_variable_sum_book_cases(dz):
    """The book: x.sum() of [[1, 2, 3], [4, 5, 6]] is 21, x.sum(keepdims=True) of a 2x3x4x5 is 1x1x1x1."""
    got = dz.Variable(BOOK_M.copy()).sum()
    assert_array_close(got, np.array(21), "x.sum() for x = [[1, 2, 3], [4, 5, 6]]", atol=1e-9)
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    y = dz.Variable(x.copy()).sum(keepdims=True)
    assert_array_close(y, x.sum(keepdims=True), "x.sum(keepdims=True) for x of shape (2, 3, 4, 5)", atol=1e-9)
