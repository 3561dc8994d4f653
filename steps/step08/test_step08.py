"""Step 8: backward is a loop over a work list, so any chain depth works."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array, seed_grad
from grader.strategies import chain_lengths, floats_in, scalars

DEEP = 10_000  # ten times Python's default recursion limit


def _neg_class(dz):
    class Neg(dz.Function):
        """y = -x; its backward flips the sign of the gradient."""

        def forward(self, x):
            return -x

        def backward(self, gy):
            return -gy

    return Neg


@pytest.mark.grade(points=3, todo="step08.1")
def test_backward_survives_deep_chain(dz):
    """backward() through a chain of 10,000 functions finishes without a RecursionError."""
    Neg = _neg_class(dz)
    x = dz.Variable(np.array(2.0))
    y = x
    for _ in range(DEEP):
        y = Neg()(y)
    seed_grad(dz, y, np.array(1.0))
    try:
        y.backward()
    except RecursionError:
        pytest.fail(f"RecursionError on a chain of {DEEP} functions: backward should loop, not recurse")
    grad = grad_as_array(x)
    assert grad is not None and float(grad) == 1.0, f"x.grad should be 1.0 after {DEEP} sign flips"


@pytest.mark.grade(points=2, todo="step08.1")
@given(depth=chain_lengths(8))
def test_backward_visits_every_function_once(dz, depth):
    """Through n sign flips x.grad is (-1)**n: every function in the chain runs exactly once."""
    Neg = _neg_class(dz)
    x = dz.Variable(np.array(2.0))
    y = x
    for _ in range(depth):
        y = Neg()(y)
    seed_grad(dz, y, np.array(1.0))
    y.backward()
    grad = grad_as_array(x)
    assert grad is not None, "x.grad is still None after y.backward()"
    assert float(grad) == (-1.0) ** depth, f"after {depth} sign flips x.grad should be {(-1) ** depth}"


@pytest.mark.grade(points=3, todo="step08.1")
@given(x=floats_in(-1, 1))
@example(x=0.5)
def test_backward_chain_gives_chain_rule(dz, x):
    """y.backward() fills x.grad with 4x exp(2x**2) for the book's chain (3.297442541400256 at 0.5)."""
    v = dz.Variable(np.array(x))
    y = dz.Square()(dz.Exp()(dz.Square()(v)))
    seed_grad(dz, y, np.array(1.0))
    y.backward()
    grad = grad_as_array(v)
    assert grad is not None, "x.grad is still None after y.backward()"
    assert float(grad) == pytest.approx(4 * x * np.exp(2 * x**2), rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=2, todo="step08.1")
@given(x=scalars(-1.1, 1.1), depth=chain_lengths(4))
def test_backward_square_chain_matches_central_difference(dz, x, depth):
    """Backprop through n Squares (x ** (2 ** n)) agrees with central differences."""

    def chain(v):
        for _ in range(depth):
            v = dz.Square()(v)
        return v

    check_grad(dz, chain, x, todo="step08.1")
