"""Step 53: save a model's parameters to my_mlp.npz and go on from them on the next run.

The book trains a 784-1000-10 MLP on MNIST for 3 epochs and saves it; run the script again
and it loads the file first, so the loss starts where the last run stopped. MNIST is a
download: when its files are not in the cache (dezero.utils.cache_dir()), this demo says
so and trains on the bundled Digits instead (1,437 images of 8x8 pixels). It never starts
a download: fetch MNIST yourself with dezero.datasets.MNIST().
"""

import os

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
    """(train_set, batch_size): MNIST when cached, else Digits; it says which."""
    if mnist_is_cached():
        print(f"training on MNIST (cached in {dezero.utils.cache_dir()}), 100 images per batch")
        return dezero.datasets.MNIST(train=True), 100
    print(f"MNIST is not in {dezero.utils.cache_dir()}: training on the bundled Digits data set "
          "(1,437 images of 8x8 pixels), 10 images per batch instead of 100")
    return dezero.datasets.Digits(train=True), 10


def main(max_epoch: int = 3, hidden_size: int = 1000, path: str = "my_mlp.npz") -> None:
    np.random.seed(0)
    train_set, batch_size = load_data()
    train_loader = DataLoader(train_set, batch_size)
    model = MLP((hidden_size, 10))
    optimizer = optimizers.SGD().setup(model)

    if os.path.exists(path):
        # One forward pass gives every W its shape, so load_weights can check the file against it.
        with dezero.no_grad():
            model(train_set[0][0][np.newaxis])
        try:
            model.load_weights(path)
            print(f"loaded {path}: training goes on from the saved parameters")
        except ValueError as exc:  # saved for another model: load_weights changed nothing
            print(f"{exc}: starting from new parameters")

    for epoch in range(max_epoch):
        sum_loss = 0.0
        for x, t in train_loader:
            y = model(x)
            loss = F.softmax_cross_entropy(y, t)
            model.cleargrads()
            loss.backward()
            optimizer.update()
            sum_loss += float(loss.data) * len(t)
        print(f"epoch: {epoch + 1}, loss: {sum_loss / len(train_set):.4f}")

    model.save_weights(path)


if __name__ == "__main__":
    main()
