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
    # SOLUTION(step33.1): Backprop y, recording the backward pass, and take gx from x.
    y.backward(create_graph=True)
    gx = x.grad
    # END SOLUTION
    # SOLUTION(step33.2): Clear x's grad, backprop from gx and take gx2 from x.
    x.cleargrad()
    gx.backward()
    gx2 = x.grad
    # END SOLUTION
    return gx, gx2


def newton_step(f, x: Variable) -> None:
    """Move x to x - f'(x) / f''(x), changing x.data in place (one step of Newton's method)."""
    gx, gx2 = derivatives(f, x)
    # SOLUTION(step33.3): Update x.data with the Newton step, from gx.data and gx2.data.
    x.data -= gx.data / gx2.data
    # END SOLUTION


if __name__ == "__main__":
    x = Variable(np.array(2.0))
    iters = 10

    for i in range(iters):
        print(i, x)
        newton_step(f, x)
