"""Step 45: a model made of layers: the net of step 44 as one Model, and the MLP class.

TwoLayerNet holds its two Linear layers as attributes, so model.params() finds all four
parameters and model.cleargrads() clears them. Same data, lr 0.2, 10 000 iterations; run
it to print the loss every 1000 iterations (the numbers of step 44).
"""

import numpy as np

import dezero.functions as F
import dezero.layers as L
from dezero import Model


class TwoLayerNet(Model):
    """Linear(hidden_size) -> sigmoid -> Linear(out_size), the net of steps 43 and 44."""

    def __init__(self, hidden_size: int, out_size: int) -> None:
        super().__init__()
        self.l1 = L.Linear(hidden_size)
        self.l2 = L.Linear(out_size)

    def forward(self, x):
        y = F.sigmoid(self.l1(x))
        y = self.l2(y)
        return y


def make_data(rng=np.random, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The book's sin data from rng (the np.random module or a RandomState), as (n, 1) arrays.

    Plain ndarrays: a layer's first function turns them into Variables.
    """
    x = rng.rand(n, 1)
    y = np.sin(2 * np.pi * x) + rng.rand(n, 1)
    return x, y


def train(model: Model, x, y, lr: float = 0.2, iters: int = 10000, verbose: bool = False) -> list:
    """Gradient descent on the mean squared error over model.params(); returns every loss.

    With verbose, print the loss every 1000 iterations, as the book's script does.
    """
    losses = []
    for i in range(iters):
        y_pred = model(x)
        loss = F.mean_squared_error(y, y_pred)

        model.cleargrads()
        loss.backward()

        for p in model.params():
            p.data -= lr * p.grad.data
        losses.append(float(loss.data))
        if verbose and i % 1000 == 0:
            print(loss)
    return losses


if __name__ == "__main__":
    np.random.seed(0)
    x, y = make_data(np.random)
    model = TwoLayerNet(10, 1)
    train(model, x, y, lr=0.2, iters=10000, verbose=True)
