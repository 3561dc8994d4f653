"""Step 48: multi-class classification of the spiral data set, with mini-batches by hand.

A 2-10-3 MLP learns to tell the three arms of the spiral apart. Each epoch visits the
300 training points once, in a new random order, 30 at a time (a mini-batch), and
updates the parameters after every mini-batch. Run it to print the loss of each epoch.

The demo seeds NumPy's global generator itself (seed 0); the book's numbers came from
the global state that the official get_spiral left behind, so ours differ (see README).
"""

import math

import numpy as np

import dezero
import dezero.functions as F
from dezero import optimizers
from dezero.models import MLP


def train_epoch(model, optimizer, x: np.ndarray, t: np.ndarray, batch_size: int) -> float:
    """One epoch of mini-batch training on (x, t) in a random order; returns the mean loss.

    The mean is over samples: each mini-batch's loss counts as many times as it has
    samples, so a short last batch weighs less.
    """
    data_size = len(x)
    max_iter = math.ceil(data_size / batch_size)
    index = np.random.permutation(data_size)
    sum_loss = 0.0
    for i in range(max_iter):
        # SOLUTION(step48.4): Train on the i-th mini-batch of index; add its loss times its size.
        batch_index = index[i * batch_size : (i + 1) * batch_size]
        batch_x = x[batch_index]
        batch_t = t[batch_index]
        y = model(batch_x)
        loss = F.softmax_cross_entropy(y, batch_t)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        sum_loss += float(loss.data) * len(batch_t)
        # END SOLUTION
    return sum_loss / data_size


def main(max_epoch: int = 300, batch_size: int = 30, hidden_size: int = 10, lr: float = 1.0) -> list:
    """Train on the spiral as the book does, printing each epoch's loss; returns the losses."""
    np.random.seed(0)  # the model's initial weights and the order of the mini-batches
    x, t = dezero.datasets.get_spiral(train=True)
    model = MLP((hidden_size, 3))
    optimizer = optimizers.SGD(lr).setup(model)
    losses = []
    for epoch in range(max_epoch):
        avg_loss = train_epoch(model, optimizer, x, t, batch_size)
        losses.append(avg_loss)
        print(f"epoch {epoch + 1}, loss {avg_loss:.2f}")
    return losses


if __name__ == "__main__":
    main()
