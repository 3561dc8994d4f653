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
from grader.checks import check_grad, naive_conv2d
from grader.strategies import conv_cases


@settings(max_examples=60, deadline=None)
@given(conv_cases(max_batch=5, max_side=6, max_stride=2), st.sampled_from([1, 200, FC.BLOCK_BYTES]),
       st.integers(0, 2**32 - 1))
def test_conv2d_equals_the_plain_loop_whatever_the_block_size(case, block_bytes, seed):
    """Blocks of one image, of a few, and the whole batch in one block."""
    x, W, stride, pad = case
    rng = np.random.default_rng(seed)
    b = rng.standard_normal(len(W))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(FC, "BLOCK_BYTES", block_bytes)
        y = F.conv2d(x, W, b, stride=stride, pad=pad).data
        # deconv2d is conv2d's adjoint in x: <conv(x), g> == <x, deconv(g)>
        g = rng.standard_normal(y.shape)
        gx = F.deconv2d(g, W, stride=stride, pad=pad, outsize=x.shape[2:]).data
        # and Conv2DGradW is its adjoint in W: <conv(x, W), g> == <W, gradW(x, g)>
        conv = FC.Conv2d(stride, pad)
        conv.inputs = [dezero.Variable(x), dezero.Variable(W), dezero.Variable(b)]
        gW = FC.Conv2DGradW(conv).forward(x, g)
    np.testing.assert_allclose(y, naive_conv2d(x, W, b, stride, pad), rtol=1e-10, atol=1e-10)
    y0 = y - b.reshape(1, -1, 1, 1)
    np.testing.assert_allclose(np.vdot(y0, g), np.vdot(x, gx), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(np.vdot(y0, g), np.vdot(W, gW), rtol=1e-9, atol=1e-9)


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
    np.testing.assert_allclose(y.data, naive_conv2d(x.astype(np.float64), W, None, (1, 1), (1, 1)))
    assert F.conv2d(x, W.astype(np.float32)).dtype == np.float32
