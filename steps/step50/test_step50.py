"""Step 50: DataLoader (mini-batches, shuffling, epochs), accuracy, and evaluation on a test split."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import to_array
from grader.strategies import arrays, shapes


def _numbered(dz, n):
    """A Dataset whose sample i is x = [i, i] (float32) with label i % 3."""

    class Numbered(dz.datasets.Dataset):
        def prepare(self):
            self.data = np.repeat(np.arange(n, dtype=np.float32)[:, None], 2, axis=1)
            self.label = np.arange(n) % 3

    return Numbered()


def _epoch(loader):
    """The sample numbers of one epoch, batch by batch."""
    return [x[:, 0].astype(int).tolist() for x, _ in loader]


@pytest.mark.grade(points=2, todo="step50.2")
def test_dataloader_gives_every_sample_once_per_epoch(dz):
    """An epoch has ceil(N / batch) batches (the last one short) holding each sample exactly once."""
    np.random.seed(0)
    batches = _epoch(dz.DataLoader(_numbered(dz, 10), 3))
    assert [len(b) for b in batches] == [3, 3, 3, 1], f"batch sizes {[len(b) for b in batches]}"
    assert sorted(sum(batches, [])) == list(range(10)), f"samples seen: {batches}"


@pytest.mark.grade(points=2, todo="step50.2")
def test_dataloader_spiral_batches(dz):
    """DataLoader(Spiral(), 128, shuffle=False) gives arrays x (128, 2) float32 and t, sizes 128, 128, 44."""
    loader = dz.DataLoader(dz.datasets.Spiral(), 128, shuffle=False)
    batches = list(loader)
    assert [len(x) for x, _ in batches] == [128, 128, 44], f"sizes {[len(x) for x, _ in batches]}"
    x, t = batches[0]
    assert isinstance(x, np.ndarray) and x.shape == (128, 2), f"x: {type(x).__name__} {np.shape(x)}"
    assert x.dtype == np.float32, f"x is {x.dtype}, the samples are float32"
    assert isinstance(t, np.ndarray) and t.shape == (128,), f"t: {type(t).__name__} {np.shape(t)}"
    np.testing.assert_array_equal(t, dz.datasets.get_spiral()[1][:128], err_msg="shuffle=False keeps order")


@pytest.mark.grade(points=2, todo="step50.1")
def test_dataloader_shuffles_anew_each_epoch(dz):
    """With shuffle, each epoch is a new permutation of the samples; without, the stored order."""
    np.random.seed(0)
    loader = dz.DataLoader(_numbered(dz, 50), 50)
    first, second = _epoch(loader)[0], _epoch(loader)[0]
    assert sorted(first) == sorted(second) == list(range(50)), "an epoch is a permutation of the samples"
    assert first != list(range(50)), "shuffle=True gave the stored order: permute the indices"
    assert first != second, "two epochs came in the same order: reshuffle when a new epoch starts"
    assert _epoch(dz.DataLoader(_numbered(dz, 50), 50, shuffle=False))[0] == list(range(50))


@pytest.mark.grade(points=2, todo="step50.2")
def test_dataloader_restarts_after_each_epoch(dz):
    """After StopIteration the loader starts over: a second for loop and next() see a full epoch."""
    loader = dz.DataLoader(_numbered(dz, 7), 3, shuffle=False)
    assert _epoch(loader) == [[0, 1, 2], [3, 4, 5], [6]]
    assert _epoch(loader) == [[0, 1, 2], [3, 4, 5], [6]], "the second epoch differs: reset at the end"
    x, _ = next(loader)
    assert x[:, 0].tolist() == [0, 1, 2], "next() after an epoch should start the next epoch"


@pytest.mark.grade(points=1, todo="step50.2")
def test_dataloader_rejects_bad_batch_size(dz):
    """batch_size 0 or negative is a ValueError that names batch_size."""
    for bad in (0, -3):
        with pytest.raises(ValueError, match="batch_size"):
            dz.DataLoader(_numbered(dz, 5), bad)


@pytest.mark.grade(points=1, todo="step50.3")
def test_accuracy_book_example(dz):
    """accuracy of the book's 3 predictions against t = [1, 2, 0] is variable(0.6666666666666666)."""
    y = np.array([[0.2, 0.8, 0], [0.1, 0.9, 0], [0.8, 0.1, 0.1]])
    acc = dz.functions.accuracy(y, np.array([1, 2, 0]))
    assert isinstance(acc, dz.Variable), f"accuracy returned {type(acc).__name__}, expected a Variable"
    assert float(to_array(acc)) == pytest.approx(2 / 3)


@pytest.mark.grade(points=2, todo="step50.3")
@given(y=arrays(shapes(min_dims=2, max_dims=2, max_side=5)))
@example(y=np.array([[0.0, 1.0], [3.0, -1.0]]))
def test_accuracy_is_share_of_right_argmax(dz, y):
    """accuracy(y, t) is the share of rows whose largest score is at the label (y as a Variable too)."""
    t = np.arange(len(y)) % y.shape[1]
    expected = float(np.mean(y.argmax(axis=1) == t))
    assert float(to_array(dz.functions.accuracy(dz.Variable(y.copy()), t.copy()))) == pytest.approx(expected)
    assert float(to_array(dz.functions.accuracy(y.copy(), dz.Variable(t.copy())))) == pytest.approx(expected)


class _NoGradSpy:
    """Wraps a model and records whether each output it made carries a graph."""

    def __init__(self, model):
        self.model, self.graphs = model, []

    def __call__(self, x):
        y = self.model(x)
        self.graphs.append(y.creator is not None)
        return y


@pytest.mark.grade(points=2, todo="step50.4")
def test_evaluate_gives_mean_loss_and_accuracy(dz, script):
    """evaluate(model, loader) gives the mean loss and accuracy over all samples, with no graph built."""
    np.random.seed(0)
    model = dz.models.MLP((10, 3))
    test_set = dz.datasets.Spiral(train=False)
    x, t = test_set.data.copy(), test_set.label.copy()
    with dz.no_grad():  # before evaluate runs, on copies: evaluate cannot move what is expected
        y = model(x)
        expected_loss = float(to_array(dz.functions.softmax_cross_entropy(y, t)))
    expected_acc = float(np.mean(to_array(y).argmax(axis=1) == t))
    spy = _NoGradSpy(model)
    loss, acc = script.evaluate(spy, dz.DataLoader(test_set, 128, shuffle=False))
    assert (loss, acc) == (pytest.approx(expected_loss, rel=1e-5), pytest.approx(expected_acc)), (
        f"evaluate gave ({loss}, {acc}), the whole test split gives ({expected_loss}, {expected_acc})")
    assert spy.graphs == [False] * 3, f"graphs built per batch: {spy.graphs}; evaluate under no_grad"
