"""Step 12: functions are called as f(x0, x1), forward(x0, x1) is unpacked, one output comes back bare."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, inputs_of, outputs_of, to_array
from grader.strategies import arrays, chain_lengths, same_shape_arrays


def _three_way(dz):
    class ThreeWay(dz.Function):
        """Two inputs, three outputs: (x0 + x1, x0 - x1, x0 * x1)."""

        def forward(self, x0, x1):
            return x0 + x1, x0 - x1, x0 * x1

    return ThreeWay()


@pytest.mark.grade(points=2, todo="step12.1")
@given(pair=same_shape_arrays(2))
@example(pair=(np.array(2), np.array(3)))
def test_add_call_takes_separate_arguments(dz, pair):
    """Add()(x0, x1) with two Variables as arguments returns one Variable x0 + x1 (5 for 2 and 3)."""
    a, b = pair
    y = dz.Add()(dz.Variable(a.copy()), dz.Variable(b.copy()))
    assert isinstance(y, dz.Variable), f"Add()(x0, x1) should return a Variable, got {type(y).__name__}"
    np.testing.assert_array_equal(to_array(y), a + b)


@pytest.mark.grade(points=2, todo="step12.1")
@given(n=chain_lengths(4), a=arrays())
def test_call_unpacks_inputs_into_forward(dz, n, a):
    """f(x0, ..., xn) calls forward(x0.data, ..., xn.data): n separate ndarrays, not one list."""
    seen = []

    class Collect(dz.Function):
        def forward(self, *xs):
            seen.append(xs)
            return xs[0].copy()

    xs = [dz.Variable(np.array(a + i)) for i in range(n)]
    Collect()(*xs)
    assert len(seen) == 1 and len(seen[0]) == n, f"forward got {len(seen[0])} arguments, expected {n}"
    for i, (got, x) in enumerate(zip(seen[0], xs, strict=True)):
        assert isinstance(got, np.ndarray), f"argument {i} of forward is {type(got).__name__}"
        assert got is x.data, f"argument {i} of forward should be input {i}'s data"


@pytest.mark.grade(points=1, todo="step12.2")
@given(a=arrays())
def test_call_returns_single_output_bare(dz, a):
    """Square()(x) returns the output Variable itself, not a list holding it."""
    y = dz.Square()(dz.Variable(a.copy()))
    assert isinstance(y, dz.Variable), f"one output should come back bare, got {type(y).__name__}"
    np.testing.assert_allclose(y.data, a**2)


@pytest.mark.grade(points=2, todo="step12.2")
@given(pair=same_shape_arrays(2))
def test_call_returns_several_outputs_as_list(dz, pair):
    """A forward returning a 3-tuple gives a list of 3 Variables, in order, all made by f."""
    a, b = pair
    f = _three_way(dz)
    ys = f(dz.Variable(a.copy()), dz.Variable(b.copy()))
    assert isinstance(ys, list) and len(ys) == 3, f"expected a list of 3 outputs, got {ys!r}"
    assert [id(y) for y in outputs_of(f)] == [id(y) for y in ys], "f.outputs should be the outputs"
    for y, expected in zip(ys, (a + b, a - b, a * b), strict=True):
        assert isinstance(y.data, np.ndarray), f"output data is {type(y.data).__name__}, use as_array"
        np.testing.assert_array_equal(y.data, expected)


@pytest.mark.grade(points=1, todo="step12.3")
@given(pair=same_shape_arrays(2))
def test_add_forward_takes_two_arrays(dz, pair):
    """Add().forward(a, b) takes two ndarrays and returns the ndarray a + b."""
    a, b = pair
    y = dz.Add().forward(a.copy(), b.copy())
    assert not isinstance(y, (tuple, list)), f"forward should return a bare ndarray, got {y!r}"
    np.testing.assert_array_equal(y, a + b)


@pytest.mark.grade(points=2, todo="step12.4")
@given(pair=same_shape_arrays(2))
@example(pair=(np.array(2), np.array(3)))
def test_add_helper_applies_add(dz, pair):
    """add(x0, x1) returns the output of a new Add function of x0 and x1 (5 for 2 and 3)."""
    x0, x1 = dz.Variable(pair[0].copy()), dz.Variable(pair[1].copy())
    y = dz.add(x0, x1)
    np.testing.assert_array_equal(to_array(y), pair[0] + pair[1])
    assert isinstance(y.creator, dz.Add), "add(x0, x1) should call an Add function"
    assert [id(x) for x in inputs_of(y.creator)] == [id(x0), id(x1)], "its inputs should be x0, x1"


@pytest.mark.grade(points=2, todo="step12.1")
@given(a=arrays(lo=-1, hi=1))
@example(a=np.array(0.5))
def test_chain_grad_matches_central_difference(dz, a):
    """Backprop through square(exp(square(x))) still agrees with central differences."""
    check_grad(dz, lambda v: dz.square(dz.exp(dz.square(v))), a, todo="step12.1")
