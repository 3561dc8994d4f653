"""Convolution and pooling (book module path: dezero.functions_conv; also in dezero.functions).

Images are (N, C, H, W). im2col unfolds every kernel-sized patch into a row, so a
convolution becomes one matrix product; col2im folds rows back, adding overlaps. Pooling has
no matrix product: it takes maxima and means of patches.
"""

import numpy as np

from dezero import cuda
from dezero.core import Function, as_variable
from dezero.functions.basic import broadcast_to, reshape, transpose
from dezero.functions.basic import sum as _sum
from dezero.functions.tensor import linear
from dezero.utils import get_conv_outsize, get_deconv_outsize, pair


def _check_conv(x_shape, W_shape, stride, pad, name="conv2d"):
    N, C, H, Wd = x_shape
    OC, WC, KH, KW = W_shape
    if C != WC:
        raise ValueError(f"{name}: the input has {C} channels but the kernel expects {WC} "
                         f"(input {tuple(x_shape)}, kernel {tuple(W_shape)})")
    (PH, PW) = pair(pad)
    if KH > H + 2 * PH or KW > Wd + 2 * PW:
        raise ValueError(f"{name}: the kernel {(KH, KW)} is larger than the padded input "
                         f"{(H + 2 * PH, Wd + 2 * PW)} (input {tuple(x_shape)}, kernel {tuple(W_shape)})")


def conv2d_simple(x, W, b=None, stride=1, pad=0):
    """conv2d from im2col, reshape, transpose and linear: slower, but its grads come for free."""
    x, W = as_variable(x), as_variable(W)
    _check_conv(x.shape, W.shape, stride, pad)
    N, C, H, Wd = x.shape
    OC, C, KH, KW = W.shape
    SH, SW = pair(stride)
    PH, PW = pair(pad)
    OH = get_conv_outsize(H, KH, SH, PH)
    OW = get_conv_outsize(Wd, KW, SW, PW)
    col = im2col(x, (KH, KW), stride, pad, to_matrix=True)
    Wm = reshape(W, (OC, -1)).T
    t = linear(col, Wm, b)
    return transpose(reshape(t, (N, OH, OW, OC)), (0, 3, 1, 2))


class Conv2d(Function):
    reads_outputs = False

    def __init__(self, stride=1, pad=0):
        self.stride = pair(stride)
        self.pad = pair(pad)

    def forward(self, x, W, b):
        _check_conv(x.shape, W.shape, self.stride, self.pad)
        # the book: one tensordot of im2col_array(x) with W; here a block at a time: dezero/_conv_blocks.py
        return _conv_blocks.conv2d_forward(x, W, b, self.stride, self.pad)

    def backward(self, gy):
        x, W, b = self.inputs
        gx = None  # the input batch is usually data (a constant): its grad is skipped then
        if x.needs_grad:
            gx = deconv2d(gy, W, b=None, stride=self.stride, pad=self.pad, outsize=(x.shape[2], x.shape[3]))
        gW = Conv2DGradW(self)(x, gy) if W.needs_grad else None
        gb = None if b.data is None or not b.needs_grad else _sum(gy, axis=(0, 2, 3))
        return gx, gW, gb


def conv2d(x, W, b=None, stride=1, pad=0):
    return Conv2d(stride, pad)(x, W, b)


class Deconv2d(Function):
    reads_outputs = False

    def __init__(self, stride=1, pad=0, outsize=None):
        self.stride = pair(stride)
        self.pad = pair(pad)
        self.outsize = outsize

    def forward(self, x, W, b):
        SH, SW = self.stride
        PH, PW = self.pad
        C, OC, KH, KW = W.shape
        N, C, H, Wd = x.shape
        if self.outsize is None:
            out_h = get_deconv_outsize(H, KH, SH, PH)
            out_w = get_deconv_outsize(Wd, KW, SW, PW)
        else:
            out_h, out_w = pair(self.outsize)
        # the book: a tensordot of W and x, then col2im_array; here a block at a time: dezero/_conv_blocks.py
        return _conv_blocks.deconv2d_forward(x, W, b, self.stride, self.pad, (out_h, out_w))

    def backward(self, gy):
        x, W, b = self.inputs
        gx = conv2d(gy, W, b=None, stride=self.stride, pad=self.pad) if x.needs_grad else None
        gW = Conv2DGradW(self)(gy, x) if W.needs_grad else None
        gb = None if b.data is None or not b.needs_grad else _sum(gy, axis=(0, 2, 3))
        return gx, gW, gb


def deconv2d(x, W, b=None, stride=1, pad=0, outsize=None):
    return Deconv2d(stride, pad, outsize)(x, W, b)


