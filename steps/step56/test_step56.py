"""Step 56: predictions of conv2d, pooling and im2col shapes, and of the im2col layout.

Each prediction is checked against a real computation: dezero's own conv2d, pooling and
im2col where the target's package has them (the reference), else the same operations done
with NumPy's sliding windows below (the step 56 package has no convolution yet: it comes
in step 57). Both follow DeZero's layout: im2col rows (n, oh, ow), columns (c, kh, kw).
"""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st


def _maybe_pair(draw, a, b):
    """a when a == b and a coin says so (the int form), else the pair (a, b)."""
    return a if a == b and draw(st.booleans()) else (a, b)


@st.composite
def geometries(draw, max_side=5):
    """(x_shape, kernel, stride, pad): small convolutions, the kernel no larger than the padded input."""
    kh, kw, ph, pw = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(0, 1)),
                      draw(st.integers(0, 1)))
    h, w = draw(st.integers(max(1, kh - 2 * ph), max_side)), draw(st.integers(max(1, kw - 2 * pw), max_side))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    x_shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w)
    return x_shape, _maybe_pair(draw, kh, kw), _maybe_pair(draw, sh, sw), _maybe_pair(draw, ph, pw)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _numbered(shape):
    """An array of the given shape holding 1, 2, 3, ... (0 never occurs: it marks padding in im2col)."""
    return np.arange(1, np.prod(shape) + 1, dtype=np.float64).reshape(shape)


def _im2col(dz, x, kernel, stride, pad):
    """im2col(x) as a matrix: dezero's where the target has it, else NumPy sliding windows."""
    if hasattr(dz.functions, "im2col"):
        return np.asarray(dz.functions.im2col(x, kernel, stride, pad).data)
    (kh, kw), (sh, sw), (ph, pw) = _pair(kernel), _pair(stride), _pair(pad)
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    win = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    n, c, oh, ow = win.shape[:4]
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw)


def _conv2d_shape(dz, x, W, stride, pad):
    """The shape of a real convolution of x with the filters W."""
    if hasattr(dz.functions, "conv2d"):
        return dz.functions.conv2d(x, W, None, stride, pad).shape
    col = _im2col(dz, x, W.shape[2:], stride, pad)
    (kh, kw), (sh, sw), (ph, pw) = W.shape[2:], _pair(stride), _pair(pad)
    oh, ow = (x.shape[2] + 2 * ph - kh) // sh + 1, (x.shape[3] + 2 * pw - kw) // sw + 1
    return (col @ W.reshape(len(W), -1).T).reshape(len(x), oh, ow, len(W)).transpose(0, 3, 1, 2).shape


def _pooling_shape(dz, x, kernel, stride, pad):
    """The shape of a real max pooling of x."""
    if hasattr(dz.functions, "pooling"):
        return dz.functions.pooling(x, kernel, stride, pad).shape
    (kh, kw), (sh, sw), (ph, pw) = _pair(kernel), _pair(stride), _pair(pad)
    oh, ow = (x.shape[2] + 2 * ph - kh) // sh + 1, (x.shape[3] + 2 * pw - kw) // sw + 1
    col = _im2col(dz, x, kernel, stride, pad).reshape(-1, x.shape[1], kh * kw)
    return col.max(axis=2).reshape(len(x), oh, ow, x.shape[1]).transpose(0, 3, 1, 2).shape


@pytest.mark.grade(points=3, todo="step56.1")
@given(geometry=geometries(), out_channels=st.integers(1, 3))
@example(geometry=((1, 5, 15, 15), 3, 1, 1), out_channels=8)
def test_conv_output_shape_matches_conv2d(dz, script, geometry, out_channels):
    """conv_output_shape(x.shape, W.shape, stride, pad) is the shape a real convolution makes."""
    x_shape, kernel, stride, pad = geometry
    W = np.ones((out_channels, x_shape[1], *_pair(kernel)))
    expected = _conv2d_shape(dz, np.ones(x_shape), W, stride, pad)
    got = script.conv_output_shape(x_shape, W.shape, stride, pad)
    assert tuple(got) == tuple(expected), f"x {x_shape}, W {W.shape}, stride {stride}, pad {pad}: {got}"


