"""Step 6: backprop by hand agrees with the derivatives and with numerical differentiation."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import inputs_of, to_array
from grader.strategies import floats_in


def _hand_backprop(dz, x):
    """The book's chain y = C(B(A(x))), backpropagated by hand from dy/dy = 1."""
    A, B, C = dz.Square(), dz.Exp(), dz.Square()
    y = C(B(A(dz.Variable(np.array(x)))))
    gb = C.backward(np.array(1.0))
    ga = B.backward(gb)
    gx = float(to_array(A.backward(ga)))
    del y  # kept alive until here: an Exp may read its output in backward
    return gx


@pytest.mark.grade(points=1, todo="step06.1")
def test_call_keeps_input(dz):
    """Calling a function keeps the input Variable on the function, for backward."""
    f = dz.Square()
    x = dz.Variable(np.array(3.0))
    f(x)
    assert inputs_of(f)[0] is x, "the function should keep the Variable it was called with"


@pytest.mark.grade(points=2, todo="step06.2")
@given(x=floats_in(-3, 3), gy=floats_in(-3, 3))
@example(x=3.0, gy=1.0)
def test_square_backward_is_2x_times_gy(dz, x, gy):
    """Square.backward(gy) returns 2x * gy for the x the function was called with."""
    f = dz.Square()
    f(dz.Variable(np.array(x)))
    gx = to_array(f.backward(np.array(gy)))
    assert float(gx) == pytest.approx(2 * x * gy, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=2, todo="step06.3")
@given(x=floats_in(-3, 3), gy=floats_in(-3, 3))
@example(x=0.0, gy=2.0)
def test_exp_backward_is_exp_x_times_gy(dz, x, gy):
    """Exp.backward(gy) returns exp(x) * gy for the x the function was called with."""
    f = dz.Exp()
    y = f(dz.Variable(np.array(x)))  # keep y alive: an Exp may read its output in backward
    gx = to_array(f.backward(np.array(gy)))
    assert float(gx) == pytest.approx(np.exp(x) * gy, rel=1e-12, abs=1e-12)
    del y


@pytest.mark.grade(points=2, todo="step06.2")
def test_square_backward_reads_its_own_input(dz):
    """Two Square functions called on different inputs each use their own x in backward."""
    f, g = dz.Square(), dz.Square()
    f(dz.Variable(np.array(1.5)))
    g(dz.Variable(np.array(-2.0)))
    assert float(to_array(f.backward(np.array(1.0)))) == pytest.approx(3.0)
    assert float(to_array(g.backward(np.array(1.0)))) == pytest.approx(-4.0)


@pytest.mark.grade(points=2, todo="step06.3")
@given(x=floats_in(-1, 1))
@example(x=0.5)
def test_hand_backprop_matches_chain_rule(dz, x):
    """Backprop by hand through square → exp → square gives 4x exp(2x**2) (3.297442541400256 at 0.5)."""
    grad = _hand_backprop(dz, x)
    assert grad == pytest.approx(4 * x * np.exp(2 * x**2), rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=2, todo="step06.3")
@given(x=floats_in(-1, 1))
@example(x=0.5)
def test_hand_backprop_matches_numerical_diff(dz, x):
    """Backprop by hand agrees with numerical_diff of the same chain (relative error below 1e-6)."""
    grad = _hand_backprop(dz, x)

    def chain(v):
        return dz.Square()(dz.Exp()(dz.Square()(v)))

    numeric = float(to_array(dz.numerical_diff(chain, dz.Variable(np.array(x)))))
    assert grad == pytest.approx(numeric, rel=1e-6, abs=1e-6)