class Conv2DGradW(Function):
    """The grad of a convolution's kernel, as a Function so that it can be differentiated again."""

    reads_outputs = False

    def __init__(self, conv2d):
        W = conv2d.inputs[1]
        kh, kw = W.shape[2:]
        self.kernel_size = (kh, kw)
        self.stride = conv2d.stride
        self.pad = conv2d.pad

    def forward(self, x, gy):
        # the book: one tensordot of gy with im2col_array(x); here a block at a time: dezero/_conv_blocks.py
        return _conv_blocks.conv2d_grad_W(x, gy, self.kernel_size, self.stride, self.pad)

    def backward(self, ggW):
        """ggW is the grad arriving for gW (the official code also read gW itself, which is wrong)."""
        x, gy = self.inputs
        xh, xw = x.shape[2:]
        gx = deconv2d(gy, ggW, stride=self.stride, pad=self.pad, outsize=(xh, xw))
        ggy = conv2d(x, ggW, stride=self.stride, pad=self.pad)
        return gx, ggy


def pooling_simple(x, kernel_size, stride=1, pad=0):
    x = as_variable(x)
    N, C, H, W = x.shape
    KH, KW = pair(kernel_size)
    PH, PW = pair(pad)
    SH, SW = pair(stride)
    OH = get_conv_outsize(H, KH, SH, PH)
    OW = get_conv_outsize(W, KW, SW, PW)
    col = im2col(x, kernel_size, stride, pad, to_matrix=True)
    col = reshape(col, (-1, KH * KW))
    y = col.max(axis=1)
    return transpose(reshape(y, (N, OH, OW, C)), (0, 3, 1, 2))


class Pooling(Function):
    """Max pooling; backward routes each grad to the position of its maximum."""

    reads_inputs = reads_outputs = False  # the positions of the maxima are kept instead

    def __init__(self, kernel_size, stride=1, pad=0):
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad

    def forward(self, x):
        col = im2col_array(x, self.kernel_size, self.stride, self.pad, to_matrix=False)
        N, C, KH, KW, OH, OW = col.shape
        col = col.reshape(N, C, KH * KW, OH, OW)
        self.indexes = col.argmax(axis=2)
        return col.max(axis=2)

    def backward(self, gy):
        return Pooling2DGrad(self)(gy)


class Pooling2DGrad(Function):
    reads_inputs = reads_outputs = False

    def __init__(self, mpool2d):
        self.mpool2d = mpool2d
        self.kernel_size = mpool2d.kernel_size
        self.stride = mpool2d.stride
        self.pad = mpool2d.pad
        self.input_shape = mpool2d.inputs[0].shape
        self.dtype = mpool2d.inputs[0].dtype
        self.indexes = mpool2d.indexes

    def forward(self, gy):
        xp = cuda.get_array_module(gy)
        N, C, OH, OW = gy.shape
        N, C, H, W = self.input_shape
        KH, KW = pair(self.kernel_size)
        gcol = xp.zeros((N * C * OH * OW * KH * KW), dtype=self.dtype)
        indexes = self.indexes.ravel() + xp.arange(0, self.indexes.size * KH * KW, KH * KW)
        gcol[indexes] = gy.ravel()
        gcol = gcol.reshape(N, C, OH, OW, KH, KW)
        gcol = xp.swapaxes(gcol, 2, 4)
        gcol = xp.swapaxes(gcol, 3, 5)
        return col2im_array(gcol, (N, C, H, W), self.kernel_size, self.stride, self.pad, to_matrix=False)

    def backward(self, ggx):
        f = Pooling2DWithIndexes(self.mpool2d)
        return f(ggx)


class Pooling2DWithIndexes(Function):
    def __init__(self, mpool2d):
        self.kernel_size = mpool2d.kernel_size
        self.stride = mpool2d.stride
        self.pad = mpool2d.pad
        self.input_shape = mpool2d.inputs[0].shape
        self.input_shpae = self.input_shape  # the official package's misspelling, kept
        self.dtype = mpool2d.inputs[0].dtype
        self.indexes = mpool2d.indexes

    def forward(self, x):
        col = im2col_array(x, self.kernel_size, self.stride, self.pad, to_matrix=False)
        N, C, KH, KW, OH, OW = col.shape
        col = col.reshape(N, C, KH * KW, OH, OW)
        col = col.transpose(0, 1, 3, 4, 2).reshape(-1, KH * KW)
        indexes = self.indexes.ravel()
        col = col[np.arange(len(indexes)), indexes]
        return col.reshape(N, C, OH, OW)


def pooling(x, kernel_size, stride=1, pad=0):
    return Pooling(kernel_size, stride, pad)(x)


class AveragePooling(Function):
    reads_inputs = reads_outputs = False  # shapes only

    def __init__(self, kernel_size, stride=1, pad=0):
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad
        self.input_shape = None

    def forward(self, x):
        self.input_shape = x.shape
        col = im2col_array(x, self.kernel_size, self.stride, self.pad, to_matrix=False)
        return col.mean(axis=(2, 3))

    def backward(self, gy):
        N, C, OH, OW = gy.shape
        KH, KW = pair(self.kernel_size)  # the official code swapped these two
        gy /= KH * KW
        gcol = broadcast_to(reshape(gy, (-1,)), (KH, KW, N * C * OH * OW))
        gcol = transpose(reshape(gcol, (KH, KW, N, C, OH, OW)), (2, 3, 0, 1, 4, 5))
        return col2im(gcol, self.input_shape, self.kernel_size, self.stride, self.pad, to_matrix=False)


