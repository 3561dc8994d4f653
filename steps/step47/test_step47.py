"""Step 47: get_item, softmax and softmax cross entropy, with their grads."""

from copy import deepcopy

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, to_array
from grader.strategies import arrays, shapes

# Index kinds of the book: an int, a column, repeated rows, a pair of index arrays, a slice.
INDICES = [1, (slice(None), 2), np.array([0, 0, 2]), (np.array([0, 2, 0]), np.array([1, 1, 1])),
           (slice(1, None), [0, 0])]
LOGITS = shapes(min_dims=2, max_dims=2, max_side=4)


def _labels(x):
    """Deterministic labels in range for a batch of logits x (N, C): 1, 3, 5, ... modulo C."""
    return (2 * np.arange(x.shape[0]) + 1) % x.shape[1]


def _softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _cross_entropy(x, t):
    """Mean over rows of -log softmax(x)[row, t[row]], computed stably in float64."""
    m = x.max(axis=1, keepdims=True)
    log_p = x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(t)), t].mean()


@pytest.mark.grade(points=1, todo="step47.1")
@given(x=arrays((3, 4)))
def test_get_item_selects_like_numpy(dz, x):
    """get_item(x, index) and x[index] hold what numpy indexing gives, for the book's index kinds."""
    for index in INDICES:
        y = dz.functions.get_item(dz.Variable(x.copy()), deepcopy(index))  # x[index] may be a view
        np.testing.assert_array_equal(to_array(y), x[index], err_msg=f"index {index!r}")
        got = dz.Variable(x.copy())[deepcopy(index)]
        np.testing.assert_array_equal(to_array(got), x[index], err_msg=f"x[{index!r}]")


@pytest.mark.grade(points=2, todo="step47.1")
def test_get_item_repeated_indices_accumulate(dz):
    """x[[0, 0, 1]] sends gy back twice to row 0: the grads of repeated indices add up."""
    x = dz.Variable(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    y = x[np.array([0, 0, 1])]
    y.backward()
    got = to_array(x.grad)
    np.testing.assert_array_equal(got, [[2.0, 2.0], [1.0, 1.0], [0.0, 0.0]], err_msg=(
        "row 0 was picked twice, so its grad is 2: assigning gx[slices] = gy keeps only one copy"))


@pytest.mark.grade(points=2, todo="step47.1")
@given(x=arrays((3, 4)))
def test_get_item_grad_matches_central_difference(dz, x):
    """Backprop through get_item agrees with central differences, for every index kind."""
    for index in INDICES:
        check_grad(dz, lambda v, index=index: dz.functions.get_item(v, deepcopy(index)), x, todo="step47.1")


@pytest.mark.grade(points=1, todo="step47.2")
@given(x=arrays(LOGITS))
def test_softmax_simple_matches_numpy(dz, x):
    """softmax_simple(x) is exp(x) / sum(exp(x)) along axis 1, and its grad passes the check."""
    y = dz.functions.softmax_simple(dz.Variable(x.copy()))
    np.testing.assert_allclose(to_array(y), _softmax(x), rtol=1e-10, atol=1e-12)
    check_grad(dz, dz.functions.softmax_simple, x, todo="step47.2")


@pytest.mark.grade(points=2, todo="step47.3")
@given(x=arrays(LOGITS, -1000, 1000))
@example(x=np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -999.0]]))
def test_softmax_rows_sum_to_one_even_at_1000(dz, x):
    """softmax(x) is finite, in [0, 1], each row sums to 1 and matches numpy, even for logits of ±1000."""
    with np.errstate(over="raise", invalid="raise"):
        got = to_array(dz.functions.softmax(dz.Variable(x.copy())))
    assert np.all(np.isfinite(got)), "softmax overflowed: subtract each row's max before exp"
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=1e-12, err_msg="rows do not sum to 1")
    np.testing.assert_allclose(got, _softmax(x), rtol=1e-10, atol=1e-300)


@pytest.mark.grade(points=1, todo="step47.3")
def test_softmax_keeps_float32(dz):
    """softmax of float32 logits is float32, with the axis given (axis=0 here)."""
    x = np.array([[0.5, -1.0], [2.0, 0.0], [1.0, 1.0]], dtype=np.float32)
    y = dz.functions.softmax(dz.Variable(x.copy()), axis=0)
    assert to_array(y).dtype == np.float32, f"dtype is {to_array(y).dtype}, expected float32"
    np.testing.assert_allclose(to_array(y), _softmax(x.T.astype(np.float64)).T, rtol=1e-6)


