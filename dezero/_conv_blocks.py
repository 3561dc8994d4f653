"""A speed-up of dezero.functions_conv: convolutions a block of images at a time.

The book's Conv2d.forward unfolds the whole batch at once (im2col_array) and makes one
tensordot of the patches with W; Deconv2d and Conv2DGradW do the same. That is the shape to
read first, and it stays the reference's `conv2d_simple`. Here the three do the same math with
two changes, and nothing else:

1. Patches of a block of images are written into a scratch array that each thread reuses
   (_workspace). A fresh array of megabytes per call costs page faults each time (the
   allocator gives big arrays back to the system on free): that was half the time of a
   small convolution.
2. A block is one numpy matmul. A BLAS call that is not small hands its work to BLAS's
   threads and waits for all of them; on a busy machine a thread may wait for a core, so one
   such call per image made convolutions collapse there (a GAN's epoch took more than twice
   the official package's time). So a block is one matrix product, one BLAS call, unless one
   image's product is small (below SMALL_PRODUCT multiply-adds): then BLAS runs each on one
   thread, nothing waits, and a stack of products per image (one numpy call) is fastest.
   Such blocks are kept within one core's cache (SMALL_BLOCK_BYTES): no thread waits for
   them, and a small block loses less when another program shares the core.

tests/reference/test_conv.py compares the results with a plain loop at every block size.
"""

import threading

import numpy as np

from dezero import cuda
from dezero.functions_conv import _fold, _outsize, _unfold  # the book's im2col/col2im loops

BLOCK_BYTES = 8 << 20  # one product per block: a batch of the book's examples is one block or a few
SMALL_BLOCK_BYTES = 1 << 20  # a stack of small products: about a core's L2 cache
# multiply-adds: BLAS runs a smaller product on one thread (OpenBLAS: below 2**18 per thread)
SMALL_PRODUCT = 1 << 19
_scratch = threading.local()


def conv2d_forward(x, W, b, stride, pad):
    """conv2d's forward: (N, C, H, W) with (OC, C, KH, KW), plus b, gives (N, OC, OH, OW)."""
    xp = cuda.get_array_module(x)
    N, OC = x.shape[0], W.shape[0]
    Wm = W.reshape(OC, -1)
    OH, OW = _outsize(x.shape, W.shape[2:], stride, pad)
    y = xp.empty((N, OC, OH * OW), dtype=xp.result_type(x, W))
    per_image = _small(OC, Wm.shape[1], OH * OW)
    for n in _blocks(N, max(Wm.shape[1] * x.itemsize, OC * y.itemsize) * OH * OW, per_image):
        cols = _patches(x[n], W.shape[2:], stride, pad, per_image)
        if per_image:  # (OC, C*KH*KW) @ (B, C*KH*KW, OH*OW): small products, straight into y
            xp.matmul(Wm, cols, out=y[n])
        else:  # the whole block in one (OC, C*KH*KW) @ (C*KH*KW, B*OH*OW) product
            yb = xp.matmul(Wm, cols, out=_workspace((OC, cols.shape[1]), y.dtype, xp, slot=1))
            y[n] = yb.reshape(OC, -1, OH * OW).transpose(1, 0, 2)
    if b is not None:
        y += b.reshape(OC, 1)
    return y.reshape(N, OC, OH, OW)


def deconv2d_forward(x, W, b, stride, pad, out_hw):
    """deconv2d's forward: (N, C, H, W) with (C, OC, KH, KW), plus b, gives (N, OC, *out_hw)."""
    C, OC, KH, KW = W.shape
    N, C, H, Wd = x.shape
    xp = cuda.get_array_module(x)
    Wt = W.reshape(C, -1).T  # (OC*KH*KW, C)
    y = xp.empty((N, OC, *out_hw), dtype=xp.result_type(x, W))
    per_image = _small(Wt.shape[0], C, H * Wd)
    for n in _blocks(N, max(Wt.shape[0] * y.itemsize, C * x.itemsize) * H * Wd, per_image):
        if per_image:  # (OC*KH*KW, C) @ (B, C, H*W): small products
            rows = x[n].reshape(-1, C, H * Wd)
            cols = xp.matmul(Wt, rows, out=_workspace((len(rows), Wt.shape[0], H * Wd), y.dtype, xp))
            cols = cols.reshape(-1, OC, KH, KW, H, Wd)
        else:  # the whole block in one (OC*KH*KW, C) @ (C, B*H*W) product
            rows = _channel_matrix(x[n])
            cols = xp.matmul(Wt, rows, out=_workspace((Wt.shape[0], rows.shape[1]), y.dtype, xp))
            cols = cols.reshape(OC, KH, KW, -1, H, Wd).transpose(3, 0, 1, 2, 4, 5)
        y[n] = _fold(cols, (cols.shape[0], OC, *out_hw), stride, pad)
    if b is not None:
        y += b.reshape((1, b.size, 1, 1))
    return y


