"""Book-style tests of the names the book's code uses beyond the functions: the gradient-check
helpers, the simple core, the cache and data set helpers, transforms, the RNN's draws and ResNet.

Nothing here touches the network: download code is tested on small files written here, and
matplotlib and Pillow are replaced by small fakes that record what they are asked to do.
"""

import os
import sys
import types
import unittest

import numpy as np
import pytest

import dezero
import dezero.functions as F
import dezero.layers as L
from dezero import Variable, datasets, models, transforms, utils
from dezero.utils import array_allclose, array_equal, gradient_check, numerical_grad


class TestGradientCheckHelpers(unittest.TestCase):
    def test_gradient_check_says_true_or_false(self):
        x = np.random.RandomState(0).randn(3, 2)
        self.assertIs(gradient_check(F.tanh, x), True)
        self.assertIs(gradient_check(lambda x: F.sum(x * x), Variable(x)), True)

        class WrongGrad(dezero.Function):
            def forward(self, x):
                return x * 2

            def backward(self, gy):
                return gy * 3

        self.assertIs(gradient_check(lambda x: WrongGrad()(x), x), False)

    def test_gradient_check_passes_extra_arguments_and_leaves_x_alone(self):
        x = Variable(np.ones((2, 2), np.float32))
        self.assertTrue(gradient_check(F.sum, x, axis=0, keepdims=True))
        self.assertTrue(gradient_check(F.linear, np.ones((2, 3)), np.ones((3, 4)), rtol=1e-3, atol=1e-4))
        self.assertEqual(x.data.dtype, np.float32)
        self.assertIsNone(x.grad)

    def test_numerical_grad(self):
        x = np.array([[1.0, 2.0], [3.0, -1.0]])
        g = numerical_grad(lambda x: x**3, x)
        self.assertTrue(array_allclose(g, 3 * x**2))
        self.assertTrue(array_equal(x, [[1.0, 2.0], [3.0, -1.0]]))  # put back after each move
        self.assertTrue(array_allclose(numerical_grad(lambda v: F.sin(v), Variable(x)), np.cos(x)))
        with self.assertRaises(TypeError):
            numerical_grad(lambda x: x, np.arange(3))

    def test_array_equal_and_allclose_take_variables(self):
        a = np.array([1.0, 2.0])
        self.assertTrue(array_equal(Variable(a), a))
        self.assertTrue(array_equal(a, Variable(a.copy())))
        self.assertFalse(array_equal(a, a[:1]))
        self.assertTrue(array_allclose(Variable(a), a + 1e-6))
        self.assertFalse(array_allclose(a, a + 1e-3))
        self.assertTrue(array_allclose(a, a + 1e-3, rtol=0, atol=1e-2))
        self.assertTrue(array_equal(Variable(np.array(3.0)), 3.0))


class TestSimpleCore(unittest.TestCase):
    def test_steps_28_and_29_import_it(self):
        self.assertIs(dezero.is_simple_core, False)
        from dezero.core_simple import Variable as SimpleVariable
        from dezero.core_simple import setup_variable

        setup_variable()
        x0, x1 = SimpleVariable(np.array(0.0)), SimpleVariable(np.array(2.0))
        y = 100 * (x1 - x0**2) ** 2 + (x0 - 1) ** 2  # Rosenbrock at (0, 2)
        y.backward()
        self.assertTrue(array_allclose(x0.grad, -2.0) and array_allclose(x1.grad, 400.0))
        self.assertNotIsInstance(x0.grad, Variable)  # grads are arrays in the simple core
        self.assertTrue(array_equal(x0, 0.0))  # the helpers read its Variables too
        self.assertIsInstance(Variable(np.array(1.0)) * 2, Variable)  # the full core is untouched

    def test_no_grad_and_operators(self):
        from dezero import core_simple as C

        C.setup_variable()
        x = C.Variable(np.array(3.0))
        with C.no_grad():
            y = x * 2 - 1
        self.assertIsNone(y.creator)
        self.assertTrue(array_equal(2.0 / C.as_variable(np.array(4.0)), 0.5))
        z = C.pow(x, 2) / (1 - x)
        z.backward()
        self.assertTrue(array_allclose(x.grad, (2 * 3 * (1 - 3) + 9) / (1 - 3) ** 2))


def test_cache_dir_is_a_str_and_moves_with_dezero_cache(tmp_path, monkeypatch):
    assert isinstance(utils.cache_dir, str) and datasets.cache_dir is utils.cache_dir
    assert os.path.join(utils.cache_dir, "x.npz").endswith(os.sep + "x.npz")
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    assert utils.get_cache_dir() == tmp_path == utils.cache_dir()
    monkeypatch.delenv("DEZERO_CACHE")
    monkeypatch.setattr(utils, "cache_dir", str(tmp_path / "mine"))  # the book's way to move it
    assert utils.get_cache_dir() == tmp_path / "mine"


