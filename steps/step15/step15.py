"""Step 15: complex graphs in theory: generations give the order backward must follow.

The book's step 15 is theory only. The framework is step 14's, unchanged. The exercise at
the end works on graphs written as plain data: a dict that maps each function's name to
(input variable names, output variable names), listing the functions in the order they
were called. Functions and variables have distinct names (the book's A, B, ... and x, a, ...).
"""

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

    def cleargrad(self) -> None:
        """Added in step 14: forget the grad, so a new computation starts from zero."""
        self.grad = None

    def backward(self) -> None:
        """Pass grads back through every function upstream.

        A function gets the grads of all its outputs and returns one grad per input.
        Changed in step 14: a variable used twice receives two grads, which add up.
        """
        if self.grad is None:
            self.grad = np.ones_like(self.data)

        funcs = [self.creator]
        while funcs:
            f = funcs.pop()
            gys = [output.grad for output in f.outputs]
            gxs = f.backward(*gys)
            if not isinstance(gxs, tuple):
                gxs = (gxs,)
            for x, gx in zip(f.inputs, gxs):
                if x.grad is None:
                    x.grad = gx
                else:
                    x.grad = x.grad + gx  # a new array, not +=: gx may be another grad object
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



BOOK_DIAMOND = {
    "A": (["x"], ["a"]),
    "B": (["a"], ["b"]),
    "C": (["a"], ["c"]),
    "D": (["b", "c"], ["y"]),
}
"""The book's diamond: a = A(x) branches into b = B(a) and c = C(a), which meet in y = D(b, c)."""


def creators(graph: dict) -> dict:
    """Each made variable's creator, {'a': 'A', ...}; input variables such as x have none."""
    return {y: f for f, (_, outputs) in graph.items() for y in outputs}


def generations(graph: dict) -> dict:
    """The generation of every variable and every function of graph, in one dict by name.

    Added in step 15: an input variable is generation 0, a function takes the highest
    generation among its inputs, and its outputs are one generation after it.
    """
    gens = {}
    for f, (inputs, outputs) in graph.items():
        # TODO(step15.1): Give f and its outputs a generation (a new input gets 0).
        raise NotImplementedError("TODO(step15.1): give f and its outputs a generation (a new input gets 0)")
        # END TODO(step15.1)
    return gens


def stack_order(graph: dict, y: str) -> list:
    """The functions step 14's backward visits from y, in order: a plain stack, repeats included.

    Added in step 15: on a diamond the function before the fork comes twice, the first time
    too early, before every function that uses its output has passed its grad back.
    """
    creator = creators(graph)
    order = []
    funcs = [creator[y]] if y in creator else []
    while funcs:
        # TODO(step15.2): Pop a function, record it, push its inputs' creators.
        raise NotImplementedError("TODO(step15.2): pop a function, record it, push its inputs' creators")
        # END TODO(step15.2)
    return order


def backward_order(graph: dict, y: str) -> list:
    """The order backward must visit the functions from y: highest generation first, each once.

    Added in step 15 (step 16 builds it into Variable.backward): a function runs only after
    every function that uses its outputs, so the grads of its outputs are complete.
    """
    gens = generations(graph)
    creator = creators(graph)
    order, funcs, seen = [], [], set()

    def add_func(f: str) -> None:
        # TODO(step15.3): Queue f only once; keep the queue sorted by generation.
        raise NotImplementedError("TODO(step15.3): queue f only once; keep the queue sorted by generation")
        # END TODO(step15.3)

    if y in creator:
        add_func(creator[y])
    while funcs:
        # TODO(step15.4): Take the highest generation, record it, queue its inputs.
        raise NotImplementedError("TODO(step15.4): take the highest generation, record it, queue its inputs")
        # END TODO(step15.4)
    return order


if __name__ == "__main__":
    gens = generations(BOOK_DIAMOND)
    print("generations:", " ".join(f"{name}={g}" for name, g in gens.items()))
    print("step 14 order:", " ".join(stack_order(BOOK_DIAMOND, "y")))
    print("generation order:", " ".join(backward_order(BOOK_DIAMOND, "y")))

    x = Variable(np.array(2.0))
    a = square(x)
    y = add(square(a), square(a))
    y.backward()
    print("x.grad with step 14's order:", x.grad, "(step 16 gets the right 64.0)")
