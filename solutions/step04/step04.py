"""Step 4: numerical differentiation with the central difference."""

import numpy as np


class Variable:
    """A box around an ndarray, kept in the attribute `data`."""

    def __init__(self, data: np.ndarray) -> None:
        # SOLUTION(step01.1): Keep the given data in the attribute data.
        self.data = data
        # END SOLUTION


class Function:
    """Base class of functions: __call__ unwraps the input, forward computes, the result is wrapped.

    Added in step 4: the call keeps its input and output, ready for backprop.
    """

    def __call__(self, input: Variable) -> Variable:
        # SOLUTION(step04.1): Unwrap the input, call forward, wrap the result, keep input and output.
        x = input.data
        y = self.forward(x)
        output = Variable(y)
        self.input = input
        self.output = output
        return output
        # END SOLUTION

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")


class Square(Function):
    """y = x ** 2"""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step02.2): Return the square of x.
        return x**2
        # END SOLUTION


class Exp(Function):
    """y = exp(x)"""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step03.1): Return e raised to the power x, elementwise.
        return np.exp(x)
        # END SOLUTION


def numerical_diff(f, x: Variable, eps: float = 1e-4) -> np.ndarray:
    """Central difference: (f(x + eps) - f(x - eps)) / 2eps.

    Its error shrinks like eps ** 2, where the forward difference's shrinks like eps.
    """
    # SOLUTION(step04.2): Return the central difference of f at x.
    x0 = Variable(x.data - eps)
    x1 = Variable(x.data + eps)
    y0 = f(x0)
    y1 = f(x1)
    return (y1.data - y0.data) / (2 * eps)
    # END SOLUTION


def f(x: Variable) -> Variable:
    """The chain of step 3: square → exp → square."""
    # SOLUTION(step03.2): Chain Square, Exp and Square on x and return the result.
    A = Square()
    B = Exp()
    C = Square()
    return C(B(A(x)))
    # END SOLUTION


if __name__ == "__main__":
    f_square = Square()
    x = Variable(np.array(2.0))
    dy = numerical_diff(f_square, x)
    print(dy)

    x = Variable(np.array(0.5))
    dy = numerical_diff(f, x)
    print(dy)
