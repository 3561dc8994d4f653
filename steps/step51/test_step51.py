"""Step 51: relu, transforms, the MNIST loader (on small IDX files written here) and Digits.

Nothing here downloads: MNIST is read from files the tests write into a temporary cache
(DEZERO_CACHE), and the offline error is provoked with an address that refuses at once.
"""

import gzip
import hashlib

import numpy as np
import pytest
from hypothesis import given

from grader.checks import check_grad, to_array
from grader.strategies import arrays

OFFLINE_URL = "http://127.0.0.1:9/"  # the discard port: refused at once, never the internet


def _away_from_zero(a):
    """Elements of a (in [0.1, 3]) with alternating signs: inputs that avoid relu's kink."""
    return np.asarray(a * np.where(np.arange(a.size).reshape(a.shape) % 2 == 0, 1.0, -1.0))


def _write_idx(folder, name, n=4, rows=3, cols=5, labels=False):
    """A gzip IDX file of n images rows x cols (or n labels), as MNIST stores them."""
    if labels:
        payload = (np.arange(n) * 7 % 10).astype(np.uint8)
        header = np.array([2049, n], dtype=">u4")
    else:
        payload = (np.arange(n * rows * cols) * 37 % 256).astype(np.uint8).reshape(n, rows, cols)
        header = np.array([2051, n, rows, cols], dtype=">u4")
    path = folder / name
    with gzip.open(path, "wb") as f:
        f.write(header.tobytes() + payload.tobytes())
    return path, payload


def _fake_mnist_cache(dz, tmp_path, monkeypatch, n=6):
    """Write small train files into a temporary cache, and let MNIST trust their MD5."""
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    images, labels = dz.datasets.MNIST.files[True]
    img_path, pixels = _write_idx(tmp_path, images, n=n, rows=28, cols=28)
    lbl_path, digits = _write_idx(tmp_path, labels, n=n, labels=True)
    md5 = dict(dz.datasets.MNIST.md5)
    md5.update({p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in (img_path, lbl_path)})
    monkeypatch.setattr(dz.datasets.MNIST, "md5", md5)
    return pixels, digits


@pytest.mark.grade(points=1, todo="step51.1")
@given(a=arrays(None, 0.1, 3))
def test_relu_matches_numpy(dz, a):
    """relu(x) is max(x, 0) elementwise, as a Variable."""
    x = _away_from_zero(a)
    y = dz.functions.relu(dz.Variable(x.copy()))
    np.testing.assert_array_equal(to_array(y), np.maximum(x, 0.0))


@pytest.mark.grade(points=1, todo="step51.1")
def test_relu_keeps_float32(dz):
    """relu of float32 data stays float32."""
    y = dz.functions.relu(dz.Variable(np.array([-1.5, 0.0, 2.0], dtype=np.float32)))
    assert to_array(y).dtype == np.float32, f"dtype is {to_array(y).dtype}: compare with 0.0 keeps float32"


@pytest.mark.grade(points=2, todo="step51.2")
@given(a=arrays(None, 0.1, 3))
def test_relu_grad_matches_central_difference(dz, a):
    """Backprop through relu passes gy where x > 0 and 0 where x < 0 (checked by central differences)."""
    check_grad(dz, dz.functions.relu, _away_from_zero(a), todo="step51.2")


@pytest.mark.grade(points=2, todo="step51.3")
def test_compose_applies_transforms_in_order(dz):
    """Compose([f, g])(x) is g(f(x)); Compose([]) leaves x as it is."""
    T = dz.transforms
    assert T.Compose([lambda v: v + 1, lambda v: v * 10])(np.array([1.0]))[0] == 20.0, "apply f, then g"
    x = np.arange(3)
    np.testing.assert_array_equal(T.Compose([])(x.copy()), x)


@pytest.mark.grade(points=1, todo="step51.3")
def test_mnist_style_transform(dz):
    """Compose([Flatten(), ToFloat(), Normalize(0., 255.)]) makes a (1, 28, 28) uint8 image 784 floats."""
    T = dz.transforms
    img = (np.arange(784) % 256).astype(np.uint8).reshape(1, 28, 28)
    x = T.Compose([T.Flatten(), T.ToFloat(), T.Normalize(0.0, 255.0)])(img)
    assert x.shape == (784,) and x.dtype == np.float32, f"got {x.dtype} {x.shape}"
    assert x.min() == 0.0 and x.max() == 1.0


@pytest.mark.grade(points=2, todo="step51.4")
def test_load_idx_images_reads_the_file(dz, tmp_path):
    """load_idx_images reads a gzip IDX file as (N, 1, rows, cols) uint8 (rows 3 and cols 5 here)."""
    path, pixels = _write_idx(tmp_path, "images.gz")
    got = dz.datasets.load_idx_images(path)
    assert got.shape == (4, 1, 3, 5) and got.dtype == np.uint8, f"got {got.dtype} {got.shape}"
    np.testing.assert_array_equal(got[:, 0], pixels)


