"""Step 18: save memory: drop intermediate grads, and switch graph recording off."""

import contextlib
import heapq
import weakref
from itertools import count

import numpy as np


class Config:
    """Added in step 18: global switches. enable_backprop=False records no graph."""

    enable_backprop = True


@contextlib.contextmanager
def using_config(name: str, value):
    """Added in step 18: set Config.<name> inside a with block, restore it afterwards."""
    # TODO(step18.1): Set the attribute, yield, and restore the old value even on error.
    raise NotImplementedError("TODO(step18.1): set the attribute, yield, and restore the old value even on error")
    # END TODO(step18.1)


def no_grad():
    """Added in step 18: `with no_grad():` runs a block without recording the graph."""
    # TODO(step18.2): Return a using_config that turns enable_backprop off.
    raise NotImplementedError("TODO(step18.2): return a using_config that turns enable_backprop off")
    # END TODO(step18.2)


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
        self.creator = func
        self.generation = func.generation + 1

    def cleargrad(self) -> None:
        """Added in step 14: forget the grad, so a new computation starts from zero."""
        self.grad = None

    def backward(self, retain_grad: bool = False) -> None:
        """Pass grads back through every function upstream.

        Changed in step 18: unless retain_grad is True, only the inputs of the graph keep
        their grads; intermediate grads are dropped as soon as they have been used.

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
            if f not in seen:
                seen.add(f)
                heapq.heappush(funcs, (-f.generation, next(order), f))

        if self.creator is not None:  # a variable made by hand has no graph behind it
            add_func(self.creator)
        while funcs:
            f = heapq.heappop(funcs)[2]
            gys = [output().grad for output in f.outputs]
            gxs = f.backward(*gys)
            if not isinstance(gxs, tuple):
                gxs = (gxs,)
            for x, gx in zip(f.inputs, gxs):
                if x.grad is None:
                    x.grad = gx
                else:
                    x.grad = x.grad + gx  # a new array, not +=: gx may be another grad object
                if x.creator is not None:
                    add_func(x.creator)
            # TODO(step18.3): Unless retain_grad, drop the grads of f's outputs.
            raise NotImplementedError("TODO(step18.3): unless retain_grad, drop the grads of f's outputs")
            # END TODO(step18.3)


def as_array(x) -> np.ndarray:
    """Turn a numpy scalar into a 0-d ndarray; an ndarray comes back unchanged."""
    if np.isscalar(x):
        return np.array(x)
    return x


class Function:
    """Base class of functions.

    f(x0, x1) with Variables as separate arguments; forward(x0, x1) may return one
    ndarray or a tuple; one output comes back bare, several as a list.
    Outputs are held by weakref so a graph frees itself.
    Changed in step 18: nothing is recorded while Config.enable_backprop is False.
    """

    def __call__(self, *inputs: Variable):
        xs = [x.data for x in inputs]
        ys = self.forward(*xs)
        if not isinstance(ys, tuple):
            ys = (ys,)
        outputs = [Variable(as_array(y)) for y in ys]
        # TODO(step18.4): Only when enable_backprop is on, record the graph.
        raise NotImplementedError("TODO(step18.4): only when enable_backprop is on, record the graph")
        # END TODO(step18.4)
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
    x0 = Variable(np.array(1.0))
    x1 = Variable(np.array(1.0))
    t = add(x0, x1)
    y = add(x0, t)
    y.backward()
    print(y.grad, t.grad)
    print(x0.grad, x1.grad)

    with using_config("enable_backprop", False):
        x = Variable(np.array(2.0))
        y = square(x)

    with no_grad():
        x = Variable(np.array(2.0))
        y = square(x)
