"""Step 24: Sphere, Matyas and Goldstein-Price, written with operators, differentiate correctly."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array, to_array
from grader.strategies import floats_in

# The three formulas in plain numpy (floats in, floats out), independent of the student's code.


def _sphere(x, y):
    return x**2 + y**2


def _matyas(x, y):
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


def _goldstein(x, y):
    a = 1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    b = 30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return a * b


def _check_value(dz, f, formula, x, y, rel):
    z = f(dz.Variable(np.array(x)), dz.Variable(np.array(y)))
    assert isinstance(z, dz.Variable), f"{f.__name__} returned a {type(z).__name__}, not a Variable"
    expected = formula(x, y)
    assert float(to_array(z)) == pytest.approx(expected, rel=rel, abs=1e-12), (
        f"{f.__name__}({x}, {y}) should be {expected}")


def _traced(f):
    """f, checking that its result was made by a function (else backward has nothing to follow)."""

    def call(vx, vy):
        z = f(vx, vy)
        if getattr(z, "creator", None) is None:
            raise AssertionError(
                f"{f.__name__}'s result has no creator: compute it with operators on the Variables "
                f"x and y, not on x.data and y.data, so that backward can follow the graph")
        return z

    call.__name__ = f.__name__
    return call


def _grads_at(dz, f, x, y):
    vx, vy = dz.Variable(np.array(x)), dz.Variable(np.array(y))
    _traced(f)(vx, vy).backward()
    gx, gy = grad_as_array(vx), grad_as_array(vy)
    assert gx is not None and gy is not None, f"x.grad or y.grad is None after {f.__name__}(x, y).backward()"
    return float(gx), float(gy)


@pytest.mark.grade(points=1, todo="step24.1")
@given(x=floats_in(-2, 2), y=floats_in(-2, 2))
@example(x=1.0, y=1.0)
def test_sphere_value_matches_formula(dz, script, x, y):
    """sphere(x, y) is a Variable holding x ** 2 + y ** 2."""
    _check_value(dz, script.sphere, _sphere, x, y, rel=1e-12)


@pytest.mark.grade(points=2, todo="step24.1")
@given(x=floats_in(-2, 2), y=floats_in(-2, 2))
@example(x=1.0, y=1.0)
def test_sphere_grads_match_central_difference(dz, script, x, y):
    """Backprop through sphere(x, y) agrees with central differences for x and y."""
    check_grad(dz, _traced(script.sphere), x, y, todo="step24.1")


@pytest.mark.grade(points=1, todo="step24.1")
def test_sphere_grads_at_book_point(dz, script):
    """At (1, 1), sphere gives x.grad and y.grad 2.0 and 2.0, as the book prints."""
    assert _grads_at(dz, script.sphere, 1.0, 1.0) == pytest.approx((2.0, 2.0), rel=1e-12)


@pytest.mark.grade(points=1, todo="step24.2")
@given(x=floats_in(-2, 2), y=floats_in(-2, 2))
@example(x=1.0, y=1.0)
def test_matyas_value_matches_formula(dz, script, x, y):
    """matyas(x, y) is a Variable holding 0.26 (x ** 2 + y ** 2) - 0.48 x y."""
    _check_value(dz, script.matyas, _matyas, x, y, rel=1e-9)


@pytest.mark.grade(points=2, todo="step24.2")
@given(x=floats_in(-2, 2), y=floats_in(-2, 2))
@example(x=1.0, y=1.0)
def test_matyas_grads_match_central_difference(dz, script, x, y):
    """Backprop through matyas(x, y) agrees with central differences for x and y."""
    check_grad(dz, _traced(script.matyas), x, y, todo="step24.2")


@pytest.mark.grade(points=1, todo="step24.2")
def test_matyas_grads_at_book_point(dz, script):
    """At (1, 1), matyas gives x.grad and y.grad 0.040000000000000036 each, as the book prints."""
    expected = (0.040000000000000036, 0.040000000000000036)
    assert _grads_at(dz, script.matyas, 1.0, 1.0) == pytest.approx(expected, rel=1e-9)


@pytest.mark.grade(points=2, todo="step24.3")
@given(x=floats_in(-2, 2), y=floats_in(-2, 2))
@example(x=1.0, y=1.0)
def test_goldstein_value_matches_formula(dz, script, x, y):
    """goldstein(x, y) is a Variable holding the Goldstein-Price formula (1876.0 at (1, 1))."""
    _check_value(dz, script.goldstein, _goldstein, x, y, rel=1e-9)


@pytest.mark.grade(points=2, todo="step24.3")
@given(x=floats_in(-2, 2), y=floats_in(-2, 2))
@example(x=1.0, y=1.0)
def test_goldstein_grads_match_central_difference(dz, script, x, y):
    """Backprop through goldstein(x, y) agrees with central differences (eps 1e-5, rtol 1e-3, atol 1e-3)."""
    # Goldstein-Price reaches 1e6 on [-2, 2] and its third derivatives 1e8, so the central
    # difference's eps ** 2 error needs a smaller eps and a looser tolerance than the default.
    check_grad(dz, _traced(script.goldstein), x, y, eps=1e-5, rtol=1e-3, atol=1e-3, todo="step24.3")


@pytest.mark.grade(points=1, todo="step24.3")
def test_goldstein_grads_at_book_point(dz, script):
    """At (1, 1), goldstein gives x.grad -5376.0 and y.grad 8064.0, as the book prints."""
    assert _grads_at(dz, script.goldstein, 1.0, 1.0) == pytest.approx((-5376.0, 8064.0), rel=1e-9)
