"""Step 28: find the minimum of the Rosenbrock function by gradient descent.

Each iteration computes the function, backprops to get the gradient at the current
point, and moves the point a small step (lr times the gradient) against it. Run it to
print the book's 1000 lines: the point before each update, slowly heading for (1, 1).
"""

import numpy as np

from dezero import Variable


def rosenbrock(x0: Variable, x1: Variable) -> Variable:
    """y = 100 (x1 - x0 ** 2) ** 2 + (1 - x0) ** 2; the minimum 0 is at (1, 1)."""
    # SOLUTION(step28.1): Return the Rosenbrock function of x0 and x1.
    y = 100 * (x1 - x0**2) ** 2 + (1 - x0) ** 2
    return y
    # END SOLUTION


def gradient_descent(
    x0: Variable, x1: Variable, lr: float = 0.001, iters: int = 1000, verbose: bool = False
) -> tuple:
    """Update x0 and x1 in place iters times, each by -lr times its gradient; return both.

    With verbose, print x0 and x1 before each update, as the book's script does.
    """
    for i in range(iters):
        if verbose:
            print(x0, x1)

        y = rosenbrock(x0, x1)
        # SOLUTION(step28.2): Backprop y from fresh grads, then step x0 and x1 against them.
        x0.cleargrad()
        x1.cleargrad()
        y.backward()

        x0.data -= lr * x0.grad
        x1.data -= lr * x1.grad
        # END SOLUTION
    return x0, x1


if __name__ == "__main__":
    x0 = Variable(np.array(0.0))
    x1 = Variable(np.array(2.0))
    gradient_descent(x0, x1, lr=0.001, iters=1000, verbose=True)
