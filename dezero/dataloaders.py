"""Mini-batches: DataLoader (shuffled batches of samples) and SeqDataLoader (parallel offsets).

As in the book, `pil_available` says whether Pillow can be imported and `Image` is Pillow's
Image module; both are looked up on first use, so importing this module needs numpy alone.
"""

import importlib.util
import math

import numpy as np

from dezero import cuda


def __getattr__(name):
    if name == "pil_available":
        return importlib.util.find_spec("PIL") is not None
    if name == "Image":
        from PIL import Image

        return Image
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    pil = ["Image"] if importlib.util.find_spec("PIL") is not None else []
    return sorted([*globals(), "pil_available", *pil])


class DataLoader:
    """Iterate over a dataset in batches; each epoch sees every sample once, the last batch may be short."""

    def __init__(self, dataset, batch_size, shuffle=True, gpu=False):
        if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.data_size = len(dataset)
        self.max_iter = math.ceil(self.data_size / batch_size)
        self.gpu = gpu
        self.reset()

    def reset(self):
        self.iteration = 0
        if self.shuffle:
            self.index = np.random.permutation(len(self.dataset))
        else:
            self.index = np.arange(len(self.dataset))

    def __iter__(self):
        return self

    def __next__(self):
        if self.iteration >= self.max_iter:
            self.reset()
            raise StopIteration
        i, batch_size = self.iteration, self.batch_size
        batch_index = self.index[i * batch_size : (i + 1) * batch_size]
        batch = [self.dataset[i] for i in batch_index]
        x = np.array([example[0] for example in batch])
        t = np.array([example[1] for example in batch])
        self.iteration += 1
        return (cuda.as_cupy(x), cuda.as_cupy(t)) if self.gpu else (x, t)

    def next(self):
        return self.__next__()

    def to_cpu(self):
        self.gpu = False

    def to_gpu(self):
        self.gpu = True


class SeqDataLoader(DataLoader):
    """batch_size parallel readers, each at its own offset into one series (for truncated BPTT)."""

    def __init__(self, dataset, batch_size, gpu=False):
        super().__init__(dataset=dataset, batch_size=batch_size, shuffle=False, gpu=gpu)

    def __next__(self):
        if self.iteration >= self.max_iter:
            self.reset()
            raise StopIteration
        jump = self.data_size // self.batch_size
        batch_index = [(i * jump + self.iteration) % self.data_size for i in range(self.batch_size)]
        batch = [self.dataset[i] for i in batch_index]
        x = np.array([example[0] for example in batch])
        t = np.array([example[1] for example in batch])
        self.iteration += 1
        return (cuda.as_cupy(x), cuda.as_cupy(t)) if self.gpu else (x, t)
