"""Step 5: backprop by hand through y = C(B(A(x))) agrees with numerical differentiation."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import to_array
from grader.strategies import arrays, floats_in


def _numeric(dz, fn, value):
    """numerical_diff of fn (Variable in, Variable out) at value, as an ndarray."""
    return to_array(dz.numerical_diff(fn, dz.Variable(np.array(value, dtype=np.float64))))


@pytest.mark.grade(points=1, todo="step05.1")
@given(a=arrays())
@example(a=np.array(1.2840254166877414))
def test_square_derivative_matches_numerical_diff(dz, a):
    """square_derivative(x) agrees with numerical_diff(Square(), x), elementwise."""
    got = to_array(dz.square_derivative(a.copy()))
    np.testing.assert_allclose(got, _numeric(dz, dz.Square(), a), rtol=1e-6, atol=1e-6,
                               err_msg="square_derivative should be d/dx x ** 2")


@pytest.mark.grade(points=1, todo="step05.2")
@given(a=arrays())
@example(a=np.array(0.25))
def test_exp_derivative_matches_numerical_diff(dz, a):
    """exp_derivative(x) agrees with numerical_diff(Exp(), x), elementwise."""
    got = to_array(dz.exp_derivative(a.copy()))
    np.testing.assert_allclose(got, _numeric(dz, dz.Exp(), a), rtol=1e-6, atol=1e-6,
                               err_msg="exp_derivative should be d/dx exp(x)")


@pytest.mark.grade(points=2, todo="step05.3")
@given(x=arrays(lo=-2, hi=2))
@example(x=np.array(0.5))
def test_forward_by_hand_keeps_each_value(dz, x):
    """forward_by_hand(x) is (a, b, y) = (x**2, exp(a), b**2): (0.25, 1.284..., 1.6487...) at 0.5."""
    a, b, y = (to_array(v) for v in dz.forward_by_hand(x.copy()))
    np.testing.assert_allclose(a, x**2, rtol=1e-12, err_msg="a = A(x) should be x ** 2")
    np.testing.assert_allclose(b, np.exp(x**2), rtol=1e-12, err_msg="b = B(a) should be exp(a)")
    np.testing.assert_allclose(y, np.exp(x**2) ** 2, rtol=1e-12, err_msg="y = C(b) should be b ** 2")


@pytest.mark.grade(points=1, todo="step05.4")
@given(x=arrays(lo=-1, hi=1))
def test_backward_by_hand_starts_from_one(dz, x):
    """backward_by_hand(x) starts the chain at dy/dy = 1, one for every element of y."""
    dy_dy = to_array(dz.backward_by_hand(x.copy())[0])
    assert dy_dy.shape == x.shape, f"dy/dy has shape {dy_dy.shape}, y has shape {x.shape}"
    np.testing.assert_array_equal(dy_dy, np.ones_like(x), err_msg="dy/dy should be 1")


@pytest.mark.grade(points=3, todo="step05.4")
@given(x=floats_in(-1, 1))
@example(x=0.5)
def test_backward_by_hand_matches_numerical_diff_at_each_stage(dz, x):
    """Each of dy/db, dy/da, dy/dx agrees with numerical_diff of the rest of the chain."""
    a, b = x**2, np.exp(x**2)
    _, dy_db, dy_da, dy_dx = (float(to_array(g)) for g in dz.backward_by_hand(np.array(x)))
    stages = [
        ("dy/db", dy_db, b, lambda v: dz.Square()(v)),
        ("dy/da", dy_da, a, lambda v: dz.Square()(dz.Exp()(v))),
        ("dy/dx", dy_dx, x, lambda v: dz.Square()(dz.Exp()(dz.Square()(v)))),
    ]
    for name, got, at, rest in stages:
        expected = float(_numeric(dz, rest, at))
        assert got == pytest.approx(expected, rel=1e-5, abs=1e-6), (
            f"{name} is {got!r}, numerical_diff of the rest of the chain gives {expected!r}"
        )


@pytest.mark.grade(points=2, todo="step05.4")
@given(x=floats_in(-1, 1))
@example(x=0.5)
def test_backward_by_hand_dy_dx_is_analytic(dz, x):
    """dy/dx is 4x exp(2x**2), the chain rule's closed form (3.297442541400256 at x = 0.5)."""
    dy_dx = float(to_array(dz.backward_by_hand(np.array(x))[3]))
    assert dy_dx == pytest.approx(4 * x * np.exp(2 * x**2), rel=1e-12, abs=1e-15)
