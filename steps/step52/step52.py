"""Step 52: the same training on a GPU, when CuPy is installed, with the time of each epoch.

model.to_gpu() moves the parameters and loader.to_gpu() makes the mini-batches CuPy
arrays; every function then computes with CuPy, through cuda.get_array_module. Without
CuPy the demo runs on numpy and says so. Like step 51, it uses MNIST when it is cached
and the bundled Digits otherwise (it never starts a download).
"""

import time

import numpy as np

import dezero
import dezero.functions as F
from dezero import DataLoader, optimizers
from dezero.models import MLP


def mnist_is_cached() -> bool:
    """True when the four MNIST files are already in the download cache."""
    names = [name for pair in dezero.datasets.MNIST.files.values() for name in pair]
    return all((dezero.utils.cache_dir() / name).is_file() for name in names)


def load_train_set():
    """(train_set, batch_size): MNIST's training split when cached, else Digits', saying so."""
    if mnist_is_cached():
        return dezero.datasets.MNIST(train=True), 100
    print(f"MNIST is not in {dezero.utils.cache_dir()}: training on the bundled Digits data set "
          "(1,437 images of 8x8 pixels), 10 images per batch instead of 100.")
    return dezero.datasets.Digits(train=True), 10


def main(max_epoch: int = 5, hidden_size: int = 1000) -> None:
    np.random.seed(0)
    train_set, batch_size = load_train_set()
    train_loader = DataLoader(train_set, batch_size)
    model = MLP((hidden_size, 10))
    optimizer = optimizers.SGD().setup(model)
    if dezero.cuda.gpu_enable:
        train_loader.to_gpu()
        model.to_gpu()
        print("CuPy found: training on the GPU.")
    else:
        print("CuPy is not installed: training on the CPU with numpy.")

    for epoch in range(max_epoch):
        start = time.time()
        sum_loss = 0.0
        for x, t in train_loader:
            y = model(x)
            loss = F.softmax_cross_entropy(y, t)
            model.cleargrads()
            loss.backward()
            optimizer.update()
            sum_loss += float(loss.data) * len(t)
        elapsed_time = time.time() - start
        print(f"epoch: {epoch + 1}, loss: {sum_loss / len(train_set):.4f}, time: {elapsed_time:.4f}[sec]")


if __name__ == "__main__":
    main()
