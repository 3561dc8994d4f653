"""Step 39: sum over all elements or along axes, keepdims, and its grad copied back."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import check_grad, grad_as_array, seed_grad, to_array
from grader.strategies import arrays

BOOK_V = np.array([1, 2, 3, 4, 5, 6])
BOOK_M = np.array([[1, 2, 3], [4, 5, 6]])


@st.composite
def sum_cases(draw):
    """(x, axis, keepdims): a float64 array and a sum's arguments: axis None, an int or a tuple of
    distinct axes, any of them written negative.

    Belongs in grader.strategies (STYLE B5); kept here until it moves.
    """
    x = draw(arrays())
    keepdims = draw(st.booleans())
    kind = draw(st.sampled_from(["none", "int", "tuple"] if x.ndim else ["none"]))
    if kind == "none":
        return x, None, keepdims
    if kind == "int":
        return x, draw(st.integers(-x.ndim, x.ndim - 1)), keepdims
    axes = draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True))
    negative = draw(st.lists(st.booleans(), min_size=len(axes), max_size=len(axes)))
    return x, tuple(a - x.ndim if n else a for a, n in zip(axes, negative, strict=True)), keepdims


def _assert_equal(got, expected, what):
    """got (a Variable or array) has expected's shape and values (to 1e-12)."""
    assert got is not None, f"{what} is None"
    got, expected = to_array(got), np.asarray(expected)
    assert got.shape == expected.shape, f"{what} has shape {got.shape}, expected {expected.shape}"
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-9), f"{what} is\n{got!r}\nexpected\n{expected!r}"


def _call(axis, keepdims):
    return f"sum(x, axis={axis}, keepdims={keepdims})"


@pytest.mark.grade(points=2, todo="step39.1")
@given(case=sum_cases())
@example(case=(BOOK_V, None, False))
@example(case=(BOOK_M, 0, False))
def test_sum_matches_numpy(dz, case):
    """functions.sum(x, axis, keepdims) gives numpy's sum, for axis None, an int or a tuple."""
    x, axis, keepdims = case
    y = dz.functions.sum(dz.Variable(x), axis=axis, keepdims=keepdims)
    _assert_equal(y, x.sum(axis=axis, keepdims=keepdims), _call(axis, keepdims))


@pytest.mark.grade(points=2, todo="step39.2")
@given(case=sum_cases())
@example(case=(BOOK_V, None, False))
@example(case=(BOOK_M, 0, False))
def test_sum_grad_has_input_shape(dz, case):
    """Backprop from sum(x, axis, keepdims) gives x a grad of ones in x's shape (the book's ones)."""
    x, axis, keepdims = case
    v = dz.Variable(x)
    dz.functions.sum(v, axis=axis, keepdims=keepdims).backward()
    _assert_equal(grad_as_array(v), np.ones_like(x), f"x.grad after {_call(axis, keepdims)}")


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
    v = dz.Variable(x)
    y = dz.functions.sum(v, axis=axis, keepdims=keepdims)
    gy = np.arange(1.0, to_array(y).size + 1).reshape(to_array(y).shape)
    seed_grad(dz, y, gy)
    y.backward()
    expected = np.broadcast_to(gy.reshape(x.sum(axis=axis, keepdims=True).shape), x.shape)
    _assert_equal(grad_as_array(v), expected, f"x.grad after {_call(axis, keepdims)} from gy = {gy!r}")


@pytest.mark.grade(points=2, todo="step39.3")
@given(case=sum_cases())
@example(case=(BOOK_M, 0, False))
def test_variable_sum_matches_function(dz, case):
    """x.sum(axis, keepdims) gives numpy's sum, and backprop from it gives x a grad of ones in x's shape."""
    x, axis, keepdims = case
    v = dz.Variable(x)
    y = v.sum(axis=axis, keepdims=keepdims)
    _assert_equal(y, x.sum(axis=axis, keepdims=keepdims), f"x.sum(axis={axis}, keepdims={keepdims})")
    y.backward()
    _assert_equal(grad_as_array(v), np.ones_like(x), f"x.grad after x.sum(axis={axis}, keepdims={keepdims})")


@pytest.mark.grade(points=1, todo="step39.3")
def test_variable_sum_book_cases(dz):
    """The book: x.sum() of [[1, 2, 3], [4, 5, 6]] is 21, x.sum(keepdims=True) of a 2x3x4x5 is 1x1x1x1."""
    _assert_equal(dz.Variable(BOOK_M).sum(), np.array(21), "x.sum() for x = [[1, 2, 3], [4, 5, 6]]")
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    y = dz.Variable(x).sum(keepdims=True)
    _assert_equal(y, x.sum(keepdims=True), "x.sum(keepdims=True) for x of shape (2, 3, 4, 5)")
