"""Step 22: -x, x - y, x / y and x ** c, with numbers and ndarrays on either side.

Denominators and bases of non-integer powers are drawn in [0.5, 3], away from 0.
dtype policy as in step 21: the dtype numpy gives the same expression on plain arrays.
"""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array
from grader.strategies import arrays, floats_in, same_shape_arrays

PAIRS = same_shape_arrays(2)
POSITIVE = arrays(lo=0.5, hi=3)
DTYPES = (np.float64, np.float32, np.int64, np.int32)


def _left_operands(s, like):
    """What may stand left of a Variable: Python and numpy scalars, and an ndarray shaped like it."""
    return (s, round(s), np.float64(s), np.float32(s), np.full(like.shape, s))


@pytest.mark.grade(points=2, todo="step22.1")
@given(a=arrays())
@example(a=np.array(2.0))
def test_neg_value_and_grad(dz, a):
    """-x holds -x.data (-2.0 in the book) and backprop gives d(-x)/dx = -1 everywhere."""
    x = dz.Variable(a.copy())
    y = -x
    np.testing.assert_array_equal(y.data, -a)
    y.backward()
    np.testing.assert_array_equal(grad_as_array(x), -np.ones_like(a))
    check_grad(dz, lambda v: -v, a)


@pytest.mark.grade(points=2, todo="step22.2")
@given(pair=PAIRS)
def test_sub_grads_are_plus_and_minus_one(dz, pair):
    """For y = x0 - x1: y is x0.data - x1.data, dy/dx0 = 1 and dy/dx1 = -1."""
    a, b = pair
    x0, x1 = dz.Variable(a.copy()), dz.Variable(b.copy())
    y = x0 - x1
    np.testing.assert_array_equal(y.data, a - b)
    y.backward()
    np.testing.assert_array_equal(grad_as_array(x0), np.ones_like(a))
    np.testing.assert_array_equal(grad_as_array(x1), -np.ones_like(b))


@pytest.mark.grade(points=2, todo="step22.3")
@given(a=arrays(), s=floats_in())
@example(a=np.array(2.0), s=2.0)
def test_rsub_with_operand_on_the_left(dz, a, s):
    """s - x, with a number, numpy scalar or ndarray s on the left, is a Variable holding s - x.data."""
    for c in _left_operands(s, a):
        expected = c - a  # before the code under test sees c (the last c is an ndarray)
        y = c - dz.Variable(a.copy())
        assert isinstance(y, dz.Variable), f"{type(c).__name__} - Variable gave {type(y).__name__}"
        np.testing.assert_array_equal(y.data, expected)


@pytest.mark.grade(points=2, todo="step22.3")
@given(a=arrays(), s=floats_in())
def test_rsub_grad_matches_finite_differences(dz, a, s):
    """Backprop through s - x gives -1 and agrees with central differences."""
    check_grad(dz, lambda v: s - v, a)


@pytest.mark.grade(points=2, todo="step22.4")
@given(pair=PAIRS)
def test_div_grads_match_finite_differences(dz, pair):
    """Backprop through x0 / x1 agrees with central differences (dy/dx1 = -x0 / x1**2)."""
    a, b = pair
    b = np.where(b < 0, b - 0.5, b + 0.5)  # |x1| >= 0.5
    check_grad(dz, lambda u, v: u / v, a, b)


@pytest.mark.grade(points=2, todo="step22.5")
@given(a=POSITIVE, s=floats_in())
@example(a=np.array(2.0), s=3.0)
def test_rdiv_with_operand_on_the_left(dz, a, s):
    """s / x, with a number, numpy scalar or ndarray s on the left, holds s / x.data (1.5 in the book)."""
    for c in _left_operands(s, a):
        expected = c / a  # before the code under test sees c (the last c is an ndarray)
        y = c / dz.Variable(a.copy())
        assert isinstance(y, dz.Variable), f"{type(c).__name__} / Variable gave {type(y).__name__}"
        np.testing.assert_array_equal(y.data, expected)


@pytest.mark.grade(points=2, todo="step22.5")
@given(a=POSITIVE, s=floats_in())
def test_rdiv_grad_is_minus_s_over_x_squared(dz, a, s):
    """Backprop through s / x gives -s / x**2 and agrees with central differences."""
    x = dz.Variable(a.copy())
    (s / x).backward()
    np.testing.assert_allclose(grad_as_array(x), -s / a**2, rtol=1e-12, atol=1e-12)
    check_grad(dz, lambda v: s / v, a)


@pytest.mark.grade(points=2, todo="step22.5")
@given(a=arrays(lo=1, hi=9))
def test_rsub_and_rdiv_keep_numpy_dtype(dz, a):
    """3.0 - x and 3.0 / x keep numpy's dtype: float32 stays float32, int / 2 is float64."""
    for dtype in DTYPES:
        b = a.astype(dtype)
        for c in (3.0, 2, 0.5):
            for y, expected in ((c - dz.Variable(b.copy()), c - b), (c / dz.Variable(b.copy()), c / b)):
                assert y.dtype == expected.dtype, f"{c!r} and {dtype.__name__} data: dtype {y.dtype}"


@pytest.mark.grade(points=1, todo="step22.3")
def test_reversed_ops_reject_non_numeric_operands(dz):
    """"a" - x and [1, [2, 3]] / x raise a TypeError that names Variable and str / list."""
    x = dz.Variable(np.array(2.0))
    for op, name in ((lambda: "a" - x, "str"), (lambda: [1, [2, 3]] / x, "list")):
        with pytest.raises(TypeError) as info:
            op()
        assert "Variable" in str(info.value) and name in str(info.value), str(info.value)


@pytest.mark.grade(points=2, todo="step22.6")
@given(a=POSITIVE, c=floats_in())
@example(a=np.array(2.0), c=3.0)
def test_pow_value_and_grad_follow_the_power_rule(dz, a, c):
    """x ** c holds x.data ** c (8.0 for 2.0 ** 3) and backprop gives c * x ** (c - 1)."""
    x = dz.Variable(a.copy())
    y = x**c
    np.testing.assert_allclose(y.data, a**c)
    y.backward()
    np.testing.assert_allclose(grad_as_array(x), c * a ** (c - 1), rtol=1e-12, atol=1e-12)
    check_grad(dz, lambda v: v**c, a)


@pytest.mark.grade(points=2, todo="step22.4")
@given(a=POSITIVE)
def test_expression_of_every_operator_matches_finite_differences(dz, a):
    """-x ** 2 / 3.0 + (x - 1.0) * 2.0 - 1.0 / x: numpy's value and finite-difference grads."""

    def f(x):
        return -x**2 / 3.0 + (x - 1.0) * 2.0 - 1.0 / x

    np.testing.assert_allclose(f(dz.Variable(a.copy())).data, f(a))
    check_grad(dz, f, a)
