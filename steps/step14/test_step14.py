"""Step 14: a variable used several times collects the sum of its grads; cleargrad starts afresh.

Step 14 promises correct grads when only input variables (no creator) are reused. A reused
intermediate variable (a diamond such as add(square(a), square(a))) needs step 16.
"""

from functools import reduce

import numpy as np
import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st

from grader.checks import check_grad, grad_as_array, seed_grad
from grader.strategies import arrays, repeat_counts, same_shape_arrays, unary_chains


def _sum_of_copies(dz, x, k, term=lambda v: v):
    """add(...add(term(x), term(x))..., term(x)) with k terms."""
    return reduce(dz.add, [term(x) for _ in range(k)])


def _grad(x):
    grad = grad_as_array(x)
    assert grad is not None, "x.grad is None after backward()"
    return grad


@pytest.mark.grade(points=3, todo="step14.1")
@given(k=repeat_counts(), a=arrays())
@example(k=2, a=np.array(3.0))
def test_add_repeated_input_accumulates_grad(dz, k, a):
    """The grad of x + x + ... + x (k terms) is k for every element (2.0 for add(x, x))."""
    x = dz.Variable(a.copy())
    _sum_of_copies(dz, x, k).backward()
    np.testing.assert_allclose(_grad(x), np.full_like(a, k), err_msg=f"d/dx of {k} x's should be {k}")


@pytest.mark.grade(points=2, todo="step14.1")
@given(pair=same_shape_arrays(2))
def test_repeated_input_leaves_upstream_grad_untouched(dz, pair):
    """For y = add(x, x) seeded with gy, x.grad is 2 gy and the gy array itself is not changed."""
    a, gy = pair
    keep = gy.copy()
    x = dz.Variable(a)
    y = dz.add(x, x)
    seed_grad(dz, y, gy)
    y.backward()
    np.testing.assert_allclose(_grad(x), 2 * keep, err_msg="x.grad should be gy + gy")
    np.testing.assert_array_equal(gy, keep, err_msg="backward changed the upstream grad in place (+=?)")


@pytest.mark.grade(points=2, todo="step14.1")
@given(k=repeat_counts(4), a=arrays())
def test_sum_of_squares_of_same_variable_is_2kx(dz, k, a):
    """The grad of square(x) + ... + square(x) (k terms) is 2kx (4x for add(square(x), square(x)))."""
    x = dz.Variable(a.copy())
    _sum_of_copies(dz, x, k, dz.square).backward()
    np.testing.assert_allclose(_grad(x), 2 * k * a, rtol=1e-12, atol=1e-12)


@pytest.mark.grade(points=3, todo="step14.1")
@given(chains=st.lists(unary_chains(), min_size=2, max_size=4), a=arrays(lo=-1, hi=1))
def test_repeated_input_expression_grad_matches_central_difference(dz, chains, a):
    """Backprop through a sum of square/exp chains, all of the same x, agrees with central differences."""
    note(f"y = add over i of chains[i](x), chains = {chains} (innermost first)")

    def f(v):
        return reduce(dz.add, [reduce(lambda acc, name: getattr(dz, name)(acc), c, v) for c in chains])

    check_grad(dz, f, a, todo="step14.1")


@pytest.mark.grade(points=2, todo="step14.1")
@given(n=repeat_counts(4), a=arrays())
@example(n=2, a=np.array(3.0))
def test_backward_twice_without_cleargrad_accumulates(dz, n, a):
    """Calling y.backward() n times on y = square(x) leaves x.grad = n * 2x (12.0 twice at 3.0)."""
    x = dz.Variable(a.copy())
    y = dz.square(x)
    for _ in range(n):
        y.backward()
    np.testing.assert_allclose(_grad(x), n * 2 * a, rtol=1e-12, atol=1e-12)


@pytest.mark.grade(points=1, todo="step14.2")
@given(a=arrays(), g=arrays())
def test_cleargrad_forgets_grad(dz, a, g):
    """x.cleargrad() sets x.grad back to None."""
    x = dz.Variable(a)
    seed_grad(dz, x, g)
    x.cleargrad()
    assert grad_as_array(x) is None, "x.grad should be None after x.cleargrad()"


@pytest.mark.grade(points=2, todo="step14.2")
@given(k1=repeat_counts(), k2=repeat_counts(), a=arrays())
@example(k1=2, k2=3, a=np.array(3.0))
def test_cleargrad_keeps_second_computation_clean(dz, k1, k2, a):
    """After cleargrad, a second computation's grad is its own: k2, not k1 + k2 (3.0 in the book)."""
    x = dz.Variable(a.copy())
    _sum_of_copies(dz, x, k1).backward()
    x.cleargrad()
    _sum_of_copies(dz, x, k2).backward()
    np.testing.assert_allclose(_grad(x), np.full_like(a, k2), err_msg="the first grad leaked in")
