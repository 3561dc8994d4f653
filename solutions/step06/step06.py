"""Step 6: backprop by hand, each function passing the gradient back to its input."""

import numpy as np


class Variable:
    """A box around an ndarray, kept in the attribute `data`.

    Added in step 6: it also holds `grad`, the derivative of the final output with respect to it.
    """

    def __init__(self, data: np.ndarray) -> None:
        # SOLUTION(step01.1): Keep the given data in the attribute data.
        self.data = data
        # END SOLUTION
        self.grad = None


class Function:
    """Base class of functions: forward maps ndarrays forward, backward maps gradients back.

    Added in step 6: the call keeps its input, which backward reads.
    """

    def __call__(self, input: Variable) -> Variable:
        # SOLUTION(step06.1): Unwrap the input, call forward, wrap the result, keep the input for backward.
        x = input.data
        y = self.forward(x)
        output = Variable(y)
        self.input = input
        return output
        # END SOLUTION

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def backward(self, gy: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.backward is not defined")


class Square(Function):
    """y = x ** 2; dy/dx = 2x."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step02.2): Return the square of x.
        return x**2
        # END SOLUTION

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """Added in step 6: gx = 2x * gy, with x read from the kept input."""
        # SOLUTION(step06.2): Return the gradient of the input: 2x times gy.
        x = self.input.data
        gx = 2 * x * gy
        return gx
        # END SOLUTION


class Exp(Function):
    """y = exp(x); dy/dx = exp(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step03.1): Return e raised to the power x, elementwise.
        return np.exp(x)
        # END SOLUTION

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """Added in step 6: gx = exp(x) * gy, with x read from the kept input."""
        # SOLUTION(step06.3): Return the gradient of the input: exp(x) times gy.
        x = self.input.data
        gx = np.exp(x) * gy
        return gx
        # END SOLUTION


def numerical_diff(f, x: Variable, eps: float = 1e-4) -> np.ndarray:
    """Central difference: (f(x + eps) - f(x - eps)) / 2eps.

    Added in step 4: it checks the gradients that backprop computes from here on.
    """
    # SOLUTION(step04.2): Return the central difference of f at x.
    x0 = Variable(x.data - eps)
    x1 = Variable(x.data + eps)
    y0 = f(x0)
    y1 = f(x1)
    return (y1.data - y0.data) / (2 * eps)
    # END SOLUTION


if __name__ == "__main__":
    A = Square()
    B = Exp()
    C = Square()

    x = Variable(np.array(0.5))
    a = A(x)
    b = B(a)
    y = C(b)

    y.grad = np.array(1.0)
    b.grad = C.backward(y.grad)
    a.grad = B.backward(b.grad)
    x.grad = A.backward(a.grad)
    print(x.grad)