def test_show_progress_draws_a_bar(capsys):
    utils.show_progress(1, 10, 40)
    utils.show_progress(9, 10, 40)
    out = capsys.readouterr().out
    assert out.startswith("\r[#######.......................] 25.00%")
    assert out.endswith("] 100.00%")


def test_npz_cache_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    assert datasets.load_cache_npz("https://example.org/data.tar.gz", train=True) == (None, None)
    data, label = np.arange(6, dtype=np.uint8).reshape(2, 3), np.array([1, 0])
    path = datasets.save_cache_npz(data, label, "https://example.org/data.tar.gz", train=True)
    assert path == str(tmp_path / "data.tar.gz.train.npz")
    got = datasets.load_cache_npz("data.tar.gz", train=True)
    assert array_equal(got[0], data) and array_equal(got[1], label)
    assert datasets.load_cache_npz("data.tar.gz", train=False) == (None, None)


def test_imagenet_labels_come_from_the_cache_and_say_when_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("DEZERO_CACHE", str(tmp_path))
    (tmp_path / "imagenet1000_clsidx_to_labels.txt").write_text("{0: 'tench, Tinca tinca',\n 1: 'goldfish'}")
    assert datasets.ImageNet.labels() == {0: "tench, Tinca tinca", 1: "goldfish"}
    (tmp_path / "imagenet1000_clsidx_to_labels.txt").write_text("__import__('os').system('false')")
    with pytest.raises(ValueError, match="dict of class names"):
        datasets.ImageNet.labels()  # read as data, never run
    (tmp_path / "imagenet1000_clsidx_to_labels.txt").unlink()
    monkeypatch.setattr(datasets.ImageNet, "labels_url", "http://127.0.0.1:9/imagenet1000_clsidx_to_labels.txt")
    with pytest.raises(ConnectionError, match="offline"):
        datasets.ImageNet.labels()
    with pytest.raises(NotImplementedError, match="labels"):
        datasets.ImageNet()


def test_cifar100_labels_and_defaults():
    fine, coarse = datasets.CIFAR100.labels(), datasets.CIFAR100.labels("coarse")
    assert len(fine) == 100 and fine[0] == "apple" and fine[99] == "worm" and len(set(fine.values())) == 100
    assert len(coarse) == 20 and coarse[0] == "aquatic mammals" and coarse[19] == "vehicles 2"
    assert datasets.CIFAR10.labels()[9] == "truck"


@pytest.fixture
def fake_pyplot(monkeypatch):
    calls = {}
    plt = types.ModuleType("matplotlib.pyplot")
    plt.__dict__.update(imshow=lambda img, **kw: calls.update(img=img, **kw), axis=lambda *a: None,
                        show=lambda: calls.update(shown=True))
    monkeypatch.setitem(sys.modules, "matplotlib", types.ModuleType("matplotlib"))
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", plt)
    return calls


def test_show_draws_a_grid_of_samples(fake_pyplot):
    digits = datasets.Digits(train=False)
    digits.show(row=2, col=3)
    assert fake_pyplot["img"].shape == (16, 24) and fake_pyplot["shown"]
    cifar = datasets.CIFAR10.__new__(datasets.CIFAR10)  # an instance without the download
    cifar.data = np.full((4, 3, 32, 32), 255, np.uint8)
    cifar.show(row=1, col=2)
    assert fake_pyplot["img"].shape == (32, 64, 3) and fake_pyplot["img"].max() == 1.0


def test_mnist_default_transform_and_none(tmp_path):
    assert datasets.MNIST.__init__.__defaults__[1] is datasets.MNIST_TRANSFORM
    x = np.arange(2 * 2, dtype=np.uint8).reshape(1, 2, 2) * 60
    assert array_allclose(datasets.MNIST_TRANSFORM(x), x.ravel() / 255.0)
    raw = datasets.Digits(train=False, transform=None)
    assert raw[0][0].dtype == np.uint8 and raw[0][0].shape == (1, 8, 8)


