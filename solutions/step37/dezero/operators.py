"""The arithmetic functions, and setup_variable, which makes them Variable's operators.

The book keeps these in core.py. Here they have a file of their own, so that core.py stays
short enough to read in one sitting; core.py imports every name back, so
`from dezero.core import add` and `dezero.core.Add` work as in the book.
"""

import numpy as np

from dezero.core import Function, Variable, _operand


class Add(Function):
    """y = x0 + x1."""

    def forward(self, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
        # SOLUTION(step12.3): Return the sum of the two input arrays.
        y = x0 + x1
        return y
        # END SOLUTION

    def backward(self, gy: np.ndarray) -> tuple:
        """Added in step 13: d(x0 + x1)/dx0 = d(x0 + x1)/dx1 = 1, so both get gy."""
        # SOLUTION(step13.3): Return the upstream grad once for each input.
        return gy, gy
        # END SOLUTION


def add(x0: Variable, x1) -> Variable:
    """x0 + x1. Changed in step 21: x1 may be a number or an ndarray."""
    # SOLUTION(step21.5): Turn x1 into an operand with _operand, then apply Add.
    x1 = _operand(x1, x0)
    return Add()(x0, x1)
    # END SOLUTION


class Mul(Function):
    """y = x0 * x1. Added in step 20."""

    def forward(self, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
        return x0 * x1

    def backward(self, gy: "Variable") -> tuple:
        """dy/dx0 = x1 and dy/dx1 = x0: each input's grad is gy times the other input."""
        # SOLUTION(step32.3): Return gy * x1 and gy * x0, computed with Variables.
        x0, x1 = self.inputs
        return gy * x1, gy * x0
        # END SOLUTION


def mul(x0: Variable, x1) -> Variable:
    """x0 * x1. Changed in step 21: x1 may be a number or an ndarray."""
    x1 = _operand(x1, x0)
    return Mul()(x0, x1)


class Neg(Function):
    """y = -x. Added in step 22."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return -x

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """dy/dx = -1."""
        # SOLUTION(step22.1): Return the grad of the input of a negation.
        return -gy
        # END SOLUTION


def neg(x: Variable) -> Variable:
    return Neg()(x)


class Sub(Function):
    """y = x0 - x1. Added in step 22."""

    def forward(self, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
        return x0 - x1

    def backward(self, gy: np.ndarray) -> tuple:
        """dy/dx0 = 1, dy/dx1 = -1."""
        # SOLUTION(step22.2): Return the grads of both inputs of a subtraction.
        return gy, -gy
        # END SOLUTION


def sub(x0: Variable, x1) -> Variable:
    """x0 - x1."""
    x1 = _operand(x1, x0)
    return Sub()(x0, x1)


def rsub(x0: Variable, x1) -> Variable:
    """x1 - x0: called by x0.__rsub__ when x1 is on the left of the minus."""
    # SOLUTION(step22.3): Compute x1 - x0, with x1 turned into an operand first.
    x1 = _operand(x1, x0)
    return Sub()(x1, x0)
    # END SOLUTION


class Div(Function):
    """y = x0 / x1. Added in step 22."""

    def forward(self, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
        return x0 / x1

    def backward(self, gy: np.ndarray) -> tuple:
        """dy/dx0 = 1 / x1, dy/dx1 = -x0 / x1 ** 2."""
        # SOLUTION(step32.4): Return the grads of both inputs of a division, with Variables.
        x0, x1 = self.inputs
        gx0 = gy / x1
        gx1 = gy * (-x0 / x1**2)
        return gx0, gx1
        # END SOLUTION


def div(x0: Variable, x1) -> Variable:
    """x0 / x1."""
    x1 = _operand(x1, x0)
    return Div()(x0, x1)


def rdiv(x0: Variable, x1) -> Variable:
    """x1 / x0: called by x0.__rtruediv__ when x1 is on the left of the slash."""
    # SOLUTION(step22.5): Compute x1 / x0, with x1 turned into an operand first.
    x1 = _operand(x1, x0)
    return Div()(x1, x0)
    # END SOLUTION


class Pow(Function):
    """y = x ** c for a constant c. Added in step 22."""

    def __init__(self, c) -> None:
        self.c = c

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x**self.c

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """dy/dx = c * x ** (c - 1)."""
        # SOLUTION(step32.5): Return c times x to the power c - 1, times gy, with Variables.
        (x,) = self.inputs
        c = self.c
        gx = c * x ** (c - 1) * gy
        return gx
        # END SOLUTION


def pow(x: Variable, c) -> Variable:
    return Pow(c)(x)


def setup_variable() -> None:
    """Added in step 23: install the arithmetic operators on Variable.

    x + y calls add(x, y), 3.0 * x calls mul(x, 3.0) through __rmul__, and so on.
    """
    # SOLUTION(step23.1): Assign add, mul, neg, sub, rsub, div, rdiv and pow as operators.
    Variable.__add__ = add
    Variable.__radd__ = add
    Variable.__mul__ = mul
    Variable.__rmul__ = mul
    Variable.__neg__ = neg
    Variable.__sub__ = sub
    Variable.__rsub__ = rsub
    Variable.__truediv__ = div
    Variable.__rtruediv__ = rdiv
    Variable.__pow__ = pow
    # END SOLUTION
