"""Step 6: backprop by hand, each function passing the gradient back to its input."""

import numpy as np


class Variable:
    """A box around an ndarray, kept in the attribute `data`.

    Added in step 6: it also holds `grad`, the derivative of the final output with respect to it.
    """

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.grad = None


class Function:
    """Base class of functions: forward maps ndarrays forward, backward maps gradients back.

    Added in step 6: the call keeps its input, which backward reads.
    """

    def __call__(self, input: Variable) -> Variable:
        # TODO(step06.1): Unwrap the input, call forward, wrap the result, keep the input for backward.
        raise NotImplementedError("TODO(step06.1): unwrap the input, call forward, wrap the result, keep the input for backward")
        # END TODO(step06.1)

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def backward(self, gy: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.backward is not defined")


class Square(Function):
    """y = x ** 2; dy/dx = 2x."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x**2

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """Added in step 6: gx = 2x * gy, with x read from the kept input."""
        # TODO(step06.2): Return the gradient of the input: 2x times gy.
        raise NotImplementedError("TODO(step06.2): return the gradient of the input: 2x times gy")
        # END TODO(step06.2)


class Exp(Function):
    """y = exp(x); dy/dx = exp(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.exp(x)

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """Added in step 6: gx = exp(x) * gy, with x read from the kept input."""
        # TODO(step06.3): Return the gradient of the input: exp(x) times gy.
        raise NotImplementedError("TODO(step06.3): return the gradient of the input: exp(x) times gy")
        # END TODO(step06.3)


def numerical_diff(f, x: Variable, eps: float = 1e-4) -> np.ndarray:
    """Central difference: (f(x + eps) - f(x - eps)) / 2eps.

    Added in step 4: it checks the gradients that backprop computes from here on.
    """
    x0 = Variable(x.data - eps)
    x1 = Variable(x.data + eps)
    y0 = f(x0)
    y1 = f(x1)
    return (y1.data - y0.data) / (2 * eps)


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
