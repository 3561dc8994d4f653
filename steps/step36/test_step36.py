"""Step 36: double backprop, through expressions that contain a gradient."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, to_array
from grader.strategies import floats_in


def _functions(dz):
    """(name, f, f') for a few functions whose second derivative is not constant zero."""
    return [
        ("x ** 2", lambda v: v**2, lambda x: 2 * x),
        ("x ** 3", lambda v: v**3, lambda x: 3 * x**2),
        ("sin(x)", dz.functions.sin, np.cos),
    ]


def _value(v, what):
    assert v is not None, f"{what} is None"
    return float(to_array(v))


@pytest.mark.grade(points=2, todo="step36.2")
def test_double_backprop_book_value(dz, script):
    """At x = 2.0, double_backprop returns x.grad = variable(100.0), as the book prints."""
    gx = script.double_backprop(dz.Variable(np.array(2.0)))
    assert isinstance(gx, dz.Variable), f"double_backprop returned a {type(gx).__name__}, not x.grad"
    got = _value(gx, "double_backprop(x)")
    assert got == pytest.approx(100.0, rel=1e-12), (
        f"dz/dx at x = 2 is {got}, expected 24 * 2 ** 2 + 2 * 2 = 100.0 (z = gx ** 3 + y, gx = 2x, y = x²)")


@pytest.mark.grade(points=2, todo="step36.2")
@given(x=floats_in())
@example(x=2.0)
def test_double_backprop_matches_formula(dz, script, x):
    """For z = (dy/dx) ** 3 + y with y = x ** 2, double_backprop gives dz/dx = 24x ** 2 + 2x."""
    got = _value(script.double_backprop(dz.Variable(np.array(x))), "double_backprop(x)")
    assert got == pytest.approx(24 * x**2 + 2 * x, rel=1e-9, abs=1e-12), (
        f"dz/dx at x = {x} is {got}, expected 24x ** 2 + 2x = {24 * x**2 + 2 * x}")


@pytest.mark.grade(points=2, todo="step36.1")
@given(x=floats_in())
@example(x=2.0)
def test_grad_with_graph_returns_value_and_derivative(dz, script, x):
    """grad_with_graph(f, x) returns y = f(x) and gx = f'(x) for x ** 2, x ** 3 and sin(x)."""
    for name, f, df in _functions(dz):
        y, gx = script.grad_with_graph(f, dz.Variable(np.array(x)))
        expected_y = float(to_array(f(dz.Variable(np.array(x)))))
        assert _value(y, f"y for f = {name}") == pytest.approx(expected_y, rel=1e-12)
        assert _value(gx, f"gx for f = {name}") == pytest.approx(df(x), rel=1e-9, abs=1e-12), (
            f"gx for f = {name} at x = {x}")


@pytest.mark.grade(points=1, todo="step36.1")
def test_grad_with_graph_keeps_graph_and_clears_grad(dz, script):
    """The gx that grad_with_graph returns has a creator (create_graph=True), and x.grad is None again."""
    x = dz.Variable(np.array(2.0))
    _, gx = script.grad_with_graph(lambda v: v**2, x)
    assert gx is not None, "gx is None: take x.grad after y.backward(...)"
    assert gx.creator is not None, "gx has no creator: backprop y with create_graph=True"
    assert x.grad is None, "x.grad is still set: clear it, or the next backward adds onto the old gradient"


@pytest.mark.grade(points=2, todo="step36.1")
@given(x=floats_in())
@example(x=2.0)
def test_grad_of_grad_matches_central_difference(dz, script, x):
    """Backprop through gx = f'(x) agrees with central differences of f' (x ** 2, x ** 3, sin)."""
    for _, f, _ in _functions(dz):
        check_grad(dz, lambda v, f=f: script.grad_with_graph(f, v)[1], x, todo="step36.1")


@pytest.mark.grade(points=1, todo="step36.1")
@given(x=floats_in())
@example(x=1.0)
def test_sin_double_backprop_matches_formula(dz, script, x):
    """For y = sin(x) and z = (dy/dx) ** 2 + y, backprop of z gives dz/dx = -sin(2x) + cos(x)."""
    v = dz.Variable(np.array(x))
    y, gx = script.grad_with_graph(dz.functions.sin, v)
    z = gx**2 + y
    z.backward()
    expected = -np.sin(2 * x) + np.cos(x)
    got = _value(v.grad, "x.grad")
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12), (
        f"dz/dx at x = {x} is {got}, expected -sin(2x) + cos(x) = {expected}")
