"""Step 48: the book's spiral data, from a generator of its own, and mini-batch training."""

import math

import numpy as np
import pytest

from grader.checks import to_array

FIRST_TRAIN = (-0.1398138850927353, 1)  # x[0, 0] and t[0] of the book's training data
FIRST_TEST = (0.13246452808380127, 0)


class _SpyModel:
    """A linear model that records every mini-batch it is called with."""

    def __init__(self, dz, W):
        self.dz, self.W, self.batches, self.clears = dz, dz.Variable(W), [], 0

    def __call__(self, x):
        self.batches.append(np.array(x))
        return self.dz.functions.matmul(self.dz.Variable(np.asarray(x, dtype=np.float64)), self.W)

    def cleargrads(self):
        self.clears += 1
        self.W.cleargrad()


class _CountingOptimizer:
    def __init__(self):
        self.updates = 0

    def update(self):
        self.updates += 1


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 2)).astype(np.float32), rng.integers(0, 3, n)


def _cross_entropy(x, t):
    m = x.max(axis=1, keepdims=True)
    log_p = x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(t)), t].mean()


@pytest.mark.grade(points=2, todo="step48.2")
def test_get_spiral_is_the_books_data(dz):
    """get_spiral gives the book's 300 points: float32 (300, 2), int labels, 100 per class, first samples."""
    x, t = dz.datasets.get_spiral(train=True)
    assert x.shape == (300, 2) and x.dtype == np.float32, f"x is {x.dtype} {x.shape}, not float32 (300, 2)"
    assert t.shape == (300,) and t.dtype.kind == "i", f"t is {t.dtype} {t.shape}, expected ints (300,)"
    assert np.bincount(t).tolist() == [100, 100, 100], f"class counts {np.bincount(t).tolist()}"
    assert np.all(np.hypot(x[:, 0], x[:, 1]) < 1.0), "every point has radius i / 100 < 1"
    assert (float(x[0, 0]), int(t[0])) == (pytest.approx(FIRST_TRAIN[0], abs=1e-7), FIRST_TRAIN[1]), (
        f"first training sample is ({x[0, 0]}, class {t[0]}), the book's is {FIRST_TRAIN}")


@pytest.mark.grade(points=1, todo="step48.3")
def test_get_spiral_is_shuffled_like_the_book(dz):
    """The samples come shuffled (not class by class) and the test split's first sample is the book's."""
    _, t = dz.datasets.get_spiral(train=True)
    assert len(set(t[:30].tolist())) == 3, f"the first 30 labels are {t[:30].tolist()}: shuffle the samples"
    x, t = dz.datasets.get_spiral(train=False)
    assert (float(x[0, 0]), int(t[0])) == (pytest.approx(FIRST_TEST[0], abs=1e-7), FIRST_TEST[1]), (
        f"first test sample is ({x[0, 0]}, class {t[0]}), the book's is {FIRST_TEST}")


@pytest.mark.grade(points=2, todo="step48.1")
def test_get_spiral_leaves_the_global_generator_alone(dz):
    """Calling get_spiral does not reseed or advance np.random's global generator."""
    np.random.seed(123)
    expected = np.random.rand(3)
    np.random.seed(123)
    dz.datasets.get_spiral(train=True)
    dz.datasets.get_spiral(train=False)
    got = np.random.rand(3)
    np.testing.assert_array_equal(got, expected, err_msg=(
        "np.random's state changed: draw from a RandomState of your own, not from np.random"))


@pytest.mark.grade(points=1, todo="step48.1")
def test_get_spiral_is_the_same_every_call(dz):
    """Two calls give identical data, whatever the global generator did in between."""
    x1, t1 = dz.datasets.get_spiral(train=True)
    np.random.seed(7)
    np.random.rand(11)
    x2, t2 = dz.datasets.get_spiral(train=True)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(t1, t2)


@pytest.mark.grade(points=2, todo="step48.4")
@pytest.mark.parametrize("batch_size", [30, 128])
def test_train_epoch_visits_every_sample_once(dz, script, batch_size):
    """An epoch trains on ceil(N / batch) mini-batches that hold each sample exactly once."""
    x, t = _data()
    model, optimizer = _SpyModel(dz, np.zeros((2, 3))), _CountingOptimizer()
    np.random.seed(0)
    script.train_epoch(model, optimizer, x.copy(), t.copy(), batch_size)  # x stays in stored order
    sizes = [len(b) for b in model.batches]
    n = math.ceil(300 / batch_size)
    assert sizes == [batch_size] * (n - 1) + [300 - batch_size * (n - 1)], f"mini-batch sizes {sizes}"
    seen = np.concatenate(model.batches)
    assert sorted(map(tuple, seen)) == sorted(map(tuple, x)), "the mini-batches do not hold each sample once"
    assert not np.array_equal(seen, x), "the samples came in their stored order: shuffle them every epoch"
    assert (optimizer.updates, model.clears) == (n, n), (
        f"{optimizer.updates} updates and {model.clears} cleargrads for {n} mini-batches")


@pytest.mark.grade(points=2, todo="step48.4")
def test_train_epoch_returns_the_mean_loss_per_sample(dz, script):
    """The returned loss is the mean over all samples: a short last batch counts by its size."""
    x, t = _data()
    W = np.array([[1.0, -2.0, 0.5], [0.3, 0.8, -1.0]])
    model, optimizer = _SpyModel(dz, W.copy()), _CountingOptimizer()  # the optimizer leaves W alone
    np.random.seed(0)
    got = script.train_epoch(model, optimizer, x.copy(), t.copy(), 128)
    expected = _cross_entropy(x.astype(np.float64) @ W, t)
    assert got == pytest.approx(expected, rel=1e-9), (
        f"train_epoch returned {got}, the mean loss per sample is {expected}")
    assert model.W.grad is not None, "no grad reached the model: call loss.backward()"


@pytest.mark.grade(points=2, todo="step48.4")
def test_training_on_spiral_learns(dz, script):
    """100 epochs of SGD(lr=1.0) on the spiral bring the loss below 0.5 and train accuracy above 80%."""
    np.random.seed(0)
    x, t = dz.datasets.get_spiral(train=True)
    model = dz.models.MLP((10, 3))
    optimizer = dz.optimizers.SGD(1.0).setup(model)
    losses = [script.train_epoch(model, optimizer, x, t, 30) for _ in range(100)]
    assert losses[-1] < 0.5 < losses[0], f"losses went from {losses[0]:.3f} to {losses[-1]:.3f}"
    accuracy = float((to_array(model(x)).argmax(axis=1) == t).mean())
    assert accuracy > 0.8, f"train accuracy is {accuracy:.2f} after 100 epochs"
