"""Step 7: automatic backprop, following creator links from the output back to the input."""

import numpy as np


class Variable:
    """A box around an ndarray that remembers the function that made it (its creator).

    Added in step 7: `creator` links the graph, and backward walks it recursively.
    """

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.grad = None
        self.creator = None

    def set_creator(self, func: "Function") -> None:
        """Added in step 7: record the function that produced this variable."""
        # TODO(step07.1): Remember func as the creator of this variable.
        raise NotImplementedError("TODO(step07.1): remember func as the creator of this variable")
        # END TODO(step07.1)

    def backward(self) -> None:
        """Pass self.grad back through the creator, then let the input carry on.

        Added in step 7: one call fills the grad of every variable upstream (recursively).
        """
        # TODO(step07.2): Backprop through the creator, then recurse into its input.
        raise NotImplementedError("TODO(step07.2): backprop through the creator, then recurse into its input")
        # END TODO(step07.2)


class Function:
    """Base class of functions: forward maps ndarrays forward, backward maps gradients back.

    Added in step 7: the call links its output to the function, so the graph is recorded.
    """

    def __call__(self, input: Variable) -> Variable:
        # TODO(step07.3): Unwrap, call forward, wrap; link the output to self; keep input and output.
        raise NotImplementedError("TODO(step07.3): unwrap, call forward, wrap; link the output to self; keep input and output")
        # END TODO(step07.3)

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
        x = self.input.data
        gx = 2 * x * gy
        return gx


class Exp(Function):
    """y = exp(x); dy/dx = exp(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.exp(x)

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """Added in step 6: gx = exp(x) * gy, with x read from the kept input."""
        x = self.input.data
        gx = np.exp(x) * gy
        return gx


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

    # the graph can be walked back from the output
    assert y.creator == C
    assert y.creator.input == b
    assert y.creator.input.creator == B
    assert y.creator.input.creator.input == a
    assert y.creator.input.creator.input.creator == A
    assert y.creator.input.creator.input.creator.input == x

    y.grad = np.array(1.0)
    y.backward()
    print(x.grad)
