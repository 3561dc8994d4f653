"""Step 11: functions take a list of Variables and return a list; forward takes a list, returns a tuple.

Calling with a list (`Add()([x0, x1])`) is step 11's own convention: from step 12 on, and in
the reference package, functions are called as `Add()(x0, x1)`. Tests that use the list
convention are marked reference=False; the gradient checks go through square()/exp() and
apply to the reference too.
"""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, inputs_of, outputs_of
from grader.strategies import arrays, same_shape_arrays


def _three_way(dz):
    class ThreeWay(dz.Function):
        """Two inputs, three outputs: (x0 + x1, x0 - x1, x0 * x1)."""

        def forward(self, xs):
            x0, x1 = xs
            return x0 + x1, x0 - x1, x0 * x1

    return ThreeWay()


@pytest.mark.grade(points=3, todo="step11.2", reference=False)
@given(pair=same_shape_arrays(2))
@example(pair=(np.array(2), np.array(3)))
def test_add_call_takes_list_returns_list(dz, pair):
    """Add()([x0, x1]) returns a list holding one Variable with data x0 + x1 (5 for 2 and 3)."""
    a, b = pair
    ys = dz.Add()([dz.Variable(a.copy()), dz.Variable(b.copy())])
    assert isinstance(ys, list), f"calling a function should return a list, got {type(ys).__name__}"
    assert len(ys) == 1 and isinstance(ys[0], dz.Variable), "Add should return [Variable]"
    np.testing.assert_array_equal(ys[0].data, a + b)


@pytest.mark.grade(points=1, todo="step11.4", reference=False)
@given(pair=same_shape_arrays(2))
def test_add_forward_returns_sum_in_tuple(dz, pair):
    """Add().forward([a, b]) takes a list of two ndarrays and returns the 1-tuple (a + b,)."""
    a, b = pair
    ys = dz.Add().forward([a.copy(), b.copy()])
    assert isinstance(ys, tuple) and len(ys) == 1, f"forward should return a 1-tuple, got {ys!r}"
    np.testing.assert_array_equal(ys[0], a + b)


@pytest.mark.grade(points=2, todo="step11.2", reference=False)
@given(pair=same_shape_arrays(2))
def test_call_wraps_every_forward_result(dz, pair):
    """A forward that returns a 3-tuple gives a list of 3 Variables, each holding an ndarray."""
    a, b = pair
    ys = _three_way(dz)([dz.Variable(a.copy()), dz.Variable(b.copy())])
    assert isinstance(ys, list) and len(ys) == 3, f"expected a list of 3 outputs, got {ys!r}"
    for y, expected in zip(ys, (a + b, a - b, a * b), strict=True):
        assert isinstance(y.data, np.ndarray), f"output data is {type(y.data).__name__}, use as_array"
        np.testing.assert_array_equal(y.data, expected)


@pytest.mark.grade(points=2, todo="step11.3", reference=False)
@given(pair=same_shape_arrays(2))
def test_call_records_inputs_outputs_and_creator(dz, pair):
    """The function keeps its input list and output list and is the creator of every output."""
    f = _three_way(dz)
    xs = [dz.Variable(a) for a in pair]
    ys = f(xs)
    assert [id(x) for x in inputs_of(f)] == [id(x) for x in xs], "f.inputs should be the inputs"
    assert [id(y) for y in outputs_of(f)] == [id(y) for y in ys], "f.outputs should be the outputs"
    for i, y in enumerate(ys):
        assert y.creator is f, f"output {i} does not have f as its creator"


@pytest.mark.grade(points=1, todo="step11.5", reference=False)
@given(a=arrays())
def test_square_forward_takes_list_returns_tuple(dz, a):
    """Square().forward([a]) returns the 1-tuple (a ** 2,)."""
    ys = dz.Square().forward([a.copy()])
    assert isinstance(ys, tuple) and len(ys) == 1, f"forward should return a 1-tuple, got {ys!r}"
    np.testing.assert_allclose(ys[0], a**2)


@pytest.mark.grade(points=1, todo="step11.7", reference=False)
@given(a=arrays())
def test_exp_forward_takes_list_returns_tuple(dz, a):
    """Exp().forward([a]) returns the 1-tuple (exp(a),)."""
    ys = dz.Exp().forward([a.copy()])
    assert isinstance(ys, tuple) and len(ys) == 1, f"forward should return a 1-tuple, got {ys!r}"
    np.testing.assert_allclose(ys[0], np.exp(a))


@pytest.mark.grade(points=2, todo="step11.6")
@given(a=arrays())
def test_square_grad_matches_central_difference(dz, a):
    """Backprop through square(x) agrees with central differences (d/dx x ** 2 = 2x)."""
    check_grad(dz, dz.square, a, todo="step11.6")


@pytest.mark.grade(points=2, todo="step11.8")
@given(a=arrays())
def test_exp_grad_matches_central_difference(dz, a):
    """Backprop through exp(x) agrees with central differences (d/dx exp(x) = exp(x))."""
    check_grad(dz, dz.exp, a, todo="step11.8")


@pytest.mark.grade(points=2, todo="step11.1")
@given(a=arrays(lo=-1, hi=1))
@example(a=np.array(0.5))
def test_chain_grad_matches_central_difference(dz, a):
    """Backprop through square(exp(square(x))) agrees with central differences (3.2974... at 0.5)."""
    check_grad(dz, lambda v: dz.square(dz.exp(dz.square(v))), a, todo="step11.1")
