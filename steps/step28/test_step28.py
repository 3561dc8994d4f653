"""Step 28: rosenbrock differentiates correctly and gradient descent walks it downhill toward (1, 1).

The book's update `x0.data -= lr * x0.grad` needs ndarray grads (the simple core, steps 23-31);
on the reference package grads are Variables, so the gradient_descent tests are not applicable
there (reference=False), as the book's own script forces dezero.core_simple for the same reason.
"""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array, to_array
from grader.strategies import floats_in

# Lines 2, 3, 10, 100, 500 and 1000 of the book's output: (x0, x1) after 1, 2, 9, 99, 499, 999 updates.
BOOK_ITERATES = {
    1: (0.002, 1.6),
    2: (0.0052759968, 1.2800008),
    9: (0.05671405943493354, 0.26936613981374286),
    99: (0.2332690568931344, 0.051494229010912725),
    499: (0.5283460026393008, 0.27678880950843743),
    999: (0.6834917840420289, 0.46565059996514135),
}


def _rosenbrock(x0, x1):
    return 100 * (x1 - x0**2) ** 2 + (1 - x0) ** 2


def _gradient(x0, x1):
    """The analytic gradient of the Rosenbrock function, in plain floats."""
    return -400 * x0 * (x1 - x0**2) - 2 * (1 - x0), 200 * (x1 - x0**2)


def _traced(f):
    """f, checking that its result was made by a function (else backward has nothing to follow)."""

    def call(v0, v1):
        y = f(v0, v1)
        if getattr(y, "creator", None) is None:
            raise AssertionError(f"{f.__name__}'s result has no creator: compute it with operators on the "
                                 "Variables x0 and x1, not on their .data, so that backward can follow it")
        return y

    call.__name__ = f.__name__
    return call


def _point(dz, x0, x1):
    return dz.Variable(np.array(x0, dtype=np.float64)), dz.Variable(np.array(x1, dtype=np.float64))


def _values(v0, v1):
    return float(to_array(v0)), float(to_array(v1))


@pytest.mark.grade(points=1, todo="step28.1")
@given(x0=floats_in(-2, 2), x1=floats_in(-1, 3))
@example(x0=0.0, x1=2.0)
def test_rosenbrock_value_matches_formula(dz, script, x0, x1):
    """rosenbrock(x0, x1) is a Variable holding 100 (x1 - x0 ** 2) ** 2 + (1 - x0) ** 2 (401.0 at (0, 2))."""
    y = script.rosenbrock(*_point(dz, x0, x1))
    assert isinstance(y, dz.Variable), f"rosenbrock returned a {type(y).__name__}, not a Variable"
    assert float(to_array(y)) == pytest.approx(_rosenbrock(x0, x1), rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=2, todo="step28.1")
@given(x0=floats_in(-1.5, 1.5), x1=floats_in(-0.5, 2.5))
@example(x0=0.0, x1=2.0)
def test_rosenbrock_grads_match_central_difference(dz, script, x0, x1):
    """Backprop through rosenbrock agrees with central differences for x0 and x1."""
    check_grad(dz, _traced(script.rosenbrock), x0, x1, todo="step28.1")


@pytest.mark.grade(points=1, todo="step28.1")
def test_rosenbrock_grads_at_book_start(dz, script):
    """At the book's start (0, 2), backprop gives x0.grad -2.0 and x1.grad 400.0."""
    v0, v1 = _point(dz, 0.0, 2.0)
    _traced(script.rosenbrock)(v0, v1).backward()
    g0, g1 = grad_as_array(v0), grad_as_array(v1)
    assert g0 is not None and g1 is not None, "x0.grad or x1.grad is None after rosenbrock(x0, x1).backward()"
    assert (float(g0), float(g1)) == pytest.approx((-2.0, 400.0), rel=1e-12)


@pytest.mark.grade(points=2, todo="step28.2", reference=False)
@given(x0=floats_in(-1.5, 1.5), x1=floats_in(-0.5, 2.5), lr=floats_in(1e-4, 1e-2))
@example(x0=0.0, x1=2.0, lr=0.001)
def test_gradient_descent_first_update_matches_formula(dz, script, x0, x1, lr):
    """One iteration moves x0 and x1 in place to (x0, x1) - lr * gradient ((0.002, 1.6) in the book)."""
    v0, v1 = _point(dz, x0, x1)
    script.gradient_descent(v0, v1, lr=lr, iters=1)
    g0, g1 = _gradient(x0, x1)
    expected = (x0 - lr * g0, x1 - lr * g1)
    assert _values(v0, v1) == pytest.approx(expected, rel=1e-9, abs=1e-12), (
        f"after one update from ({x0}, {x1}) with lr={lr}, x0 and x1 (the Variables passed in, "
        f"updated in place) should be {expected}")


@pytest.mark.grade(points=2, todo="step28.2", reference=False)
@given(x0=floats_in(-1.5, 1.5), x1=floats_in(-0.5, 2.5))
@example(x0=0.0, x1=2.0)
def test_gradient_descent_second_update_uses_fresh_grads(dz, script, x0, x1):
    """The second iteration steps by the gradient at the new point only (cleargrad before backward)."""
    v0, v1 = _point(dz, x0, x1)
    script.gradient_descent(v0, v1, lr=0.001, iters=2)
    for _ in range(2):
        g0, g1 = _gradient(x0, x1)
        x0, x1 = x0 - 0.001 * g0, x1 - 0.001 * g1
    assert _values(v0, v1) == pytest.approx((x0, x1), rel=1e-9, abs=1e-12), (
        f"after two updates x0 and x1 should be ({x0}, {x1}); grads left from the first iteration "
        "add up with the new ones unless they are cleared")


@pytest.mark.grade(points=2, todo="step28.2", reference=False)
def test_gradient_descent_book_iterates(dz, script):
    """From (0, 2) with lr 0.001, the iterates match the book's lines 2, 3, 10, 100, 500 and 1000."""
    v0, v1 = _point(dz, 0.0, 2.0)
    done = 0
    for updates, expected in BOOK_ITERATES.items():
        script.gradient_descent(v0, v1, lr=0.001, iters=updates - done)
        done = updates
        assert _values(v0, v1) == pytest.approx(expected, rel=1e-9), (
            f"after {updates} update(s) (line {updates + 1} of the book's output)")


@pytest.mark.grade(points=2, todo="step28.2", reference=False)
@given(x0=floats_in(-1, 1), x1=floats_in(-0.5, 2), lr=floats_in(1e-4, 1e-3))
@example(x0=0.0, x1=2.0, lr=0.001)
def test_gradient_descent_decreases_loss(dz, script, x0, x1, lr):
    """With a small lr, every iteration lowers the Rosenbrock value: the point moves toward (1, 1)."""
    v0, v1 = _point(dz, x0, x1)
    loss = _rosenbrock(x0, x1)
    for i in range(50):
        script.gradient_descent(v0, v1, lr=lr, iters=1)
        new_loss = _rosenbrock(*_values(v0, v1))
        assert new_loss <= loss * (1 + 1e-12) + 1e-15, (
            f"iteration {i + 1} raised the value from {loss!r} to {new_loss!r}: step against the "
            "gradient at the current point (fresh grads each iteration)")
        loss = new_loss
