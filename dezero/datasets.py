"""Datasets: Spiral and SinCurve (generated), MNIST, CIFAR and Shakespeare (downloaded and
cached), Digits (bundled), and ImageNet's class names.

Nothing downloads at import. A data set downloads on first use, checks the files' MD5
where it knows them, and says clearly what to do when it cannot (offline). Digits is the
offline stand-in for MNIST: 1,797 real handwritten digits shipped with the package (see
dezero/data/README.md). `show()` draws samples with matplotlib, imported there only.
"""

import ast
import gzip
import importlib
import os
from pathlib import Path
from typing import Any

import numpy as np

from dezero.transforms import Compose, Flatten, Normalize, ToFloat
from dezero.utils import cache_dir, get_cache_dir, get_file


class Dataset:
    """Samples (x, t) by index, with optional transforms applied on the way out."""

    def __init__(self, train=True, transform=None, target_transform=None):
        self.train = train
        self.transform = transform if transform is not None else (lambda x: x)
        self.target_transform = target_transform if target_transform is not None else (lambda x: x)
        self.data: Any = None  # arrays (or lists) that prepare() fills in
        self.label: Any = None
        self.prepare()

    def __getitem__(self, index):
        if not np.isscalar(index):
            raise TypeError(f"a Dataset is indexed by one int at a time, got {type(index).__name__}")
        if self.label is None:
            return self.transform(self.data[index]), None
        return self.transform(self.data[index]), self.target_transform(self.label[index])

    def __len__(self):
        return len(self.data)

    def prepare(self):
        pass


def get_spiral(train=True):
    """The book's 3-class spiral: 300 points, float32 x (300, 2) and int labels (300,).

    The data are the book's (same seeds, same draws), from a generator of its own: unlike
    the official function, calling it does not reseed NumPy's global generator.
    """
    rng = np.random.RandomState(1984 if train else 2020)
    num_data, num_class, input_dim = 100, 3, 2
    data_size = num_class * num_data
    x = np.zeros((data_size, input_dim), dtype=np.float32)
    t = np.zeros(data_size, dtype=np.int64)
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
    def prepare(self):
        self.data, self.label = get_spiral(self.train)


class SinCurve(Dataset):
    """The book's series: 1,000 points of [0, 2 pi]; pairs (y[i], y[i + 1]) of shape (1,), float64.

    train=True: sin(x) plus uniform noise in [-0.05, 0.05]; train=False: cos(x), no noise.
    The noise comes from a generator seeded with `seed` (0 by default: the same series as
    the book's after np.random.seed(0)), so NumPy's global generator is left alone;
    seed=None draws it from the global generator, as the book's code does.
    """

    def __init__(self, train=True, transform=None, target_transform=None, seed=0):
        self.seed = seed
        super().__init__(train, transform, target_transform)

    def prepare(self):
        rng = np.random if self.seed is None else np.random.RandomState(self.seed)
        x = np.linspace(0, 2 * np.pi, 1000)
        noise = rng.uniform(-0.05, 0.05, size=x.shape)  # drawn for both splits, as in the book
        y = np.sin(x) + noise if self.train else np.cos(x)
        y = y.astype(np.float64)
        self.data = y[:-1, np.newaxis]
        self.label = y[1:, np.newaxis]


# The book's default transforms: one shared instance each (they keep no state).
MNIST_TRANSFORM = Compose([Flatten(), ToFloat(), Normalize(0.0, 255.0)])
CIFAR_TRANSFORM = Compose([ToFloat(), Normalize(mean=0.5, std=0.5)])


def _show(images, row, col, gray):
    """Draw row x col images chosen at random from images (N, C, H, W) in one picture."""
    plt = importlib.import_module("matplotlib.pyplot")
    _, C, H, W = images.shape
    grid = np.zeros((H * row, W * col) if gray else (H * row, W * col, C))
    for r in range(row):
        for c in range(col):
            img = images[np.random.randint(0, len(images) - 1)]
            block = img.reshape(H, W) if gray else img.transpose(1, 2, 0) / 255
            grid[r * H : (r + 1) * H, c * W : (c + 1) * W] = block
    plt.imshow(grid, cmap="gray" if gray else None, interpolation="nearest")
    plt.axis("off")
    plt.show()


