"""Step 9: square()/exp() helpers, a default grad of ones, and Variables that hold only ndarrays."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array, to_array
from grader.strategies import arrays, floats_in


def _raises_type_error_naming(dz, data):
    with pytest.raises(TypeError) as info:
        dz.Variable(data)
    name = type(data).__name__
    assert name in str(info.value), f"the TypeError should name the type {name!r}, got: {info.value}"


@pytest.mark.grade(points=2, todo="step09.1")
@given(x=floats_in(-3, 3))
@example(x=1.0)
def test_variable_rejects_python_float(dz, x):
    """Variable(1.0) raises a TypeError whose message names the type float."""
    _raises_type_error_naming(dz, x)


@pytest.mark.grade(points=1, todo="step09.1")
def test_variable_rejects_other_non_ndarrays(dz):
    """Variable(3), Variable([1.0, 2.0]) and Variable(np.float64(0.5)) raise a TypeError naming the type."""
    for data in (3, [1.0, 2.0], np.float64(0.5)):
        _raises_type_error_naming(dz, data)


@pytest.mark.grade(points=1, todo="step09.1")
@given(a=arrays())
def test_variable_accepts_ndarray_and_none(dz, a):
    """Variable(ndarray) and Variable(None) are accepted and keep their data."""
    assert dz.Variable(a).data is a, "Variable(a) should keep the very ndarray it was given"
    assert dz.Variable(None).data is None, "Variable(None) should be allowed (data stays None)"


def _spy_class(dz, seen):
    class Spy(dz.Function):
        """y = x; records the upstream gradient it receives."""

        def forward(self, x):
            return x.copy()

        def backward(self, gy):
            seen.append(to_array(gy))
            return gy

    return Spy


@pytest.mark.grade(points=2, todo="step09.2")
@given(a=arrays())
def test_backward_default_grad_is_ones_like_data(dz, a):
    """y.backward() with no grad set starts from np.ones_like(y.data): same shape, dtype, all ones."""
    for data in (a, a.astype(np.float32)):
        seen = []
        y = _spy_class(dz, seen)()(dz.Variable(data.copy()))
        y.backward()
        assert seen and seen[0] is not None, "backward should pass a grad of ones, not None"
        gy = seen[0]
        assert gy.shape == data.shape and gy.dtype == data.dtype, (
            f"the default grad has shape {gy.shape} and dtype {gy.dtype}, "
            f"the data has {data.shape} and {data.dtype}")
        np.testing.assert_array_equal(gy, np.ones_like(data))


@pytest.mark.grade(points=2, todo="step09.2")
@given(x=floats_in(-1, 1))
@example(x=0.5)
def test_backward_without_seed_gives_chain_rule(dz, x):
    """square(exp(square(x))).backward() with no seed gives 4x exp(2x**2) (3.297442541400256 at 0.5)."""
    v = dz.Variable(np.array(x))
    dz.square(dz.exp(dz.square(v))).backward()
    grad = grad_as_array(v)
    assert grad is not None, "x.grad is still None after y.backward()"
    assert float(grad) == pytest.approx(4 * x * np.exp(2 * x**2), rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=1, todo="step09.3")
@given(x=floats_in(-3, 3))
def test_as_array_wraps_numpy_scalar(dz, x):
    """as_array(np.float64(x)) is a 0-d ndarray holding x."""
    out = dz.as_array(np.float64(x))
    assert isinstance(out, np.ndarray), f"as_array returned {type(out).__name__}, not an ndarray"
    assert out.ndim == 0 and float(out) == x


@pytest.mark.grade(points=1, todo="step09.3")
@given(a=arrays())
def test_as_array_returns_ndarray_unchanged(dz, a):
    """as_array(a) returns an ndarray a itself, not a copy."""
    assert dz.as_array(a) is a


@pytest.mark.grade(points=1, todo="step09.7")
@given(x=floats_in(-3, 3))
def test_function_output_is_ndarray_for_0d_input(dz, x):
    """For a 0-d input, where numpy returns a scalar, the output's data is still a 0-d ndarray."""
    for f in (dz.Square(), dz.Exp()):
        y = f(dz.Variable(np.array(x)))
        assert isinstance(y.data, np.ndarray), f"{type(f).__name__} output data is {type(y.data).__name__}"
        assert y.data.ndim == 0


@pytest.mark.grade(points=1, todo="step09.4")
@given(a=arrays())
def test_square_helper_applies_square(dz, a):
    """square(x) returns the output of a new Square function: data x ** 2, creator a Square."""
    y = dz.square(dz.Variable(a.copy()))
    np.testing.assert_allclose(to_array(y), a**2)
    assert isinstance(y.creator, dz.Square), "square(x) should call a Square function"


@pytest.mark.grade(points=1, todo="step09.5")
@given(a=arrays())
def test_exp_helper_applies_exp(dz, a):
    """exp(x) returns the output of a new Exp function: data exp(x), creator an Exp."""
    y = dz.exp(dz.Variable(a.copy()))
    np.testing.assert_allclose(to_array(y), np.exp(a))
    assert isinstance(y.creator, dz.Exp), "exp(x) should call an Exp function"


@pytest.mark.grade(points=2, todo="step09.5")
@given(a=arrays(lo=-1, hi=1))
def test_helpers_chain_matches_central_difference(dz, a):
    """Backprop through square(exp(square(x))) on arrays agrees with central differences."""
    check_grad(dz, lambda v: dz.square(dz.exp(dz.square(v))), a)


@pytest.mark.grade(points=2, todo="step09.6")
@given(x=floats_in(-3, 3))
@example(x=2.0)
def test_numerical_diff_accepts_0d_variable(dz, x):
    """numerical_diff(square, Variable(np.array(x))) still works on 0-d data and is close to 2x."""
    numeric = dz.numerical_diff(dz.square, dz.Variable(np.array(x)))
    assert float(to_array(numeric)) == pytest.approx(2 * x, rel=1e-6, abs=1e-6)
