"""Step 21: Python numbers, numpy scalars and ndarrays mix with Variables on either side.

dtype policy (numpy 2, NEP 50): a result has the dtype numpy gives the same expression on
plain arrays, Python scalars being "weak": float32 * 3.0 stays float32, int * 0.5 is float64.
"""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array
from grader.strategies import arrays, floats_in, same_shape_arrays

DTYPES = (np.float64, np.float32, np.int64, np.int32)
PAIRS = same_shape_arrays(2)


def _scalars(s):
    """A Python float, a Python int and numpy scalars made from s."""
    return (s, round(s), np.float64(s), np.float32(s), np.int64(round(s)))


@pytest.mark.grade(points=2, todo="step21.1")
@given(a=arrays(), s=floats_in())
@example(a=np.array(2.0), s=3.0)
def test_scalar_plus_variable_matches_numpy(dz, a, s):
    """s + x, with a Python or numpy scalar s on the left, is a Variable holding s + x.data."""
    for c in _scalars(s):
        y = c + dz.Variable(a.copy())
        assert isinstance(y, dz.Variable), f"{type(c).__name__} + Variable gave {type(y).__name__}"
        np.testing.assert_array_equal(y.data, c + a)


@pytest.mark.grade(points=2, todo="step21.2")
@given(a=arrays(), s=floats_in())
def test_scalar_times_variable_matches_numpy(dz, a, s):
    """s * x, with a Python or numpy scalar s on the left, is a Variable holding s * x.data."""
    for c in _scalars(s):
        y = c * dz.Variable(a.copy())
        assert isinstance(y, dz.Variable), f"{type(c).__name__} * Variable gave {type(y).__name__}"
        np.testing.assert_array_equal(y.data, c * a)


@pytest.mark.grade(points=2, todo="step21.2")
@given(pair=PAIRS)
@example(pair=(np.array(2.0), np.array(3.0)))
def test_ndarray_on_the_left_gives_a_variable(dz, pair):
    """ndarray + x and ndarray * x give Variables, not ndarrays (thanks to __array_priority__)."""
    a, b = pair
    for y, expected in ((b.copy() + dz.Variable(a.copy()), b + a), (b.copy() * dz.Variable(a.copy()), b * a)):
        assert isinstance(y, dz.Variable), f"ndarray on the left gave {type(y).__name__}"
        np.testing.assert_array_equal(y.data, expected)


@pytest.mark.grade(points=1, todo="step21.3")
@given(a=arrays())
def test_as_variable_wraps_ndarrays_and_keeps_variables(dz, a):
    """as_variable(x) returns a Variable as it is and wraps an ndarray in a new Variable."""
    x = dz.Variable(a)
    assert dz.as_variable(x) is x, "a Variable must come back unchanged (the same object)"
    v = dz.as_variable(a)
    assert isinstance(v, dz.Variable) and v.data is a


@pytest.mark.grade(points=2, todo="step21.4")
@given(pair=PAIRS)
def test_function_call_accepts_ndarray_inputs(dz, pair):
    """A function called with ndarrays (Square()(a), Mul()(a, x)) turns them into Variables first."""
    a, b = pair
    y = dz.Square()(a.copy())
    assert isinstance(y, dz.Variable)
    np.testing.assert_array_equal(y.data, a**2)
    x = dz.Variable(b.copy())
    z = dz.Mul()(a.copy(), x)
    np.testing.assert_array_equal(z.data, a * b)


@pytest.mark.grade(points=2, todo="step21.5")
@given(a=arrays(lo=-9, hi=9), s=floats_in())
def test_add_keeps_numpy_dtype(dz, a, s):
    """x + s and s + x have numpy's dtype: float32 + 3.0 stays float32, int + 0.5 is float64."""
    for dtype in DTYPES:
        b = a.astype(dtype)
        for c in _scalars(s):
            for y, expected in ((dz.Variable(b.copy()) + c, b + c), (c + dz.Variable(b.copy()), c + b)):
                assert y.dtype == expected.dtype, f"{dtype.__name__} data and {c!r}: dtype {y.dtype}"
                np.testing.assert_array_equal(y.data, expected)


@pytest.mark.grade(points=2, todo="step21.2")
@given(a=arrays(lo=-9, hi=9), s=floats_in())
def test_mul_keeps_numpy_dtype(dz, a, s):
    """x * s and s * x have numpy's dtype: float32 * 3.0 stays float32, int * 0.5 is float64."""
    for dtype in DTYPES:
        b = a.astype(dtype)
        for c in _scalars(s):
            for y, expected in ((dz.Variable(b.copy()) * c, b * c), (c * dz.Variable(b.copy()), c * b)):
                assert y.dtype == expected.dtype, f"{dtype.__name__} data and {c!r}: dtype {y.dtype}"
                np.testing.assert_array_equal(y.data, expected)


@pytest.mark.grade(points=2, todo="step21.5")
def test_non_numeric_operand_raises_type_error_naming_both_types(dz):
    """x + "a" and x * [1, [2, 3]] raise a TypeError that names Variable and str / list."""
    x = dz.Variable(np.array(2.0))
    for op, other, name in ((lambda: x + "a", "a", "str"), (lambda: x * [1, [2, 3]], [1, [2, 3]], "list")):
        with pytest.raises(TypeError) as info:
            op()
        message = str(info.value)
        assert "Variable" in message and name in message, f"with {other!r}: message {message!r}"


@pytest.mark.grade(points=2, todo="step21.1")
@given(x=floats_in())
@example(x=2.0)
def test_book_expression_value_and_grad(dz, x):
    """y = 3.0 * x + 1.0 is 3x + 1 (7.0 at 2.0) and backprop gives dy/dx = 3 (checked numerically too)."""
    v = dz.Variable(np.array(x))
    y = 3.0 * v + 1.0
    y.backward()
    assert float(y.data) == pytest.approx(3 * x + 1)
    assert float(grad_as_array(v)) == 3.0
    check_grad(dz, lambda u: 3.0 * u + 1.0, np.array(x))
