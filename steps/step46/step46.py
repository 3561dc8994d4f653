"""Step 46: the same training with an optimizer object doing the update.

optimizers.SGD(lr).setup(model) replaces the loop over model.params(); swapping in
MomentumSGD (or Adam) is one line. MLP((10, 1)) is the net of steps 44 and 45. Same data,
lr 0.2, 10 000 iterations; run it to print the loss every 1000 iterations.
"""

import numpy as np

import dezero.functions as F
from dezero import optimizers
from dezero.models import MLP


def make_data(rng=np.random, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The book's sin data from rng (the np.random module or a RandomState), as (n, 1) arrays."""
    x = rng.rand(n, 1)
    y = np.sin(2 * np.pi * x) + rng.rand(n, 1)
    return x, y


def train(model, optimizer, x, y, iters: int = 10000, verbose: bool = False) -> list:
    """Fit model with optimizer (already set up on it); returns the loss of every iteration.

    With verbose, print the loss every 1000 iterations, as the book's script does.
    """
    losses = []
    for i in range(iters):
        y_pred = model(x)
        loss = F.mean_squared_error(y, y_pred)

        model.cleargrads()
        loss.backward()

        optimizer.update()
        losses.append(float(loss.data))
        if verbose and i % 1000 == 0:
            print(loss)
    return losses


if __name__ == "__main__":
    np.random.seed(0)
    x, y = make_data(np.random)
    model = MLP((10, 1))
    optimizer = optimizers.SGD(lr=0.2).setup(model)
    # optimizer = optimizers.MomentumSGD(lr=0.2, momentum=0.9).setup(model)  # try it
    train(model, optimizer, x, y, iters=10000, verbose=True)
