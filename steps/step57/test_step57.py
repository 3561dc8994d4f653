"""Step 57: im2col/col2im, conv2d (simple and fast), max and average pooling, the Conv2d layer.

Convolutions are checked against a plain loop over output positions on small random cases
(square and non-square kernels, strides, pads); max pooling gets distinct values, so no ties.
"""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import assert_array_close, by_windows, check_grad, naive_conv2d, to_array
from grader.strategies import conv_cases


@st.composite
def pool_cases(draw):
    """(x, kernel, stride): x with distinct values 0.1 apart, a kernel (KH, KW) no larger than x."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    h, w = draw(st.integers(kernel[0], 6)), draw(st.integers(kernel[1], 6))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w)
    order = draw(st.permutations(range(int(np.prod(shape)))))
    x = (np.array(order, dtype=np.float64).reshape(shape) - len(order) / 2) * 0.1
    return x, kernel, (draw(st.integers(1, 3)), draw(st.integers(1, 3)))


def _naive_pool(x, kernel, stride, reduce):
    """Pooling by a loop over output positions (no padding): reduce over each window."""
    return by_windows(x, kernel, stride, (0, 0), lambda p: reduce(p, axis=(2, 3)))


@pytest.mark.grade(points=1, todo="step57.1")
def test_im2col_book_shapes(dz):
    """im2col of (1, 3, 7, 7) and (10, 3, 7, 7) with a 5 x 5 kernel gives (9, 75) and (90, 75)."""
    for n, expected in ((1, (9, 75)), (10, (90, 75))):
        x = np.random.default_rng(0).random((n, 3, 7, 7))
        col = dz.functions.im2col(x.copy(), 5, 1, 0, to_matrix=True)
        assert col.shape == expected, f"im2col of {x.shape}, kernel 5: shape {col.shape}, expected {expected}"


@pytest.mark.grade(points=3, todo="step57.1")
@given(case=conv_cases())
def test_im2col_rows_are_flattened_patches(dz, case):
    """Row (n, i, j) of im2col(x) is the padded patch under output position (i, j), flattened (C, KH, KW)."""
    x, W, stride, pad = case
    col = dz.functions.im2col(x.copy(), W.shape[2:], stride, pad, to_matrix=True)
    patches = by_windows(x, W.shape[2:], stride, pad, lambda p: p.reshape(len(x), -1))  # (N, CKK, OH, OW)
    expected = patches.transpose(0, 2, 3, 1)
    assert_array_close(col, expected.reshape(-1, patches.shape[1]), "im2col(x)")


@pytest.mark.grade(points=3, todo="step57.2")
@given(case=conv_cases(), seed=st.integers(0, 2**16))
def test_col2im_is_adjoint_of_im2col(dz, case, seed):
    """<im2col(x), c> = <x, col2im(c)> for any x and c: col2im adds every patch back where it came from."""
    x, W, stride, pad = case
    kernel = W.shape[2:]
    col = to_array(dz.functions.im2col(x.copy(), kernel, stride, pad, to_matrix=True))
    c = np.random.default_rng(seed).uniform(-1, 1, col.shape)
    back = to_array(dz.functions.col2im(c.copy(), x.shape, kernel, stride, pad, to_matrix=True))
    assert back.shape == x.shape, f"col2im gave shape {back.shape}, expected the image shape {x.shape}"
    left, right = float(np.sum(col * c)), float(np.sum(x * back))
    assert left == pytest.approx(right, rel=1e-9, abs=1e-9), (
        f"<im2col(x), c> = {left} but <x, col2im(c)> = {right}: some patch element lands in the wrong place")


@pytest.mark.grade(points=1, todo="step57.2")
def test_col2im_counts_overlaps(dz):
    """col2im of all-ones columns counts, at each pixel, how many 3 x 3 windows cover it."""
    back = to_array(dz.functions.col2im(np.ones((9, 9)), (1, 1, 5, 5), 3, 1, 0, to_matrix=True))
    cover = np.array([1, 2, 3, 2, 1])
    assert_array_close(back[0, 0], np.outer(cover, cover), "col2im(ones) for a 5 x 5 image, kernel 3")


@pytest.mark.grade(points=3, todo="step57.3")
@given(case=conv_cases())
def test_conv2d_simple_matches_naive_loop(dz, case):
    """conv2d_simple(x, W, b, stride, pad) equals a loop over output positions (any kernel, stride, pad)."""
    x, W, stride, pad = case
    b = np.linspace(-1, 1, W.shape[0])
    xv, Wv, bv = dz.Variable(x.copy()), dz.Variable(W.copy()), dz.Variable(b.copy())
    y = dz.functions.conv2d_simple(xv, Wv, bv, stride, pad)
    assert_array_close(y, naive_conv2d(x, W, b, stride, pad), "conv2d_simple(x, W, b)", rtol=1e-9, atol=1e-9)


@pytest.mark.grade(points=3, todo="step57.4")
@given(case=conv_cases())
@example(case=(np.ones((1, 5, 15, 15)), np.ones((8, 5, 3, 3)), (1, 1), (1, 1)))
def test_conv2d_matches_naive_loop(dz, case):
    """conv2d(x, W, b, stride, pad) equals a loop over output positions, with and without bias."""
    x, W, stride, pad = case
    b = np.linspace(-1, 1, W.shape[0])
    y = dz.functions.conv2d(dz.Variable(x.copy()), dz.Variable(W.copy()), dz.Variable(b.copy()), stride, pad)
    assert_array_close(y, naive_conv2d(x, W, b, stride, pad), "conv2d(x, W, b)", rtol=1e-9, atol=1e-9)
    y = dz.functions.conv2d(x.copy(), W.copy(), None, stride, pad)
    assert_array_close(y, naive_conv2d(x, W, None, stride, pad), "conv2d(x, W)", rtol=1e-9, atol=1e-9)


@pytest.mark.grade(points=3, todo="step57.5")
@given(case=conv_cases(max_side=4))
def test_conv2d_grads_match_central_difference(dz, case):
    """Backprop through conv2d gives grads of x, W and b that central differences give (random directions)."""
    x, W, stride, pad = case
    b = np.linspace(-1, 1, W.shape[0])
    check_grad(dz, lambda x, W, b: dz.functions.conv2d(x, W, b, stride, pad), x, W, b, todo="step57.5",
               directional=True)  # two conv2d calls per input, not two per element


@pytest.mark.grade(points=1, todo="step57.5")
def test_conv2d_without_bias_gives_grads_of_x_and_W(dz):
    """With b=None, backward still fills x.grad and W.grad (the bias has no grad to give)."""
    rng = np.random.default_rng(0)
    x, W = dz.Variable(rng.standard_normal((1, 5, 15, 15))), dz.Variable(rng.standard_normal((8, 5, 3, 3)))
    dz.functions.sum(dz.functions.conv2d(x, W, None, 1, 1)).backward()
    assert x.grad is not None and x.grad.shape == (1, 5, 15, 15), "x.grad should have x's shape"
    assert W.grad is not None and W.grad.shape == (8, 5, 3, 3), "W.grad should have W's shape"


def _grad_wrt_W(dz, x, stride, pad, order):
    """W -> d^order/dW^order of sum(conv2d(x, W) ** 4) / 4, contracted with fixed directions.

    check_grad compares its grad along one random direction too: each run of f is order backprops.
    """
    def f(Wv):
        y = dz.functions.conv2d(dz.Variable(x.copy()), Wv, None, stride, pad)
        g = dz.functions.sum(y**4) / 4
        for k in range(order):
            Wv.cleargrad()
            g.backward(create_graph=True)
            direction = np.cos(np.arange(Wv.size) + k).reshape(Wv.shape)
            g = Wv.grad if k == order - 1 else dz.functions.sum(Wv.grad * direction)
        Wv.cleargrad()  # check_grad reads Wv.grad after its own backward: start it from zero
        return g
    return f


@pytest.mark.grade(points=3, todo="step57.6")
@given(case=conv_cases(max_side=3))
def test_conv2d_second_and_third_order_grads_wrt_W(dz, case):
    """Backprop through W.grad (create_graph=True) matches central differences: 2nd and 3rd order in W."""
    x, W, stride, pad = case
    W = W[:2, :2] * 0.5
    x = x[:, :2]
    for order in (1, 2):
        check_grad(dz, _grad_wrt_W(dz, x, stride, pad, order), W, todo="step57.6", directional=True)


@pytest.mark.grade(points=1, todo="step57.6")
def test_conv2d_grad_of_W_grad_wrt_x(dz):
    """The grad of W.grad with respect to x agrees with central differences (Conv2DGradW backward)."""
    rng = np.random.default_rng(1)
    W = rng.standard_normal((2, 2, 2, 3))

    def f(xv):
        Wv = dz.Variable(W.copy())
        dz.functions.sum(dz.functions.conv2d(xv, Wv, None, (1, 2), (1, 0)) ** 3).backward(create_graph=True)
        xv.cleargrad()  # check_grad reads xv.grad after its own backward: start it from zero
        return Wv.grad

    check_grad(dz, f, rng.standard_normal((1, 2, 4, 4)), todo="step57.6")


@pytest.mark.grade(points=2, todo="step57.7")
@given(case=pool_cases())
@example(case=(np.arange(16.0).reshape(1, 1, 4, 4), (2, 2), (2, 2)))
def test_pooling_matches_naive_max(dz, case):
    """pooling(x, kernel, stride) is the maximum of each window (square and non-square kernels)."""
    x, kernel, stride = case
    y = dz.functions.pooling(dz.Variable(x.copy()), kernel, stride)
    assert_array_close(y, _naive_pool(x, kernel, stride, np.max), f"pooling(x, {kernel}, {stride})")


@pytest.mark.grade(points=2, todo="step57.7")
@given(case=pool_cases())
@example(case=(np.arange(36.0).reshape(1, 1, 6, 6) * 0.1, (2, 3), (2, 3)))
def test_pooling_grads_match_central_difference(dz, case):
    """Max pooling passes each window's grad to its maximum only, as central differences say."""
    x, kernel, stride = case
    check_grad(dz, lambda v: dz.functions.pooling(v, kernel, stride), x, todo="step57.7")


