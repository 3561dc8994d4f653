"""Step 37: tensors: elementwise functions and their backprop on arrays of any shape."""

import numpy as np
import pytest
from hypothesis import example, given, note

from grader.checks import assert_array_close, check_grad, to_array
from grader.strategies import same_shape_arrays

BOOK_X = np.array([[1, 2, 3], [4, 5, 6]])
BOOK_C = np.array([[10, 20, 30], [40, 50, 60]])


def _elementwise_fns(dz):
    """(name, f, df/dx0, df/dx1) for elementwise functions of two tensors."""
    sin = dz.functions.sin
    return [
        ("x + c", lambda x, c: x + c, lambda x, c: np.ones_like(x), lambda x, c: np.ones_like(c)),
        ("x * c", lambda x, c: x * c, lambda x, c: c, lambda x, c: x),
        ("sin(x) * c + x", lambda x, c: sin(x) * c + x, lambda x, c: c * np.cos(x) + 1,
         lambda x, c: np.sin(x)),
    ]


@pytest.mark.grade(points=2, todo="step37.1")
@given(xc=same_shape_arrays(2))
@example(xc=(BOOK_X * 1.0, BOOK_C * 1.0))
def test_elementwise_matches_numpy(dz, script, xc):
    """elementwise(x, c) is sin(x) * c + x element by element, in the shape of x and c."""
    x, c = xc
    y = script.elementwise(dz.Variable(x.copy()), dz.Variable(c.copy()))
    assert isinstance(y, dz.Variable), f"elementwise returned a {type(y).__name__}, not a Variable"
    assert_array_close(y, np.sin(x) * c + x, "elementwise(x, c)")


@pytest.mark.grade(points=2, todo="step37.1")
@given(xcg=same_shape_arrays(3))
@example(xcg=(BOOK_X * 1.0, BOOK_C * 1.0, np.ones((2, 3))))
def test_elementwise_grad_matches_central_difference(dz, script, xcg):
    """Backprop through elementwise(x, c) from an upstream grad gy agrees with central differences."""
    x, c, gy = xcg
    check_grad(dz, script.elementwise, x, c, gy=gy, todo="step37.1")


@pytest.mark.grade(points=2, todo="step37.2")
@given(xc=same_shape_arrays(2))
@example(xc=(BOOK_X, BOOK_C))
def test_tensor_grads_default_grad_is_ones(dz, script, xc):
    """Without gy, tensor_grads backprops from ones shaped like y: x + c gives ones, x * c gives (c, x)."""
    x, c = xc
    gx, gc = script.tensor_grads(lambda a, b: a + b, dz.Variable(x.copy()), dz.Variable(c.copy()))
    assert_array_close(gx, np.ones_like(x), "grad of x for y = x + c")
    assert_array_close(gc, np.ones_like(c), "grad of c for y = x + c")
    gx, gc = script.tensor_grads(lambda a, b: a * b, dz.Variable(x.copy()), dz.Variable(c.copy()))
    assert_array_close(gx, c, "grad of x for y = x * c")
    assert_array_close(gc, x, "grad of c for y = x * c")


@pytest.mark.grade(points=2, todo="step37.2")
@given(xcg=same_shape_arrays(3))
@example(xcg=(BOOK_X * 1.0, BOOK_C * 1.0, np.full((2, 3), 0.5)))
def test_tensor_grads_with_gy_is_gy_times_derivative(dz, script, xcg):
    """With an upstream grad gy, every elementwise function's grads are gy times its derivatives."""
    x, c, gy = xcg
    for name, f, dfdx, dfdc in _elementwise_fns(dz):
        note(f"y = {name}")
        gx, gc = script.tensor_grads(f, dz.Variable(x.copy()), dz.Variable(c.copy()), gy=gy.copy())
        assert_array_close(gx, gy * dfdx(x, c), f"grad of x for y = {name}")
        assert_array_close(gc, gy * dfdc(x, c), f"grad of c for y = {name}")


@pytest.mark.grade(points=1, todo="step37.2")
@given(xc=same_shape_arrays(2))
def test_tensor_grads_keep_each_input_shape(dz, script, xc):
    """tensor_grads returns one grad per input, each with the shape of its input (x, c and sin(x))."""
    x, c = xc
    sin = dz.functions.sin
    grads = script.tensor_grads(lambda a, b, d: sin(a) * b + d, *(dz.Variable(v.copy()) for v in (x, c, x)))
    assert len(grads) == 3, f"tensor_grads returned {len(grads)} grads for 3 inputs"
    for k, g in enumerate(grads):
        assert g is not None, f"the grad of input {k} is None"
        shape = to_array(g).shape
        assert shape == x.shape, f"the grad of input {k} has shape {shape}, not {x.shape}"


@pytest.mark.grade(points=1, todo="step37.2")
def test_tensor_grads_start_from_cleared_grads(dz, script):
    """Calling tensor_grads twice on the same Variables gives the same grads, not their sum."""
    x, c = dz.Variable(BOOK_X * 1.0), dz.Variable(BOOK_C * 1.0)
    script.tensor_grads(script.elementwise, x, c)
    gx, gc = script.tensor_grads(script.elementwise, x, c)
    assert_array_close(gx, BOOK_C * np.cos(BOOK_X) + 1, "grad of x after a second call")
    assert_array_close(gc, np.sin(BOOK_X), "grad of c after a second call (is the old grad cleared?)")