class TestSinCurve(unittest.TestCase):
    def test_test_split_is_cos_without_noise(self):
        grid = np.linspace(0, 2 * np.pi, 1000)
        test = datasets.SinCurve(train=False)
        self.assertEqual(test.data.dtype, np.float64)
        self.assertTrue(array_equal(test.data[:, 0], np.cos(grid)[:-1]))
        self.assertTrue(array_equal(test.label[:, 0], np.cos(grid)[1:]))

    def test_seed_zero_is_the_books_series_after_seeding_the_global_generator(self):
        np.random.seed(0)
        book = datasets.SinCurve(train=True, seed=None)  # draws from the global generator
        after_book = np.random.rand()
        np.random.seed(0)
        ours = datasets.SinCurve(train=True)
        self.assertTrue(array_equal(book.data, ours.data))
        self.assertNotEqual(np.random.rand(), after_book)  # ours drew nothing from it


def test_transforms_defaults_without_pillow():
    class FakeImage:
        size = (10, 7)

        def resize(self, size, mode):
            return ("resize", size, mode)

        def crop(self, box):
            return ("crop", box)

    assert transforms.Compose()(5) == 5
    a, b = transforms.Compose(), transforms.Compose()
    assert a.transforms == [] and a.transforms is not b.transforms
    steps = [lambda v: v + 1]
    assert transforms.Compose(steps).transforms is steps
    assert transforms.Resize(4)(FakeImage()) == ("resize", (4, 4), 2)  # Pillow's BILINEAR
    assert transforms.Resize((4, 3), mode=0)(FakeImage()) == ("resize", (4, 3), 0)
    assert transforms.CenterCrop(5)(FakeImage()) == ("crop", (2, 1, 7, 6))
    assert transforms.CenterCrop((4, 3))(FakeImage()) == ("crop", (3, 2, 7, 5))
    assert isinstance(dezero.dataloaders.pil_available, bool)


def test_rnn_draws_its_weights_in_the_books_order():
    np.random.seed(0)
    x2h = np.random.randn(2, 3) * np.sqrt(1 / 2)
    fc = np.random.randn(3, 1) * np.sqrt(1 / 3)
    h2h = np.random.randn(3, 3) * np.sqrt(1 / 3)
    np.random.seed(0)
    rnn, out = L.RNN(3), L.Linear(1)
    out(rnn(np.ones((1, 2), np.float32)))  # first step: x2h, then the read-out layer
    assert rnn.h2h.W.data is None
    rnn(np.ones((1, 2), np.float32))  # second step: h2h, the first to read h
    for layer, expected in ((rnn.x2h, x2h), (out, fc), (rnn.h2h, h2h)):
        assert layer.W.dtype == np.float32 and array_allclose(layer.W, expected, rtol=1e-6, atol=0)
    np.random.seed(0)
    sized = L.RNN(3, in_size=2)  # both at once, x2h first; h2h maps h to h
    assert array_allclose(sized.x2h.W, x2h, rtol=1e-6, atol=0)
    assert sized.h2h.W.shape == (3, 3)


def test_resnet_block_downsamples_where_asked():
    x = np.random.RandomState(0).randn(1, 4, 8, 8).astype(np.float32)
    for fb in (False, True):
        block = models.BottleneckA(4, 2, 8, stride=2, downsample_fb=fb)
        assert block(x).shape == (1, 8, 4, 4)
        assert (block.conv1.stride, block.conv2.stride) == ((1, 2) if fb else (2, 1))
    layers = models.BuildingBlock(2, 4, 2, 8, 2, downsample_fb=True)
    assert layers(x).shape == (1, 8, 4, 4) and layers.a.conv2.stride == 2


# The first eight 30-step losses of the loop below, as PyPI's dezero 0.0.13 printed them
# (numpy 2; its weights are float64 there, float32 here, hence the tolerance).
OFFICIAL_FIRST_LOSSES = [5.793703644, 30.18640711, 69.88855807, 115.3983522, 151.881003, 177.2429602,
                         195.3712971, 204.7810972]


def test_a_step_59_loop_gives_the_official_packages_first_losses():
    np.random.seed(0)
    train_set = datasets.SinCurve(train=True, seed=None)  # the book's draws, from the global generator
    datasets.SinCurve(train=False, seed=None)  # draws its (unused) noise too, as the book's does
    rnn, fc = L.RNN(10), L.Linear(1)
    model = models.Sequential(rnn, fc)
    optimizer = dezero.optimizers.Adam().setup(model)
    losses, loss = [], 0
    for count, (x, t) in enumerate(train_set, 1):
        loss += F.mean_squared_error(model(x.reshape(1, 1)), t)
        if count % 30 == 0:
            model.cleargrads()
            loss.backward()
            loss.unchain_backward()
            optimizer.update()
            losses.append(float(loss.data))
            loss = 0
            if len(losses) == len(OFFICIAL_FIRST_LOSSES):
                break
    assert array_allclose(losses, OFFICIAL_FIRST_LOSSES, rtol=1e-6, atol=0)