@pytest.mark.grade(points=1)
@given(case=pool_cases())
def test_average_pooling_matches_naive_mean(dz, case):
    """average_pooling(x, kernel, stride) is the mean of each window (square and non-square kernels)."""
    x, kernel, stride = case
    y = dz.functions.average_pooling(dz.Variable(x.copy()), kernel, stride)
    assert_array_close(y, _naive_pool(x, kernel, stride, np.mean), f"average_pooling(x, {kernel}, {stride})")


@pytest.mark.grade(points=3, todo="step57.8")
@given(case=pool_cases())
@example(case=(np.arange(36.0).reshape(1, 1, 6, 6) * 0.1, (2, 3), (2, 3)))
def test_average_pooling_grads_match_central_difference(dz, case):
    """average_pooling's backward is right for non-square kernels too (the book's swapped KH and KW)."""
    x, kernel, stride = case
    check_grad(dz, lambda v: dz.functions.average_pooling(v, kernel, stride), x, todo="step57.8")


@pytest.mark.grade(points=1, todo="step57.1")
@given(case=pool_cases())
def test_pooling_simple_matches_pooling(dz, case):
    """pooling_simple, built from im2col and max, gives what pooling gives."""
    x, kernel, stride = case
    y = dz.functions.pooling_simple(dz.Variable(x.copy()), kernel, stride)
    assert_array_close(y, _naive_pool(x, kernel, stride, np.max), f"pooling_simple(x, {kernel}, {stride})")


