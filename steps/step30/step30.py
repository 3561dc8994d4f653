"""Step 30: higher-order derivatives (1): where the graph is made, and where it is not.

The book's step 30 is theory only (no script): it reviews Variable, Function and backward,
and notes that backward computes on ndarrays, so backprop itself leaves no graph behind.
This exercise is the course's: a tool that lists the functions behind a variable, and a
function whose backward computes on Variables, so that backprop does build a graph.
The package is step 26's, unchanged (the simple core: its own grads are ndarrays).
"""

from collections import Counter

import numpy as np

from dezero import Function, Variable


def graph_functions(y: Variable) -> list:
    """Every function in the graph behind y, each once, y's creator first.

    From a variable the walk goes to its creator, from a function to its inputs.
    """
    funcs, seen = [], set()
    stack = [] if y.creator is None else [y.creator]
    while stack:
        f = stack.pop()
        # TODO(step30.1): Record f once; push the creators of its inputs.
        raise NotImplementedError("TODO(step30.1): record f once; push the creators of its inputs")
        # END TODO(step30.1)
    return funcs


def function_counts(y: Variable) -> dict:
    """How many functions of each kind the graph behind y holds, e.g. {'Mul': 2, 'Pow': 1}."""
    return dict(Counter(type(f).__name__ for f in graph_functions(y)))


class Cube(Function):
    """y = x ** 3, with a backward that computes on Variables: dy/dx = 3 x ** 2."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x**3

    def backward(self, gy) -> Variable:
        """3 x ** 2 gy from the input Variable x, so the computation is itself recorded.

        gy is an ndarray when the simple core's backward calls it (its seed is ndarray),
        a Variable when called with one; x is a Variable, so the result is a Variable.
        """
        # TODO(step30.2): Return 3 x ** 2 times gy, computed with the input Variable.
        raise NotImplementedError("TODO(step30.2): return 3 x ** 2 times gy, computed with the input Variable")
        # END TODO(step30.2)


def cube(x: Variable) -> Variable:
    return Cube()(x)


def depends_on(y: Variable, x: Variable) -> bool:
    """True if x is y or an input of a function behind y: only then can backprop reach x."""
    # TODO(step30.3): Say whether x is y or the input of some function behind y.
    raise NotImplementedError("TODO(step30.3): say whether x is y or the input of some function behind y")
    # END TODO(step30.3)


if __name__ == "__main__":
    x = Variable(np.array(2.0))
    y = x**3
    print("y = x ** 3:", function_counts(y))
    y.backward()
    print("x.grad =", x.grad, "(an ndarray: the core's Pow computes its backward on ndarrays)")

    x.cleargrad()
    y = cube(x)
    y.backward()
    gx = x.grad
    print("y = cube(x):", function_counts(y))
    print("x.grad =", gx, "(a Variable: Cube computes its backward on Variables)")
    print("behind x.grad:", function_counts(gx))
    print("x.grad depends on x:", depends_on(gx, x))
