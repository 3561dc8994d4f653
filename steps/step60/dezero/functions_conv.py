"""Convolution and pooling (the book's dezero/functions_conv.py). Added in step 57.

Images are (N, C, H, W) arrays and kernels (OC, C, KH, KW). im2col unfolds every
kernel-sized patch of an image into a row, so that a convolution is one matrix product;
col2im folds rows back into an image, adding where patches overlap. col2im is the adjoint
of im2col, so each is the other's backward.
"""

import numpy as np

from dezero import cuda
from dezero.core import Function, Variable, as_variable
from dezero.functions import broadcast_to, linear
from dezero.functions import max as _max
from dezero.utils import get_conv_outsize, get_deconv_outsize, pair


def im2col_array(img: np.ndarray, kernel_size, stride, pad, to_matrix: bool = True) -> np.ndarray:
    """Every kernel-sized patch of img: col[n, c, ky, kx, i, j] = padded img[n, c, i SH + ky, j SW + kx].

    With to_matrix the result is (N * OH * OW, C * KH * KW): one row per output position,
    the patch flattened in (C, KH, KW) order.
    """
    N, C, H, W = img.shape
    KH, KW = pair(kernel_size)
    SH, SW = pair(stride)
    PH, PW = pair(pad)
    OH = get_conv_outsize(H, KH, SH, PH)
    OW = get_conv_outsize(W, KW, SW, PW)
    xp = cuda.get_array_module(img)
    # SH - 1 more rows (SW - 1 more columns) at the end: every slice below then has OH (OW) elements
    img = xp.pad(img, ((0, 0), (0, 0), (PH, PH + SH - 1), (PW, PW + SW - 1)), mode="constant")
    col = xp.ndarray((N, C, KH, KW, OH, OW), dtype=img.dtype)
    for ky in range(KH):
        for kx in range(KW):
            col[:, :, ky, kx, :, :] = img[:, :, ky : ky + SH * OH : SH, kx : kx + SW * OW : SW]
    if to_matrix:
        col = col.transpose((0, 4, 5, 1, 2, 3)).reshape((N * OH * OW, -1))
    return col


def col2im_array(col: np.ndarray, img_shape: tuple, kernel_size, stride, pad,
                 to_matrix: bool = True) -> np.ndarray:
    """The adjoint of im2col_array: each patch value is added back to the pixel it came from."""
    N, C, H, W = img_shape
    KH, KW = pair(kernel_size)
    SH, SW = pair(stride)
    PH, PW = pair(pad)
    OH = get_conv_outsize(H, KH, SH, PH)
    OW = get_conv_outsize(W, KW, SW, PW)
    if to_matrix:
        col = col.reshape(N, OH, OW, C, KH, KW).transpose(0, 3, 4, 5, 1, 2)
    xp = cuda.get_array_module(col)
    img = xp.zeros((N, C, H + 2 * PH + SH - 1, W + 2 * PW + SW - 1), dtype=col.dtype)
    for ky in range(KH):
        for kx in range(KW):
            img[:, :, ky : ky + SH * OH : SH, kx : kx + SW * OW : SW] += col[:, :, ky, kx, :, :]
    return img[:, :, PH : H + PH, PW : W + PW]


class Im2col(Function):
    """im2col as a Function: its backward is col2im, the adjoint."""

    def __init__(self, kernel_size, stride, pad, to_matrix: bool) -> None:
        self.input_shape = None
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad
        self.to_matrix = to_matrix

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.input_shape = x.shape
        return im2col_array(x, self.kernel_size, self.stride, self.pad, self.to_matrix)

    def backward(self, gy: Variable) -> Variable:
        return col2im(gy, self.input_shape, self.kernel_size, self.stride, self.pad, self.to_matrix)


def im2col(x, kernel_size, stride=1, pad=0, to_matrix: bool = True) -> Variable:
    """Every kernel-sized patch of x as a row: (N * OH * OW, C * KH * KW) when to_matrix."""
    return Im2col(kernel_size, stride, pad, to_matrix)(x)


