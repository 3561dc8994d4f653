"""Step 10: unit tests for square, with a gradient check against numerical_diff."""

import unittest

import numpy as np


class Variable:
    """A box around an ndarray that remembers the function that made it (its creator).

    Added in step 9: data must be an ndarray (or None), so every Variable behaves the same.
    """

    def __init__(self, data: np.ndarray | None) -> None:
        # SOLUTION(step09.1): Reject data that is not an ndarray or None (TypeError).
        if data is not None:
            if not isinstance(data, np.ndarray):
                raise TypeError(f"{type(data)} is not supported")
        # END SOLUTION
        # SOLUTION(step01.1): Keep the given data in the attribute data.
        self.data = data
        # END SOLUTION
        self.grad = None
        self.creator = None

    def set_creator(self, func: "Function") -> None:
        """Added in step 7: record the function that produced this variable."""
        # SOLUTION(step07.1): Remember func as the creator of this variable.
        self.creator = func
        # END SOLUTION

    def backward(self) -> None:
        """Pass self.grad back through every function upstream, one at a time.

        Added in step 9: with no grad set, backprop starts from dy/dy = 1 (ones shaped like data).
        """
        # SOLUTION(step09.2): Start from a grad of ones when no grad is set.
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        # END SOLUTION

        funcs = [self.creator]
        while funcs:
            # SOLUTION(step08.1): Pop a function, set its input's grad, queue the next.
            f = funcs.pop()
            x, y = f.input, f.output
            x.grad = f.backward(y.grad)
            if x.creator is not None:
                funcs.append(x.creator)
            # END SOLUTION


def as_array(x) -> np.ndarray:
    """Turn a numpy scalar into a 0-d ndarray; an ndarray comes back unchanged.

    Added in step 9: numpy returns scalars (np.float64) for 0-d input, as in np.array(1.0) ** 2.
    """
    # SOLUTION(step09.3): Wrap a scalar in an ndarray and return anything else as it is.
    if np.isscalar(x):
        return np.array(x)
    return x
    # END SOLUTION


class Function:
    """Base class of functions: forward maps ndarrays forward, backward maps gradients back.

    Added in step 9: the output data goes through as_array, so it is always an ndarray.
    """

    def __call__(self, input: Variable) -> Variable:
        # SOLUTION(step09.7): Unwrap, call forward, wrap as_array(y); link and keep input and output.
        x = input.data
        y = self.forward(x)
        output = Variable(as_array(y))
        output.set_creator(self)
        self.input = input
        self.output = output
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


def square(x: Variable) -> Variable:
    """Added in step 9: square(x) instead of Square()(x)."""
    # SOLUTION(step09.4): Apply a new Square function to x and return its output.
    return Square()(x)
    # END SOLUTION


def exp(x: Variable) -> Variable:
    """Added in step 9: exp(x) instead of Exp()(x)."""
    # SOLUTION(step09.5): Apply a new Exp function to x and return its output.
    return Exp()(x)
    # END SOLUTION


def numerical_diff(f, x: Variable, eps: float = 1e-4) -> np.ndarray:
    """Central difference: (f(x + eps) - f(x - eps)) / 2eps.

    Added in step 4. Changed in step 9: x.data - eps is a numpy scalar when x is 0-d,
    and Variable now rejects scalars, so the shifted data goes through as_array.
    """
    # SOLUTION(step09.6): Return the central difference of f at x, also for a 0-d x.
    x0 = Variable(as_array(x.data - eps))
    x1 = Variable(as_array(x.data + eps))
    y0 = f(x0)
    y1 = f(x1)
    return (y1.data - y0.data) / (2 * eps)
    # END SOLUTION


class SquareTest(unittest.TestCase):
    """Added in step 10: unit tests of square; `python step10.py` runs them."""

    def test_forward(self) -> None:
        """square(2.0) is 4.0."""
        # SOLUTION(step10.1): Check that square of 2.0 gives 4.0.
        x = Variable(np.array(2.0))
        y = square(x)
        expected = np.array(4.0)
        self.assertEqual(y.data, expected)
        # END SOLUTION

    def test_backward(self) -> None:
        """The derivative of square at 3.0 is 6.0."""
        # SOLUTION(step10.2): Check that the grad of square at 3.0 is 6.0.
        x = Variable(np.array(3.0))
        y = square(x)
        y.backward()
        expected = np.array(6.0)
        self.assertEqual(x.grad, expected)
        # END SOLUTION

    def test_gradient_check(self) -> None:
        """Backprop through square agrees with numerical_diff at a random point.

        The book draws x with np.random.rand(1); a seeded generator makes every run the same.
        """
        # SOLUTION(step10.3): Check backprop against numerical_diff at a random x.
        rng = np.random.default_rng(0)
        x = Variable(rng.random(1))
        y = square(x)
        y.backward()
        num_grad = numerical_diff(square, x)
        flg = np.allclose(x.grad, num_grad)
        self.assertTrue(flg)
        # END SOLUTION


if __name__ == "__main__":
    unittest.main()