class MNIST(Dataset):
    """The real MNIST: 60,000 / 10,000 images (N, 1, 28, 28) uint8 and uint8 labels.

    The default transform flattens an image to 784 float32 values in [0, 1];
    transform=None gives the images as they are.
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

    def __init__(self, train=True, transform=MNIST_TRANSFORM, target_transform=None):
        super().__init__(train, transform, target_transform)

    def prepare(self):
        images, labels = self.files[self.train]
        self.data = load_idx_images(get_file(self.url + images, md5=self.md5[images]))
        self.label = load_idx_labels(get_file(self.url + labels, md5=self.md5[labels]))

    def show(self, row=10, col=10):
        """Draw row x col random images (needs matplotlib)."""
        _show(self.data, row, col, gray=True)

    @staticmethod
    def labels():
        return {i: str(i) for i in range(10)}


def load_idx_images(path):
    """Images of a gzip IDX file (magic 2051, big-endian header) as (N, 1, rows, cols) uint8."""
    with gzip.open(path, "rb") as f:
        header = np.frombuffer(f.read(16), dtype=">u4")
        if header[0] != 2051:
            raise ValueError(f"{path} is not an IDX image file (magic {header[0]}, expected 2051)")
        n, rows, cols = (int(v) for v in header[1:])
        data = np.frombuffer(f.read(), dtype=np.uint8)
    if data.size != n * rows * cols:
        raise ValueError(f"{path} is truncated: {data.size} bytes of pixels for {n} images")
    return data.reshape(n, 1, rows, cols)


def load_idx_labels(path):
    """Labels of a gzip IDX file (magic 2049) as uint8."""
    with gzip.open(path, "rb") as f:
        header = np.frombuffer(f.read(8), dtype=">u4")
        if header[0] != 2049:
            raise ValueError(f"{path} is not an IDX label file (magic {header[0]}, expected 2049)")
        labels = np.frombuffer(f.read(), dtype=np.uint8)
    if labels.size != int(header[1]):
        raise ValueError(f"{path} is truncated: {labels.size} labels, header says {int(header[1])}")
    return labels


DIGITS_FILE = Path(__file__).resolve().parent / "data" / "digits.csv.gz"


class Digits(Dataset):
    """1,797 real 8x8 handwritten digits, bundled: the offline stand-in for MNIST.

    Laid out like MNIST: images (N, 1, 8, 8) uint8 scaled to 0..255, uint8 labels, and
    the same default transform. Every fifth digit is in the test split (360), the rest
    in the train split (1,437).
    """

    def __init__(self, train=True, transform=MNIST_TRANSFORM, target_transform=None):
        super().__init__(train, transform, target_transform)

    def show(self, row=10, col=10):
        """Draw row x col random digits (needs matplotlib)."""
        _show(self.data, row, col, gray=True)

    def prepare(self):
        table = np.loadtxt(gzip.open(DIGITS_FILE, "rt"), delimiter=",")
        pixels = np.round(table[:, :-1] * (255 / 16)).astype(np.uint8).reshape(-1, 1, 8, 8)
        labels = table[:, -1].astype(np.uint8)
        test = np.arange(len(table)) % 5 == 0
        keep = ~test if self.train else test
        self.data, self.label = pixels[keep], labels[keep]

    @staticmethod
    def labels():
        return {i: str(i) for i in range(10)}


def _unpickle(path, member):
    import pickle
    import tarfile

    with tarfile.open(path, "r:gz") as tf:
        f = tf.extractfile(member)
        if f is None:
            raise ValueError(f"{path} has no file {member}")
        return pickle.load(f, encoding="bytes")


class CIFAR10(Dataset):
    """CIFAR-10: 50,000 / 10,000 images (N, 3, 32, 32) uint8 and labels 0-9 (downloaded once).

    The arrays are also kept in the cache as .npz files (load_cache_npz), read next time.
    """

    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    md5 = "c58f30108f718f92721af3b95e74349a"

    def __init__(self, train=True, transform=CIFAR_TRANSFORM, target_transform=None):
        super().__init__(train, transform, target_transform)

    def prepare(self):
        self.data, self.label = load_cache_npz(self.url, self.train)
        if self.data is not None:
            return
        path = get_file(self.url, md5=self.md5)
        names = [f"data_batch_{i}" for i in range(1, 6)] if self.train else ["test_batch"]
        data, labels = [], []
        for name in names:
            batch = _unpickle(path, f"cifar-10-batches-py/{name}")
            data.append(np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
            labels += list(batch[b"labels"])
        self.data, self.label = np.concatenate(data), np.array(labels, dtype=np.int64)
        save_cache_npz(self.data, self.label, self.url, self.train)

    def show(self, row=10, col=10):
        """Draw row x col random images (needs matplotlib)."""
        _show(self.data, row, col, gray=False)

    @staticmethod
    def labels():
        names = "airplane automobile bird cat deer dog frog horse ship truck".split()
        return dict(enumerate(names))


# The names in CIFAR-100's own meta file (underscores as spaces), in label order.
CIFAR100_FINE = """apple, aquarium fish, baby, bear, beaver, bed, bee, beetle, bicycle, bottle, bowl, boy,
bridge, bus, butterfly, camel, can, castle, caterpillar, cattle, chair, chimpanzee, clock, cloud,
cockroach, couch, crab, crocodile, cup, dinosaur, dolphin, elephant, flatfish, forest, fox, girl,
hamster, house, kangaroo, keyboard, lamp, lawn mower, leopard, lion, lizard, lobster, man,
maple tree, motorcycle, mountain, mouse, mushroom, oak tree, orange, orchid, otter, palm tree,
pear, pickup truck, pine tree, plain, plate, poppy, porcupine, possum, rabbit, raccoon, ray, road,
rocket, rose, sea, seal, shark, shrew, skunk, skyscraper, snail, snake, spider, squirrel,
streetcar, sunflower, sweet pepper, table, tank, telephone, television, tiger, tractor, train,
trout, tulip, turtle, wardrobe, whale, willow tree, wolf, woman, worm"""
CIFAR100_COARSE = """aquatic mammals, fish, flowers, food containers, fruit and vegetables,
household electrical devices, household furniture, insects, large carnivores,
large man-made outdoor things, large natural outdoor scenes, large omnivores and herbivores,
medium mammals, non-insect invertebrates, people, reptiles, small mammals, trees, vehicles 1,
vehicles 2"""


class CIFAR100(CIFAR10):
    """CIFAR-100 with 'fine' (100) or 'coarse' (20) labels."""

    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    md5 = "eb9058c3a382ffc7106e4002c42a8d85"

    def __init__(self, train=True, transform=CIFAR_TRANSFORM, target_transform=None, label_type="fine"):
        if label_type not in ("fine", "coarse"):
            raise ValueError(f"label_type must be 'fine' or 'coarse', not {label_type!r}")
        self.label_type = label_type
        super().__init__(train, transform, target_transform)

    def prepare(self):
        cached = self.url[: -len(".tar.gz")] + f"-{self.label_type}.tar.gz"  # one cache per label type
        self.data, self.label = load_cache_npz(cached, self.train)
        if self.data is not None:
            return
        path = get_file(self.url, md5=self.md5)
        batch = _unpickle(path, "cifar-100-python/" + ("train" if self.train else "test"))
        self.data = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
        self.label = np.array(batch[f"{self.label_type}_labels".encode()], dtype=np.int64)
        save_cache_npz(self.data, self.label, cached, self.train)

    @staticmethod
    def labels(label_type="fine"):
        if label_type not in ("fine", "coarse"):
            raise ValueError(f"label_type must be 'fine' or 'coarse', not {label_type!r}")
        names = CIFAR100_FINE if label_type == "fine" else CIFAR100_COARSE
        return dict(enumerate(name.strip() for name in names.split(",")))


class ImageNet(Dataset):
    """ImageNet's 1,000 class names (`ImageNet.labels()`); the images are not provided."""

    labels_url = ("https://gist.githubusercontent.com/yrevar/942d3a0ac09ec9e5eb3a/raw/"
                  "238f720ff059c1f82f368259d1ca4ffa5dd8f9f5/imagenet1000_clsidx_to_labels.txt")

    def __init__(self):
        raise NotImplementedError("ImageNet's images are not downloadable here; "
                                  "ImageNet.labels() gives the class names")

    @staticmethod
    def labels():
        """{class id: name} for the 1,000 classes, downloaded once into the cache."""
        text = Path(get_file(ImageNet.labels_url)).read_text(encoding="utf-8")
        try:
            labels = ast.literal_eval(text)  # a dict literal: read as data, never run
        except (SyntaxError, ValueError):
            labels = None
        if not isinstance(labels, dict):
            raise ValueError(f"{ImageNet.labels_url} did not give a dict of class names; delete "
                             f"{get_cache_dir() / 'imagenet1000_clsidx_to_labels.txt'} and retry")
        return labels


