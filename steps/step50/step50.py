"""Step 50: spiral training with DataLoader, and accuracy measured on a test split.

A DataLoader hands out mini-batches of a Dataset, shuffled anew each epoch; after each
epoch of training, the model is evaluated on the test split without building graphs.
Run it to print the train and test loss and accuracy of each epoch.
"""

import numpy as np

import dezero
import dezero.functions as F
from dezero import DataLoader, optimizers
from dezero.models import MLP


def train_epoch(model, optimizer, loader) -> tuple[float, float]:
    """One epoch of training on every mini-batch of loader; returns mean loss and accuracy."""
    sum_loss, sum_acc, count = 0.0, 0.0, 0
    for x, t in loader:
        y = model(x)
        loss = F.softmax_cross_entropy(y, t)
        acc = F.accuracy(y, t)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        sum_loss += float(loss.data) * len(t)
        sum_acc += float(acc.data) * len(t)
        count += len(t)
    return sum_loss / count, sum_acc / count


def evaluate(model, loader) -> tuple[float, float]:
    """Mean loss and accuracy of model over every mini-batch of loader, with no graph built."""
    sum_loss, sum_acc, count = 0.0, 0.0, 0
    # TODO(step50.4): Under no_grad, add up each batch's loss and accuracy times its size.
    raise NotImplementedError("TODO(step50.4): under no_grad, add up each batch's loss and accuracy times its size")
    # END TODO(step50.4)
    return sum_loss / count, sum_acc / count


def main(max_epoch: int = 300, batch_size: int = 30, hidden_size: int = 10, lr: float = 1.0) -> None:
    np.random.seed(0)  # the model's initial weights and the order of the mini-batches
    train_set = dezero.datasets.Spiral(train=True)
    test_set = dezero.datasets.Spiral(train=False)
    train_loader = DataLoader(train_set, batch_size)
    test_loader = DataLoader(test_set, batch_size, shuffle=False)
    model = MLP((hidden_size, 3))
    optimizer = optimizers.SGD(lr).setup(model)
    for epoch in range(max_epoch):
        train_loss, train_acc = train_epoch(model, optimizer, train_loader)
        test_loss, test_acc = evaluate(model, test_loader)
        print(f"epoch: {epoch + 1}")
        print(f"train loss: {train_loss:.4f}, accuracy: {train_acc:.4f}")
        print(f"test loss: {test_loss:.4f}, accuracy: {test_acc:.4f}")


if __name__ == "__main__":
    main()
