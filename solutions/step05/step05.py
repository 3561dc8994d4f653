"""Step 5: backprop by hand, the chain rule on y = C(B(A(x))), checked against step 4.

The book's step 5 is theory only. Here we do its computation with plain numpy:
the forward pass keeps a = A(x), b = B(a), y = C(b); the backward pass starts at
dy/dy = 1 and multiplies by each function's own derivative, from y back to x.
"""

import numpy as np


class Variable:
    """A box around an ndarray, kept in the attribute `data`.

    Added in step 1: later steps give the box a gradient and a creator.
    """

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
    """y = x ** 2

    Added in step 2: the first concrete function.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step02.2): Return the square of x.
        return x**2
        # END SOLUTION


class Exp(Function):
    """y = exp(x)

    Added in step 3: a second function, so that there is something to compose.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step03.1): Return e raised to the power x, elementwise.
        return np.exp(x)
        # END SOLUTION


def numerical_diff(f, x: Variable, eps: float = 1e-4) -> np.ndarray:
    """Central difference: (f(x + eps) - f(x - eps)) / 2eps.

    Added in step 4: its error shrinks like eps ** 2, where the forward difference's shrinks like eps.
    """
    # SOLUTION(step04.2): Return the central difference of f at x.
    x0 = Variable(x.data - eps)
    x1 = Variable(x.data + eps)
    y0 = f(x0)
    y1 = f(x1)
    return (y1.data - y0.data) / (2 * eps)
    # END SOLUTION


def f(x: Variable) -> Variable:
    """The chain square → exp → square: y = (exp(x ** 2)) ** 2.

    Added in step 3: the output Variable of one function is the input of the next.
    """
    # SOLUTION(step03.2): Chain Square, Exp and Square on x and return the result.
    A = Square()
    B = Exp()
    C = Square()
    return C(B(A(x)))
    # END SOLUTION


def square_derivative(x: np.ndarray) -> np.ndarray:
    """The derivative of square at x: d/dx x ** 2 = 2x.

    Added in step 5: each function knows its own (local) derivative.
    """
    # SOLUTION(step05.1): Return the derivative of x ** 2 at x.
    return 2 * x
    # END SOLUTION


def exp_derivative(x: np.ndarray) -> np.ndarray:
    """The derivative of exp at x: d/dx exp(x) = exp(x).

    Added in step 5: each function knows its own (local) derivative.
    """
    # SOLUTION(step05.2): Return the derivative of exp(x) at x.
    return np.exp(x)
    # END SOLUTION


def forward_by_hand(x: np.ndarray) -> tuple:
    """The forward pass of y = C(B(A(x))), A = C = square and B = exp, as (a, b, y).

    Added in step 5: backprop needs the value each function received on the way forward.
    """
    # SOLUTION(step05.3): Compute a = A(x), b = B(a) and y = C(b) with numpy.
    a = x**2
    b = np.exp(a)
    y = b**2
    return a, b, y
    # END SOLUTION


def backward_by_hand(x: np.ndarray) -> tuple:
    """The chain rule from y back to x, as (dy/dy, dy/db, dy/da, dy/dx).

    Added in step 5: backprop starts at dy/dy = 1 and multiplies by one local derivative
    per function, each taken at the value that function received on the way forward.
    """
    a, b, y = forward_by_hand(x)
    # SOLUTION(step05.4): Multiply local derivatives from dy/dy = 1 back to dy/dx.
    dy_dy = np.ones_like(y)
    dy_db = dy_dy * square_derivative(b)
    dy_da = dy_db * exp_derivative(a)
    dy_dx = dy_da * square_derivative(x)
    return dy_dy, dy_db, dy_da, dy_dx
    # END SOLUTION


if __name__ == "__main__":
    x = np.array(0.5)
    a, b, y = forward_by_hand(x)
    print("forward  a, b, y:", a, b, y)

    dy_dy, dy_db, dy_da, dy_dx = backward_by_hand(x)
    print("backward dy/dy, dy/db, dy/da, dy/dx:", dy_dy, dy_db, dy_da, dy_dx)

    print("numerical_diff:", numerical_diff(f, Variable(x)))
