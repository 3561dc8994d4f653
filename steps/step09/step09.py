"""Step 9: friendlier functions: square()/exp() helpers, a default grad, ndarray-only data."""

import numpy as np


class Variable:
    """A box around an ndarray that remembers the function that made it (its creator).

    Added in step 9: data must be an ndarray (or None), so every Variable behaves the same.
    """

    def __init__(self, data: np.ndarray | None) -> None:
        # TODO(step09.1): Reject data that is not an ndarray or None (TypeError).
        raise NotImplementedError("TODO(step09.1): reject data that is not an ndarray or None (TypeError)")
        # END TODO(step09.1)
        self.data = data
        self.grad = None
        self.creator = None

    def set_creator(self, func: "Function") -> None:
        """Added in step 7: record the function that produced this variable."""
        self.creator = func

    def backward(self) -> None:
        """Pass self.grad back through every function upstream, one at a time.

        Added in step 9: with no grad set, backprop starts from dy/dy = 1 (ones shaped like data).
        """
        # TODO(step09.2): Start from a grad of ones when no grad is set.
        raise NotImplementedError("TODO(step09.2): start from a grad of ones when no grad is set")
        # END TODO(step09.2)

        funcs = [self.creator]
        while funcs:
            f = funcs.pop()
            x, y = f.input, f.output
            x.grad = f.backward(y.grad)
            if x.creator is not None:
                funcs.append(x.creator)


def as_array(x) -> np.ndarray:
    """Turn a numpy scalar into a 0-d ndarray; an ndarray comes back unchanged.

    Added in step 9: numpy returns scalars (np.float64) for 0-d input, as in np.array(1.0) ** 2.
    """
    # TODO(step09.3): Wrap a scalar in an ndarray and return anything else as it is.
    raise NotImplementedError("TODO(step09.3): wrap a scalar in an ndarray and return anything else as it is")
    # END TODO(step09.3)


class Function:
    """Base class of functions: forward maps ndarrays forward, backward maps gradients back.

    Added in step 9: the output data goes through as_array, so it is always an ndarray.
    """

    def __call__(self, input: Variable) -> Variable:
        # TODO(step09.7): Unwrap, call forward, wrap as_array(y); link and keep input and output.
        raise NotImplementedError("TODO(step09.7): unwrap, call forward, wrap as_array(y); link and keep input and output")
        # END TODO(step09.7)

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


def square(x: Variable) -> Variable:
    """Added in step 9: square(x) instead of Square()(x)."""
    # TODO(step09.4): Apply a new Square function to x and return its output.
    raise NotImplementedError("TODO(step09.4): apply a new Square function to x and return its output")
    # END TODO(step09.4)


def exp(x: Variable) -> Variable:
    """Added in step 9: exp(x) instead of Exp()(x)."""
    # TODO(step09.5): Apply a new Exp function to x and return its output.
    raise NotImplementedError("TODO(step09.5): apply a new Exp function to x and return its output")
    # END TODO(step09.5)


def numerical_diff(f, x: Variable, eps: float = 1e-4) -> np.ndarray:
    """Central difference: (f(x + eps) - f(x - eps)) / 2eps.

    Added in step 4. Changed in step 9: x.data - eps is a numpy scalar when x is 0-d,
    and Variable now rejects scalars, so the shifted data goes through as_array.
    """
    # TODO(step09.6): Return the central difference of f at x, also for a 0-d x.
    raise NotImplementedError("TODO(step09.6): return the central difference of f at x, also for a 0-d x")
    # END TODO(step09.6)


if __name__ == "__main__":
    x = Variable(np.array(0.5))
    y = square(exp(square(x)))
    y.backward()
    print(x.grad)

    x = Variable(np.array(1.0))  # OK
    x = Variable(None)  # OK
    try:
        x = Variable(1.0)  # the book's script stops here with this TypeError
    except TypeError as e:
        print(f"TypeError: {e}")
