"""Step 24: differentiate the optimization test functions Sphere, Matyas and Goldstein-Price.

With operator overloading, each is written as its formula and backward just works.
"""

import numpy as np

from dezero import Variable


def sphere(x: Variable, y: Variable) -> Variable:
    """z = x ** 2 + y ** 2; the minimum 0 is at (0, 0)."""
    # SOLUTION(step24.1): Return the Sphere function of x and y.
    z = x**2 + y**2
    return z
    # END SOLUTION


def matyas(x: Variable, y: Variable) -> Variable:
    """z = 0.26 (x ** 2 + y ** 2) - 0.48 x y."""
    # SOLUTION(step24.2): Return the Matyas function of x and y.
    z = 0.26 * (x**2 + y**2) - 0.48 * x * y
    return z
    # END SOLUTION


def goldstein(x: Variable, y: Variable) -> Variable:
    """The Goldstein-Price function: the product of two long polynomial factors."""
    # SOLUTION(step24.3): Return the Goldstein-Price function of x and y.
    z = (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)) * (
        30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    )
    return z
    # END SOLUTION


if __name__ == "__main__":
    x = Variable(np.array(1.0))
    y = Variable(np.array(1.0))
    z = goldstein(x, y)
    z.backward()
    print(x.grad, y.grad)
