"""Step 4: numerical differentiation with the central difference."""

import numpy as np


class Variable:
    """A box around an ndarray, kept in the attribute `data`."""

    def __init__(self, data: np.ndarray) -> None:
        self.data = data


class Function:
    """Base class of functions: __call__ unwraps the input, forward computes, the result is wrapped.

    Added in step 4: the call keeps its input and output, ready for backprop.
    """

    def __call__(self, input: Variable) -> Variable:
        # TODO(step04.1): Unwrap the input, call forward, wrap the result, keep input and output.
        raise NotImplementedError("TODO(step04.1): unwrap the input, call forward, wrap the result, keep input and output")
        # END TODO(step04.1)

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")


class Square(Function):
    """y = x ** 2"""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x**2


class Exp(Function):
    """y = exp(x)"""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.exp(x)


def numerical_diff(f, x: Variable, eps: float = 1e-4) -> np.ndarray:
    """Central difference: (f(x + eps) - f(x - eps)) / 2eps.

    Its error shrinks like eps ** 2, where the forward difference's shrinks like eps.
    """
    # TODO(step04.2): Return the central difference of f at x.
    raise NotImplementedError("TODO(step04.2): return the central difference of f at x")
    # END TODO(step04.2)


def f(x: Variable) -> Variable:
    """The chain of step 3: square → exp → square."""
    A = Square()
    B = Exp()
    C = Square()
    return C(B(A(x)))


if __name__ == "__main__":
    f_square = Square()
    x = Variable(np.array(2.0))
    dy = numerical_diff(f_square, x)
    print(dy)

    x = Variable(np.array(0.5))
    dy = numerical_diff(f, x)
    print(dy)
