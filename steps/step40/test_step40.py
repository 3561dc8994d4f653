"""Step 40: broadcasting: broadcast_to and sum_to, and + - * / on tensors of different shapes."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array, to_array
from grader.strategies import broadcast_cases, broadcastable_pairs

BOOK_X0 = np.array([1, 2, 3])
BOOK_X1 = np.array([10])


def _check_op(dz, op, x0, x1, todo):
    """check_grad of the operator, with the pair's shapes in the failure message."""
    try:
        check_grad(dz, op, x0, x1, todo=todo)
    except AssertionError as e:
        raise AssertionError(f"x0 shape {x0.shape}, x1 shape {x1.shape}: {e}") from None


@pytest.mark.grade(points=2, todo="step40.1")
@given(pair=broadcastable_pairs())
def test_add_broadcast_grads_match_central_difference(dz, pair):
    """x0 + x1 with broadcast shapes: each grad has its input's shape and agrees with central differences."""
    _check_op(dz, lambda a, b: a + b, *pair, todo="step40.1")


@pytest.mark.grade(points=1, todo="step40.1")
def test_add_book_broadcast(dz):
    """The book's [1, 2, 3] + [10] is variable([11 12 13]), and backprop gives x1 the grad variable([3])."""
    x0, x1 = dz.Variable(BOOK_X0.copy()), dz.Variable(BOOK_X1.copy())
    y = x0 + x1
    assert to_array(y).tolist() == [11, 12, 13], f"x0 + x1 is {to_array(y)!r}, expected [11 12 13]"
    y.backward()
    g = grad_as_array(x1)
    assert g is not None and g.shape == (1,), f"x1.grad is {g!r}, expected an array of shape (1,)"
    assert g.tolist() == [3], f"x1.grad is {g!r}, expected [3]: the three copies of x1 each get 1"
    assert grad_as_array(x0).tolist() == [1, 1, 1], f"x0.grad is {grad_as_array(x0)!r}, expected [1 1 1]"


@pytest.mark.grade(points=2, todo="step40.2")
@given(pair=broadcastable_pairs())
def test_mul_broadcast_grads_match_central_difference(dz, pair):
    """x0 * x1 with broadcast shapes: each grad has its input's shape and agrees with central differences."""
    _check_op(dz, lambda a, b: a * b, *pair, todo="step40.2")


@pytest.mark.grade(points=2, todo="step40.3")
@given(pair=broadcastable_pairs())
def test_sub_broadcast_grads_match_central_difference(dz, pair):
    """x0 - x1 with broadcast shapes: each grad has its input's shape and agrees with central differences."""
    _check_op(dz, lambda a, b: a - b, *pair, todo="step40.3")


@pytest.mark.grade(points=2, todo="step40.4")
@given(pair=broadcastable_pairs(lo=0.5, hi=3.0))
def test_div_broadcast_grads_match_central_difference(dz, pair):
    """x0 / x1 with broadcast shapes (x1 in [0.5, 3]): grads of the inputs' shapes, as central differences."""
    _check_op(dz, lambda a, b: a / b, *pair, todo="step40.4")


@pytest.mark.grade(points=1)
@given(case=broadcast_cases())
@example(case=(np.array([1.0, 2.0, 3.0]), np.zeros((2, 3))))
def test_sum_to_of_broadcast_to_multiplies_by_copies(dz, case):
    """sum_to(broadcast_to(x, shape), x.shape) is x times the number of copies broadcast_to made."""
    x, big = case
    y = dz.functions.sum_to(dz.functions.broadcast_to(dz.Variable(x.copy()), big.shape), x.shape)
    got, copies = to_array(y), big.size // x.size
    assert got.shape == x.shape, f"the round trip via {big.shape} has shape {got.shape}, not {x.shape}"
    assert np.allclose(got, x * copies, rtol=1e-12, atol=1e-12), (
        f"the round trip to {big.shape} and back gives\n{got!r}\nexpected x * {copies} =\n{x * copies!r}")


@pytest.mark.grade(points=1)
@given(case=broadcast_cases())
def test_broadcast_to_grad_matches_central_difference(dz, case):
    """The grad of broadcast_to(x, shape) is sum_to of the upstream grad: x's shape, central differences."""
    x, big = case
    check_grad(dz, lambda v: dz.functions.broadcast_to(v, big.shape), x)


@pytest.mark.grade(points=1)
@given(case=broadcast_cases())
@example(case=(np.zeros((1, 3)), np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])))
def test_sum_to_grad_matches_central_difference(dz, case):
    """The grad of sum_to(x, shape) is broadcast_to of the upstream grad: x's shape, central differences."""
    x, big = case
    check_grad(dz, lambda v: dz.functions.sum_to(v, x.shape), big)