class Col2im(Function):
    """col2im as a Function: its backward is im2col."""

    def __init__(self, input_shape: tuple, kernel_size, stride, pad, to_matrix: bool) -> None:
        self.input_shape = input_shape
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad
        self.to_matrix = to_matrix

    def forward(self, x: np.ndarray) -> np.ndarray:
        return col2im_array(x, self.input_shape, self.kernel_size, self.stride, self.pad, self.to_matrix)

    def backward(self, gy: Variable) -> Variable:
        return im2col(gy, self.kernel_size, self.stride, self.pad, self.to_matrix)


def col2im(x, input_shape: tuple, kernel_size, stride=1, pad=0, to_matrix: bool = True) -> Variable:
    """Patches folded back into an image of input_shape, overlaps added (im2col's adjoint)."""
    return Col2im(input_shape, kernel_size, stride, pad, to_matrix)(x)


def _check_conv(x_shape: tuple, W_shape: tuple, pad) -> None:
    """A ValueError naming both shapes when the channels differ or the kernel does not fit."""
    N, C, H, W = x_shape
    OC, WC, KH, KW = W_shape
    PH, PW = pair(pad)
    if C != WC:
        raise ValueError(f"conv2d: the input has {C} channels but the kernel expects {WC} "
                         f"(input {tuple(x_shape)}, kernel {tuple(W_shape)})")
    if KH > H + 2 * PH or KW > W + 2 * PW:
        raise ValueError(f"conv2d: the kernel {(KH, KW)} is larger than the padded input "
                         f"{(H + 2 * PH, W + 2 * PW)} (input {tuple(x_shape)}, kernel {tuple(W_shape)})")


def conv2d_simple(x, W, b=None, stride=1, pad=0) -> Variable:
    """conv2d from im2col, linear, reshape and transpose: each piece already has its backward."""
    x, W = as_variable(x), as_variable(W)
    _check_conv(x.shape, W.shape, pad)
    N, C, H, Wd = x.shape
    OC, C, KH, KW = W.shape
    SH, SW = pair(stride)
    PH, PW = pair(pad)
    OH = get_conv_outsize(H, KH, SH, PH)
    OW = get_conv_outsize(Wd, KW, SW, PW)
    col = im2col(x, (KH, KW), stride, pad, to_matrix=True)
    Wm = W.reshape(OC, -1).transpose()
    t = linear(col, Wm, b)
    y = t.reshape(N, OH, OW, OC).transpose(0, 3, 1, 2)
    return y


