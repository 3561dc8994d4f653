"""Differentiable functions beyond the arithmetic operators (the book's dezero.functions).

Added in step 34: sin and cos. Their backward computes with Variables (cos(x), -sin(x)),
not with ndarrays, so a grad can itself be differentiated: n-th derivatives for free.
"""

import numpy as np

from dezero.core import Function, Variable


class Sin(Function):
    """y = sin(x); dy/dx = cos(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.sin(x)

    def backward(self, gy: Variable) -> Variable:
        """The grad of x as a Variable made by DeZero functions, so it can be differentiated again."""
        # TODO(step34.1): Return gy times cos of the input, computed with Variables.
        raise NotImplementedError("TODO(step34.1): return gy times cos of the input, computed with Variables")
        # END TODO(step34.1)


def sin(x) -> Variable:
    return Sin()(x)


class Cos(Function):
    """y = cos(x); dy/dx = -sin(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.cos(x)

    def backward(self, gy: Variable) -> Variable:
        """The grad of x as a Variable made by DeZero functions, so it can be differentiated again."""
        # TODO(step34.2): Return gy times minus sin of the input, computed with Variables.
        raise NotImplementedError("TODO(step34.2): return gy times minus sin of the input, computed with Variables")
        # END TODO(step34.2)


def cos(x) -> Variable:
    return Cos()(x)
