"""Step 43: linear, sigmoid and mean_squared_error, and the 1-10-1 net they make."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import (
    assert_losses_close,
    check_grad,
    functions_of,
    grad_as_array,
    sigmoid_net_losses,
    sin_data,
    to_array,
)
from grader.strategies import arrays, shapes

TRAIN_ITERS = 200  # of the book's 10 000: each loss is compared, so a wrong step shows within one or two
BOOK_CASE = (np.array([[0.5], [1.0]]), np.array([[2.0, -1.0]]), np.array([0.5, 3.0]))


def _linear_cases():
    """(x, W, b) with x of shape (N, I), W (I, O) and b (O,); sides 1..4."""
    return shapes(3, 3).flatmap(lambda s: st.tuples(
        arrays((s[0], s[1])), arrays((s[1], s[2])), arrays((s[2],))))


def _row_pairs():
    """Two arrays of one shape with at least one axis (rows are the first axis)."""
    return shapes(1, 2).flatmap(lambda s: st.tuples(arrays(s), arrays(s)))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _value(y):
    return to_array(y).astype(np.float64)


@pytest.mark.grade(points=2, todo="step43.1")
@given(case=_linear_cases())
@example(case=BOOK_CASE)
def test_linear_simple_matches_formula(dz, case):
    """linear_simple(x, W, b) is x W + b, and linear_simple(x, W) is x W."""
    x, W, b = (dz.Variable(a.copy()) for a in case)
    np.testing.assert_allclose(_value(dz.functions.linear_simple(x, W, b)), case[0] @ case[1] + case[2],
                               rtol=1e-12, atol=1e-12, err_msg="linear_simple(x, W, b)")
    np.testing.assert_allclose(_value(dz.functions.linear_simple(x, W)), case[0] @ case[1],
                               rtol=1e-12, atol=1e-12, err_msg="linear_simple(x, W) without b")


@pytest.mark.grade(points=2, todo="step43.2")
@given(case=_linear_cases())
@example(case=BOOK_CASE)
def test_linear_matches_formula(dz, case):
    """linear(x, W, b) is x W + b, and linear(x, W) is x W."""
    x, W, b = (dz.Variable(a.copy()) for a in case)
    np.testing.assert_allclose(_value(dz.functions.linear(x, W, b)), case[0] @ case[1] + case[2],
                               rtol=1e-12, atol=1e-12, err_msg="linear(x, W, b)")
    np.testing.assert_allclose(_value(dz.functions.linear(x, W)), case[0] @ case[1],
                               rtol=1e-12, atol=1e-12, err_msg="linear(x, W) without b")


@pytest.mark.grade(points=1, todo="step43.2")
def test_linear_is_one_function(dz):
    """linear makes one graph node (linear_simple makes two: matmul, then +)."""
    x, W, b = (dz.Variable(a.copy()) for a in BOOK_CASE)
    made = functions_of(dz.functions.linear(x, W, b))
    names = ", ".join(type(f).__name__ for f in made)
    assert len(made) == 1, f"linear's output was made by {len(made)} functions: {names}"


@pytest.mark.grade(points=3, todo="step43.3")
@given(case=_linear_cases())
@example(case=BOOK_CASE)
def test_linear_grad_matches_central_difference(dz, case):
    """Backprop through linear(x, W, b) gives grads of x, W and b that agree with central differences."""
    check_grad(dz, dz.functions.linear, *case, todo="step43.3")


@pytest.mark.grade(points=1, todo="step43.3")
@given(case=_linear_cases())
def test_linear_without_bias_grad_matches_central_difference(dz, case):
    """Without b, linear(x, W) still backprops: x and W get the right grads."""
    check_grad(dz, lambda x, W: dz.functions.linear(x, W), *case[:2], todo="step43.3")


@pytest.mark.grade(points=1, todo="step43.4")
@given(x=arrays())
@example(x=np.array([-1.0, 0.0, 2.0]))
def test_sigmoid_simple_matches_formula(dz, x):
    """sigmoid_simple(x) is 1 / (1 + exp(-x)), element by element."""
    np.testing.assert_allclose(_value(dz.functions.sigmoid_simple(dz.Variable(x.copy()))), _sigmoid(x),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.grade(points=1, todo="step43.4")
@given(x=arrays())
def test_sigmoid_simple_grad_matches_central_difference(dz, x):
    """Backprop through sigmoid_simple agrees with central differences."""
    check_grad(dz, dz.functions.sigmoid_simple, x, todo="step43.4")


@pytest.mark.grade(points=2, todo="step43.5")
@given(x=arrays())
@example(x=np.array([-1.0, 0.0, 2.0]))
def test_sigmoid_matches_formula(dz, x):
    """sigmoid(x) is 1 / (1 + exp(-x)), element by element."""
    np.testing.assert_allclose(_value(dz.functions.sigmoid(dz.Variable(x.copy()))), _sigmoid(x),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.grade(points=1, todo="step43.5")
def test_sigmoid_does_not_overflow_and_keeps_float32(dz):
    """sigmoid of -1000, 0, 1000 is 0, 0.5, 1 with no overflow; float32 input gives float32."""
    with np.errstate(over="raise"):
        y = _value(dz.functions.sigmoid(dz.Variable(np.array([-1000.0, 0.0, 1000.0]))))
    np.testing.assert_allclose(y, [0.0, 0.5, 1.0], atol=1e-15)
    y32 = dz.functions.sigmoid(dz.Variable(np.array([-1.0, 2.0], dtype=np.float32)))
    assert to_array(y32).dtype == np.float32, f"sigmoid of float32 gave {to_array(y32).dtype}"


@pytest.mark.grade(points=2, todo="step43.6")
@given(x=arrays())
@example(x=np.array([-1.0, 0.0, 2.0]))
def test_sigmoid_grad_matches_central_difference(dz, x):
    """Backprop through sigmoid agrees with central differences."""
    check_grad(dz, dz.functions.sigmoid, x, todo="step43.6")


@pytest.mark.grade(points=1, todo="step43.6")
@given(x=arrays())
def test_sigmoid_second_derivative_matches_formula(dz, x):
    """sigmoid's grad can be differentiated again: d2y/dx2 = y (1 - y) (1 - 2y)."""
    v = dz.Variable(x.copy())
    dz.functions.sum(dz.functions.sigmoid(v)).backward(create_graph=True)
    gx = v.grad
    v.cleargrad()
    dz.functions.sum(gx).backward()
    y = _sigmoid(x)
    np.testing.assert_allclose(grad_as_array(v), y * (1 - y) * (1 - 2 * y), rtol=1e-9, atol=1e-12,
                               err_msg="the second derivative: is backward built from DeZero functions?")


