"""Step 42: linear regression, fitted by gradient descent on the mean squared error.

The data are 100 points near the line y = 5 + 2x (uniform noise in [0, 1) added). The model
y = x W + b starts from W = 0, b = 0; each iteration backprops the loss to W and b and moves
both a step of lr times their grads downhill. Run it to print the book's 100 lines.

The book's predict(x) reads W and b from global variables; here they are arguments, so the
tests can call predict with parameters of their own.
"""

import numpy as np

import dezero.functions as F
from dezero import Variable


def make_data(seed: int = 0, n: int = 100) -> tuple[Variable, Variable]:
    """The book's toy data: x uniform in [0, 1), y = 5 + 2x + noise, as (n, 1) Variables."""
    rng = np.random.RandomState(seed)  # the numbers np.random.seed(seed) gives in the book
    x = rng.rand(n, 1)
    y = 5 + 2 * x + rng.rand(n, 1)
    return Variable(x), Variable(y)


def predict(x: Variable, W: Variable, b: Variable) -> Variable:
    """y = x W + b for a batch x of shape (N, I), W of shape (I, O) and b of shape (O,)."""
    # TODO(step42.1): Return the matrix product of x and W, plus b.
    raise NotImplementedError("TODO(step42.1): return the matrix product of x and W, plus b")
    # END TODO(step42.1)


def mean_squared_error(x0: Variable, x1: Variable) -> Variable:
    """The mean over the N rows of the squared differences: sum((x0 - x1) ** 2) / N."""
    # TODO(step42.2): Return the sum of the squared differences divided by the row count.
    raise NotImplementedError("TODO(step42.2): return the sum of the squared differences divided by the row count")
    # END TODO(step42.2)


def fit(x: Variable, y: Variable, lr: float = 0.1, iters: int = 100, verbose: bool = False) -> tuple:
    """Fit W and b, starting from zeros, by gradient descent; returns W, b and the list of losses.

    With verbose, print W and b after each update, and the loss they were updated from,
    as the book's script does.
    """
    W = Variable(np.zeros((x.shape[1], y.shape[1])))
    b = Variable(np.zeros(y.shape[1]))
    losses = []
    for _ in range(iters):
        y_pred = predict(x, W, b)
        loss = mean_squared_error(y, y_pred)
        # TODO(step42.3): Backprop the loss from fresh grads, then step W and b against them.
        raise NotImplementedError("TODO(step42.3): backprop the loss from fresh grads, then step W and b against them")
        # END TODO(step42.3)
        losses.append(float(loss.data))
        if verbose:
            print(W, b, loss)
    return W, b, losses


def _plot(x: Variable, y: Variable, W: Variable, b: Variable) -> None:
    """The data and the fitted line, when matplotlib is installed (it is optional)."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        return
    plt.scatter(x.data, y.data, s=10)
    plt.xlabel("x")
    plt.ylabel("y")
    plt.plot(x.data, predict(x, W, b).data, color="r")
    plt.show()


if __name__ == "__main__":
    x, y = make_data(seed=0)
    W, b, _ = fit(x, y, lr=0.1, iters=100, verbose=True)
    _plot(x, y, W, b)
