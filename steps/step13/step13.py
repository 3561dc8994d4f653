"""Step 13: backprop through functions with several inputs."""

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
        """Pass grads back through every function upstream.

        Added in step 13: a function gets the grads of all its outputs and returns one grad
        per input (a tuple, or a bare ndarray for one input).
        """
        if self.grad is None:
            self.grad = np.ones_like(self.data)

        funcs = [self.creator]
        while funcs:
            f = funcs.pop()
            # TODO(step13.1): Collect the outputs' grads, call backward, make gxs a tuple.
            raise NotImplementedError("TODO(step13.1): collect the outputs' grads, call backward, make gxs a tuple")
            # END TODO(step13.1)
            for x, gx in zip(f.inputs, gxs):
                # TODO(step13.2): Store gx as the input's grad and queue its creator.
                raise NotImplementedError("TODO(step13.2): store gx as the input's grad and queue its creator")
                # END TODO(step13.2)


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
        xs = [x.data for x in inputs]
        ys = self.forward(*xs)
        if not isinstance(ys, tuple):
            ys = (ys,)
        outputs = [Variable(as_array(y)) for y in ys]
        for output in outputs:
            output.set_creator(self)
        self.inputs = inputs
        self.outputs = outputs
        return outputs if len(outputs) > 1 else outputs[0]

    def forward(self, *xs: np.ndarray):
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def backward(self, *gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not defined")


class Add(Function):
    """y = x0 + x1."""

    def forward(self, x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
        y = x0 + x1
        return y

    def backward(self, gy: np.ndarray) -> tuple:
        """Added in step 13: d(x0 + x1)/dx0 = d(x0 + x1)/dx1 = 1, so both get gy."""
        # TODO(step13.3): Return the upstream grad once for each input.
        raise NotImplementedError("TODO(step13.3): return the upstream grad once for each input")
        # END TODO(step13.3)


def add(x0: Variable, x1: Variable) -> Variable:
    """Added in step 12: add(x0, x1) instead of Add()(x0, x1)."""
    return Add()(x0, x1)


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
    x = Variable(np.array(2.0))
    y = Variable(np.array(3.0))

    z = add(square(x), square(y))
    z.backward()
    print(z.data)
    print(x.grad)
    print(y.grad)
