"""Step 13: backprop through functions with several inputs (and several outputs).

Step 13 promises correct grads when every variable is used once (the graph is a tree).
A variable used twice needs step 14, a re-converging graph needs step 16: not tested here.
"""

from functools import reduce

import numpy as np
import pytest
from hypothesis import example, given, note

from grader.checks import check_grad, grad_as_array, seed_grad, to_array
from grader.strategies import (
    floats_in,
    same_shape_arrays,
    sums_of_chains,
)


def _sum_of_chains(dz, chains):
    def apply(chain, v):
        return reduce(lambda acc, name: getattr(dz, name)(acc), chain, v)

    return lambda *vs: reduce(dz.add, [apply(c, v) for c, v in zip(chains, vs, strict=True)])


def _linear_pair(dz):
    class LinearPair(dz.Function):
        """Two inputs, two outputs: (x0 + 2 x1, 3 x0 - x1)."""

        def forward(self, x0, x1):
            return x0 + 2 * x1, 3 * x0 - x1

        def backward(self, gy0, gy1):
            return gy0 + 3 * gy1, 2 * gy0 - gy1

    return LinearPair()


@pytest.mark.grade(points=2, todo="step13.3")
@given(abg=same_shape_arrays(3))
def test_add_backward_passes_gy_to_both_inputs(dz, abg):
    """For y = add(x0, x1), backward gives x0 and x1 each the upstream grad gy unchanged."""
    a, b, gy = abg
    x0, x1 = dz.Variable(a.copy()), dz.Variable(b.copy())
    y = dz.add(x0, x1)
    seed_grad(dz, y, gy.copy())  # the test keeps gy itself for the comparison
    y.backward()
    for name, x in (("x0", x0), ("x1", x1)):
        grad = grad_as_array(x)
        assert grad is not None, f"{name}.grad is None after backward()"
        np.testing.assert_array_equal(grad, gy, err_msg=f"{name}.grad should equal gy")


@pytest.mark.grade(points=1, todo="step13.3")
@given(abg=same_shape_arrays(3))
def test_add_backward_alone_returns_gy_for_each_input(dz, abg):
    """Add's own backward, called directly (no backward pass around it), returns gy for each input."""
    a, b, gy = abg
    y = dz.add(dz.Variable(a), dz.Variable(b))
    gxs = y.creator.backward(gy.copy())
    assert isinstance(gxs, (tuple, list)) and len(gxs) == 2, (
        f"Add.backward(gy) should return one grad per input, two in all; got {gxs!r}")
    for i, gx in enumerate(gxs):
        np.testing.assert_array_equal(gx, gy, err_msg=f"Add.backward(gy): the grad for input {i} should be gy")


@pytest.mark.grade(points=2, todo="step13.3")
@given(pair=same_shape_arrays(2))
def test_add_grad_matches_central_difference(dz, pair):
    """Backprop through add(x0, x1) agrees with central differences for both inputs."""
    check_grad(dz, dz.add, *pair, todo="step13.3")


@pytest.mark.grade(points=2, todo="step13.2")
@given(x=floats_in(-3, 3), y=floats_in(-3, 3))
@example(x=2.0, y=3.0)
def test_sum_of_squares_grads_are_2x_and_2y(dz, x, y):
    """z = add(square(x), square(y)) gives z = x**2 + y**2, dz/dx = 2x, dz/dy = 2y (13, 4, 6 at 2, 3)."""
    vx, vy = dz.Variable(np.array(x)), dz.Variable(np.array(y))
    z = dz.add(dz.square(vx), dz.square(vy))
    z.backward()
    assert float(to_array(z)) == pytest.approx(x**2 + y**2)
    for name, v, expected in (("x", vx, 2 * x), ("y", vy, 2 * y)):
        grad = grad_as_array(v)
        assert grad is not None, f"{name}.grad is None after z.backward()"
        assert float(grad) == pytest.approx(expected), f"d z/d {name} should be 2 * {name}"


@pytest.mark.grade(points=3, todo="step13.1")
@given(case=sums_of_chains())
def test_sum_of_distinct_terms_grad_matches_central_difference(dz, case):
    """Backprop through a sum of square/exp chains of distinct inputs agrees with central differences."""
    xs, chains = case
    note(f"y = add over i of chains[i](x_i), chains = {chains} (innermost first)")
    check_grad(dz, _sum_of_chains(dz, chains), *xs, todo="step13.1")


@pytest.mark.grade(points=2, todo="step13.1")
@given(pair=same_shape_arrays(2))
def test_backward_with_two_outputs_matches_central_difference(dz, pair):
    """For (y0, y1) = f(x0, x1), add(y0, y1) backprops both outputs' grads into both inputs."""
    check_grad(dz, lambda x0, x1: dz.add(*_linear_pair(dz)(x0, x1)), *pair, todo="step13.1")