@pytest.mark.grade(points=1, todo="step56.1")
def test_conv_output_shape_rejects_other_channels(script):
    """x with 3 channels and filters made for 4: a ValueError naming both shapes."""
    with pytest.raises(ValueError) as info:
        script.conv_output_shape((2, 3, 8, 8), (5, 4, 3, 3))
    message = str(info.value)
    assert "(2, 3, 8, 8)" in message and "(5, 4, 3, 3)" in message, f"the message {message!r} lacks a shape"


@pytest.mark.grade(points=2, todo="step56.2")
@given(geometry=geometries())
@example(geometry=((1, 8, 15, 15), 2, 2, 0))
def test_pooling_output_shape_matches_pooling(dz, script, geometry):
    """pooling_output_shape(x.shape, kernel, stride, pad) is the shape a real max pooling makes."""
    x_shape, kernel, stride, pad = geometry
    expected = _pooling_shape(dz, np.ones(x_shape), kernel, stride, pad)
    got = script.pooling_output_shape(x_shape, kernel, stride, pad)
    assert tuple(got) == tuple(expected), f"x {x_shape}, kernel {kernel}, stride {stride}, pad {pad}: {got}"


@pytest.mark.grade(points=2, todo="step56.3")
@given(geometry=geometries())
@example(geometry=((10, 3, 7, 7), 5, 1, 0))
def test_im2col_shape_matches_im2col(dz, script, geometry):
    """im2col_shape(x.shape, kernel, stride, pad) is the shape of the real im2col matrix."""
    x_shape, kernel, stride, pad = geometry
    expected = _im2col(dz, np.ones(x_shape), kernel, stride, pad).shape
    got = script.im2col_shape(x_shape, kernel, stride, pad)
    assert tuple(got) == tuple(expected), f"x {x_shape}, kernel {kernel}, stride {stride}, pad {pad}: {got}"


@pytest.mark.grade(points=4, todo="step56.4")
@given(geometry=geometries())
@example(geometry=((1, 1, 3, 3), 2, 2, 1))
@example(geometry=((2, 2, 3, 4), (2, 3), (1, 2), (1, 0)))
def test_im2col_source_matches_im2col(dz, script, geometry):
    """For every [row, col] of im2col(x), im2col_source names the element of x found there (None: padding)."""
    x_shape, kernel, stride, pad = geometry
    x = _numbered(x_shape)
    col = _im2col(dz, x.copy(), kernel, stride, pad)
    for (r, k), value in np.ndenumerate(col):
        source = script.im2col_source(x_shape, kernel, stride, pad, r, k)
        got = 0.0 if source is None else x[tuple(source)]
        held = "padding" if value == 0 else f"x{tuple(np.argwhere(x == value)[0].tolist())}"
        assert got == value, (f"x {x_shape}, kernel {kernel}, stride {stride}, pad {pad}: at [{r}, {k}] "
                              f"im2col holds {held}, im2col_source gave {source}")


@pytest.mark.grade(points=1, todo="step56.4")
def test_im2col_source_tiny_layout(script):
    """For a 3 x 3 input holding 1 to 9 and a 2 x 2 kernel, row r is the r-th 2 x 2 patch, read row by row."""
    expected = [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]
    got = [[script.im2col_source((1, 1, 3, 3), 2, 1, 0, r, k) for k in range(4)] for r in range(4)]
    numbers = [[None if s is None else 3 * s[2] + s[3] + 1 for s in row] for row in got]
    assert numbers == expected, f"the patches (as numbers 1-9) are {numbers}"


@pytest.mark.grade(points=1, todo="step56.3")
def test_demo_prints_the_shapes(script, capsys):
    """The demo prints the book's shapes: (1, 8, 15, 15), (9, 75) and (90, 75)."""
    script.main()
    out = capsys.readouterr().out
    for shape in ("(1, 8, 15, 15)", "(1, 8, 7, 7)", "(9, 75)", "(90, 75)"):
        assert shape in out, f"the demo does not print {shape}"
