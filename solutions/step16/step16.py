"""Step 16: generations put the functions of any graph in a correct backward order."""

import heapq
from itertools import count

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
        self.generation = 0

    def set_creator(self, func: "Function") -> None:
        """Record the function that produced this variable.

        Changed in step 16: a variable is one generation younger than its creator.
        """
        # SOLUTION(step16.1): Remember func as the creator; be one generation after it.
        self.creator = func
        self.generation = func.generation + 1
        # END SOLUTION

    def cleargrad(self) -> None:
        """Added in step 14: forget the grad, so a new computation starts from zero."""
        # SOLUTION(step14.2): Reset the grad of this variable.
        self.grad = None
        # END SOLUTION

    def backward(self) -> None:
        """Pass grads back through every function upstream.

        Changed in step 16: the function of the highest generation goes first, so a
        function runs only after every function that uses its outputs has run.
        The pending functions sit in a heap: no sorting of the whole list at each insertion.
        """
        # SOLUTION(step09.2): Start from a grad of ones when no grad is set.
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        # END SOLUTION

        funcs = []
        seen = set()
        order = count()  # breaks ties between equal generations

        def add_func(f: "Function") -> None:
            # SOLUTION(step16.2): Push f on the heap once, the highest generation first.
            if f not in seen:
                seen.add(f)
                heapq.heappush(funcs, (-f.generation, next(order), f))
            # END SOLUTION

        if self.creator is not None:  # a variable made by hand has no graph behind it
            add_func(self.creator)
        while funcs:
            f = heapq.heappop(funcs)[2]
            # SOLUTION(step13.1): Collect the outputs' grads, call backward, make gxs a tuple.
            gys = [output.grad for output in f.outputs]
            gxs = f.backward(*gys)
            if not isinstance(gxs, tuple):
                gxs = (gxs,)
            # END SOLUTION
            for x, gx in zip(f.inputs, gxs):
                # SOLUTION(step16.3): Set the input's grad, or add gx to it; add its creator.
                if x.grad is None:
                    x.grad = gx
                else:
                    x.grad = x.grad + gx  # a new array, not +=: gx may be another grad object
                if x.creator is not None:
                    add_func(x.creator)
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
        # SOLUTION(step16.4): Take the inputs' highest generation; record the graph.
        self.generation = max(x.generation for x in inputs)
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

    def backward(self, gy: np.ndarray) -> tuple:
        """Added in step 13: d(x0 + x1)/dx0 = d(x0 + x1)/dx1 = 1, so both get gy."""
        # SOLUTION(step13.3): Return the upstream grad once for each input.
        return gy, gy
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
    x = Variable(np.array(2.0))
    a = square(x)
    y = add(square(a), square(a))
    y.backward()

    print(y.data)
    print(x.grad)
