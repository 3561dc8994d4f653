"""The reference convolution works in blocks of images with a reused workspace
(dezero/_conv_blocks.py); it must not show.

Small step tests fit in one block, so here the block size is shrunk to one image (and to
less than one), both layouts of a block are used (one product per block, a stack of small
products per image), the results are compared with a plain loop, and the workspace is checked
never to leak into a result.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dezero
import dezero.functions as F
import dezero.functions_conv as FC
from dezero import _conv_blocks as CB
from grader.checks import check_grad, naive_conv2d
from grader.strategies import conv_cases


def set_block_bytes(mp, block_bytes):
    """Both block sizes (stacks of small products, one product per block) at once."""
    mp.setattr(CB, "BLOCK_BYTES", block_bytes)
    mp.setattr(CB, "SMALL_BLOCK_BYTES", block_bytes)


@settings(max_examples=80, deadline=None)
@given(conv_cases(max_batch=5, max_side=6, max_stride=2), st.sampled_from([1, 200, CB.BLOCK_BYTES]),
       st.sampled_from([0, 2**62]), st.integers(0, 2**32 - 1))
def test_conv2d_equals_the_plain_loop_whatever_the_block_size(case, block_bytes, small_product, seed):
    """Blocks of one image, of a few, and the whole batch in one block; one product or a stack."""
    x, W, stride, pad = case
    rng = np.random.default_rng(seed)
    b = rng.standard_normal(len(W))
    with pytest.MonkeyPatch.context() as mp:
        set_block_bytes(mp, block_bytes)
        mp.setattr(CB, "SMALL_PRODUCT", small_product)
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


@pytest.mark.parametrize("small_product", [0, 2**62])
@pytest.mark.parametrize("stride, pad", [(1, 1), (2, 0), ((2, 1), (0, 1))])
def test_grads_of_conv2d_and_deconv2d_with_one_image_per_block(monkeypatch, stride, pad, small_product):
    set_block_bytes(monkeypatch, 1)
    monkeypatch.setattr(CB, "SMALL_PRODUCT", small_product)
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
    for buffer in CB._scratch.buffers.values():
        for result in (y1, y2.data, cols):
            assert not np.shares_memory(result, buffer)


def test_a_block_bigger_than_the_workspace_limit_is_not_kept(monkeypatch):
    set_block_bytes(monkeypatch, 256)
    monkeypatch.setattr(CB._scratch, "buffers", {}, raising=False)
    F.conv2d(np.ones((2, 3, 8, 8)), np.ones((2, 3, 3, 3)), pad=1)  # one image's patches: 13,824 bytes
    assert all(b.nbytes <= 4 * 256 for b in CB._scratch.buffers.values())


def test_mixed_dtypes_give_numpy_result_type():
    rng = np.random.default_rng(5)
    x, W = rng.standard_normal((2, 2, 4, 4)).astype(np.float32), rng.standard_normal((3, 2, 3, 3))
    y = F.conv2d(x, W, pad=1)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.data, naive_conv2d(x.astype(np.float64), W, None, (1, 1), (1, 1)))
    assert F.conv2d(x, W.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("small_product", [0, 2**62])
@pytest.mark.parametrize("block_bytes, calls", [(None, 1), (1, 5)])
def test_one_matmul_per_block(monkeypatch, block_bytes, calls, small_product):
    """A block is one matmul: one product, so one BLAS call (one call per image would wait for
    BLAS's threads each time), or, for small products, a stack of them (BLAS's one thread each)."""
    monkeypatch.setattr(CB, "SMALL_PRODUCT", small_product)
    if block_bytes:
        set_block_bytes(monkeypatch, block_bytes)
    products = []
    matmul = np.matmul
    monkeypatch.setattr(np, "matmul", lambda *a, **k: products.append(a[0].shape) or matmul(*a, **k))
    rng = np.random.default_rng(6)
    x = dezero.Variable(rng.standard_normal((5, 2, 6, 6)))
    W = dezero.Variable(rng.standard_normal((3, 2, 3, 3)))
    y = F.conv2d(x, W, stride=2, pad=1)
    assert len(products) == calls
    F.sum(y).backward()  # the grad of x (a deconvolution) and the grad of W
    assert len(products) == 3 * calls


@pytest.mark.parametrize("small", [False, True])
@pytest.mark.parametrize("N, per_image", [(32, 110_000), (128, 200_000), (10, CB.BLOCK_BYTES // 3),
                                          (7, 1), (3, 10**9), (0, 5)])
def test_blocks_are_few_even_and_cover_the_batch(N, per_image, small):
    blocks = CB._blocks(N, per_image, small)
    assert [i for b in blocks for i in range(N)[b]] == list(range(N))
    sizes = {len(range(N)[b]) for b in blocks}
    assert max(sizes, default=0) - min(sizes, default=0) <= 1
    fit = max(1, (CB.SMALL_BLOCK_BYTES if small else CB.BLOCK_BYTES) // per_image)
    assert len(blocks) == max(1, -(-N // fit))


def test_stacks_of_small_products_take_blocks_of_a_cache_size():
    """The bench's conv (32 images, 110,592 bytes of patches each): 4 blocks of 8 images, not 1."""
    assert CB._small(16, 27, 1024)
    assert [len(range(32)[b]) for b in CB._blocks(32, 110_592, small=True)] == [8, 8, 8, 8]
    assert len(CB._blocks(32, 110_592)) == 1


def test_conv_skips_the_grad_of_a_constant_batch():
    calls = []
    real = FC.Deconv2d.forward
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(FC.Deconv2d, "forward", lambda self, *a: calls.append(1) or real(self, *a))
        W = dezero.Variable(np.ones((2, 1, 3, 3)))
        F.sum(F.conv2d(np.ones((1, 1, 4, 4)), W, pad=1)).backward()
        assert calls == [] and W.grad is not None
        x = dezero.Variable(np.ones((1, 1, 4, 4)))
        F.sum(F.conv2d(x, W, pad=1)).backward()
        assert calls == [1] and x.grad is not None


def test_small_products_are_stacked_and_large_ones_are_one_per_block():
    assert CB._small(16, 27, 1024)  # the bench's conv, per image: 442,368 multiply-adds
    assert not CB._small(128, 576, 49 * 10)  # a GAN's second convolution, ten images
    shapes = []
    matmul = np.matmul
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(np, "matmul", lambda *a, **k: shapes.append(a[1].shape) or matmul(*a, **k))
        F.conv2d(np.ones((4, 3, 8, 8), np.float32), np.ones((5, 3, 3, 3), np.float32), pad=1)
        mp.setattr(CB, "SMALL_PRODUCT", 0)
        F.conv2d(np.ones((4, 3, 8, 8), np.float32), np.ones((5, 3, 3, 3), np.float32), pad=1)
    assert shapes == [(4, 27, 64), (27, 4 * 64)]
