"""Data sets (the book's dezero.datasets). Added in step 48: the spiral, generated on the spot.

Added in step 49: Dataset, the class every data set derives from, and Spiral.
Added in step 51: MNIST (downloaded once, MD5-checked, then read from the cache) and
Digits, small real handwriting bundled with the package: MNIST's offline stand-in.
Added in step 59: SinCurve, a noisy sine wave for the recurrent networks of steps 59 and 60.
"""

import gzip
from pathlib import Path

import numpy as np

from dezero.transforms import Compose, Flatten, Normalize, ToFloat
from dezero.utils import get_file


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
        if self.label is None:
            return self.transform(self.data[index]), None
        return self.transform(self.data[index]), self.target_transform(self.label[index])

    def __len__(self) -> int:
        return len(self.data)

    def prepare(self) -> None:
        """Fill self.data and self.label; each data set does it its own way."""


def get_spiral(train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The book's 3-class spiral: x, float32 (300, 2), and the class of each point, ints (300,).

    Class j is an arm of the spiral: point i of it lies at radius i / 100 and angle
    4j + 4 i / 100 plus noise. The points come shuffled. The data are the book's (same
    seeds, same draws in the same order), drawn from a generator of this function's own:
    the book's version reseeded NumPy's global generator, a hidden side effect.
    """
    rng = np.random.RandomState(1984 if train else 2020)
    num_data, num_class, input_dim = 100, 3, 2
    data_size = num_class * num_data
    x = np.zeros((data_size, input_dim), dtype=np.float32)
    t = np.zeros(data_size, dtype=int)
    for j in range(num_class):
        for i in range(num_data):
            rate = i / num_data
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            ix = num_data * j + i
            x[ix] = np.array([radius * np.sin(theta), radius * np.cos(theta)]).flatten()
            t[ix] = j
    indices = rng.permutation(num_data * num_class)
    return x[indices], t[indices]


class Spiral(Dataset):
    """Added in step 49: the spiral of get_spiral as a Dataset (train=False: the test split)."""

    def prepare(self) -> None:
        self.data, self.label = get_spiral(self.train)


class SinCurve(Dataset):
    """Added in step 59: a noisy sine (train) or the clean cosine (test) on 1,000 points of [0, 2 pi].

    The samples are pairs (y[i], y[i + 1]), each of shape (1,): read a value, predict the
    next one. The training noise, uniform in [-0.05, 0.05], comes from a generator seeded
    with seed, so the series is the same every time (the book's was unseeded).
    """

    def __init__(self, train: bool = True, transform=None, target_transform=None, seed: int = 0) -> None:
        self.seed = seed
        super().__init__(train, transform, target_transform)

    def prepare(self) -> None:
        # TODO(step59.3): Noisy sin (clean cos for test) from a seeded generator; pair y[i] with y[i+1].
        raise NotImplementedError("TODO(step59.3): noisy sin (clean cos for test) from a seeded generator; pair y[i] with y[i+1]")
        # END TODO(step59.3)


def _mnist_default() -> Compose:
    """Added in step 51: an image (1, H, W) uint8 → H * W float32 values in [0, 1]."""
    return Compose([Flatten(), ToFloat(), Normalize(0.0, 255.0)])


class MNIST(Dataset):
    """Added in step 51: the real MNIST, 60,000 / 10,000 images (N, 1, 28, 28) uint8, uint8 labels.

    The four files are downloaded on first use into dezero.utils.cache_dir() and checked
    against their MD5; offline, a ConnectionError says what to do (Digits works offline).
    """

    url = "https://ossci-datasets.s3.amazonaws.com/mnist/"
    files = {
        True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
    }
    md5 = {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    }

    def __init__(self, train: bool = True, transform=None, target_transform=None) -> None:
        transform = transform if transform is not None else _mnist_default()
        super().__init__(train, transform, target_transform)

    def prepare(self) -> None:
        images, labels = self.files[self.train]
        self.data = load_idx_images(get_file(self.url + images, md5=self.md5[images]))
        self.label = load_idx_labels(get_file(self.url + labels, md5=self.md5[labels]))

    @staticmethod
    def labels() -> dict:
        return {i: str(i) for i in range(10)}


def load_idx_images(path) -> np.ndarray:
    """Added in step 51: the images of a gzip IDX file as (N, 1, rows, cols) uint8.

    The file starts with four big-endian uint32: magic 2051, N, rows, cols; then come
    N * rows * cols pixel bytes, row by row.
    """
    with gzip.open(path, "rb") as f:
        header = np.frombuffer(f.read(16), dtype=">u4")
        pixels = np.frombuffer(f.read(), dtype=np.uint8)
    magic, n, rows, cols = (int(v) for v in header)
    if magic != 2051:
        raise ValueError(f"{path} is not an IDX image file (magic {magic}, expected 2051)")
    if pixels.size != n * rows * cols:
        raise ValueError(f"{path} is truncated: {pixels.size} bytes of pixels for {n} images")
    return pixels.reshape(n, 1, rows, cols)


def load_idx_labels(path) -> np.ndarray:
    """Added in step 51: the labels of a gzip IDX file (magic 2049, then N) as uint8."""
    with gzip.open(path, "rb") as f:
        magic, n = (int(v) for v in np.frombuffer(f.read(8), dtype=">u4"))
        labels = np.frombuffer(f.read(), dtype=np.uint8)
    if magic != 2049:
        raise ValueError(f"{path} is not an IDX label file (magic {magic}, expected 2049)")
    if labels.size != n:
        raise ValueError(f"{path} is truncated: {labels.size} labels, the header says {n}")
    return labels


DIGITS_FILE = Path(__file__).resolve().parent / "data" / "digits.csv.gz"


class Digits(Dataset):
    """Added in step 51: 1,797 real 8x8 handwritten digits, bundled: MNIST's offline stand-in.

    Laid out like MNIST: images (N, 1, 8, 8) uint8 scaled to 0..255, uint8 labels, and
    the same default transform. Every fifth digit is in the test split (360), the rest in
    the train split (1,437). Source and licence: dezero/data/README.md.
    """

    def __init__(self, train: bool = True, transform=None, target_transform=None) -> None:
        transform = transform if transform is not None else _mnist_default()
        super().__init__(train, transform, target_transform)

    def prepare(self) -> None:
        with gzip.open(DIGITS_FILE, "rt") as f:
            table = np.loadtxt(f, delimiter=",")
        pixels = np.round(table[:, :-1] * (255 / 16)).astype(np.uint8).reshape(-1, 1, 8, 8)
        labels = table[:, -1].astype(np.uint8)
        test = np.arange(len(table)) % 5 == 0
        keep = ~test if self.train else test
        self.data, self.label = pixels[keep], labels[keep]

    @staticmethod
    def labels() -> dict:
        return {i: str(i) for i in range(10)}
