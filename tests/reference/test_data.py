"""Data: generated sets keep the book's numbers, MNIST's loader works on small IDX files
written here, downloads fail clearly offline, and nothing touches the network in tests."""

import gzip
import hashlib

import numpy as np
import pytest

from dezero import DataLoader, datasets, utils


def test_spiral_is_the_books_and_leaves_the_global_generator_alone():
    np.random.seed(5)
    expected_next = np.random.rand()
    np.random.seed(5)
    x, t = datasets.get_spiral(train=True)
    assert np.random.rand() == expected_next
    assert x.shape == (300, 2) and x.dtype == np.float32 and t.shape == (300,)
    assert x[0, 0] == pytest.approx(-0.1398138850927353) and t[0] == 1
    assert datasets.get_spiral(train=False)[0][0, 0] == pytest.approx(0.13246452808380127)


def test_dataloader_batches_and_errors():
    sizes = [len(x) for x, _ in DataLoader(datasets.Spiral(), 128, shuffle=False)]
    assert sizes == [128, 128, 44]
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(datasets.Spiral(), 0)


def _write_idx(tmp_path, n=5):
    images = np.arange(n * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(n, 28, 28)
    labels = np.arange(n, dtype=np.uint8) % 10
    img_path, lbl_path = tmp_path / "train-images-idx3-ubyte.gz", tmp_path / "train-labels-idx1-ubyte.gz"
    with gzip.open(img_path, "wb") as f:
        f.write(np.array([2051, n, 28, 28], dtype=">u4").tobytes() + images.tobytes())
    with gzip.open(lbl_path, "wb") as f:
        f.write(np.array([2049, n], dtype=">u4").tobytes() + labels.tobytes())
    return images, labels, img_path, lbl_path


def test_mnist_reads_cached_idx_files(tmp_path, monkeypatch):
    images, labels, img_path, lbl_path = _write_idx(tmp_path)
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    md5 = {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in (img_path, lbl_path)}
    monkeypatch.setattr(datasets.MNIST, "md5", md5)
    mnist = datasets.MNIST(train=True)
    assert len(mnist) == 5 and mnist.data.shape == (5, 1, 28, 28)
    x, t = mnist[3]
    assert x.shape == (784,) and x.dtype == np.float32 and 0 <= x.min() <= x.max() <= 1
    assert t == labels[3]


def test_truncated_idx_file_is_named(tmp_path):
    path = tmp_path / "bad.gz"
    with gzip.open(path, "wb") as f:
        f.write(np.array([2051, 9, 28, 28], dtype=">u4").tobytes() + b"\0" * 10)
    with pytest.raises(ValueError, match="truncated"):
        datasets.load_idx_images(path)


def test_offline_download_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    with pytest.raises(ConnectionError, match="offline.*Digits"):
        utils.get_file("http://127.0.0.1:9/train-images-idx3-ubyte.gz")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ConnectionError, match="offline") as info:  # step 58's picture: no MNIST hint
        utils.get_file("http://127.0.0.1:9/zebra.jpg")
    assert "Digits" not in str(info.value)


def test_corrupt_cached_file_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    (tmp_path / "x.gz").write_bytes(b"not what we want")
    with pytest.raises(ConnectionError):
        utils.get_file("http://127.0.0.1:9/x.gz", md5="0" * 32)
    assert not (tmp_path / "x.gz").exists()


def test_digits_is_real_offline_handwriting():
    train, test = datasets.Digits(train=True), datasets.Digits(train=False)
    assert (len(train), len(test)) == (1437, 360)
    assert train.data.shape[1:] == (1, 8, 8) and train.data.dtype == np.uint8
    assert sorted(set(train.label.tolist())) == list(range(10))


def test_cifar10_reads_a_cached_archive(tmp_path, monkeypatch):
    import io
    import pickle
    import tarfile

    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    batch = {b"data": np.arange(2 * 3072, dtype=np.uint8).reshape(2, 3072), b"labels": [3, 7]}
    with tarfile.open(tmp_path / "cifar-10-python.tar.gz", "w:gz") as tf:
        payload = pickle.dumps(batch)
        info = tarfile.TarInfo("cifar-10-batches-py/test_batch")
        info.size = len(payload)
        tf.addfile(info, io.BytesIO(payload))
    monkeypatch.setattr(datasets.CIFAR10, "md5", None)
    test = datasets.CIFAR10(train=False)
    assert test.data.shape == (2, 3, 32, 32) and test.label.tolist() == [3, 7]
    x = test[1][0]  # the book's default transform: float32, (x - 0.5) / 0.5, not flattened
    assert x.shape == (3, 32, 32) and x.dtype == np.float32
    assert np.array_equal(x, (test.data[1].astype(np.float32) - 0.5) / 0.5)
    assert (tmp_path / "cifar-10-python.tar.gz.test.npz").is_file()  # kept for next time
    (tmp_path / "cifar-10-python.tar.gz").unlink()
    again = datasets.CIFAR10(train=False, transform=None)
    assert np.array_equal(again.data, test.data) and again[0][0].dtype == np.uint8


def test_shakespeare_maps_characters_to_ids(tmp_path, monkeypatch):
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    (tmp_path / "shakespear.txt").write_text("to be or not")
    data = datasets.Shakespeare()
    assert len(data) == 11 and data.id_to_char[int(data.label[0])] == "o"
    assert datasets.Shakespear is datasets.Shakespeare
