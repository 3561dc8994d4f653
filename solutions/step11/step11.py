"""Step 11: functions take a list of inputs and return a list of outputs."""

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

        Changed in step 11: functions keep lists, so read their first input and output.
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

    Added in step 11: a function takes a list of Variables and returns a list of Variables;
    forward takes a list of ndarrays and returns a tuple of ndarrays.
    """

    def __call__(self, inputs: list) -> list:
        # SOLUTION(step11.2): Unwrap the inputs, call forward, wrap each result in a Variable.
        xs = [x.data for x in inputs]
        ys = self.forward(xs)
        outputs = [Variable(as_array(y)) for y in ys]
        # END SOLUTION
        # SOLUTION(step11.3): Become every output's creator; keep inputs and outputs.
        for output in outputs:
            output.set_creator(self)
        self.inputs = inputs
        self.outputs = outputs
        # END SOLUTION
        return outputs

    def forward(self, xs: list) -> tuple:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def backward(self, gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not defined")


class Add(Function):
    """y = x0 + x1. Added in step 11: the first function with two inputs."""

    def forward(self, xs: list) -> tuple:
        # SOLUTION(step11.4): Add the two input arrays and return the sum in a 1-tuple.
        x0, x1 = xs
        y = x0 + x1
        return (y,)
        # END SOLUTION


class Square(Function):
    """y = x ** 2; dy/dx = 2x."""

    def forward(self, xs: list) -> tuple:
        """Changed in step 11: a list in, a tuple out."""
        # SOLUTION(step11.5): Return the square of the single input, in a 1-tuple.
        return (xs[0] ** 2,)
        # END SOLUTION

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """Changed in step 11: the input is the first element of self.inputs."""
        # SOLUTION(step11.6): Return 2x times gy, reading x from self.inputs.
        x = self.inputs[0].data
        return 2 * x * gy
        # END SOLUTION


class Exp(Function):
    """y = exp(x); dy/dx = exp(x)."""

    def forward(self, xs: list) -> tuple:
        """Changed in step 11: a list in, a tuple out."""
        # SOLUTION(step11.7): Return exp of the single input, in a 1-tuple.
        return (np.exp(xs[0]),)
        # END SOLUTION

    def backward(self, gy: np.ndarray) -> np.ndarray:
        """Changed in step 11: the input is the first element of self.inputs."""
        # SOLUTION(step11.8): Return exp(x) times gy, reading x from self.inputs.
        x = self.inputs[0].data
        return np.exp(x) * gy
        # END SOLUTION


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