class Shakespeare(Dataset):
    """Tiny Shakespeare as character ids: x is a char, t the next one (char_to_id, id_to_char)."""

    url = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"

    def prepare(self):
        text = Path(get_file(self.url, file_name="shakespear.txt")).read_text(encoding="utf-8")
        chars = list(dict.fromkeys(text))  # ids in order of first appearance, as in the book
        self.char_to_id = {c: i for i, c in enumerate(chars)}
        self.id_to_char = dict(enumerate(chars))
        ids = np.array([self.char_to_id[c] for c in text], dtype=np.int64)
        self.data, self.label = ids[:-1], ids[1:]


Shakespear = Shakespeare  # the official package's spelling, kept as an alias


def _npz_path(filename, train):
    name = os.path.basename(filename)
    return get_cache_dir() / (name + (".train.npz" if train else ".test.npz"))


def load_cache_npz(filename, train=False):
    """(data, label) kept by save_cache_npz for filename (a URL or a file name), else (None, None)."""
    path = _npz_path(filename, train)
    if not path.exists():
        return None, None
    with np.load(path) as npz:
        return npz["data"], npz["label"]


def save_cache_npz(data, label, filename, train=False):
    """Keep data and label in the cache as <name>.train.npz or .test.npz; returns the path (a str).

    An existing file is left as it is. The file is written under a temporary name first.
    """
    path = _npz_path(filename, train)
    if path.exists():
        return str(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part.npz")
    try:
        np.savez_compressed(tmp, data=data, label=label)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return str(path)


__all__ = [
    "CIFAR10", "CIFAR100", "Compose", "Dataset", "Digits", "Flatten", "ImageNet", "MNIST", "Normalize",
    "Shakespear", "Shakespeare", "SinCurve", "Spiral", "ToFloat", "cache_dir", "get_file", "get_spiral",
    "load_cache_npz", "load_idx_images", "load_idx_labels", "save_cache_npz",
]
