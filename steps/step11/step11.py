"""Step 11: functions take a list of inputs and return a list of outputs."""

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

        Changed in step 11: functions keep lists, so read their first input and output.
        (Functions with several inputs get their backward in step 13.)
        """
        if self.grad is None:
            self.grad = np.ones_like(self.data)

        funcs = [self.creator]
        while funcs:
            # TODO(step11.1): Pass the grad of f's first output back to its first input.
            raise NotImplementedError("TODO(step11.1): pass the grad of f's first output back to its first input")
            # END TODO(step11.1)


def as_array(x) -> np.ndarray:
    """Turn a numpy scalar into a 0-d ndarray; an ndarray comes back unchanged."""
    if np.isscalar(x):
        return np.array(x)
    return x


class Function:
    """Base class of functions.

    Added in step 11: a function takes a list of Variables and returns a list of Variables;
    forward takes a list of ndarrays and returns a tuple of ndarrays.
    """

    def __call__(self, inputs: list) -> list:
        # TODO(step11.2): Unwrap the inputs, call forward, wrap each result in a Variable.
        raise NotImplementedError("TODO(step11.2): unwrap the inputs, call forward, wrap each result in a Variable")
        # END TODO(step11.2)
        # TODO(step11.3): Become every output's creator; keep inputs and outputs.
        raise NotImplementedError("TODO(step11.3): become every output's creator; keep inputs and outputs")
        # END TODO(step11.3)
        return outputs

    def forward(self, xs: list) -> tuple:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def backward(self, gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not defined")


class Add(Function):
    """y = x0 + x1. Added in step 11: the first function with two inputs."""

    def forward(self, xs: list) -> tuple:
        # TODO(step11.4): Add the two input arrays and return the sum in a 1-tuple.
        raise NotImplementedError("TODO(step11.4): add the two input arrays and return the sum in a 1-tuple")
        # END TODO(step11.4)


class Square(Function):
    """y = x ** 2; dy/dx = 2x."""

    def forward(self, xs: list) -> tuple:
        """Changed in step 11: a list in, a tuple out."""
        # TODO(step11.5): Return the square of the single input, in a 1-tuple.
        raise NotImplementedError("TODO(step11.5): return the square of the single input, in a 1-tuple")
        # END TODO(step11.5)

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """Changed in step 11: the input is the first element of self.inputs."""
        # TODO(step11.6): Return 2x times gy, reading x from self.inputs.
        raise NotImplementedError("TODO(step11.6): return 2x times gy, reading x from self.inputs")
        # END TODO(step11.6)


class Exp(Function):
    """y = exp(x); dy/dx = exp(x)."""

    def forward(self, xs: list) -> tuple:
        """Changed in step 11: a list in, a tuple out."""
        # TODO(step11.7): Return exp of the single input, in a 1-tuple.
        raise NotImplementedError("TODO(step11.7): return exp of the single input, in a 1-tuple")
        # END TODO(step11.7)

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """Changed in step 11: the input is the first element of self.inputs."""
        # TODO(step11.8): Return exp(x) times gy, reading x from self.inputs.
        raise NotImplementedError("TODO(step11.8): return exp(x) times gy, reading x from self.inputs")
        # END TODO(step11.8)


def square(x: Variable) -> Variable:
    """square(x) instead of Square()([x])[0]."""
    return Square()([x])[0]


def exp(x: Variable) -> Variable:
    """exp(x) instead of Exp()([x])[0]."""
    return Exp()([x])[0]


if __name__ == "__main__":
    xs = [Variable(np.array(2)), Variable(np.array(3))]
    f = Add()
    ys = f(xs)
    y = ys[0]
    print(y.data)
