"""Step 51: training on handwritten digits, MNIST when it is cached, else the bundled Digits.

The book trains a 784-1000-10 MLP on MNIST for 5 epochs. MNIST is a download (about
12 MB); when its four files are not in the cache (dezero.utils.cache_dir()), this demo
says so and trains on Digits instead: 1,797 real 8x8 digits that come with the package.
The demo never starts a download: fetch MNIST yourself with dezero.datasets.MNIST().
"""

import numpy as np

import dezero
import dezero.functions as F
from dezero import DataLoader, optimizers
from dezero.models import MLP


def mnist_is_cached() -> bool:
    """True when the four MNIST files are already in the download cache."""
    names = [name for pair in dezero.datasets.MNIST.files.values() for name in pair]
    return all((dezero.utils.cache_dir() / name).is_file() for name in names)


def load_data():
    """(train_set, test_set, batch_size): MNIST when cached, else Digits, saying so."""
    if mnist_is_cached():
        return dezero.datasets.MNIST(train=True), dezero.datasets.MNIST(train=False), 100
    print(f"MNIST is not in {dezero.utils.cache_dir()}: training on the bundled Digits data set "
          "(1,437 + 360 images of 8x8 pixels), 10 images per batch instead of 100.")
    return dezero.datasets.Digits(train=True), dezero.datasets.Digits(train=False), 10


def main(max_epoch: int = 5, hidden_size: int = 1000) -> None:
    np.random.seed(0)
    train_set, test_set, batch_size = load_data()
    train_loader = DataLoader(train_set, batch_size)
    test_loader = DataLoader(test_set, batch_size, shuffle=False)
    model = MLP((hidden_size, 10))
    optimizer = optimizers.SGD().setup(model)
    # The book's alternative: MLP((hidden_size, hidden_size, 10), activation=F.relu) with Adam().
    for epoch in range(max_epoch):
        sum_loss, sum_acc = 0.0, 0.0
        for x, t in train_loader:
            y = model(x)
            loss = F.softmax_cross_entropy(y, t)
            acc = F.accuracy(y, t)
            model.cleargrads()
            loss.backward()
            optimizer.update()
            sum_loss += float(loss.data) * len(t)
            sum_acc += float(acc.data) * len(t)
        print(f"epoch: {epoch + 1}")
        print(f"train loss: {sum_loss / len(train_set):.4f}, accuracy: {sum_acc / len(train_set):.4f}")
        sum_loss, sum_acc = 0.0, 0.0
        with dezero.no_grad():
            for x, t in test_loader:
                y = model(x)
                sum_loss += float(F.softmax_cross_entropy(y, t).data) * len(t)
                sum_acc += float(F.accuracy(y, t).data) * len(t)
        print(f"test loss: {sum_loss / len(test_set):.4f}, accuracy: {sum_acc / len(test_set):.4f}")


if __name__ == "__main__":
    main()
