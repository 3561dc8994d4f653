"""Step 27: Sin differentiates exactly; my_sin's Taylor series approximates sin and cos as promised."""

import math

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array, inputs_of, to_array
from grader.strategies import arrays, floats_in

PI = math.pi
# The book's point x = pi / 4 and what its script prints there (numpy >= 1.25; numpy 1.23 differs
# by one unit in the last digit, so every comparison has a tolerance).
BOOK_X = PI / 4
BOOK_MY_SIN = (0.7071064695751781, 0.7071032148228457)  # value and grad of my_sin(x)


def _forward_backward(f, dz, x, *args):
    v = dz.Variable(np.array(x, dtype=np.float64))
    y = f(v, *args)
    assert isinstance(y, dz.Variable), f"{f.__name__} returned a {type(y).__name__}, not a Variable"
    y.backward()
    grad = grad_as_array(v)
    assert grad is not None, f"x.grad is None after {f.__name__}(x).backward()"
    return float(to_array(y)), float(grad)


def _term(x, i):
    """Term i of the Taylor series of sin at 0: (-1) ** i * x ** (2i + 1) / (2i + 1)!."""
    return (-1) ** i * x ** (2 * i + 1) / math.factorial(2 * i + 1)


def _taylor_terms(x, threshold):
    """The terms my_sin adds, in numpy: up to and including the first one below threshold."""
    terms = []
    for i in range(100):
        terms.append(_term(x, i))
        if abs(terms[-1]) < threshold:
            break
    return terms


def _count_functions(y):
    seen, todo = set(), [y.creator]
    while todo:
        f = todo.pop()
        if f is not None and f not in seen:
            seen.add(f)
            todo += [x.creator for x in inputs_of(f)]
    return len(seen)


@pytest.mark.grade(points=1, todo="step27.1")
@given(x=floats_in(-2 * PI, 2 * PI))
@example(x=BOOK_X)
def test_sin_value_matches_numpy(dz, script, x):
    """sin(x) is a Variable holding np.sin(x) (0.7071067811865475 at pi / 4)."""
    y = script.sin(dz.Variable(np.array(x)))
    assert isinstance(y, dz.Variable), f"sin returned a {type(y).__name__}, not a Variable"
    assert float(to_array(y)) == pytest.approx(np.sin(x), rel=1e-12, abs=1e-15)


@pytest.mark.grade(points=1, todo="step27.2")
@given(x=floats_in(-2 * PI, 2 * PI))
@example(x=BOOK_X)
def test_sin_grad_matches_cos(dz, script, x):
    """After sin(x).backward(), x.grad is cos(x) (0.7071067811865476 at pi / 4)."""
    _, grad = _forward_backward(script.sin, dz, x)
    assert grad == pytest.approx(np.cos(x), rel=1e-12, abs=1e-15), f"x.grad should be cos({x})"


@pytest.mark.grade(points=2, todo="step27.2")
@given(x=arrays(lo=-2 * PI, hi=2 * PI))
@example(x=np.array(BOOK_X))
def test_sin_grads_match_central_difference(dz, script, x):
    """Backprop through sin agrees with central differences, on arrays and with a random upstream grad."""
    check_grad(dz, script.sin, x, todo="step27.2")


@pytest.mark.grade(points=1, todo="step27.3")
def test_my_sin_book_value_and_grad(dz, script):
    """my_sin(pi / 4) is 0.7071064695751781 with x.grad 0.7071032148228457, as the book prints."""
    assert _forward_backward(script.my_sin, dz, BOOK_X) == pytest.approx(BOOK_MY_SIN, rel=1e-12)


@pytest.mark.grade(points=2, todo="step27.3")
@given(x=floats_in(-PI, PI), exponent=floats_in(-10, -2))
@example(x=BOOK_X, exponent=-4)
def test_my_sin_value_within_threshold_of_sin(dz, script, x, exponent):
    """On [-pi, pi], my_sin(x, threshold) is within threshold of np.sin(x), for thresholds 1e-10..1e-2."""
    threshold = 10.0**exponent
    value, _ = _forward_backward(script.my_sin, dz, x, threshold)
    error = abs(value - np.sin(x))
    assert error <= threshold + 1e-12, (
        f"my_sin({x}, threshold={threshold:.3g}) = {value!r} is {error:.3g} away from sin(x) = {np.sin(x)!r}")


@pytest.mark.grade(points=2, todo="step27.3")
@given(x=floats_in(-PI, PI), exponent=floats_in(-10, -2))
@example(x=BOOK_X, exponent=-4)
def test_my_sin_grad_within_threshold_of_cos(dz, script, x, exponent):
    """Backprop through my_sin(x, threshold) gives cos(x) within threshold: each term differentiates."""
    threshold = 10.0**exponent
    _, grad = _forward_backward(script.my_sin, dz, x, threshold)
    error = abs(grad - np.cos(x))
    assert error <= threshold + 1e-12, (
        f"x.grad after my_sin({x}, threshold={threshold:.3g}) is {grad!r}, {error:.3g} away from "
        f"cos(x) = {np.cos(x)!r}")


@pytest.mark.grade(points=2, todo="step27.3")
@given(x=floats_in(-PI, PI), exponent=floats_in(-10, -2))
@example(x=BOOK_X, exponent=-4)
def test_my_sin_stops_after_first_term_below_threshold(dz, script, x, exponent):
    """my_sin adds terms up to and including the first one below threshold (4 terms at pi / 4, 1e-4)."""
    threshold = 10.0**exponent
    value, _ = _forward_backward(script.my_sin, dz, x, threshold)
    terms = _taylor_terms(x, threshold)
    sums = np.cumsum(terms + [_term(x, len(terms))])  # one term more, to tell "too many" apart
    used = int(np.argmin(np.abs(sums - value))) + 1
    assert value == pytest.approx(sums[len(terms) - 1], rel=0, abs=1e-13), (
        f"my_sin({x}, threshold={threshold:.3g}) = {value!r} looks like the sum of {used} term(s); the "
        f"rule gives {len(terms)}: stop after adding the first term whose |value| < threshold")


@pytest.mark.grade(points=1, todo="step27.3")
def test_my_sin_graph_grows_as_threshold_shrinks(dz, script):
    """At pi / 4, a smaller threshold adds terms, so the graph of my_sin holds more functions."""
    thresholds = (1e-1, 1e-4, 1e-8, 1e-12)
    sizes = [_count_functions(script.my_sin(dz.Variable(np.array(BOOK_X)), t)) for t in thresholds]
    assert all(a < b for a, b in zip(sizes, sizes[1:], strict=False)), (
        f"graph sizes (functions) for thresholds {thresholds}: {sizes}; each should be larger than the last")
