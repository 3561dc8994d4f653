"""Step 49: the Dataset class (samples by index, transforms on the way out) and Spiral."""

import numpy as np
import pytest

FIRST_TRAIN = (-0.1398138850927353, 1)


def _toy(dz, with_labels=True, **kwargs):
    """A Dataset subclass of 5 samples (x = [i, -i], t = i % 2), made through prepare()."""

    class Toy(dz.datasets.Dataset):
        def prepare(self):
            self.data = np.array([[i, -i] for i in range(5)], dtype=np.float32)
            self.label = np.arange(5) % 2 if with_labels else None

    return Toy(**kwargs)


@pytest.mark.grade(points=2, todo="step49.1")
def test_dataset_getitem_returns_sample_and_label(dz):
    """dataset[i] is the pair (data[i], label[i]), and len(dataset) is the number of samples."""
    ds = _toy(dz)
    assert len(ds) == 5, f"len is {len(ds)}, expected 5"
    x, t = ds[3]
    np.testing.assert_array_equal(x, [3.0, -3.0])
    assert t == 1, f"label of sample 3 is {t!r}, expected 1"


@pytest.mark.grade(points=2, todo="step49.1")
def test_dataset_applies_transforms(dz):
    """transform is applied to x and target_transform to t, each time a sample is read."""
    ds = _toy(dz, transform=lambda x: x * 10, target_transform=lambda t: t + 100)
    x, t = ds[2]
    np.testing.assert_array_equal(x, [20.0, -20.0], err_msg="transform was not applied to x")
    assert t == 100, f"target_transform was not applied: label is {t!r}, expected 0 + 100"
    np.testing.assert_array_equal(ds.data[2], [2.0, -2.0], err_msg="the stored data must not change")


@pytest.mark.grade(points=1, todo="step49.1")
def test_dataset_without_labels_gives_none(dz):
    """A data set with no labels (label None) gives (x, None), with x transformed."""
    x, t = _toy(dz, with_labels=False, transform=lambda x: -x)[4]
    np.testing.assert_array_equal(x, [-4.0, 4.0])
    assert t is None, f"label is {t!r}, expected None"


@pytest.mark.grade(points=2, todo="step49.2")
def test_spiral_holds_the_books_data(dz):
    """Spiral(train) holds get_spiral(train): 300 samples, the book's first sample, test split differs."""
    train, test = dz.datasets.Spiral(train=True), dz.datasets.Spiral(train=False)
    assert len(train) == len(test) == 300, f"lengths {len(train)}, {len(test)}"
    x, t = train[0]
    assert x.shape == (2,) and (float(x[0]), int(t)) == (pytest.approx(FIRST_TRAIN[0]), FIRST_TRAIN[1])
    expected = dz.datasets.get_spiral(train=False)[0]
    np.testing.assert_array_equal(test.data, expected, err_msg="Spiral(train=False) is not the test split")


@pytest.mark.grade(points=2, todo="step49.3")
def test_get_batch_stacks_samples(dz, script):
    """get_batch(dataset, index) stacks the samples at index: x (n, 2) float32 and t (n,)."""
    ds = _toy(dz, transform=lambda x: x + 0.5)
    x, t = script.get_batch(ds, np.array([4, 0, 4]))
    assert isinstance(x, np.ndarray) and x.shape == (3, 2), f"x is {type(x).__name__} {np.shape(x)}"
    assert x.dtype == np.float32, f"x is {x.dtype}: stack the samples as they are (float32)"
    np.testing.assert_array_equal(x, [[4.5, -3.5], [0.5, 0.5], [4.5, -3.5]])
    np.testing.assert_array_equal(t, [0, 0, 0])


@pytest.mark.grade(points=1, todo="step49.3")
def test_training_on_the_spiral_dataset_learns(dz, script):
    """60 epochs on Spiral with get_batch lower the loss from above 0.9 to below 0.75."""
    np.random.seed(0)
    model = dz.models.MLP((10, 3))
    optimizer = dz.optimizers.SGD(1.0).setup(model)
    train_set = dz.datasets.Spiral()
    losses = [script.train_epoch(model, optimizer, train_set, 30) for _ in range(60)]
    assert losses[0] > 0.9 and losses[-1] < 0.75, f"losses went from {losses[0]:.3f} to {losses[-1]:.3f}"