@pytest.mark.grade(points=2, todo="step47.4")
@given(x=arrays(LOGITS))
def test_softmax_grad_matches_central_difference(dz, x):
    """Backprop through softmax (axis 1 and axis 0) agrees with central differences."""
    check_grad(dz, dz.functions.softmax, x, todo="step47.4")
    check_grad(dz, lambda v: dz.functions.softmax(v, axis=0), x, todo="step47.4")


@pytest.mark.grade(points=2, todo="step47.5")
@given(x=arrays(LOGITS))
def test_softmax_cross_entropy_simple_matches_formula(dz, x):
    """softmax_cross_entropy_simple is the mean of -log softmax(x)[t], and its grad passes the check."""
    t = _labels(x)
    got = float(to_array(dz.functions.softmax_cross_entropy_simple(dz.Variable(x.copy()), t.copy())))
    assert got == pytest.approx(_cross_entropy(x, t), rel=1e-9, abs=1e-12)
    check_grad(dz, lambda v: dz.functions.softmax_cross_entropy_simple(v, t.copy()), x, todo="step47.5")


@pytest.mark.grade(points=2, todo="step47.6")
@given(x=arrays(LOGITS))
@example(x=np.array([[0.2, -0.4, 1.0], [2.0, 0.0, -1.0]]))
def test_softmax_cross_entropy_matches_formula(dz, x):
    """softmax_cross_entropy(x, t) is the mean over rows of -log softmax(x)[row, t[row]]."""
    t = _labels(x)
    y = dz.functions.softmax_cross_entropy(dz.Variable(x.copy()), t.copy())
    assert to_array(y).shape == (), f"the loss has shape {to_array(y).shape}, expected a scalar ()"
    assert float(to_array(y)) == pytest.approx(_cross_entropy(x, t), rel=1e-9, abs=1e-12)


@pytest.mark.grade(points=2, todo="step47.6")
def test_softmax_cross_entropy_is_stable_at_1000(dz):
    """With logits of ±1000 the loss is finite and exact (2000 for a row whose label scores -1000)."""
    x = np.array([[1000.0, -1000.0], [1000.0, -1000.0]])
    t = np.array([0, 1])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = dz.functions.softmax_cross_entropy(dz.Variable(x), t)
    got = float(to_array(y))
    assert got == pytest.approx(1000.0, rel=1e-12), (
        f"loss is {got}, expected (0 + 2000) / 2 = 1000: use log-sum-exp with the max taken out")


@pytest.mark.grade(points=2, todo="step47.7")
@given(x=arrays(LOGITS))
def test_softmax_cross_entropy_grad_matches_central_difference(dz, x):
    """Backprop through softmax_cross_entropy agrees with central differences (labels get no grad)."""
    t = _labels(x)
    check_grad(dz, lambda v: dz.functions.softmax_cross_entropy(v, t.copy()), x, todo="step47.7")


@pytest.mark.grade(points=1, todo="step47.6")
def test_softmax_cross_entropy_rejects_bad_labels(dz):
    """A label out of range or a float label raises an error that names the bad label."""
    x = dz.Variable(np.zeros((2, 3)))
    for bad, shown in [(np.array([0, 3]), "3"), (np.array([-1, 0]), "-1"), (np.array([0.0, 2.5]), "2.5")]:
        for f in (dz.functions.softmax_cross_entropy, dz.functions.softmax_cross_entropy_simple):
            with pytest.raises((ValueError, TypeError)) as info:
                f(x, bad.copy())
            assert shown in str(info.value), f"the error for labels {bad} does not name {shown}: {info.value}"


@pytest.mark.grade(points=2, todo="step47.6")
def test_book_example_loss(dz, script):
    """With seed 0, the book's 2-10-3 MLP gives p[0] = [0.2107 0.2540 0.5353] and loss 1.49674425."""
    np.random.seed(0)
    model = dz.models.MLP((10, 3))
    p = to_array(script.softmax1d(model(dz.Variable(np.array([[0.2, -0.4]])))))
    np.testing.assert_allclose(p, [[0.21068639, 0.25404893, 0.53526468]], atol=2e-8)
    x = np.array([[0.2, -0.4], [0.3, 0.5], [1.3, -3.2], [2.1, 0.3]])
    loss = dz.functions.softmax_cross_entropy(model(x), np.array([2, 0, 1, 0]))
    assert float(to_array(loss)) == pytest.approx(1.49674425, rel=1e-7)