class Conv2d(Function):
    """y = conv2d(x, W, b): one tensordot of the unfolded x with W, no (N * OH * OW)-row matrix."""

    def __init__(self, stride=1, pad=0) -> None:
        self.stride = pair(stride)
        self.pad = pair(pad)

    def forward(self, x: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        xp = cuda.get_array_module(x)
        KH, KW = W.shape[2:]
        col = im2col_array(x, (KH, KW), self.stride, self.pad, to_matrix=False)
        y = xp.tensordot(col, W, ((1, 2, 3), (1, 2, 3)))  # (N, OH, OW, OC)
        if b is not None:
            y += b
        y = xp.rollaxis(y, 3, 1)
        return y

    def backward(self, gy: Variable) -> tuple:
        """gx is the transposed convolution of gy with W; gW is a Function of x and gy (Conv2DGradW)."""
        x, W, b = self.inputs
        gx = deconv2d(gy, W, b=None, stride=self.stride, pad=self.pad, outsize=(x.shape[2], x.shape[3]))
        gW = Conv2DGradW(self)(x, gy)
        gb = None
        if b.data is not None:
            gb = gy.sum(axis=(0, 2, 3))
        return gx, gW, gb


def conv2d(x, W, b=None, stride=1, pad=0) -> Variable:
    """The convolution of x (N, C, H, W) with W (OC, C, KH, KW), plus b (OC,): (N, OC, OH, OW)."""
    x, W = as_variable(x), as_variable(W)
    _check_conv(x.shape, W.shape, pad)
    return Conv2d(stride, pad)(x, W, b)


class Deconv2d(Function):
    """The transposed convolution: conv2d's backward with respect to x, as a Function of its own.

    W is (C, OC, KH, KW): C channels in, OC out. Each input pixel spreads W over a patch of
    the output, patches overlapping (col2im); outsize fixes the output size when several fit.
    """

    def __init__(self, stride=1, pad=0, outsize=None) -> None:
        self.stride = pair(stride)
        self.pad = pair(pad)
        self.outsize = outsize

    def forward(self, x: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        xp = cuda.get_array_module(x)
        SH, SW = self.stride
        PH, PW = self.pad
        C, OC, KH, KW = W.shape
        N, C, H, Wd = x.shape
        if self.outsize is None:
            out_h = get_deconv_outsize(H, KH, SH, PH)
            out_w = get_deconv_outsize(Wd, KW, SW, PW)
        else:
            out_h, out_w = pair(self.outsize)
        img_shape = (N, OC, out_h, out_w)
        gcol = xp.tensordot(W, x, (0, 1))  # (OC, KH, KW, N, H, W)
        gcol = xp.rollaxis(gcol, 3)
        y = col2im_array(gcol, img_shape, (KH, KW), self.stride, self.pad, to_matrix=False)
        if b is not None:
            y += b.reshape((1, b.size, 1, 1))
        return y

    def backward(self, gy: Variable) -> tuple:
        x, W, b = self.inputs
        gx = conv2d(gy, W, b=None, stride=self.stride, pad=self.pad)
        gW = Conv2DGradW(self)(gy, x)
        gb = None
        if b.data is not None:
            gb = gy.sum(axis=(0, 2, 3))
        return gx, gW, gb


def deconv2d(x, W, b=None, stride=1, pad=0, outsize=None) -> Variable:
    """The transposed convolution of x (N, C, H, W) with W (C, OC, KH, KW)."""
    return Deconv2d(stride, pad, outsize)(x, W, b)


class Conv2DGradW(Function):
    """gW of a convolution from its x and gy, as a Function so that gW can be differentiated again.

    gW[o, c, ky, kx] = sum over n, i, j of gy[n, o, i, j] * patch value x[n, c, i SH + ky, j SW + kx].
    """

    def __init__(self, conv2d: Function) -> None:
        W = conv2d.inputs[1]
        self.kernel_size = W.shape[2:]
        self.stride = conv2d.stride
        self.pad = conv2d.pad

    def forward(self, x: np.ndarray, gy: np.ndarray) -> np.ndarray:
        xp = cuda.get_array_module(x)
        col = im2col_array(x, self.kernel_size, self.stride, self.pad, to_matrix=False)
        gW = xp.tensordot(gy, col, ((0, 2, 3), (0, 4, 5)))
        return gW

    def backward(self, ggW: Variable) -> tuple:
        """gW is linear in x and in gy: each grad is the other one combined with the upstream ggW.

        The book read gW, this function's own output, where ggW belongs, and through a weak
        reference it never called: backprop through W.grad crashed. Calling the reference
        is not enough; with gW in place of ggW the values are wrong.
        """
        x, gy = self.inputs
        xh, xw = x.shape[2:]
        gx = deconv2d(gy, ggW, stride=self.stride, pad=self.pad, outsize=(xh, xw))
        ggy = conv2d(x, ggW, stride=self.stride, pad=self.pad)
        return gx, ggy


def pooling_simple(x, kernel_size, stride=1, pad=0) -> Variable:
    """Max pooling from im2col and max: each window becomes a row, the row's max its output."""
    x = as_variable(x)
    N, C, H, W = x.shape
    KH, KW = pair(kernel_size)
    SH, SW = pair(stride)
    PH, PW = pair(pad)
    OH = get_conv_outsize(H, KH, SH, PH)
    OW = get_conv_outsize(W, KW, SW, PW)
    col = im2col(x, kernel_size, stride, pad, to_matrix=True)
    col = col.reshape(-1, KH * KW)
    y = _max(col, axis=1)
    y = y.reshape(N, OH, OW, C).transpose(0, 3, 1, 2)
    return y


class Pooling(Function):
    """Max pooling; backward routes each window's grad to the place of its maximum."""

    def __init__(self, kernel_size, stride=1, pad=0) -> None:
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad

    def forward(self, x: np.ndarray) -> np.ndarray:
        col = im2col_array(x, self.kernel_size, self.stride, self.pad, to_matrix=False)
        N, C, KH, KW, OH, OW = col.shape
        col = col.reshape(N, C, KH * KW, OH, OW)
        self.indexes = col.argmax(axis=2)
        y = col.max(axis=2)
        return y

    def backward(self, gy: Variable) -> Variable:
        return Pooling2DGrad(self)(gy)


class Pooling2DGrad(Function):
    """Max pooling's backward as a Function: gy goes to the remembered argmax of each window."""

    def __init__(self, mpool2d: Pooling) -> None:
        self.mpool2d = mpool2d
        self.kernel_size = mpool2d.kernel_size
        self.stride = mpool2d.stride
        self.pad = mpool2d.pad
        self.input_shape = mpool2d.inputs[0].shape
        self.dtype = mpool2d.inputs[0].dtype
        self.indexes = mpool2d.indexes

    def forward(self, gy: np.ndarray) -> np.ndarray:
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

    def backward(self, ggx: Variable) -> Variable:
        return Pooling2DWithIndexes(self.mpool2d)(ggx)


class Pooling2DWithIndexes(Function):
    """Picks, in each window of x, the value at the place max pooling chose (double backprop)."""

    def __init__(self, mpool2d: Pooling) -> None:
        self.kernel_size = mpool2d.kernel_size
        self.stride = mpool2d.stride
        self.pad = mpool2d.pad
        self.input_shape = mpool2d.inputs[0].shape
        self.dtype = mpool2d.inputs[0].dtype
        self.indexes = mpool2d.indexes

    def forward(self, x: np.ndarray) -> np.ndarray:
        col = im2col_array(x, self.kernel_size, self.stride, self.pad, to_matrix=False)
        N, C, KH, KW, OH, OW = col.shape
        col = col.reshape(N, C, KH * KW, OH, OW)
        col = col.transpose(0, 1, 3, 4, 2).reshape(-1, KH * KW)
        indexes = self.indexes.ravel()
        col = col[np.arange(len(indexes)), indexes]
        return col.reshape(N, C, OH, OW)


def pooling(x, kernel_size, stride=1, pad=0) -> Variable:
    """Max pooling of x (N, C, H, W) over kernel_size windows: (N, C, OH, OW)."""
    return Pooling(kernel_size, stride, pad)(x)


class AveragePooling(Function):
    """Average pooling; backward spreads each grad evenly over its window."""

    def __init__(self, kernel_size, stride=1, pad=0) -> None:
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad
        self.input_shape = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.input_shape = x.shape
        col = im2col_array(x, self.kernel_size, self.stride, self.pad, to_matrix=False)
        y = col.mean(axis=(2, 3))
        return y

    def backward(self, gy: Variable) -> Variable:
        """Every pixel of a window gets gy / (KH * KW); col2im adds up overlapping windows.

        The book swapped KH and KW here, so any non-square kernel failed in backward.
        """
        N, C, OH, OW = gy.shape
        KH, KW = pair(self.kernel_size)
        gy = gy / (KH * KW)
        gcol = broadcast_to(gy.reshape(N, C, 1, 1, OH, OW), (N, C, KH, KW, OH, OW))
        gx = col2im(gcol, self.input_shape, self.kernel_size, self.stride, self.pad, to_matrix=False)
        return gx


def average_pooling(x, kernel_size, stride=1, pad=0) -> Variable:
    """Average pooling of x (N, C, H, W) over kernel_size windows: (N, C, OH, OW)."""
    return AveragePooling(kernel_size, stride, pad)(x)
