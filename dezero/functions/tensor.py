"""Tensor functions: indexing, flatten, mean, matrix product, linear, max/min, clip."""

import numpy as np

from dezero import cuda, utils
from dezero.core import Function, as_variable
from dezero.functions.basic import broadcast_to, reshape
from dezero.functions.basic import sum as _sum


class GetItem(Function):
    """y = x[slices]; the grad scatters gy back into the selected places."""

    reads_inputs = reads_outputs = False  # shapes only

    def __init__(self, slices):
        self.slices = slices

    def forward(self, x):
        return x[self.slices]

    def backward(self, gy):
        (x,) = self.inputs
        return GetItemGrad(self.slices, x.shape)(gy)


class GetItemGrad(Function):
    """Scatter-add gy into zeros of the input's shape; repeated indices accumulate."""

    reads_inputs = reads_outputs = False

    def __init__(self, slices, in_shape):
        self.slices = slices
        self.in_shape = in_shape

    def forward(self, gy):
        xp = cuda.get_array_module(gy)
        gx = xp.zeros(self.in_shape, dtype=gy.dtype)
        if xp is np:
            np.add.at(gx, self.slices, gy)
        else:
            import cupyx

            cupyx.scatter_add(gx, self.slices, gy)
        return gx

    def backward(self, ggx):
        return get_item(ggx, self.slices)


def get_item(x, slices):
    return GetItem(slices)(x)


def expand_dims(x, axis):
    x = as_variable(x)
    shape = list(x.shape)
    shape.insert(axis, 1)
    return reshape(x, tuple(shape))


def flatten(x):
    """Flatten every axis but the first (the batch axis)."""
    return reshape(x, (x.shape[0], -1))


def average(x, axis=None, keepdims=False):
    x = as_variable(x)
    y = _sum(x, axis, keepdims)
    return y * (y.data.size / x.data.size)


mean = average


class MatMul(Function):
    """y = x @ W; gx = gy @ W.T, gW = x.T @ gy."""

    reads_outputs = False

    def forward(self, x, W):
        if x.ndim == 2 and W.ndim == 2 and x.shape[1] != W.shape[0]:
            raise ValueError(f"matmul: shapes {x.shape} and {W.shape} do not align "
                             f"({x.shape[1]} != {W.shape[0]})")
        return x.dot(W)

    def backward(self, gy):
        x, W = self.inputs
        return (matmul(gy, W.T) if x.needs_grad else None), (matmul(x.T, gy) if W.needs_grad else None)


def matmul(x, W):
    return MatMul()(x, W)


class Linear(Function):
    """y = x @ W + b, as one function (no intermediate kept)."""

    reads_outputs = False

    def forward(self, x, W, b):
        if x.ndim == 2 and W.ndim == 2 and x.shape[1] != W.shape[0]:
            raise ValueError(f"linear: shapes {x.shape} and {W.shape} do not align "
                             f"({x.shape[1]} != {W.shape[0]})")
        y = x.dot(W)
        return y if b is None else y + b

    def backward(self, gy):
        x, W, b = self.inputs
        gb = None if b.data is None or not b.needs_grad else _sum_to(gy, b.shape)
        # the input batch is usually data (a constant): its grad, a whole matmul, is skipped then
        gx = matmul(gy, W.T) if x.needs_grad else None
        return gx, (matmul(x.T, gy) if W.needs_grad else None), gb


def _sum_to(x, shape):
    from dezero.functions.basic import sum_to

    return sum_to(x, shape)


def linear(x, W, b=None):
    return Linear()(x, W, b)


def linear_simple(x, W, b=None):
    """linear from matmul and add. The book freed t.data by hand; here the graph lets it go by
    itself once t + b is used (neither MatMul nor Add reads it: dezero/_retain.py)."""
    t = matmul(x, W)
    if b is None:
        return t
    return t + b


class Max(Function):
    """The largest element (along axis); the grad goes to the places equal to it (x and y read)."""

    def __init__(self, axis=None, keepdims=False):
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x):
        return x.max(axis=self.axis, keepdims=self.keepdims)

    def backward(self, gy):
        x = self.inputs[0]
        y = self.outputs[0]()
        shape = utils.max_backward_shape(x, self.axis)
        gy = reshape(gy, shape)
        y = reshape(y, shape)
        cond = x.data == y.data
        gy = broadcast_to(gy, cond.shape)
        return gy * cond


class Min(Max):
    def forward(self, x):
        return x.min(axis=self.axis, keepdims=self.keepdims)


def max(x, axis=None, keepdims=False):
    return Max(axis, keepdims)(x)


def min(x, axis=None, keepdims=False):
    return Min(axis, keepdims)(x)


class Clip(Function):
    """y = x limited to [x_min, x_max]; the grad passes only where x was inside."""

    reads_outputs = False

    def __init__(self, x_min, x_max):
        self.x_min = x_min
        self.x_max = x_max

    def forward(self, x):
        return cuda.get_array_module(x).clip(x, self.x_min, self.x_max)

    def backward(self, gy):
        (x,) = self.inputs
        mask = (x.data >= self.x_min) * (x.data <= self.x_max)
        return gy * mask


def clip(x, x_min, x_max):
    return Clip(x_min, x_max)(x)
