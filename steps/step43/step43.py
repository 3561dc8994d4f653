"""Step 43: a neural network by hand: two linear maps with a sigmoid between them.

The data are 100 points of y = sin(2 pi x) plus uniform noise, which no straight line fits.
The net 1-10-1 (one input, ten hidden units, one output) learns the curve with plain
gradient descent, lr 0.2, 10 000 iterations. Run it to print the loss every 1000 iterations.

The book keeps W1, b1, W2, b2 in global variables; here they travel in a tuple, so the tests
can train nets of their own. The random numbers are the book's: one RandomState(0) draws
the data and then the weights, exactly as np.random.seed(0) does in the book's script.
"""

import numpy as np

import dezero.functions as F
from dezero import Variable


def make_data(rng: np.random.RandomState, n: int = 100) -> tuple[Variable, Variable]:
    """The book's sin data: x uniform in [0, 1), y = sin(2 pi x) + noise, as (n, 1) Variables."""
    x = rng.rand(n, 1)
    y = np.sin(2 * np.pi * x) + rng.rand(n, 1)
    return Variable(x), Variable(y)


def init_params(rng: np.random.RandomState, I: int = 1, H: int = 10, O: int = 1) -> tuple:
    """W1 (I, H), b1 (H,), W2 (H, O), b2 (O,): small random weights, zero biases, as the book."""
    W1 = Variable(0.01 * rng.randn(I, H))
    b1 = Variable(np.zeros(H))
    W2 = Variable(0.01 * rng.randn(H, O))
    b2 = Variable(np.zeros(O))
    return W1, b1, W2, b2


def predict(x, params: tuple) -> Variable:
    """linear -> sigmoid -> linear."""
    W1, b1, W2, b2 = params
    y = F.linear(x, W1, b1)
    y = F.sigmoid(y)
    y = F.linear(y, W2, b2)
    return y


def train(x, y, params: tuple, lr: float = 0.2, iters: int = 10000, verbose: bool = False) -> list:
    """Gradient descent on the mean squared error; returns the loss of every iteration.

    With verbose, print the loss every 1000 iterations, as the book's script does.
    """
    losses = []
    for i in range(iters):
        y_pred = predict(x, params)
        loss = F.mean_squared_error(y, y_pred)

        for p in params:
            p.cleargrad()
        loss.backward()

        for p in params:
            p.data -= lr * p.grad.data
        losses.append(float(loss.data))
        if verbose and i % 1000 == 0:
            print(loss)
    return losses


def _plot(x: Variable, y: Variable, params: tuple) -> None:
    """The data and the learned curve, when matplotlib is installed (it is optional)."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        return
    plt.scatter(x.data, y.data, s=10)
    plt.xlabel("x")
    plt.ylabel("y")
    t = np.arange(0, 1, 0.01)[:, np.newaxis]
    plt.plot(t, predict(t, params).data, color="r")
    plt.show()


if __name__ == "__main__":
    rng = np.random.RandomState(0)
    x, y = make_data(rng)
    params = init_params(rng)
    train(x, y, params, lr=0.2, iters=10000, verbose=True)
    _plot(x, y, params)