@pytest.mark.grade(points=1, todo="step57.2")
@given(case=pool_cases())
def test_pooling_simple_grads_match_central_difference(dz, case):
    """Backprop through pooling_simple (im2col's backward is col2im) matches central differences."""
    x, kernel, stride = case
    check_grad(dz, lambda v: dz.functions.pooling_simple(v, kernel, stride), x, todo="step57.2")


@pytest.mark.grade(points=2, todo="step57.9")
def test_conv2d_layer_takes_in_channels_from_first_input(dz):
    """Conv2d(4, 3, pad=1) makes W (4, C, 3, 3) in float32 on the first call, C from the input."""
    np.random.seed(0)
    layer = dz.layers.Conv2d(4, kernel_size=3, stride=1, pad=1)
    assert layer.W.data is None, "without in_channels, W should wait for the first input (W.data is None)"
    x = np.random.randn(2, 3, 5, 5).astype(np.float32)
    y = layer(x.copy())
    assert layer.W.shape == (4, 3, 3, 3), f"W has shape {layer.W.shape}, expected (4, 3, 3, 3)"
    assert layer.W.dtype == np.float32 and y.dtype == np.float32, f"W is {layer.W.dtype}, y {y.dtype}"
    assert y.shape == (2, 4, 5, 5), f"the output has shape {y.shape}, expected (2, 4, 5, 5)"
    W = layer.W.data.astype(np.float64)
    expected = naive_conv2d(x.astype(np.float64), W, layer.b.data, (1, 1), (1, 1))
    assert_array_close(y, expected, "Conv2d(4, 3, pad=1)(x)", rtol=1e-4, atol=1e-5)


