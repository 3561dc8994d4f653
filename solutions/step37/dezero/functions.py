"""Differentiable functions beyond the arithmetic operators (the book's dezero.functions).

Added in step 34: sin and cos. Their backward computes with Variables (cos(x), -sin(x)),
not with ndarrays, so a grad can itself be differentiated: n-th derivatives for free.
Added in step 35: tanh, whose backward reads its own output.
"""

import numpy as np

from dezero.core import Function, Variable


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
