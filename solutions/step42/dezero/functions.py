"""Differentiable functions beyond the arithmetic operators (the book's dezero.functions).

Added in step 34: sin and cos. Their backward computes with Variables (cos(x), -sin(x)),
not with ndarrays, so a grad can itself be differentiated: n-th derivatives for free.
Added in step 35: tanh, whose backward reads its own output.
Added in step 38: reshape and transpose, whose grads undo the change of shape.
Added in step 39: sum, whose grad is copied back over the summed axes (broadcast_to).
Added in step 41: matmul, the matrix product, with grads gy W^T and x^T gy.
"""

import numpy as np

from dezero import utils
from dezero.core import Function, Variable, as_variable


class Sin(Function):
    """y = sin(x); dy/dx = cos(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.sin(x)

    def backward(self, gy: Variable) -> Variable:
        """The grad of x as a Variable made by DeZero functions, so it can be differentiated again."""
        # SOLUTION(step34.1): Return gy times cos of the input, computed with Variables.
        (x,) = self.inputs
        gx = gy * cos(x)
        return gx
        # END SOLUTION


def sin(x) -> Variable:
    return Sin()(x)


class Cos(Function):
    """y = cos(x); dy/dx = -sin(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.cos(x)

    def backward(self, gy: Variable) -> Variable:
        """The grad of x as a Variable made by DeZero functions, so it can be differentiated again."""
        # SOLUTION(step34.2): Return gy times minus sin of the input, computed with Variables.
        (x,) = self.inputs
        gx = gy * -sin(x)
        return gx
        # END SOLUTION


def cos(x) -> Variable:
    return Cos()(x)


class Tanh(Function):
    """y = tanh(x); dy/dx = 1 - y ** 2. Added in step 35."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step35.1): Return the hyperbolic tangent of the input array.
        y = np.tanh(x)
        return y
        # END SOLUTION

    def backward(self, gy: Variable) -> Variable:
        """The grad of x from the output y (held by weakref), as a Variable made by DeZero functions."""
        # SOLUTION(step35.2): Return gy times (1 - y * y), where y is this function's output.
        y = self.outputs[0]()
        gx = gy * (1 - y * y)
        return gx
        # END SOLUTION


def tanh(x) -> Variable:
    return Tanh()(x)


class Reshape(Function):
    """Added in step 38: y = x with another shape; the grad goes back to x's shape."""

    def __init__(self, shape: tuple) -> None:
        self.shape = shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step38.1): Remember x's shape, then return x in the new shape.
        self.x_shape = x.shape
        y = x.reshape(self.shape)
        return y
        # END SOLUTION

    def backward(self, gy: Variable) -> Variable:
        # SOLUTION(step38.2): Return gy reshaped back to the input's shape.
        return reshape(gy, self.x_shape)
        # END SOLUTION


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
        # SOLUTION(step38.3): Return x with its axes permuted by self.axes.
        y = x.transpose(self.axes)
        return y
        # END SOLUTION

    def backward(self, gy: Variable) -> Variable:
        """The grad goes through the inverse permutation."""
        # SOLUTION(step38.4): Transpose gy back: reversed axes, or the inverse permutation.
        if self.axes is None:
            return transpose(gy)
        axes_len = len(self.axes)
        inv_axes = tuple(np.argsort([ax % axes_len for ax in self.axes]))
        return transpose(gy, inv_axes)
        # END SOLUTION


def transpose(x, axes: tuple | None = None) -> Variable:
    return Transpose(axes)(x)


class Sum(Function):
    """Added in step 39: y = x.sum(axis, keepdims); every element of x gets gy back."""

    def __init__(self, axis, keepdims: bool) -> None:
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step39.1): Remember x's shape, then sum x over axis (keepdims as asked).
        self.x_shape = x.shape
        y = x.sum(axis=self.axis, keepdims=self.keepdims)
        return y
        # END SOLUTION

    def backward(self, gy: Variable) -> Variable:
        """gy gets its summed axes back (as size-1 axes), then is copied over them."""
        # SOLUTION(step39.2): Reshape gy for broadcasting, then broadcast it to x's shape.
        gy = utils.reshape_sum_backward(gy, self.x_shape, self.axis, self.keepdims)
        gx = broadcast_to(gy, self.x_shape)
        return gx
        # END SOLUTION


def sum(x, axis=None, keepdims: bool = False) -> Variable:
    return Sum(axis, keepdims)(x)


class BroadcastTo(Function):
    """y = x copied along new or size-1 axes to shape; the grad sums those copies (step 40)."""

    def __init__(self, shape: tuple) -> None:
        self.shape = tuple(shape)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        return np.broadcast_to(x, self.shape)

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
        # SOLUTION(step41.1): Return the matrix product of x and W.
        y = x.dot(W)
        return y
        # END SOLUTION

    def backward(self, gy: Variable) -> tuple:
        """Each grad has the shape of its input: (N, D) for x, (D, H) for W."""
        # SOLUTION(step41.2): Return gy W^T for x and x^T gy for W, with matmul.
        x, W = self.inputs
        gx = matmul(gy, W.T)
        gW = matmul(x.T, gy)
        return gx, gW
        # END SOLUTION


def matmul(x, W) -> Variable:
    return MatMul()(x, W)
