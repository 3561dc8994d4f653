"""Differentiable functions beyond the arithmetic operators (the book's dezero.functions).

Added in step 34: sin and cos. Their backward computes with Variables (cos(x), -sin(x)),
not with ndarrays, so a grad can itself be differentiated: n-th derivatives for free.
Added in step 35: tanh, whose backward reads its own output.
Added in step 38: reshape and transpose, whose grads undo the change of shape.
Added in step 39: sum, whose grad is copied back over the summed axes (broadcast_to).
Added in step 41: matmul, the matrix product, with grads gy W^T and x^T gy.
Added in step 43: exp, linear, sigmoid and mean_squared_error, the pieces of a neural
network; linear_simple and sigmoid_simple build the same from smaller functions.
Added in step 47: get_item (indexing), clip and log; softmax and softmax_cross_entropy,
the output and the loss of a classifier, come from functions_nn.py.
Changed in step 52: forwards that call a numpy function take it from x's array module
(cuda.get_array_module), so they run on CuPy arrays too.
Added in step 57: max (pooling_simple takes the max of each window with it); the
convolution functions of functions_conv.py are importable from here too: F.conv2d.
"""

import numpy as np

from dezero import cuda, utils
from dezero.core import Function, Variable, as_variable


class Sin(Function):
    """y = sin(x); dy/dx = cos(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        xp = cuda.get_array_module(x)  # changed in step 52: numpy or CuPy, as x
        return xp.sin(x)

    def backward(self, gy: Variable) -> Variable:
        """The grad of x as a Variable made by DeZero functions, so it can be differentiated again."""
        (x,) = self.inputs
        gx = gy * cos(x)
        return gx


def sin(x) -> Variable:
    return Sin()(x)


class Cos(Function):
    """y = cos(x); dy/dx = -sin(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        xp = cuda.get_array_module(x)
        return xp.cos(x)

    def backward(self, gy: Variable) -> Variable:
        """The grad of x as a Variable made by DeZero functions, so it can be differentiated again."""
        (x,) = self.inputs
        gx = gy * -sin(x)
        return gx


def cos(x) -> Variable:
    return Cos()(x)


class Tanh(Function):
    """y = tanh(x); dy/dx = 1 - y ** 2. Added in step 35."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = np.tanh(x)
        return y

    def backward(self, gy: Variable) -> Variable:
        """The grad of x from the output y (held by weakref), as a Variable made by DeZero functions."""
        y = self.outputs[0]()
        gx = gy * (1 - y * y)
        return gx


def tanh(x) -> Variable:
    return Tanh()(x)


class Reshape(Function):
    """Added in step 38: y = x with another shape; the grad goes back to x's shape."""

    def __init__(self, shape: tuple) -> None:
        self.shape = shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        y = x.reshape(self.shape)
        return y

    def backward(self, gy: Variable) -> Variable:
        return reshape(gy, self.x_shape)


def reshape(x, shape: tuple) -> Variable:
    """x in the given shape (x itself, as a Variable, when the shape is already right)."""
    if x.shape == tuple(shape):
        return as_variable(x)
    return Reshape(shape)(x)


class Transpose(Function):
    """Added in step 38: y = x with its axes permuted (reversed when axes is None)."""

    def __init__(self, axes: tuple | None = None) -> None:
        self.axes = axes

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = x.transpose(self.axes)
        return y

    def backward(self, gy: Variable) -> Variable:
        """The grad goes through the inverse permutation."""
        if self.axes is None:
            return transpose(gy)
        axes_len = len(self.axes)
        inv_axes = tuple(np.argsort([ax % axes_len for ax in self.axes]))
        return transpose(gy, inv_axes)


def transpose(x, axes: tuple | None = None) -> Variable:
    return Transpose(axes)(x)


class Sum(Function):
    """Added in step 39: y = x.sum(axis, keepdims); every element of x gets gy back."""

    def __init__(self, axis, keepdims: bool) -> None:
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        y = x.sum(axis=self.axis, keepdims=self.keepdims)
        return y

    def backward(self, gy: Variable) -> Variable:
        """gy gets its summed axes back (as size-1 axes), then is copied over them."""
        gy = utils.reshape_sum_backward(gy, self.x_shape, self.axis, self.keepdims)
        gx = broadcast_to(gy, self.x_shape)
        return gx


def sum(x, axis=None, keepdims: bool = False) -> Variable:
    return Sum(axis, keepdims)(x)


class BroadcastTo(Function):
    """y = x copied along new or size-1 axes to shape; the grad sums those copies (step 40)."""

    def __init__(self, shape: tuple) -> None:
        self.shape = tuple(shape)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        xp = cuda.get_array_module(x)
        return xp.broadcast_to(x, self.shape)

    def backward(self, gy: Variable) -> Variable:
        return sum_to(gy, self.x_shape)


def broadcast_to(x, shape: tuple) -> Variable:
    if x.shape == tuple(shape):
        return as_variable(x)
    return BroadcastTo(shape)(x)


class SumTo(Function):
    """y = x summed down to shape (the reverse of broadcast_to); the grad is broadcast back."""

    def __init__(self, shape: tuple) -> None:
        self.shape = tuple(shape)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        return utils.sum_to(x, self.shape)

    def backward(self, gy: Variable) -> Variable:
        return broadcast_to(gy, self.x_shape)


def sum_to(x, shape: tuple) -> Variable:
    if x.shape == tuple(shape):
        return as_variable(x)
    return SumTo(shape)(x)


class MatMul(Function):
    """Added in step 41: y = x W (matrix product); gx = gy W^T, gW = x^T gy."""

    def forward(self, x: np.ndarray, W: np.ndarray) -> np.ndarray:
        if x.ndim == 2 and W.ndim == 2 and x.shape[1] != W.shape[0]:
            raise ValueError(f"matmul: shapes {x.shape} and {W.shape} do not align "
                             f"({x.shape[1]} != {W.shape[0]})")
        y = x.dot(W)
        return y

    def backward(self, gy: Variable) -> tuple:
        """Each grad has the shape of its input: (N, D) for x, (D, H) for W."""
        x, W = self.inputs
        gx = matmul(gy, W.T)
        gW = matmul(x.T, gy)
        return gx, gW


def matmul(x, W) -> Variable:
    return MatMul()(x, W)


class Exp(Function):
    """Added in step 43 (sigmoid_simple needs it): y = exp(x); dy/dx = exp(x) = y."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        xp = cuda.get_array_module(x)
        return xp.exp(x)

    def backward(self, gy: Variable) -> Variable:
        y = self.outputs[0]()
        return gy * y


def exp(x) -> Variable:
    return Exp()(x)


def linear_simple(x, W, b=None) -> Variable:
    """Added in step 43: y = x W + b built from matmul and +, two functions and two graph nodes."""
    t = matmul(x, W)
    if b is None:
        return t
    y = t + b
    return y


class Linear(Function):
    """Added in step 43: y = x W + b as one function, so no intermediate x W stays in memory."""

    def forward(self, x: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> np.ndarray:
        if x.ndim == 2 and W.ndim == 2 and x.shape[1] != W.shape[0]:
            raise ValueError(f"linear: shapes {x.shape} and {W.shape} do not align "
                             f"({x.shape[1]} != {W.shape[0]})")
        y = x.dot(W)
        if b is not None:
            y = y + b
        return y

    def backward(self, gy: Variable) -> tuple:
        """gx = gy W^T, gW = x^T gy, and gb = gy summed down to b's shape (None without b)."""
        x, W, b = self.inputs
        gb = None if b.data is None else sum_to(gy, b.shape)
        gx = matmul(gy, W.T)
        gW = matmul(x.T, gy)
        return gx, gW, gb


def linear(x, W, b=None) -> Variable:
    """x W + b (b may be None). A missing b enters the graph as Variable(None) and gets no grad."""
    return Linear()(x, W, b)


def sigmoid_simple(x) -> Variable:
    """Added in step 43: y = 1 / (1 + exp(-x)) built from DeZero functions (four graph nodes)."""
    x = as_variable(x)
    y = 1 / (1 + exp(-x))
    return y


class Sigmoid(Function):
    """Added in step 43: y = 1 / (1 + exp(-x)) as one function; dy/dx = y (1 - y).

    forward uses the equal form tanh(x / 2) / 2 + 1 / 2, which cannot overflow: exp(-x)
    does for x below about -710 in float64 (about -88 in float32).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = np.tanh(x * 0.5) * 0.5 + 0.5
        return y

    def backward(self, gy: Variable) -> Variable:
        """The grad from the output y alone (held by weakref), as in Tanh."""
        y = self.outputs[0]()
        gx = gy * y * (1 - y)
        return gx


def sigmoid(x) -> Variable:
    return Sigmoid()(x)


def _check_shapes(x0: np.ndarray, x1: np.ndarray) -> None:
    """Added in step 43: mean_squared_error compares element by element, never all pairs.

    Equal shapes pass, and so do equal sizes that broadcast without growing ((1, 1) and (1,)).
    (5, 1) and (5,) would broadcast to (5, 5): 25 differences instead of 5, a silent bug.
    """
    if x0.shape != x1.shape:
        try:
            shape = np.broadcast_shapes(x0.shape, x1.shape)
        except ValueError:
            shape = None
        if x0.size != x1.size or shape not in (x0.shape, x1.shape):
            raise ValueError(f"mean_squared_error: shapes {x0.shape} and {x1.shape} differ; "
                             "reshape one (a broadcast would compare every pair of elements)")


class MeanSquaredError(Function):
    """Added in step 43: sum((x0 - x1) ** 2) / N as one function, N the number of rows."""

    def forward(self, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
        _check_shapes(x0, x1)
        diff = x0 - x1
        y = (diff**2).sum() / len(diff)
        return y

    def backward(self, gy: Variable) -> tuple:
        """d/dx0 = 2 (x0 - x1) / N and d/dx1 = -2 (x0 - x1) / N, times gy, each in its input's shape."""
        x0, x1 = self.inputs
        diff = x0 - x1
        gx0 = gy * diff * (2.0 / len(diff))
        gx1 = -gx0
        return sum_to(gx0, x0.shape), sum_to(gx1, x1.shape)


def mean_squared_error(x0, x1) -> Variable:
    return MeanSquaredError()(x0, x1)


class GetItem(Function):
    """Added in step 47: y = x[slices]: an int, a slice, an index array, or a tuple of them."""

    def __init__(self, slices) -> None:
        self.slices = slices

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x[self.slices]

    def backward(self, gy: Variable) -> Variable:
        (x,) = self.inputs
        return GetItemGrad(self.slices, x.shape)(gy)


class GetItemGrad(Function):
    """Added in step 47: the grad of get_item, gy added into zeros of x's shape at slices.

    An index that was picked twice gets gy twice: x[[0, 0]] uses row 0 two times.
    """

    def __init__(self, slices, in_shape: tuple) -> None:
        self.slices = slices
        self.in_shape = in_shape

    def forward(self, gy: np.ndarray) -> np.ndarray:
        xp = cuda.get_array_module(gy)
        gx = xp.zeros(self.in_shape, dtype=gy.dtype)
        if xp is np:
            np.add.at(gx, self.slices, gy)
        else:  # changed in step 52: CuPy's unbuffered add lives in cupyx
            cuda.cupyx.scatter_add(gx, self.slices, gy)
        return gx

    def backward(self, ggx: Variable) -> Variable:
        return get_item(ggx, self.slices)


def get_item(x, slices) -> Variable:
    """x[slices] as a DeZero function; Variable.__getitem__ calls it, so x[1] works too."""
    return GetItem(slices)(x)


class Clip(Function):
    """Added in step 47: y = x limited to [x_min, x_max]; the grad passes only where x was inside."""

    def __init__(self, x_min, x_max) -> None:
        self.x_min = x_min
        self.x_max = x_max

    def forward(self, x: np.ndarray) -> np.ndarray:
        xp = cuda.get_array_module(x)
        return xp.clip(x, self.x_min, self.x_max)

    def backward(self, gy: Variable) -> Variable:
        (x,) = self.inputs
        mask = (x.data >= self.x_min) * (x.data <= self.x_max)
        return gy * mask


def clip(x, x_min, x_max) -> Variable:
    return Clip(x_min, x_max)(x)


class Log(Function):
    """Added in step 47: y = log(x) (natural log); dy/dx = 1 / x."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        xp = cuda.get_array_module(x)
        return xp.log(x)

    def backward(self, gy: Variable) -> Variable:
        (x,) = self.inputs
        return gy / x


def log(x) -> Variable:
    return Log()(x)


class Max(Function):
    """Added in step 57: y = the maximum of x along axis; the grad goes to where the maximum is."""

    def __init__(self, axis=None, keepdims: bool = False) -> None:
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x.max(axis=self.axis, keepdims=self.keepdims)

    def backward(self, gy: Variable) -> Variable:
        (x,) = self.inputs
        y = self.outputs[0]()  # a weak reference: call it
        axis = range(x.ndim) if self.axis is None else self.axis
        axes = [a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis)]
        shape = [1 if a in axes else s for a, s in enumerate(x.shape)]  # y's shape with keepdims
        mask = (x.data == y.data.reshape(shape)).astype(x.dtype)
        return broadcast_to(gy.reshape(shape), x.shape) * mask


def max(x, axis=None, keepdims: bool = False) -> Variable:
    return Max(axis, keepdims)(x)


# The classifier's functions (step 47) live in functions_nn.py and the convolutions (step 57) in
# functions_conv.py, or this module would pass 500 lines; imported here, they keep the book's F.* names.
from dezero.functions_conv import (  # noqa: E402, F401
    average_pooling,
    col2im,
    conv2d,
    conv2d_simple,
    deconv2d,
    im2col,
    pooling,
    pooling_simple,
)
from dezero.functions_nn import (  # noqa: E402, F401
    ReLU,
    Softmax,
    SoftmaxCrossEntropy,
    accuracy,
    dropout,
    relu,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_simple,
    softmax_simple,
)
