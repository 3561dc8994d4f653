"""Step 33: Newton's method with the second derivative found by backprop.

Step 29 minimized f(x) = x ** 4 - 2 x ** 2 with f''(x) = 12 x ** 2 - 4 derived by hand.
With core.py (step 32), backward(create_graph=True) records the backward pass, so the
first derivative gx is a Variable with a graph, and gx.backward() gives f''(x) as well.
"""

import numpy as np

from dezero import Variable


def f(x: Variable) -> Variable:
    """f(x) = x ** 4 - 2 x ** 2: minima at x = -1 and x = 1, a local maximum at 0."""
    y = x**4 - 2 * x**2
    return y


def derivatives(f, x: Variable) -> tuple:
    """(gx, gx2): the first and second derivatives of f at x, both Variables found by backprop."""
    y = f(x)
    x.cleargrad()
    # TODO(step33.1): Backprop y, recording the backward pass, and take gx from x.
    raise NotImplementedError("TODO(step33.1): backprop y, recording the backward pass, and take gx from x")
    # END TODO(step33.1)
    # TODO(step33.2): Clear x's grad, backprop from gx and take gx2 from x.
    raise NotImplementedError("TODO(step33.2): clear x's grad, backprop from gx and take gx2 from x")
    # END TODO(step33.2)
    return gx, gx2


def newton_step(f, x: Variable) -> None:
    """Move x to x - f'(x) / f''(x), changing x.data in place (one step of Newton's method)."""
    gx, gx2 = derivatives(f, x)
    # TODO(step33.3): Update x.data with the Newton step, from gx.data and gx2.data.
    raise NotImplementedError("TODO(step33.3): update x.data with the Newton step, from gx.data and gx2.data")
    # END TODO(step33.3)


if __name__ == "__main__":
    x = Variable(np.array(2.0))
    iters = 10

    for i in range(iters):
        print(i, x)
        newton_step(f, x)