def conv2d_grad_W(x, gy, kernel_size, stride, pad):
    """Conv2DGradW's forward: the grad of the kernel, (OC, C, KH, KW), from x and gy."""
    xp = cuda.get_array_module(x)
    N, OC, OH, OW = gy.shape
    C = x.shape[1]
    KH, KW = kernel_size
    gW = xp.zeros((OC, C * KH * KW), dtype=xp.result_type(x, gy))
    per_image = _small(OC, OH * OW, C * KH * KW)
    for n in _blocks(N, max(C * KH * KW * x.itemsize, OC * gy.itemsize) * OH * OW, per_image):
        cols = _patches(x[n], kernel_size, stride, pad, per_image)
        if per_image:  # (B, OC, OH*OW) @ (B, OH*OW, C*KH*KW): small products, summed
            gW += xp.matmul(gy[n].reshape(-1, OC, OH * OW), cols.transpose(0, 2, 1)).sum(axis=0)
        else:  # (OC, B*OH*OW) @ (B*OH*OW, C*KH*KW): the whole block in one product
            gW += xp.matmul(_channel_matrix(gy[n]), cols.T)
    return gW.reshape(OC, C, KH, KW)


def _blocks(N, bytes_per_image, small=False):
    """Slices of a batch of N images, of equal sizes, each within the block size (one image at least).

    bytes_per_image is the larger of a block's two matrices per image (the patches, the other
    operand); the block size is SMALL_BLOCK_BYTES for stacks of small products, else
    BLOCK_BYTES. A product block is one BLAS call, so the fewer the better; only a big batch
    is cut, so that the workspace a thread keeps stays about BLOCK_BYTES.
    """
    limit = SMALL_BLOCK_BYTES if small else BLOCK_BYTES
    per_block = max(1, limit // max(1, bytes_per_image))
    count = max(1, -(-N // per_block))  # ceil: the fewest blocks that fit
    bounds = [k * N // count for k in range(count + 1)]
    return [slice(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]


def _workspace(shape, dtype, xp, slot=0):
    """A scratch array for one block, reused by every convolution of this thread.

    A block bigger than a few BLOCK_BYTES (one large image) is not kept, so no memory is held
    for good. Arrays in use at the same time take different slots: 0 the patches, 1 the other
    operand.
    """
    dtype = np.dtype(dtype)
    size = int(np.prod(shape))
    if size * dtype.itemsize > 4 * BLOCK_BYTES:
        return xp.empty(shape, dtype=dtype)
    buffers = _scratch.__dict__.setdefault("buffers", {})
    key = (xp.__name__, dtype, slot)
    buf = buffers.get(key)
    if buf is None or buf.size < size:
        buf = buffers[key] = xp.empty(size, dtype=dtype)
    return buf[:size].reshape(shape)


def _small(m, k, n):
    """Whether an (m, k) @ (k, n) product is small enough that BLAS runs it on one thread."""
    return m * k * n < SMALL_PRODUCT


def _patches(img, kernel_size, stride, pad, per_image):
    """The patches of a block of B images, in the workspace, for one matmul.

    per_image: (B, C*KH*KW, OH*OW), one matrix per image (a stack of small products).
    Otherwise one (C*KH*KW, B*OH*OW) matrix whose column b*OH*OW + p is patch p of image b, so
    the convolution of the whole block is one matrix product, (OC, C*KH*KW) @ this.
    """
    B, C = img.shape[:2]
    KH, KW = kernel_size
    OH, OW = _outsize(img.shape, kernel_size, stride, pad)
    xp = cuda.get_array_module(img)
    if per_image:
        cols = _unfold(img, kernel_size, stride, pad, out=_workspace((B, C, KH, KW, OH, OW), img.dtype, xp))
        return cols.reshape(B, C * KH * KW, OH * OW)
    cols = _workspace((C, KH, KW, B, OH, OW), img.dtype, xp)
    _unfold(img, kernel_size, stride, pad, out=cols.transpose(3, 0, 1, 2, 4, 5))
    return cols.reshape(C * KH * KW, B * OH * OW)


def _channel_matrix(block):
    """A block of images (B, C, H, W) as one (C, B*H*W) matrix, copied into the workspace."""
    B, C, H, W = block.shape
    rows = _workspace((C, B, H * W), block.dtype, cuda.get_array_module(block), slot=1)
    rows[...] = block.reshape(B, C, H * W).transpose(1, 0, 2)
    return rows.reshape(C, -1)
