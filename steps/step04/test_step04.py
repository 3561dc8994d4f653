"""Step 4: numerical differentiation agrees with the analytic derivatives."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import inputs_of, outputs_of, to_array
from grader.strategies import floats_in


def _derivative(dz, f, x, **kwargs):
    return float(to_array(dz.numerical_diff(f, dz.Variable(np.array(x)), **kwargs)))


@pytest.mark.grade(points=1, todo="step04.1")
def test_call_keeps_input_and_output(dz):
    """Calling a function keeps its input and output on the function."""
    f = dz.Square()
    x = dz.Variable(np.array(3.0))
    y = f(x)
    assert inputs_of(f)[0] is x, "the function should keep the Variable it was called with"
    assert outputs_of(f)[0] is y, "the function should keep the Variable it returned"


@pytest.mark.grade(points=2, todo="step04.2")
@given(x=floats_in(-3, 3))
@example(x=2.0)
def test_numerical_diff_of_square_is_2x(dz, x):
    """numerical_diff(Square(), x) is close to the derivative 2x."""
    assert _derivative(dz, dz.Square(), x) == pytest.approx(2 * x, rel=1e-6, abs=1e-6)


@pytest.mark.grade(points=2, todo="step04.2")
@given(x=floats_in(-3, 3))
def test_numerical_diff_of_exp_is_exp(dz, x):
    """numerical_diff(Exp(), x) is close to the derivative exp(x)."""
    assert _derivative(dz, dz.Exp(), x) == pytest.approx(np.exp(x), rel=1e-6)


@pytest.mark.grade(points=2, todo="step04.2")
@given(x=floats_in(-1, 1))
@example(x=0.5)
def test_numerical_diff_of_chain_matches_chain_rule(dz, x):
    """For y = (exp(x**2))**2 it is close to dy/dx = 4x exp(2x**2) (3.297... at x = 0.5)."""

    def chain(v):
        return dz.Square()(dz.Exp()(dz.Square()(v)))

    expected = 4 * x * np.exp(2 * x**2)
    assert _derivative(dz, chain, x) == pytest.approx(expected, rel=1e-6, abs=1e-6)


@pytest.mark.grade(points=2, todo="step04.2")
@given(x=floats_in(-2, 2), eps=floats_in(1e-3, 1e-1))
def test_numerical_diff_is_central_and_uses_eps(dz, x, eps):
    """For x**3 the result is exactly the central difference 3x**2 + eps**2 (not a forward one)."""

    class Cube(dz.Function):
        def forward(self, a):
            return a**3

    expected = ((x + eps) ** 3 - (x - eps) ** 3) / (2 * eps)
    assert _derivative(dz, Cube(), x, eps=eps) == pytest.approx(expected, rel=1e-9, abs=1e-9)
