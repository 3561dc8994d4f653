"""Step 44: the network of step 43, rebuilt from Linear layers that hold their own parameters.

Each Linear layer makes its W on the first call and hands out its W and b through params(),
so the loop no longer names four variables one by one. Same data, same lr 0.2, 10 000
iterations; run it to print the loss every 1000 iterations.

The weights come from NumPy's global generator (Linear draws them with np.random.randn),
so the demo seeds it with np.random.seed(0) first, as the book does.
"""

import numpy as np

import dezero.functions as F
import dezero.layers as L
from dezero import Variable


def make_data(rng=np.random, n: int = 100) -> tuple[Variable, Variable]:
    """The book's sin data from rng (the np.random module or a RandomState), as (n, 1) Variables."""
    x = rng.rand(n, 1)
    y = np.sin(2 * np.pi * x) + rng.rand(n, 1)
    return Variable(x), Variable(y)


def predict(x, l1: L.Linear, l2: L.Linear) -> Variable:
    """l1 -> sigmoid -> l2."""
    y = l1(x)
    y = F.sigmoid(y)
    y = l2(y)
    return y


def train(x, y, l1: L.Linear, l2: L.Linear, lr: float = 0.2, iters: int = 10000,
          verbose: bool = False) -> list:
    """Gradient descent on the mean squared error; returns the loss of every iteration.

    With verbose, print the loss every 1000 iterations, as the book's script does.
    """
    losses = []
    for i in range(iters):
        y_pred = predict(x, l1, l2)
        loss = F.mean_squared_error(y, y_pred)

        l1.cleargrads()
        l2.cleargrads()
        loss.backward()

        # TODO(step44.7): Step every parameter of both layers against its grad.
        raise NotImplementedError("TODO(step44.7): step every parameter of both layers against its grad")
        # END TODO(step44.7)
        losses.append(float(loss.data))
        if verbose and i % 1000 == 0:
            print(loss)
    return losses


if __name__ == "__main__":
    np.random.seed(0)
    x, y = make_data(np.random)
    l1 = L.Linear(10)
    l2 = L.Linear(1)
    train(x, y, l1, l2, lr=0.2, iters=10000, verbose=True)