@pytest.mark.grade(points=1, todo="step51.4")
def test_load_idx_images_rejects_bad_files(dz, tmp_path):
    """A label file, or an image file cut short, is a ValueError, not garbage images."""
    labels, _ = _write_idx(tmp_path, "labels.gz", labels=True)
    with pytest.raises(ValueError):
        dz.datasets.load_idx_images(labels)
    short = tmp_path / "short.gz"
    with gzip.open(short, "wb") as f:
        f.write(np.array([2051, 9, 28, 28], dtype=">u4").tobytes() + b"\0" * 10)
    with pytest.raises(ValueError, match="truncated"):
        dz.datasets.load_idx_images(short)


@pytest.mark.grade(points=2, todo="step51.5")
def test_mnist_reads_cached_files(dz, tmp_path, monkeypatch):
    """MNIST(train=True) loads its cached files: (N, 1, 28, 28) data, labels, 784 floats per sample."""
    pixels, digits = _fake_mnist_cache(dz, tmp_path, monkeypatch)
    mnist = dz.datasets.MNIST(train=True)
    assert len(mnist) == 6 and mnist.data.shape == (6, 1, 28, 28), f"data shape {np.shape(mnist.data)}"
    np.testing.assert_array_equal(mnist.label, digits)
    x, t = mnist[2]
    assert x.shape == (784,) and x.dtype == np.float32 and 0 <= x.min() <= x.max() <= 1
    np.testing.assert_allclose(x, pixels[2].ravel() / 255.0, rtol=1e-6)
    assert t == digits[2]


@pytest.mark.grade(points=1, todo="step51.5")
def test_mnist_offline_error_says_what_to_do(dz, tmp_path, monkeypatch):
    """Offline, MNIST() raises ConnectionError saying what to do, and leaves no partial file."""
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    monkeypatch.setattr(dz.datasets.MNIST, "url", OFFLINE_URL)
    with pytest.raises(ConnectionError, match="offline"):
        dz.datasets.MNIST(train=False)
    assert list(tmp_path.iterdir()) == [], f"files left behind: {list(tmp_path.iterdir())}"


@pytest.mark.grade(points=1, todo="step51.5")
def test_mnist_does_not_trust_a_corrupt_cache(dz, tmp_path, monkeypatch):
    """A cached file whose MD5 is wrong is deleted and fetched again (offline: ConnectionError)."""
    _fake_mnist_cache(dz, tmp_path, monkeypatch)
    monkeypatch.setattr(dz.datasets.MNIST, "md5", {k: "0" * 32 for k in dz.datasets.MNIST.md5})
    monkeypatch.setattr(dz.datasets.MNIST, "url", OFFLINE_URL)
    with pytest.raises(ConnectionError):
        dz.datasets.MNIST(train=True)
    assert not (tmp_path / dz.datasets.MNIST.files[True][0]).exists(), "the corrupt file is still cached"


@pytest.mark.grade(points=2, todo="step51.3")
def test_digits_is_offline_handwriting(dz):
    """Digits has 1,437 train and 360 test images (N, 1, 8, 8) uint8, labels 0-9, samples of 64 floats."""
    train, test = dz.datasets.Digits(train=True), dz.datasets.Digits(train=False)
    assert (len(train), len(test)) == (1437, 360), f"sizes {len(train)}, {len(test)}"
    assert train.data.shape[1:] == (1, 8, 8) and train.data.dtype == np.uint8
    assert sorted(set(test.label.tolist())) == list(range(10))
    x, t = train[0]
    assert x.shape == (64,) and x.dtype == np.float32 and 0 <= x.min() <= x.max() <= 1 and 0 <= t <= 9


@pytest.mark.grade(points=2, todo="step51.2")
def test_relu_mlp_learns_digits(dz):
    """Two epochs of a 64-30-10 ReLU MLP (SGD, lr 0.1, batches of 10) get Digits' test accuracy above 85%."""
    np.random.seed(0)
    model = dz.models.MLP((30, 10), activation=dz.functions.relu)
    optimizer = dz.optimizers.SGD(0.1).setup(model)
    loader = dz.DataLoader(dz.datasets.Digits(train=True), 10)
    for _ in range(2):
        for x, t in loader:
            loss = dz.functions.softmax_cross_entropy(model(x), t)
            model.cleargrads()
            loss.backward()
            optimizer.update()
    test = dz.datasets.Digits(train=False)
    x = np.stack([test[i][0] for i in range(len(test))])
    accuracy = float(np.mean(to_array(model(x)).argmax(axis=1) == test.label))
    assert accuracy > 0.85, f"test accuracy {accuracy:.3f} after two epochs"


@pytest.mark.grade(points=1)
def test_demo_falls_back_to_digits(dz, script, tmp_path, monkeypatch, capsys):
    """With an empty cache, the demo's load_data picks Digits and says so (no download)."""
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    monkeypatch.setattr(dz.datasets.MNIST, "url", OFFLINE_URL)
    train_set, test_set, _ = script.load_data()
    assert type(train_set).__name__ == type(test_set).__name__ == "Digits"
    assert "Digits" in capsys.readouterr().out, "the demo should say that it uses Digits"
