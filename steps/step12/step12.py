"""Step 12: call functions naturally, f(x0, x1), and get a single output back bare."""

import numpy as np


class Variable:
    """A box around an ndarray that remembers the function that made it (its creator)."""

    def __init__(self, data: np.ndarray | None) -> None:
        if data is not None:
            if not isinstance(data, np.ndarray):
                raise TypeError(f"{type(data)} is not supported")
        self.data = data
        self.grad = None
        self.creator = None

    def set_creator(self, func: "Function") -> None:
        """Added in step 7: record the function that produced this variable."""
        self.creator = func

    def backward(self) -> None:
        """Pass self.grad back through every function upstream, one at a time.

        Functions keep lists, so read their first input and output.
        (Functions with several inputs get their backward in step 13.)
        """
        if self.grad is None:
            self.grad = np.ones_like(self.data)

        funcs = [self.creator]
        while funcs:
            f = funcs.pop()
            x, y = f.inputs[0], f.outputs[0]
            x.grad = f.backward(y.grad)
            if x.creator is not None:
                funcs.append(x.creator)


def as_array(x) -> np.ndarray:
    """Turn a numpy scalar into a 0-d ndarray; an ndarray comes back unchanged."""
    if np.isscalar(x):
        return np.array(x)
    return x


class Function:
    """Base class of functions.

    Added in step 12: f(x0, x1) with Variables as separate arguments; forward(x0, x1)
    may return one ndarray or a tuple; one output comes back bare, several as a list.
    """

    def __call__(self, *inputs: Variable):
        # TODO(step12.1): Unwrap the inputs, call forward unpacked, wrap every result.
        raise NotImplementedError("TODO(step12.1): unwrap the inputs, call forward unpacked, wrap every result")
        # END TODO(step12.1)
        for output in outputs:
            output.set_creator(self)
        self.inputs = inputs
        self.outputs = outputs
        # TODO(step12.2): Return the only output bare, or the list of several outputs.
        raise NotImplementedError("TODO(step12.2): return the only output bare, or the list of several outputs")
        # END TODO(step12.2)

    def forward(self, *xs: np.ndarray):
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def backward(self, *gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not defined")


class Add(Function):
    """y = x0 + x1."""

    def forward(self, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
        # TODO(step12.3): Return the sum of the two input arrays.
        raise NotImplementedError("TODO(step12.3): return the sum of the two input arrays")
        # END TODO(step12.3)


def add(x0: Variable, x1: Variable) -> Variable:
    """Added in step 12: add(x0, x1) instead of Add()(x0, x1)."""
    # TODO(step12.4): Apply a new Add function to x0 and x1 and return its output.
    raise NotImplementedError("TODO(step12.4): apply a new Add function to x0 and x1 and return its output")
    # END TODO(step12.4)


class Square(Function):
    """y = x ** 2; dy/dx = 2x."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x**2

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """The input is the first element of self.inputs."""
        x = self.inputs[0].data
        return 2 * x * gy


class Exp(Function):
    """y = exp(x); dy/dx = exp(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return np.exp(x)

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """The input is the first element of self.inputs."""
        x = self.inputs[0].data
        return np.exp(x) * gy


def square(x: Variable) -> Variable:
    """Added in step 9: square(x) instead of Square()(x)."""
    return Square()(x)


def exp(x: Variable) -> Variable:
    """Added in step 9: exp(x) instead of Exp()(x)."""
    return Exp()(x)


if __name__ == "__main__":
    x0 = Variable(np.array(2))
    x1 = Variable(np.array(3))
    y = add(x0, x1)
    print(y.data)
