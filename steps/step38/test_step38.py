"""Step 38: functions that change a tensor's shape: reshape and transpose, and their grads."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import check_grad, grad_as_array, to_array
from grader.strategies import arrays

BOOK_X = np.array([[1, 2, 3], [4, 5, 6]])


def _prime_factors(n):
    out, p = [], 2
    while n > 1:
        while n % p == 0:
            out, n = out + [p], n // p
        p += 1
    return out


@st.composite
def reshape_cases(draw):
    """(x, shape): a float64 array and a different shape of the same size (its prime factors regrouped).

    Belongs in grader.strategies (STYLE B5); kept here until it moves.
    """
    x = draw(arrays())
    factors = _prime_factors(x.size)
    ndim = draw(st.integers(1, 3))
    bins = [draw(st.integers(0, ndim - 1)) for _ in factors]
    shape = tuple(int(np.prod([f for f, b in zip(factors, bins, strict=True) if b == d], dtype=int))
                  for d in range(ndim))
    return x, shape if shape != x.shape else (1, *shape)


@st.composite
def transpose_cases(draw):
    """(x, axes): a float64 array and None or a permutation of its axes, some written negative.

    Belongs in grader.strategies (STYLE B5); kept here until it moves.
    """
    x = draw(arrays())
    if not draw(st.booleans()):
        return x, None
    perm = draw(st.permutations(range(x.ndim)))
    negative = draw(st.lists(st.booleans(), min_size=x.ndim, max_size=x.ndim))
    return x, tuple(a - x.ndim if n else a for a, n in zip(perm, negative, strict=True))


def _assert_equal(got, expected, what):
    """got (a Variable or array) has expected's shape and values (to 1e-12)."""
    assert got is not None, f"{what} is None"
    got, expected = to_array(got), np.asarray(expected)
    assert got.shape == expected.shape, f"{what} has shape {got.shape}, expected {expected.shape}"
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12), f"{what} is\n{got!r}\nexpected\n{expected!r}"


@pytest.mark.grade(points=2, todo="step38.1")
@given(case=reshape_cases())
@example(case=(BOOK_X, (6,)))
def test_reshape_matches_numpy(dz, case):
    """functions.reshape(x, shape) gives numpy's x.reshape(shape)."""
    x, shape = case
    _assert_equal(dz.functions.reshape(dz.Variable(x), shape), x.reshape(shape), f"reshape(x, {shape})")


@pytest.mark.grade(points=1, todo="step38.2")
@given(case=reshape_cases())
@example(case=(BOOK_X, (6,)))
def test_reshape_grad_has_input_shape(dz, case):
    """Backprop from reshape(x, shape) gives x a grad of ones in x's shape (the book: a 2x3 of ones)."""
    x, shape = case
    v = dz.Variable(x)
    dz.functions.reshape(v, shape).backward()
    _assert_equal(grad_as_array(v), np.ones_like(x), f"x.grad after reshape to {shape}")


@pytest.mark.grade(points=2, todo="step38.2")
@given(case=reshape_cases())
def test_reshape_grad_matches_central_difference(dz, case):
    """Backprop through reshape, from a random upstream grad, agrees with central differences."""
    x, shape = case
    check_grad(dz, lambda v: dz.functions.reshape(v, shape), x, todo="step38.2")


@pytest.mark.grade(points=2, todo="step38.3")
@given(case=transpose_cases())
@example(case=(BOOK_X, None))
def test_transpose_matches_numpy(dz, case):
    """functions.transpose(x, axes) gives numpy's transpose, reversed axes when axes is None."""
    x, axes = case
    y = dz.functions.transpose(dz.Variable(x), axes)
    _assert_equal(y, np.transpose(x, axes), f"transpose(x, {axes})")


@pytest.mark.grade(points=1, todo="step38.4")
@given(case=transpose_cases())
@example(case=(BOOK_X, None))
def test_transpose_grad_has_input_shape(dz, case):
    """Backprop from transpose(x, axes) gives x a grad of ones in x's shape (the book: a 2x3 of ones)."""
    x, axes = case
    v = dz.Variable(x)
    dz.functions.transpose(v, axes).backward()
    _assert_equal(grad_as_array(v), np.ones_like(x), f"x.grad after transpose with axes={axes}")


@pytest.mark.grade(points=2, todo="step38.4")
@given(case=transpose_cases())
def test_transpose_grad_matches_central_difference(dz, case):
    """Backprop through transpose (any permutation, negative axes too) agrees with central differences."""
    x, axes = case
    check_grad(dz, lambda v: dz.functions.transpose(v, axes), x, todo="step38.4")


@pytest.mark.grade(points=2, todo="step38.5")
@given(case=reshape_cases())
@example(case=(BOOK_X, (3, 2)))
def test_variable_reshape_takes_tuple_or_ints(dz, case):
    """x.reshape(shape) and x.reshape(*shape) both give numpy's reshape, and x's grad has x's shape."""
    x, shape = case
    forms = {"a tuple": lambda v: v.reshape(shape), "separate ints": lambda v: v.reshape(*shape)}
    for form, call in forms.items():
        v = dz.Variable(x)
        y = call(v)
        _assert_equal(y, x.reshape(shape), f"x.reshape with {form} {shape}")
        y.backward()
        _assert_equal(grad_as_array(v), np.ones_like(x), f"x.grad after x.reshape with {form}")


@pytest.mark.grade(points=2, todo="step38.6")
@given(case=transpose_cases())
@example(case=(BOOK_X, (1, 0)))
def test_variable_transpose_forms_match_numpy(dz, case):
    """x.transpose(), x.transpose(*axes), x.transpose(axes) and x.T give numpy's results."""
    x, axes = case
    axes = axes if axes is not None else tuple(reversed(range(x.ndim)))
    forms = {"x.transpose()": (lambda v: v.transpose(), x.T), "x.T": (lambda v: v.T, x.T),
             f"x.transpose{axes}": (lambda v: v.transpose(axes), np.transpose(x, axes)),
             f"x.transpose(*{axes})": (lambda v: v.transpose(*axes), np.transpose(x, axes))}
    for form, (call, expected) in forms.items():
        v = dz.Variable(x)
        y = call(v)
        _assert_equal(y, expected, form)
        y.backward()
        _assert_equal(grad_as_array(v), np.ones_like(x), f"x.grad after {form}")
