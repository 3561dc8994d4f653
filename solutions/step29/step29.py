"""Step 29: find a minimum of f(x) = x ** 4 - 2 x ** 2 by Newton's method.

The first derivative comes from backward; the second is derived by hand, since the
simple core cannot differentiate a gradient yet (steps 32-33 automate it). Run it to
print the book's ten iterates, which reach x = 1 after seven updates.
"""

import numpy as np

from dezero import Variable


def f(x: Variable) -> Variable:
    """y = x ** 4 - 2 x ** 2: minima at x = -1 and x = 1, a local maximum at 0."""
    y = x**4 - 2 * x**2
    return y


def gx2(x: np.ndarray) -> np.ndarray:
    """The second derivative of f at x, derived by hand (x is an ndarray, not a Variable)."""
    # SOLUTION(step29.1): Return the second derivative of f at x.
    return 12 * x**2 - 4
    # END SOLUTION


def newton(x: Variable, iters: int = 10, verbose: bool = False) -> Variable:
    """Apply the Newton update x <- x - f'(x) / f''(x) to x in place iters times; return x.

    With verbose, print the iteration number and x before each update, as the book does.
    """
    for i in range(iters):
        if verbose:
            print(i, x)

        y = f(x)
        # SOLUTION(step29.2): Get f'(x) by backprop, then apply the Newton update to x.data.
        x.cleargrad()
        y.backward()

        x.data -= x.grad / gx2(x.data)
        # END SOLUTION
    return x


if __name__ == "__main__":
    x = Variable(np.array(2.0))
    newton(x, iters=10, verbose=True)
