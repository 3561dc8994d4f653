"""Differentiable functions beyond the arithmetic operators (the book's dezero.functions).

Added in step 34: sin and cos. Their backward computes with Variables (cos(x), -sin(x)),
not with ndarrays, so a grad can itself be differentiated: n-th derivatives for free.
Added in step 35: tanh, whose backward reads its own output.
Added in step 38: reshape and transpose, whose grads undo the change of shape.
"""

import numpy as np

from dezero.core import Function, Variable, as_variable


class Sin(Function):
    """y = sin(x); dy/dx = cos(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.sin(x)

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
        return np.cos(x)

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
        # TODO(step38.1): Remember x's shape, then return x in the new shape.
        raise NotImplementedError("TODO(step38.1): remember x's shape, then return x in the new shape")
        # END TODO(step38.1)

    def backward(self, gy: Variable) -> Variable:
        # TODO(step38.2): Return gy reshaped back to the input's shape.
        raise NotImplementedError("TODO(step38.2): return gy reshaped back to the input's shape")
        # END TODO(step38.2)


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
        # TODO(step38.3): Return x with its axes permuted by self.axes.
        raise NotImplementedError("TODO(step38.3): return x with its axes permuted by self.axes")
        # END TODO(step38.3)

    def backward(self, gy: Variable) -> Variable:
        """The grad goes through the inverse permutation."""
        # TODO(step38.4): Transpose gy back: reversed axes, or the inverse permutation.
        raise NotImplementedError("TODO(step38.4): transpose gy back: reversed axes, or the inverse permutation")
        # END TODO(step38.4)


def transpose(x, axes: tuple | None = None) -> Variable:
    return Transpose(axes)(x)
