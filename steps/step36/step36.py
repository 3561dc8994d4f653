"""Step 36: double backprop, differentiating an expression that contains a gradient.

The book's example: y = x ** 2, gx = dy/dx, z = gx ** 3 + y; then dz/dx = 24x ** 2 + 2x,
which is 100 at x = 2.
"""

import numpy as np

from dezero import Variable


def grad_with_graph(f, x: Variable) -> tuple[Variable, Variable]:
    """y = f(x) and gx = dy/dx, where gx keeps the graph that made it; x.grad is cleared after."""
    # TODO(step36.1): Compute y, backprop it keeping the graph, take x.grad and clear it.
    raise NotImplementedError("TODO(step36.1): compute y, backprop it keeping the graph, take x.grad and clear it")
    # END TODO(step36.1)
    return y, gx


def double_backprop(x: Variable) -> Variable:
    """dz/dx for z = gx ** 3 + y, where y = x ** 2 and gx = dy/dx, by backprop through gx."""
    y, gx = grad_with_graph(lambda t: t**2, x)  # gx = 2x, a Variable with a graph
    # TODO(step36.2): Build z = gx ** 3 + y, backprop it and return the grad of x.
    raise NotImplementedError("TODO(step36.2): build z = gx ** 3 + y, backprop it and return the grad of x")
    # END TODO(step36.2)


if __name__ == "__main__":
    x = Variable(np.array(2.0))
    print(double_backprop(x))
