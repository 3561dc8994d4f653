"""Step 34: sin and cos backprop with Variables, so their derivatives can be differentiated again."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, to_array
from grader.strategies import arrays, floats_in

BOOK_X = np.linspace(-7, 7, 200)
ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}


def _order(k):
    return ORDINAL.get(k, f"{k}th")


def _derivatives(dz, f, x, n):
    """[f(x), f'(x), ..., the n-th derivative] as arrays, each the backprop of the one before."""
    v = dz.Variable(np.array(x, dtype=np.float64))
    y = f(v)
    found = [to_array(y).copy()]
    y.backward(create_graph=True)
    for k in range(1, n + 1):
        gx = v.grad
        if gx is None:
            raise AssertionError(
                f"the {_order(k)} derivative is None: the graph of the {_order(k - 1)} derivative does "
                "not reach x. Does backward compute on x.data or with numpy instead of with the Variable x?")
        if not isinstance(gx, dz.Variable):
            raise AssertionError(f"the {_order(k)} derivative is a {type(gx).__name__}, not a Variable: "
                                 "backward must return Variables so they can be differentiated again")
        found.append(to_array(gx).copy())
        if k < n:
            v.cleargrad()
            gx.backward(create_graph=True)
    return found


def _grad_with_graph(dz, f):
    """x -> df/dx as a Variable that keeps its own graph (for a gradient check of the gradient)."""

    def grad(v):
        y = f(v)
        y.backward(create_graph=True)
        gx = v.grad
        if not isinstance(gx, dz.Variable):
            raise AssertionError(f"the grad is a {type(gx).__name__}, not a Variable: backward must "
                                 "return Variables so they can be differentiated again")
        v.cleargrad()
        return gx

    return grad


def _leads_back_to(v, x):
    """True when x is an input somewhere in the graph that made v."""
    seen, stack = set(), [v.creator] if v.creator is not None else []
    while stack:
        f = stack.pop()
        if f in seen:
            continue
        seen.add(f)
        if any(i is x for i in f.inputs):
            return True
        stack += [i.creator for i in f.inputs if i.creator is not None]
    return False


def _assert_shifted(found, x, start, name):
    """found[k] should be sin(x + (start + k) π/2): sin's k-th derivative, or cos's when start = 1."""
    x = np.asarray(x, dtype=np.float64)
    for k, got in enumerate(found):
        got = to_array(got)
        expected = np.sin(x + (start + k) * np.pi / 2)
        assert got.shape == expected.shape, f"the {_order(k)} derivative has shape {got.shape}, x {x.shape}"
        if not np.allclose(got, expected, rtol=0, atol=1e-12):
            i = np.unravel_index(np.argmax(np.abs(got - expected)), x.shape) if x.ndim else ()
            raise AssertionError(
                f"the {_order(k)} derivative of {name} at x = {float(x[i])!r} is {float(got[i])!r}, "
                f"expected sin(x + {start + k}π/2) = {float(expected[i])!r}")


@pytest.mark.grade(points=2, todo="step34.1")
@given(x=arrays(lo=-7, hi=7))
@example(x=np.array(1.0))
def test_sin_grad_matches_central_difference(dz, x):
    """Backprop through sin agrees with central differences, element by element."""
    check_grad(dz, dz.functions.sin, x, todo="step34.1")


@pytest.mark.grade(points=1, todo="step34.1")
def test_sin_grad_graph_leads_back_to_x(dz):
    """With create_graph=True, the grad of sin is a Variable whose graph leads back to x (via cos(x))."""
    x = dz.Variable(np.array(1.0))
    dz.functions.sin(x).backward(create_graph=True)
    assert isinstance(x.grad, dz.Variable), f"x.grad is a {type(x.grad).__name__}, not a Variable"
    assert _leads_back_to(x.grad, x), (
        "x.grad's graph does not lead back to x: Sin.backward should compute with DeZero's cos on the "
        "input Variable, not with np.cos on x.data, so that the grad depends on x in the graph")
    assert float(to_array(x.grad)) == pytest.approx(np.cos(1.0), rel=1e-12)


@pytest.mark.grade(points=2, todo="step34.1")
@given(x=arrays(lo=-7, hi=7))
@example(x=np.array(1.0))
def test_sin_nth_derivatives_match_shifted_sin(dz, x):
    """The n-th derivative of sin, by repeated backprop, is sin(x + nπ/2) for n up to 4."""
    _assert_shifted(_derivatives(dz, dz.functions.sin, x, 4), x, 0, "sin")


@pytest.mark.grade(points=1, todo="step34.1")
@given(x=floats_in(-7, 7))
@example(x=1.0)
def test_sin_grad_of_grad_matches_central_difference(dz, x):
    """Double backprop: the gradient of d/dx sin(x) agrees with central differences of cos(x)."""
    check_grad(dz, _grad_with_graph(dz, dz.functions.sin), x, todo="step34.1")


@pytest.mark.grade(points=2, todo="step34.2")
@given(x=arrays(lo=-7, hi=7))
@example(x=np.array(1.0))
def test_cos_grad_matches_central_difference(dz, x):
    """Backprop through cos agrees with central differences, element by element."""
    check_grad(dz, dz.functions.cos, x, todo="step34.2")


@pytest.mark.grade(points=2, todo="step34.2")
@given(x=arrays(lo=-7, hi=7))
@example(x=np.array(1.0))
def test_cos_nth_derivatives_match_shifted_cos(dz, x):
    """The n-th derivative of cos, by repeated backprop, is cos(x + nπ/2) for n up to 4."""
    _assert_shifted(_derivatives(dz, dz.functions.cos, x, 4), x, 1, "cos")


@pytest.mark.grade(points=1, todo="step34.2")
@given(x=floats_in(-7, 7))
@example(x=1.0)
def test_cos_grad_of_grad_matches_central_difference(dz, x):
    """Double backprop: the gradient of d/dx cos(x) agrees with central differences of -sin(x)."""
    check_grad(dz, _grad_with_graph(dz, dz.functions.cos), x, todo="step34.2")


@pytest.mark.grade(points=2, todo="step34.3")
def test_sin_derivatives_returns_book_curves(script):
    """sin_derivatives(linspace(-7, 7, 200), 3) returns the book's curves y, y', y'', y''' as ndarrays."""
    logs = script.sin_derivatives(BOOK_X.copy(), 3)
    assert len(logs) == 4, f"sin_derivatives(x, 3) returned {len(logs)} arrays, expected 4"
    for k, v in enumerate(logs):
        assert isinstance(v, np.ndarray), f"item {k} is a {type(v).__name__}, not an ndarray (use .data)"
    _assert_shifted(logs, BOOK_X, 0, "sin")


@pytest.mark.grade(points=1, todo="step34.3")
def test_sin_derivatives_returns_n_plus_one_arrays(script):
    """sin_derivatives(x, n) returns n + 1 arrays, sin(x) and n derivatives, for n = 0, 1 and 5."""
    for n in (0, 1, 5):
        logs = script.sin_derivatives(np.array(0.5), n)
        assert len(logs) == n + 1, f"sin_derivatives(x, {n}) returned {len(logs)} arrays, expected {n + 1}"


@pytest.mark.grade(points=2, todo="step34.3")
@given(x=arrays(lo=-7, hi=7))
@example(x=np.array(1.0))
def test_sin_derivatives_match_shifted_sin(script, x):
    """sin_derivatives(x, 4)[k] is sin(x + kπ/2) at every point, for numbers and arrays of any shape."""
    _assert_shifted(script.sin_derivatives(x.copy(), 4), x, 0, "sin")
