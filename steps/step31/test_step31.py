"""Step 31: backward rules on Variables build a graph; grad(grad(y, x), x) is the second derivative.

Expected values are analytic (numpy's polynomial module), and graph shapes are read with
the test's own walk, not with the exercise's graph_functions.
"""

from collections import Counter

import numpy as np
import pytest
from hypothesis import example, given, note
from numpy.polynomial import polynomial as P

from grader.checks import functions_of
from grader.strategies import arrays, chain_lengths, floats_in

BOOK = np.array([0.0, 0.0, -2.0, 0.0, 1.0])  # x ** 4 - 2 x ** 2, lowest power first




def _kinds(v) -> Counter:
    return Counter(type(f).__name__ for f in functions_of(v))


def _reaches(v, x) -> bool:
    return any(u is x for f in functions_of(v) for u in f.inputs)


def _poly(vx, coeffs):
    """coeffs[0] + coeffs[1] x + coeffs[2] x ** 2 + ..., built with the operators."""
    y = float(coeffs[0]) + float(coeffs[1]) * vx
    for k in range(2, len(coeffs)):
        y = y + float(coeffs[k]) * vx**k
    return y


def _value(v, what: str) -> float:
    assert v is not None, f"{what} is None"
    return float(np.asarray(v.data))


@pytest.mark.grade(points=2, todo="step31.1")
@given(x0=floats_in(-2, 2), x1=floats_in(-2, 2), gy=floats_in(-2, 2))
@example(x0=2.0, x1=3.0, gy=1.0)
def test_mul_rule_returns_variables_gy_x1_and_gy_x0(dz, script, x0, x1, gy):
    """mul_rule on the node of x0 * x1 returns the Variables gy * x1 and gy * x0."""
    v0, v1 = dz.Variable(np.array(x0)), dz.Variable(np.array(x1))
    g0, g1 = script.mul_rule((v0 * v1).creator, dz.Variable(np.array(gy)))
    for name, g in (("gx0", g0), ("gx1", g1)):
        assert isinstance(g, dz.Variable), f"{name} is a {type(g).__name__}, not a Variable"
    assert (_value(g0, "gx0"), _value(g1, "gx1")) == pytest.approx((gy * x1, gy * x0), rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=1, todo="step31.1")
def test_mul_rule_grad_of_x0_is_one_mul_of_gy_and_x1(dz, script):
    """The grad mul_rule gives x0 is made by one Mul, whose inputs are gy and x1."""
    v0, v1, gy = (dz.Variable(np.array(v)) for v in (2.0, 3.0, 1.0))
    g0, _ = script.mul_rule((v0 * v1).creator, gy)
    assert _kinds(g0) == {"Mul": 1}, f"behind gx0: {dict(_kinds(g0))}, expected one Mul"
    assert {id(u) for u in g0.creator.inputs} == {id(gy), id(v1)}, "the Mul should multiply gy and x1"


@pytest.mark.grade(points=2, todo="step31.2")
@given(x=floats_in(-2, 2), c=chain_lengths(4), gy=floats_in(-2, 2))
@example(x=2.0, c=3, gy=1.0)
def test_pow_rule_returns_variable_c_x_to_c_minus_1_gy(dz, script, x, c, gy):
    """pow_rule on the node of x ** c returns the Variable c * x ** (c - 1) * gy."""
    vx = dz.Variable(np.array(x))
    g = script.pow_rule((vx**c).creator, dz.Variable(np.array(gy)))
    assert isinstance(g, dz.Variable), f"pow_rule returned a {type(g).__name__}, not a Variable"
    assert _value(g, "the grad") == pytest.approx(c * x ** (c - 1) * gy, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=1, todo="step31.2")
def test_pow_rule_graph_is_pow_and_two_muls_from_x(dz, script):
    """The grad pow_rule gives for x ** 3 is made by one Pow (of x) and two Muls (by c, by gy)."""
    vx = dz.Variable(np.array(2.0))
    g = script.pow_rule((vx**3).creator, dz.Variable(np.array(1.0)))
    assert _kinds(g) == {"Pow": 1, "Mul": 2}, f"behind the grad: {dict(_kinds(g))}"
    assert _reaches(g, vx), "the graph of the grad does not reach x"


