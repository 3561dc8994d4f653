"""Step 35: the graph of a higher derivative of tanh, drawn with Graphviz.

Writes tanh.png, the graph of the 2nd derivative of tanh at x = 1 (the book's iters = 1),
beside where you run it. Drawing needs Graphviz's `dot`; without it the demo says so.
"""

import shutil

import numpy as np

from dezero import Variable
from dezero import functions as F
from dezero.utils import get_dot_graph, plot_dot_graph


def tanh_derivative(x: Variable, n: int) -> Variable:
    """The n-th derivative of tanh at x (n >= 1), as a Variable that keeps the graph that made it."""
    y = F.tanh(x)
    y.name = "y"
    # TODO(step35.3): Backprop y keeping the graph, then backprop x.grad n - 1 more times.
    raise NotImplementedError("TODO(step35.3): backprop y keeping the graph, then backprop x.grad n - 1 more times")
    # END TODO(step35.3)
    gx = x.grad
    gx.name = f"gx{n}"
    return gx


def plot_tanh_graph(to_file: str = "tanh.png", n: int = 2) -> Variable:
    """Draw the graph of the n-th derivative of tanh at x = 1 into to_file; returns that derivative."""
    x = Variable(np.array(1.0), name="x")
    gx = tanh_derivative(x, n)
    plot_dot_graph(gx, verbose=False, to_file=to_file)
    return gx


if __name__ == "__main__":
    iters = 1  # the book's knob: the graph drawn is that of the (iters + 1)-th derivative
    n = iters + 1
    if shutil.which("dot") is None:
        gx = tanh_derivative(Variable(np.array(1.0), name="x"), n)
        print("Graphviz's `dot` is not installed, so tanh.png was not drawn.")
    else:
        gx = plot_tanh_graph("tanh.png", n)
        print(f"wrote tanh.png: the graph of {gx.name}, d^{n}/dx^{n} tanh(x) at x = 1")
    functions = get_dot_graph(gx, verbose=False).count("shape=box")
    print(f"{gx.name} = {gx.data}, made by {functions} functions")
