"""Data sets (the book's dezero.datasets). Added in step 48: the spiral, generated on the spot.

Added in step 49: Dataset, the class every data set derives from, and Spiral.
"""

import numpy as np


class Dataset:
    """Added in step 49: samples (x, t) by index, with optional transforms on the way out.

    A subclass fills self.data and self.label (None for data without labels) in prepare(),
    which __init__ calls. transform changes each x as it is read, target_transform each t.
    """

    def __init__(self, train: bool = True, transform=None, target_transform=None) -> None:
        self.train = train
        self.transform = transform if transform is not None else (lambda x: x)
        self.target_transform = target_transform if target_transform is not None else (lambda x: x)
        self.data = None
        self.label = None
        self.prepare()

    def __getitem__(self, index: int) -> tuple:
        """(transform(data[index]), target_transform(label[index])), or (x, None) without labels."""
        if not np.isscalar(index):
            raise TypeError(f"a Dataset is indexed by one int at a time, got {type(index).__name__}")
        # SOLUTION(step49.1): Return the transformed sample and label (None when there are no labels).
        if self.label is None:
            return self.transform(self.data[index]), None
        return self.transform(self.data[index]), self.target_transform(self.label[index])
        # END SOLUTION

    def __len__(self) -> int:
        # SOLUTION(step19.4): Return the length of the first axis of data.
        return len(self.data)
        # END SOLUTION

    def prepare(self) -> None:
        """Fill self.data and self.label; each data set does it its own way."""


def get_spiral(train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The book's 3-class spiral: x, float32 (300, 2), and the class of each point, ints (300,).

    Class j is an arm of the spiral: point i of it lies at radius i / 100 and angle
    4j + 4 i / 100 plus noise. The points come shuffled. The data are the book's (same
    seeds, same draws in the same order), drawn from a generator of this function's own:
    the book's version reseeded NumPy's global generator, a hidden side effect.
    """
    # SOLUTION(step48.1): Make a generator of your own, seeded 1984 for train and 2020 for test.
    rng = np.random.RandomState(1984 if train else 2020)
    # END SOLUTION
    num_data, num_class, input_dim = 100, 3, 2
    data_size = num_class * num_data
    x = np.zeros((data_size, input_dim), dtype=np.float32)
    t = np.zeros(data_size, dtype=int)
    for j in range(num_class):
        for i in range(num_data):
            # SOLUTION(step48.2): Put point i of class j on its arm, with noise drawn from rng.
            rate = i / num_data
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            ix = num_data * j + i
            x[ix] = np.array([radius * np.sin(theta), radius * np.cos(theta)]).flatten()
            t[ix] = j
            # END SOLUTION
    # SOLUTION(step48.3): Shuffle the samples with a permutation drawn from rng; return x and t.
    indices = rng.permutation(num_data * num_class)
    return x[indices], t[indices]
    # END SOLUTION


class Spiral(Dataset):
    """Added in step 49: the spiral of get_spiral as a Dataset (train=False: the test split)."""

    def prepare(self) -> None:
        # SOLUTION(step49.2): Fill data and label with the spiral of the split self.train names.
        self.data, self.label = get_spiral(self.train)
        # END SOLUTION