@pytest.mark.grade(points=2, todo="step43.7")
@given(n=st.integers(2, 6))
@example(n=5)
def test_mean_squared_error_rejects_shapes_that_broadcast(dz, n):
    """(n, 1) against (n,), or (1, n) against (n, 1): a ValueError that names both shapes."""
    for s0, s1 in [((n, 1), (n,)), ((n,), (n, 1)), ((1, n), (n, 1))]:
        with pytest.raises(ValueError) as info:
            dz.functions.mean_squared_error(dz.Variable(np.ones(s0)), dz.Variable(np.zeros(s1)))
        assert str(s0) in str(info.value) and str(s1) in str(info.value), (
            f"the message should name both shapes {s0} and {s1}: {info.value}")


@pytest.mark.grade(points=1, todo="step43.7")
@given(n=st.integers(1, 6))
@example(n=1)
def test_mean_squared_error_accepts_equal_sizes_that_do_not_grow(dz, n):
    """(1, 1) against (1,), and (n,) against (1, n), are compared element by element."""
    for s0, s1 in [((1, 1), (1,)), ((1,), (1, 1)), ((n,), (1, n)), ((1, n), (n,))]:
        x0, x1 = np.arange(1.0, np.prod(s0) + 1).reshape(s0), np.zeros(s1)
        got = float(to_array(dz.functions.mean_squared_error(dz.Variable(x0.copy()), dz.Variable(x1.copy()))))
        rows = np.broadcast_shapes(s0, s1)[0]
        expected = np.sum((x0.ravel() - x1.ravel()) ** 2) / rows
        assert got == pytest.approx(expected, rel=1e-12), f"shapes {s0} and {s1}: {got} != {expected}"


@pytest.mark.grade(points=2, todo="step43.8")
@given(pair=_row_pairs())
@example(pair=(np.array([[1.0], [2.0]]), np.array([[0.0], [0.0]])))
def test_mean_squared_error_matches_formula(dz, pair):
    """mean_squared_error(x0, x1) is sum((x0 - x1) ** 2) / N, N the number of rows."""
    x0, x1 = pair
    got = float(to_array(dz.functions.mean_squared_error(dz.Variable(x0.copy()), dz.Variable(x1.copy()))))
    expected = np.sum((x0 - x1) ** 2) / len(x0)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), f"shape {x0.shape}: {got} != {expected}"


@pytest.mark.grade(points=3, todo="step43.9")
@given(pair=_row_pairs())
def test_mean_squared_error_grad_matches_central_difference(dz, pair):
    """Backprop through mean_squared_error agrees with central differences for both inputs."""
    check_grad(dz, dz.functions.mean_squared_error, *pair, todo="step43.9")


@pytest.mark.grade(points=1, todo="step43.9")
@given(n=st.integers(1, 6))
@example(n=1)
def test_mean_squared_error_grads_keep_input_shapes(dz, n):
    """For (1, n) against (n,), each input's grad has that input's shape, and the right values."""
    x0, x1 = dz.Variable(np.arange(n, dtype=float).reshape(1, n)), dz.Variable(np.ones(n))
    dz.functions.mean_squared_error(x0, x1).backward()
    g0, g1 = grad_as_array(x0), grad_as_array(x1)
    assert g0 is not None and g0.shape == (1, n), f"x0 (1, {n}) got a grad of shape {np.shape(g0)}"
    assert g1 is not None and g1.shape == (n,), f"x1 ({n},) got a grad of shape {np.shape(g1)}"
    np.testing.assert_allclose(g1, -2 * (np.arange(n) - 1.0), rtol=1e-12, atol=1e-12)


@pytest.mark.grade(points=3, todo="step43.9")
def test_train_losses_match_numpy_net(dz, script):
    """The script's 1-10-1 net on the book's sin data (lr 0.2): 200 losses, those of the same net in numpy."""
    rng = np.random.RandomState(0)
    x, y = script.make_data(rng)
    losses = script.train(x, y, script.init_params(rng), lr=0.2, iters=TRAIN_ITERS)
    rng = np.random.RandomState(0)  # the book's draws again: the data, then W1 and W2
    x, y = sin_data(rng)
    start = (0.01 * rng.randn(1, 10), np.zeros(10), 0.01 * rng.randn(10, 1), np.zeros(1))
    assert_losses_close(losses, sigmoid_net_losses(x, y, start, lr=0.2, iters=TRAIN_ITERS))
