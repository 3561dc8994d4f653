"""Step 29: gx2 is the second derivative of f, and Newton's method reaches a minimum in a few steps.

The book's update `x.data -= x.grad / gx2(x.data)` needs ndarray grads (the simple core, steps
23-31); on the reference package grads are Variables, so the newton tests are not applicable
there (reference=False), as the book's own script forces dezero.core_simple for the same reason.
"""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import grad_as_array, to_array
from grader.strategies import floats_in

# The book's printed iterates from x = 2.0: x after 0, 1, ..., 9 updates.
BOOK_ITERATES = (2.0, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978, 1.0009084519430513,
                 1.0000012353089454, 1.000000000002289, 1.0, 1.0, 1.0)


def _newton_step(x):
    """One Newton update of f(x) = x ** 4 - 2 x ** 2, in plain floats."""
    return x - (4 * x**3 - 4 * x) / (12 * x**2 - 4)


def _first_derivative(dz, script, x):
    """f'(x) from backprop through the script's f."""
    v = dz.Variable(np.array(x, dtype=np.float64))
    script.f(v).backward()
    return float(grad_as_array(v))


def _run(dz, script, x, iters):
    v = dz.Variable(np.array(x, dtype=np.float64))
    script.newton(v, iters=iters)
    return float(to_array(v))


@pytest.mark.grade(points=1, todo="step29.1")
@given(x=floats_in(-3, 3))
@example(x=2.0)
def test_gx2_matches_analytic_second_derivative(script, x):
    """gx2(x) is 12 x ** 2 - 4, the second derivative of x ** 4 - 2 x ** 2 (44.0 at x = 2)."""
    value = float(np.asarray(script.gx2(np.array(x))))
    assert value == pytest.approx(12 * x**2 - 4, rel=1e-12, abs=1e-12), f"gx2({x}) should be {12 * x**2 - 4}"


@pytest.mark.grade(points=2, todo="step29.1")
@given(x=floats_in(-3, 3))
@example(x=2.0)
def test_gx2_matches_difference_of_backprop_grads(dz, script, x):
    """gx2(x) agrees with central differences of the backprop f'(x) (eps 1e-4, rtol 1e-6, atol 1e-6)."""
    eps = 1e-4
    numeric = (_first_derivative(dz, script, x + eps) - _first_derivative(dz, script, x - eps)) / (2 * eps)
    value = float(np.asarray(script.gx2(np.array(x))))
    assert value == pytest.approx(numeric, rel=1e-6, abs=1e-6), (
        f"gx2({x}) = {value!r}, but the slope of f' there is {numeric!r}")


@pytest.mark.grade(points=2, todo="step29.2", reference=False)
@given(x=floats_in(0.7, 3))
@example(x=2.0)
def test_newton_first_update_matches_formula(dz, script, x):
    """One iteration moves x in place to x - f'(x) / f''(x), for x and -x (1.4545... from 2.0)."""
    for start in (x, -x):
        expected = _newton_step(start)
        got = _run(dz, script, start, iters=1)
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), (
            f"after one update from {start}, x (the Variable passed in, updated in place) "
            f"should be {expected!r}")


@pytest.mark.grade(points=2, todo="step29.2", reference=False)
def test_newton_book_iterates(dz, script):
    """From x = 2.0, the iterates match the book's 0 variable(2.0) ... 9 variable(1.0)."""
    v = dz.Variable(np.array(2.0))
    for i, expected in enumerate(BOOK_ITERATES):
        assert float(to_array(v)) == pytest.approx(expected, rel=1e-12), (
            f"after {i} updates x should be {expected!r} (grads left from an earlier iteration "
            "add up with the new ones unless they are cleared)")
        script.newton(v, iters=1)


@pytest.mark.grade(points=2, todo="step29.2", reference=False)
@given(x=floats_in(0.7, 3))
@example(x=2.0)
def test_newton_converges_to_nearest_minimum(dz, script, x):
    """From any start with 0.7 <= |x| <= 3, 20 iterations reach the minimum 1 or -1 of the same sign."""
    for start, minimum in ((x, 1.0), (-x, -1.0)):
        got = _run(dz, script, start, iters=20)
        assert got == pytest.approx(minimum, abs=1e-9), f"20 Newton updates from {start} end at {got!r}"