@pytest.mark.grade(points=2, todo="step31.3")
@given(x=floats_in(-2, 2), coeffs=arrays((5,), -2, 2))
@example(x=2.0, coeffs=BOOK)
def test_grad_of_polynomial_matches_analytic_first_derivative(dz, script, x, coeffs):
    """grad(y, x) for a polynomial of degree 4 equals its derivative (24.0 for the book's at x = 2)."""
    vx = dz.Variable(np.array(x))
    expected = P.polyval(x, P.polyder(coeffs))
    note(f"expected {expected}")
    got = _value(script.grad(_poly(vx, coeffs), vx), "grad(y, x)")
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.grade(points=2, todo="step31.3")
@given(x=floats_in(-2, 2), coeffs=arrays((5,), -2, 2))
@example(x=2.0, coeffs=BOOK)
def test_grad_of_grad_matches_analytic_second_derivative(dz, script, x, coeffs):
    """grad(grad(y, x), x) for a polynomial equals its second derivative (44.0 for the book's)."""
    vx = dz.Variable(np.array(x))
    gx = script.grad(_poly(vx, coeffs), vx)
    expected = P.polyval(x, P.polyder(coeffs, 2))
    note(f"expected {expected}")
    assert _value(script.grad(gx, vx), "grad(grad(y, x), x)") == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.grade(points=1, todo="step31.3")
@given(x=floats_in(0.5, 2))
@example(x=2.0)
def test_grad_of_reciprocal_gives_minus_1_over_x2_then_2_over_x3(dz, script, x):
    """For y = 1 / x, grad gives -1 / x ** 2 and grad of that 2 / x ** 3 (through the Div rule)."""
    vx = dz.Variable(np.array(x))
    gx = script.grad(1 / vx, vx)
    assert _value(gx, "grad(1 / x, x)") == pytest.approx(-1 / x**2, rel=1e-12)
    assert _value(script.grad(gx, vx), "the second grad") == pytest.approx(2 / x**3, rel=1e-12)


@pytest.mark.grade(points=1, todo="step31.3")
def test_grad_of_x_times_x_is_two_muls_and_one_add(dz, script):
    """The graph of grad(x * x, x) is two Muls (one per use of x) and the Add that sums them."""
    vx = dz.Variable(np.array(3.0))
    gx = script.grad(vx * vx, vx)
    assert _value(gx, "grad(x * x, x)") == pytest.approx(6.0)
    assert _kinds(gx) == {"Mul": 2, "Add": 1}, f"behind the grad: {dict(_kinds(gx))}"


@pytest.mark.grade(points=1, todo="step31.3")
def test_grad_of_book_polynomial_graph_has_nine_functions(dz, script):
    """The graph of grad(x ** 4 - 2 * x ** 2, x) holds 2 Pow, 5 Mul, 1 Neg and 1 Add."""
    vx = dz.Variable(np.array(2.0))
    gx = script.grad(vx**4 - 2 * vx**2, vx)
    assert _kinds(gx) == {"Pow": 2, "Mul": 5, "Neg": 1, "Add": 1}, f"behind the grad: {dict(_kinds(gx))}"


@pytest.mark.grade(points=1, todo="step31.3")
@given(a=floats_in(-2, 2), b=floats_in(-2, 2))
@example(a=3.0, b=0.0)
def test_grad_of_constant_derivative_is_none(dz, script, a, b):
    """For y = a * x + b, grad(y, x) is a, and grad of that is None: its graph does not reach x."""
    vx = dz.Variable(np.array(2.0))
    gx = script.grad(a * vx + b, vx)
    assert _value(gx, "grad(y, x)") == pytest.approx(a)
    assert script.grad(gx, vx) is None, "dy/dx = a does not depend on x: grad should find no path to x"
