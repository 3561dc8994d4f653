"""Step 16: generations put the functions of any graph in a correct backward order."""

import heapq
from itertools import count

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
        self.generation = 0

    def set_creator(self, func: "Function") -> None:
        """Record the function that produced this variable.

        Changed in step 16: a variable is one generation younger than its creator.
        """
        # TODO(step16.1): Remember func as the creator; be one generation after it.
        raise NotImplementedError("TODO(step16.1): remember func as the creator; be one generation after it")
        # END TODO(step16.1)

    def cleargrad(self) -> None:
        """Added in step 14: forget the grad, so a new computation starts from zero."""
        self.grad = None

    def backward(self) -> None:
        """Pass grads back through every function upstream.

        Changed in step 16: the function of the highest generation goes first, so a
        function runs only after every function that uses its outputs has run.
        The pending functions sit in a heap: no sorting of the whole list at each insertion.
        """
        if self.grad is None:
            self.grad = np.ones_like(self.data)

        funcs = []
        seen = set()
        order = count()  # breaks ties between equal generations

        def add_func(f: "Function") -> None:
            # TODO(step16.2): Push f on the heap once, the highest generation first.
            raise NotImplementedError("TODO(step16.2): push f on the heap once, the highest generation first")
            # END TODO(step16.2)

        if self.creator is not None:  # a variable made by hand has no graph behind it
            add_func(self.creator)
        while funcs:
            f = heapq.heappop(funcs)[2]
            gys = [output.grad for output in f.outputs]
            gxs = f.backward(*gys)
            if not isinstance(gxs, tuple):
                gxs = (gxs,)
            for x, gx in zip(f.inputs, gxs):
                # TODO(step16.3): Set the input's grad, or add gx to it; add its creator.
                raise NotImplementedError("TODO(step16.3): set the input's grad, or add gx to it; add its creator")
                # END TODO(step16.3)


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
        # TODO(step16.4): Take the inputs' highest generation; record the graph.
        raise NotImplementedError("TODO(step16.4): take the inputs' highest generation; record the graph")
        # END TODO(step16.4)
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
        return gy, gy


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
    a = square(x)
    y = add(square(a), square(a))
    y.backward()

    print(y.data)
    print(x.grad)
