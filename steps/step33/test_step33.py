"""Step 33: Newton's method with f'' found by double backprop minimizes x ** 4 - 2 x ** 2.

Derivatives are compared with their analytic forms; the iterates with the numbers the book
prints (step 29's, found there with f'' derived by hand).
"""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import to_array
from grader.strategies import floats_in

BOOK_ITERATES = [2.0, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978, 1.0009084519430513,
                 1.0000012353089454, 1.000000000002289, 1.0, 1.0, 1.0]


def _derivatives(dz, script, f, x: float) -> tuple:
    gx, gx2 = script.derivatives(f, dz.Variable(np.array(x)))
    assert gx is not None and gx2 is not None, f"derivatives returned ({gx!r}, {gx2!r})"
    return float(to_array(gx)), float(to_array(gx2))


def _iterates(dz, script, f, x0: float, n: int) -> list:
    """x before each of n calls of newton_step, starting from x0."""
    x, seen = dz.Variable(np.array(x0)), []
    for _ in range(n):
        seen.append(float(to_array(x)))
        script.newton_step(f, x)
    return seen + [float(to_array(x))]


@pytest.mark.grade(points=2, todo="step33.1")
@given(x=floats_in(-2, 2))
@example(x=2.0)
def test_first_derivative_is_4x3_minus_4x(dz, script, x):
    """derivatives(f, x) gives gx = 4x ** 3 - 4x for the book's f (24.0 at x = 2)."""
    gx, _ = _derivatives(dz, script, script.f, x)
    assert gx == pytest.approx(4 * x**3 - 4 * x, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=1, todo="step33.1")
def test_first_derivative_keeps_its_graph(dz, script):
    """The gx that derivatives returns is a Variable with a creator: its graph was recorded."""
    gx, _ = script.derivatives(script.f, dz.Variable(np.array(2.0)))
    assert isinstance(gx, dz.Variable), f"gx is a {type(gx).__name__}, not a Variable"
    assert gx.creator is not None, "gx has no creator: backprop y with create_graph=True"


@pytest.mark.grade(points=2, todo="step33.2")
@given(x=floats_in(-2, 2))
@example(x=2.0)
def test_second_derivative_is_12x2_minus_4(dz, script, x):
    """derivatives(f, x) gives gx2 = 12x ** 2 - 4 for the book's f (44.0 at x = 2)."""
    _, gx2 = _derivatives(dz, script, script.f, x)
    assert gx2 == pytest.approx(12 * x**2 - 4, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=1, todo="step33.2")
@given(x=floats_in(-2, 2))
def test_derivatives_of_another_cubic(dz, script, x):
    """For any f, e.g. x ** 3 - 2x, derivatives gives f' = 3x ** 2 - 2 and f'' = 6x."""
    got = _derivatives(dz, script, lambda v: v**3 - 2 * v, x)
    assert got == pytest.approx((3 * x**2 - 2, 6 * x), rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=2, todo="step33.3")
def test_newton_iterates_match_book(dz, script):
    """From x = 2, newton_step gives the book's 10 values: 2.0, 1.4545…, 1.1510…, … 1.0."""
    got = _iterates(dz, script, script.f, 2.0, 9)
    assert got == pytest.approx(BOOK_ITERATES, rel=1e-12), f"iterates {got}"


@pytest.mark.grade(points=2, todo="step33.3")
@given(x0=floats_in(0.7, 3))
@example(x0=2.0)
def test_newton_from_right_converges_to_one(dz, script, x0):
    """From any x0 in [0.7, 3] (right of f'' = 0 at 0.577), 30 Newton steps reach the minimum 1."""
    assert _iterates(dz, script, script.f, x0, 30)[-1] == pytest.approx(1.0, abs=1e-12)


@pytest.mark.grade(points=1, todo="step33.3")
@given(x0=floats_in(-3, -0.7))
def test_newton_from_left_converges_to_minus_one(dz, script, x0):
    """From any x0 in [-3, -0.7], 30 Newton steps reach the other minimum, -1."""
    assert _iterates(dz, script, script.f, x0, 30)[-1] == pytest.approx(-1.0, abs=1e-12)


@pytest.mark.grade(points=1, todo="step33.3")
@given(x0=floats_in(-0.4, 0.4))
def test_newton_near_zero_finds_local_maximum(dz, script, x0):
    """From |x0| <= 0.4 Newton goes to 0, a local maximum: it looks for f'(x) = 0, not for a minimum."""
    assert _iterates(dz, script, script.f, x0, 30)[-1] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.grade(points=1, todo="step33.3")
@given(a=floats_in(-3, 3), x0=floats_in(-3, 3))
def test_newton_on_quadratic_lands_in_one_step(dz, script, a, x0):
    """For f(x) = (x - a) ** 2 one Newton step lands on the minimum a: f is its own Taylor model."""
    assert _iterates(dz, script, lambda v: (v - a) ** 2, x0, 1)[-1] == pytest.approx(a, rel=1e-12, abs=1e-12)
