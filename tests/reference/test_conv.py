"""The reference convolution works in blocks of images with a reused workspace; it must not show.

Small step tests fit in one block, so here the block size is shrunk to one image (and to
less than one), the results are compared with a plain loop, and the workspace is checked
never to leak into a result.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dezero
import dezero.functions as F
import dezero.functions_conv as FC
from grader.checks import check_grad


def naive_conv2d(x, W, b, stride, pad):
    """The definition, one output element at a time."""
    (SH, SW), (PH, PW) = stride, pad
    N, C, H, Wd = x.shape
    OC, _, KH, KW = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (PH, PH), (PW, PW)))
    OH, OW = (H + 2 * PH - KH) // SH + 1, (Wd + 2 * PW - KW) // SW + 1
    y = np.empty((N, OC, OH, OW), dtype=np.result_type(x, W))
    for h in range(OH):
        for w in range(OW):
            patch = xp[:, :, h * SH : h * SH + KH, w * SW : w * SW + KW]
            y[:, :, h, w] = np.tensordot(patch, W, axes=((1, 2, 3), (1, 2, 3)))
    return y + b.reshape(1, OC, 1, 1)


@st.composite
def conv_cases(draw):
    """A batch of a few images, a kernel (square or not), stride and pad that fit together."""
    N, C, OC = draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    KH, KW = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    pad = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    H = draw(st.integers(max(1, KH - 2 * pad[0]), 6))
    Wd = draw(st.integers(max(1, KW - 2 * pad[1]), 6))
    block_bytes = draw(st.sampled_from([1, 200, FC.BLOCK_BYTES]))  # a block: 1 image, a few, all
    return (N, C, H, Wd), (OC, C, KH, KW), stride, pad, block_bytes


@settings(max_examples=60, deadline=None)
@given(conv_cases(), st.integers(0, 2**32 - 1))
def test_conv2d_equals_the_plain_loop_whatever_the_block_size(case, seed):
    x_shape, W_shape, stride, pad, block_bytes = case
    rng = np.random.default_rng(seed)
    x, W, b = rng.standard_normal(x_shape), rng.standard_normal(W_shape), rng.standard_normal(W_shape[0])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(FC, "BLOCK_BYTES", block_bytes)
        y = F.conv2d(x, W, b, stride=stride, pad=pad).data
        # deconv2d is conv2d's adjoint in x: <conv(x), g> == <x, deconv(g)>
        g = rng.standard_normal(y.shape)
        gx = F.deconv2d(g, W, stride=stride, pad=pad, outsize=x_shape[2:]).data
        # and Conv2DGradW is its adjoint in W: <conv(x, W), g> == <W, gradW(x, g)>
        conv = FC.Conv2d(stride, pad)
        conv.inputs = [dezero.Variable(x), dezero.Variable(W), dezero.Variable(b)]
        gW = FC.Conv2DGradW(conv).forward(x, g)
    np.testing.assert_allclose(y, naive_conv2d(x, W, b, stride, pad), rtol=1e-10, atol=1e-10)
    y0 = y - b.reshape(1, -1, 1, 1)
    np.testing.assert_allclose(np.vdot(y0, g), np.vdot(x, gx), rtol=1e-9)
    np.testing.assert_allclose(np.vdot(y0, g), np.vdot(W, gW), rtol=1e-9)


@pytest.mark.parametrize("stride, pad", [(1, 1), (2, 0), ((2, 1), (0, 1))])
def test_grads_of_conv2d_and_deconv2d_with_one_image_per_block(monkeypatch, stride, pad):
    monkeypatch.setattr(FC, "BLOCK_BYTES", 1)
    rng = np.random.default_rng(3)
    x, W, b = rng.standard_normal((3, 2, 5, 4)), rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(3)
    check_grad(dezero, lambda x, W, b: F.conv2d(x, W, b, stride=stride, pad=pad), x, W, b)
    Wd = rng.standard_normal((2, 3, 3, 2))
    check_grad(dezero, lambda x, W, b: F.deconv2d(x, W, b, stride=stride, pad=pad), x, Wd, b)


def test_results_never_share_memory_with_the_workspace():
    rng = np.random.default_rng(4)
    W = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    x1, x2 = (rng.standard_normal((6, 3, 8, 8)).astype(np.float32) for _ in range(2))
    y1 = F.conv2d(x1, W, pad=1).data
    kept = y1.copy()
    y2 = F.conv2d(x2, W, pad=1)
    y2.backward()
    cols = FC.im2col_array(x1, 3, 1, 1)
    np.testing.assert_array_equal(y1, kept)  # the second convolution did not write into the first result
    for buffer in FC._scratch.buffers.values():
        for result in (y1, y2.data, cols):
            assert not np.shares_memory(result, buffer)


def test_a_block_bigger_than_the_workspace_limit_is_not_kept(monkeypatch):
    monkeypatch.setattr(FC, "BLOCK_BYTES", 256)
    monkeypatch.setattr(FC._scratch, "buffers", {}, raising=False)
    F.conv2d(np.ones((2, 3, 8, 8)), np.ones((2, 3, 3, 3)), pad=1)  # one image's patches: 13,824 bytes
    assert all(b.nbytes <= 4 * 256 for b in FC._scratch.buffers.values())


def test_mixed_dtypes_give_numpy_result_type():
    rng = np.random.default_rng(5)
    x, W = rng.standard_normal((2, 2, 4, 4)).astype(np.float32), rng.standard_normal((3, 2, 3, 3))
    y = F.conv2d(x, W, pad=1)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.data, naive_conv2d(x.astype(np.float64), W, np.zeros(3), (1, 1), (1, 1)))
    assert F.conv2d(x, W.astype(np.float32)).dtype == np.float32
