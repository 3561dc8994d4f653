"""Step 12: call functions naturally, f(x0, x1), and get a single output back bare."""

import numpy as np


class Variable:
    """A box around an ndarray that remembers the function that made it (its creator)."""

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

        Functions keep lists, so read their first input and output.
        (Functions with several inputs get their backward in step 13.)
        """
        # SOLUTION(step09.2): Start from a grad of ones when no grad is set.
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        # END SOLUTION

        funcs = [self.creator]
        while funcs:
            # SOLUTION(step11.1): Pass the grad of f's first output back to its first input.
            f = funcs.pop()
            x, y = f.inputs[0], f.outputs[0]
            x.grad = f.backward(y.grad)
            if x.creator is not None:
                funcs.append(x.creator)
            # END SOLUTION


def as_array(x) -> np.ndarray:
    """Turn a numpy scalar into a 0-d ndarray; an ndarray comes back unchanged."""
    # SOLUTION(step09.3): Wrap a scalar in an ndarray and return anything else as it is.
    if np.isscalar(x):
        return np.array(x)
    return x
    # END SOLUTION


class Function:
    """Base class of functions.

    Added in step 12: f(x0, x1) with Variables as separate arguments; forward(x0, x1)
    may return one ndarray or a tuple; one output comes back bare, several as a list.
    """

    def __call__(self, *inputs: Variable):
        # SOLUTION(step12.1): Unwrap the inputs, call forward unpacked, wrap every result.
        xs = [x.data for x in inputs]
        ys = self.forward(*xs)
        if not isinstance(ys, tuple):
            ys = (ys,)
        outputs = [Variable(as_array(y)) for y in ys]
        # END SOLUTION
        # SOLUTION(step11.3): Become every output's creator; keep inputs and outputs.
        for output in outputs:
            output.set_creator(self)
        self.inputs = inputs
        self.outputs = outputs
        # END SOLUTION
        # SOLUTION(step12.2): Return the only output bare, or the list of several outputs.
        return outputs if len(outputs) > 1 else outputs[0]
        # END SOLUTION

    def forward(self, *xs: np.ndarray):
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def backward(self, *gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not defined")


class Add(Function):
    """y = x0 + x1."""

    def forward(self, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
        # SOLUTION(step12.3): Return the sum of the two input arrays.
        y = x0 + x1
        return y
        # END SOLUTION


def add(x0: Variable, x1: Variable) -> Variable:
    """Added in step 12: add(x0, x1) instead of Add()(x0, x1)."""
    # SOLUTION(step12.4): Apply a new Add function to x0 and x1 and return its output.
    return Add()(x0, x1)
    # END SOLUTION


class Square(Function):
    """y = x ** 2; dy/dx = 2x."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step02.2): Return the square of x.
        return x**2
        # END SOLUTION

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """The input is the first element of self.inputs."""
        # SOLUTION(step11.6): Return 2x times gy, reading x from self.inputs.
        x = self.inputs[0].data
        return 2 * x * gy
        # END SOLUTION


class Exp(Function):
    """y = exp(x); dy/dx = exp(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step03.1): Return e raised to the power x, elementwise.
        return np.exp(x)
        # END SOLUTION

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """The input is the first element of self.inputs."""
        # SOLUTION(step11.8): Return exp(x) times gy, reading x from self.inputs.
        x = self.inputs[0].data
        return np.exp(x) * gy
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


if __name__ == "__main__":
    x0 = Variable(np.array(2))
    x1 = Variable(np.array(3))
    y = add(x0, x1)
    print(y.data)