@pytest.mark.grade(points=1, todo="step57.9")
def test_conv2d_layer_weight_scale(dz):
    """Conv2d's W is drawn with standard deviation sqrt(1 / (C * KH * KW)), so outputs keep their size."""
    np.random.seed(0)
    layer = dz.layers.Conv2d(64, kernel_size=(3, 5), in_channels=16)
    assert layer.W.shape == (64, 16, 3, 5), f"with in_channels=16, W is made at once: shape {layer.W.shape}"
    std = float(np.std(layer.W.data))
    assert std == pytest.approx(np.sqrt(1 / (16 * 3 * 5)), rel=0.05), f"std of W is {std}"
    assert layer(np.zeros((1, 16, 4, 6), np.float32)).shape == (1, 64, 2, 2)


def _shape_error(dz, x, W, pad):
    """The message of the ValueError that conv2d(x, W, pad=pad) raises (the test fails without one)."""
    with pytest.raises(ValueError) as info:
        dz.functions.conv2d(x, W, None, 1, pad)
    return str(info.value)


@pytest.mark.grade(points=1)
def test_conv2d_rejects_mismatched_channels_naming_both_shapes(dz):
    """conv2d raises ValueError naming both shapes when x's channels differ from W's."""
    message = _shape_error(dz, np.zeros((1, 3, 5, 5)), np.zeros((2, 4, 3, 3)), 0)
    assert "(1, 3, 5, 5)" in message and "(2, 4, 3, 3)" in message, f"name both shapes: {message}"


@pytest.mark.grade(points=1)
def test_conv2d_rejects_kernel_larger_than_padded_input(dz):
    """conv2d raises ValueError naming both shapes when the kernel is larger than the padded input."""
    message = _shape_error(dz, np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 5, 5)), 1)
    assert "(1, 1, 2, 2)" in message and "(1, 1, 5, 5)" in message, f"name both shapes: {message}"


@pytest.mark.grade(points=1, todo="step57.3")
def test_demo_prints_book_shapes(script, capsys):
    """The demo prints (9, 75), (90, 75), (1, 8, 15, 15) and (1, 5, 15, 15), as the book does."""
    script.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["(9, 75)", "(90, 75)", "(1, 8, 15, 15)", "(1, 5, 15, 15)"], f"the demo printed {lines}"
