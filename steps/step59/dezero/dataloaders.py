"""Mini-batches (the book's dezero.dataloaders). Added in step 50: DataLoader.

Changed in step 52: with gpu=True (or after to_gpu()) the batches are CuPy arrays.
"""

import math

import numpy as np

from dezero import cuda


class DataLoader:
    """Added in step 50: iterate over a Dataset in mini-batches of arrays (x, t).

    One pass is an epoch: each sample once, in a new random order when shuffle is True;
    the last batch may be short. After the last batch the loader resets itself, so the
    next for loop starts a new epoch.
    """

    def __init__(self, dataset, batch_size: int, shuffle: bool = True, gpu: bool = False) -> None:
        if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.data_size = len(dataset)
        self.max_iter = math.ceil(self.data_size / batch_size)
        self.gpu = gpu
        self.reset()

    def reset(self) -> None:
        """Start an epoch: iteration 0, and the order of the samples in self.index."""
        self.iteration = 0
        if self.shuffle:
            self.index = np.random.permutation(len(self.dataset))
        else:
            self.index = np.arange(len(self.dataset))

    def __iter__(self):
        return self

    def __next__(self) -> tuple[np.ndarray, np.ndarray]:
        """The next mini-batch as arrays (x, t); StopIteration (after a reset) when the epoch is over."""
        if self.iteration >= self.max_iter:
            self.reset()
            raise StopIteration
        i, batch_size = self.iteration, self.batch_size
        batch_index = self.index[i * batch_size : (i + 1) * batch_size]
        batch = [self.dataset[i] for i in batch_index]
        x = np.array([example[0] for example in batch])
        t = np.array([example[1] for example in batch])
        if self.gpu:  # added in step 52: the batch goes to the GPU in one copy
            x, t = cuda.as_cupy(x), cuda.as_cupy(t)
        self.iteration += 1
        return x, t

    def next(self) -> tuple[np.ndarray, np.ndarray]:
        return self.__next__()

    def to_cpu(self) -> None:
        """Added in step 52: make the next batches numpy arrays."""
        self.gpu = False

    def to_gpu(self) -> None:
        """Added in step 52: make the next batches CuPy arrays (needs CuPy)."""
        self.gpu = True