def average_pooling(x, kernel_size, stride=1, pad=0):
    return AveragePooling(kernel_size, stride, pad)(x)


class Im2col(Function):
    reads_inputs = reads_outputs = False  # shapes only

    def __init__(self, kernel_size, stride, pad, to_matrix):
        self.input_shape = None
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad
        self.to_matrix = to_matrix

    def forward(self, x):
        self.input_shape = x.shape
        return im2col_array(x, self.kernel_size, self.stride, self.pad, self.to_matrix)

    def backward(self, gy):
        return col2im(gy, self.input_shape, self.kernel_size, self.stride, self.pad, self.to_matrix)


def im2col(x, kernel_size, stride=1, pad=0, to_matrix=True):
    """Every kernel-sized patch of x as a row: (N*OH*OW, C*KH*KW) when to_matrix."""
    return Im2col(kernel_size, stride, pad, to_matrix)(x)


class Col2im(Function):
    reads_inputs = reads_outputs = False

    def __init__(self, input_shape, kernel_size, stride, pad, to_matrix):
        self.input_shape = input_shape
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad
        self.to_matrix = to_matrix

    def forward(self, x):
        return col2im_array(x, self.input_shape, self.kernel_size, self.stride, self.pad, self.to_matrix)

    def backward(self, gy):
        return im2col(gy, self.kernel_size, self.stride, self.pad, self.to_matrix)


def col2im(x, input_shape, kernel_size, stride=1, pad=0, to_matrix=True):
    """The adjoint of im2col: patches folded back into an image, overlaps added."""
    return Col2im(input_shape, kernel_size, stride, pad, to_matrix)(x)


def _outsize(img_shape, kernel_size, stride, pad):
    """(OH, OW) of a convolution of an (N, C, H, W) image."""
    KH, KW = pair(kernel_size)
    SH, SW = pair(stride)
    PH, PW = pair(pad)
    return get_conv_outsize(img_shape[2], KH, SH, PH), get_conv_outsize(img_shape[3], KW, SW, PW)


def _unfold(img, kernel_size, stride, pad, out=None):
    """Every kernel-sized patch of img, as an (N, C, KH, KW, OH, OW) array (written into out if given)."""
    N, C = img.shape[:2]
    KH, KW = pair(kernel_size)
    SH, SW = pair(stride)
    PH, PW = pair(pad)
    OH, OW = _outsize(img.shape, kernel_size, stride, pad)
    xp = cuda.get_array_module(img)
    if PH or PW or SH > 1 or SW > 1:
        img = xp.pad(img, ((0, 0), (0, 0), (PH, PH + SH - 1), (PW, PW + SW - 1)), mode="constant")
    cols = xp.empty((N, C, KH, KW, OH, OW), dtype=img.dtype) if out is None else out
    for j in range(KH):
        for i in range(KW):
            cols[:, :, j, i] = img[:, :, j : j + SH * OH : SH, i : i + SW * OW : SW]
    return cols


def _fold(cols, img_shape, stride, pad):
    """The adjoint of _unfold: (N, C, KH, KW, OH, OW) patches added back into an (N, C, H, W) image."""
    N, C, H, W = img_shape
    KH, KW, OH, OW = cols.shape[2:]
    SH, SW = pair(stride)
    PH, PW = pair(pad)
    xp = cuda.get_array_module(cols)
    img = xp.zeros((N, C, H + 2 * PH + SH - 1, W + 2 * PW + SW - 1), dtype=cols.dtype)
    for j in range(KH):
        for i in range(KW):
            img[:, :, j : j + SH * OH : SH, i : i + SW * OW : SW] += cols[:, :, j, i]
    return img[:, :, PH : H + PH, PW : W + PW]


def im2col_array(img, kernel_size, stride, pad, to_matrix=True):
    """Patches of img: (N*OH*OW, C*KH*KW) when to_matrix, else (N, C, KH, KW, OH, OW)."""
    cols = _unfold(img, kernel_size, stride, pad)
    if to_matrix:
        N, C, KH, KW, OH, OW = cols.shape
        return cols.transpose(0, 4, 5, 1, 2, 3).reshape(N * OH * OW, C * KH * KW)
    return cols


def col2im_array(col, img_shape, kernel_size, stride, pad, to_matrix=True):
    """The adjoint of im2col_array: patches (either layout) added back into an image."""
    N, C = img_shape[:2]
    KH, KW = pair(kernel_size)
    OH, OW = _outsize(img_shape, kernel_size, stride, pad)
    if to_matrix:
        col = col.reshape(N, OH, OW, C, KH, KW).transpose(0, 3, 4, 5, 1, 2)
    return _fold(col, img_shape, stride, pad)


__all__ = [
    "AveragePooling", "Col2im", "Conv2DGradW", "Conv2d", "Deconv2d", "Im2col", "Pooling",
    "Pooling2DGrad", "Pooling2DWithIndexes", "average_pooling", "col2im", "col2im_array",
    "conv2d", "conv2d_simple", "deconv2d", "im2col", "im2col_array", "pooling",
    "pooling_simple",
]

from dezero import _conv_blocks  # noqa: E402  (the block speed-up reads _unfold and _fold above)
