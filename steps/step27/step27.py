"""Step 27: differentiate sin twice over, once exactly and once through its Taylor series.

Sin is a DeZero function with its analytic backward; my_sin adds up the Maclaurin
series x - x ** 3 / 3! + x ** 5 / 5! - ... with Variable operations, so backward
differentiates the approximation term by term. Run it to print the book's numbers and
draw my_sin.png (the picture needs Graphviz's `dot`).
"""

import math
import sys

import numpy as np

from dezero import Function, Variable
from dezero.utils import plot_dot_graph


class Sin(Function):
    """y = sin(x); dy/dx = cos(x)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        # TODO(step27.1): Return the sine of x.
        raise NotImplementedError("TODO(step27.1): return the sine of x")
        # END TODO(step27.1)

    def backward(self, gy: np.ndarray) -> np.ndarray:
        # TODO(step27.2): Return gy times the derivative of sin at the input.
        raise NotImplementedError("TODO(step27.2): return gy times the derivative of sin at the input")
        # END TODO(step27.2)


def sin(x: Variable) -> Variable:
    return Sin()(x)


def my_sin(x: Variable, threshold: float = 0.0001) -> Variable:
    """sin(x) by its Taylor series at 0, stopping after the first term smaller than threshold.

    Term i is (-1) ** i * x ** (2i + 1) / (2i + 1)!, built from Variable operations.
    """
    y = 0
    for i in range(100000):
        # TODO(step27.3): Add term i to y; stop once its absolute value is below threshold.
        raise NotImplementedError("TODO(step27.3): add term i to y; stop once its absolute value is below threshold")
        # END TODO(step27.3)
    return y


if __name__ == "__main__":
    x = Variable(np.array(np.pi / 4))
    y = sin(x)
    y.backward()
    print("--- original sin ---")
    print(y.data)
    print(x.grad)

    x = Variable(np.array(np.pi / 4))
    y = my_sin(x)  # try threshold=1e-150: the graph grows
    y.backward()
    print("--- approximate sin ---")
    print(y.data)
    print(x.grad)

    x.name = "x"
    y.name = "y"
    try:
        plot_dot_graph(y, verbose=False, to_file="my_sin.png")
    except (RuntimeError, OSError) as exc:  # no Graphviz, or a folder we cannot write to
        print(f"(my_sin.png was not drawn: {exc})", file=sys.stderr)
