"""Step 38: functions that change a tensor's shape: reshape and transpose, and their grads."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import assert_array_close, check_grad, grad_as_array
from grader.strategies import reshape_cases, transpose_cases

BOOK_X = np.array([[1, 2, 3], [4, 5, 6]])


@pytest.mark.grade(points=2, todo="step38.1")
@given(case=reshape_cases())
@example(case=(BOOK_X, (6,)))
def test_reshape_matches_numpy(dz, case):
    """functions.reshape(x, shape) gives numpy's x.reshape(shape)."""
    x, shape = case
    y = dz.functions.reshape(dz.Variable(x.copy()), shape)
    assert_array_close(y, x.reshape(shape), f"reshape(x, {shape})")


@pytest.mark.grade(points=1, todo="step38.2")
@given(case=reshape_cases())
@example(case=(BOOK_X, (6,)))
def test_reshape_grad_has_input_shape(dz, case):
    """Backprop from reshape(x, shape) gives x a grad of ones in x's shape (the book: a 2x3 of ones)."""
    x, shape = case
    v = dz.Variable(x.copy())
    dz.functions.reshape(v, shape).backward()
    assert_array_close(grad_as_array(v), np.ones_like(x), f"x.grad after reshape to {shape}")


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
    y = dz.functions.transpose(dz.Variable(x.copy()), axes)
    assert_array_close(y, np.transpose(x, axes), f"transpose(x, {axes})")


@pytest.mark.grade(points=1, todo="step38.4")
@given(case=transpose_cases())
@example(case=(BOOK_X, None))
def test_transpose_grad_has_input_shape(dz, case):
    """Backprop from transpose(x, axes) gives x a grad of ones in x's shape (the book: a 2x3 of ones)."""
    x, axes = case
    v = dz.Variable(x.copy())
    dz.functions.transpose(v, axes).backward()
    assert_array_close(grad_as_array(v), np.ones_like(x), f"x.grad after transpose with axes={axes}")


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
        v = dz.Variable(x.copy())  # x.T and the other expectations are views of x
        y = call(v)
        assert_array_close(y, x.reshape(shape), f"x.reshape with {form} {shape}")
        y.backward()
        assert_array_close(grad_as_array(v), np.ones_like(x), f"x.grad after x.reshape with {form}")


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
        v = dz.Variable(x.copy())  # x.T and the other expectations are views of x
        y = call(v)
        assert_array_close(y, expected, form)
        y.backward()
        assert_array_close(grad_as_array(v), np.ones_like(x), f"x.grad after {form}")
