"""Step 24: differentiate the optimization test functions Sphere, Matyas and Goldstein-Price.

With operator overloading, each is written as its formula and backward just works.
"""

import numpy as np

from dezero import Variable


def sphere(x: Variable, y: Variable) -> Variable:
    """z = x ** 2 + y ** 2; the minimum 0 is at (0, 0)."""
    # TODO(step24.1): Return the Sphere function of x and y.
    raise NotImplementedError("TODO(step24.1): return the Sphere function of x and y")
    # END TODO(step24.1)


def matyas(x: Variable, y: Variable) -> Variable:
    """z = 0.26 (x ** 2 + y ** 2) - 0.48 x y."""
    # TODO(step24.2): Return the Matyas function of x and y.
    raise NotImplementedError("TODO(step24.2): return the Matyas function of x and y")
    # END TODO(step24.2)


def goldstein(x: Variable, y: Variable) -> Variable:
    """The Goldstein-Price function: the product of two long polynomial factors."""
    # TODO(step24.3): Return the Goldstein-Price function of x and y.
    raise NotImplementedError("TODO(step24.3): return the Goldstein-Price function of x and y")
    # END TODO(step24.3)


if __name__ == "__main__":
    x = Variable(np.array(1.0))
    y = Variable(np.array(1.0))
    z = goldstein(x, y)
    z.backward()
    print(x.grad, y.grad)
