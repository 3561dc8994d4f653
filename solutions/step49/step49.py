"""Step 49: the same spiral training, with the data behind a Dataset.

A Dataset hands out one (x, t) sample per index; a mini-batch is a list of samples
stacked into two arrays. The printed losses are step 48's: the data and the order of
the random draws are the same.
"""

import math

import numpy as np

import dezero
import dezero.functions as F
from dezero import optimizers
from dezero.models import MLP


def get_batch(dataset, batch_index) -> tuple[np.ndarray, np.ndarray]:
    """The samples dataset[i] for i in batch_index, stacked: x of shape (n, ...), t of shape (n,)."""
    # SOLUTION(step49.3): Take the samples at batch_index and stack their x's and t's.
    batch = [dataset[i] for i in batch_index]
    batch_x = np.array([example[0] for example in batch])
    batch_t = np.array([example[1] for example in batch])
    return batch_x, batch_t
    # END SOLUTION


def train_epoch(model, optimizer, dataset, batch_size: int) -> float:
    """One epoch of mini-batch training on a Dataset in a random order; returns the mean loss."""
    data_size = len(dataset)
    max_iter = math.ceil(data_size / batch_size)
    index = np.random.permutation(data_size)
    sum_loss = 0.0
    for i in range(max_iter):
        batch_x, batch_t = get_batch(dataset, index[i * batch_size : (i + 1) * batch_size])
        y = model(batch_x)
        loss = F.softmax_cross_entropy(y, batch_t)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        sum_loss += float(loss.data) * len(batch_t)
    return sum_loss / data_size


def main(max_epoch: int = 300, batch_size: int = 30, hidden_size: int = 10, lr: float = 1.0) -> list:
    """Train on the Spiral data set, printing each epoch's loss; returns the losses."""
    np.random.seed(0)  # the model's initial weights and the order of the mini-batches
    train_set = dezero.datasets.Spiral(train=True)
    model = MLP((hidden_size, 3))
    optimizer = optimizers.SGD(lr).setup(model)
    losses = []
    for epoch in range(max_epoch):
        avg_loss = train_epoch(model, optimizer, train_set, batch_size)
        losses.append(avg_loss)
        print(f"epoch {epoch + 1}, loss {avg_loss:.2f}")
    return losses


if __name__ == "__main__":
    main()
