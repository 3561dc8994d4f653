"""Step 42: linear regression: predict, the mean squared error and the gradient-descent loop."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import check_grad, to_array
from grader.strategies import arrays, floats_in, shapes

# Lines 1, 2, 10, 50 and 100 of the book's output: W and b after that update, and the loss before it.
BOOK_LINES = {
    1: (0.64433458, 1.29473389, 42.296340129442335),
    2: (1.12672345, 2.26959351, 23.97380754378544),
    10: (2.39573972, 4.9467725, 0.3585915308319281),
    50: (2.29308646, 5.37739285, 0.08723906096725743),
    100: (2.11807369, 5.46608905, 0.07908606512411756),
}


def _linear_cases():
    """(x, W, b) with x of shape (N, I), W (I, O) and b (O,); sides 1..4."""
    return shapes(3, 3).flatmap(lambda s: st.tuples(
        arrays((s[0], s[1])), arrays((s[1], s[2])), arrays((s[2],))))


def _row_pairs():
    """Two arrays of one shape with at least one axis (rows are the first axis)."""
    return shapes(1, 2).flatmap(lambda s: st.tuples(arrays(s), arrays(s)))


def _variables(dz, *arrays_):
    return [dz.Variable(np.array(a, dtype=np.float64)) for a in arrays_]


@pytest.mark.grade(points=2, todo="step42.1")
@given(case=_linear_cases())
@example(case=(np.array([[0.5], [1.0]]), np.array([[2.0]]), np.array([5.0])))
def test_predict_matches_formula(dz, script, case):
    """predict(x, W, b) is x W + b: (N, I) times (I, O), plus b of shape (O,) on every row."""
    x, W, b = case
    y = script.predict(*_variables(dz, x, W, b))
    got = to_array(y)
    assert got.shape == (x.shape[0], W.shape[1]), f"predict gave shape {got.shape}, expected (N, O)"
    np.testing.assert_allclose(got, x @ W + b, rtol=1e-12, atol=1e-12)


@pytest.mark.grade(points=2, todo="step42.1")
@given(case=_linear_cases())
@example(case=(np.array([[0.5], [1.0]]), np.array([[2.0]]), np.array([5.0])))
def test_predict_grad_matches_central_difference(dz, script, case):
    """Backprop through predict gives x, W and b grads that agree with central differences."""
    check_grad(dz, script.predict, *case, todo="step42.1")


@pytest.mark.grade(points=2, todo="step42.2")
@given(pair=_row_pairs())
@example(pair=(np.array([[1.0], [2.0]]), np.array([[0.0], [0.0]])))
def test_mean_squared_error_matches_formula(dz, script, pair):
    """mean_squared_error(x0, x1) is sum((x0 - x1) ** 2) / N, N the number of rows."""
    x0, x1 = pair
    got = float(to_array(script.mean_squared_error(*_variables(dz, x0, x1))))
    expected = np.sum((x0 - x1) ** 2) / len(x0)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), (
        f"for shapes {x0.shape}: got {got}, expected {expected} (sum of squares over N = {len(x0)})")


@pytest.mark.grade(points=2, todo="step42.2")
@given(pair=_row_pairs())
def test_mean_squared_error_grad_matches_central_difference(dz, script, pair):
    """Backprop through mean_squared_error agrees with central differences for both inputs."""
    check_grad(dz, script.mean_squared_error, *pair, todo="step42.2")


@pytest.mark.grade(points=3, todo="step42.3")
def test_fit_reproduces_book_lines(dz, script):
    """On the book's data (seed 0), lr 0.1: W, b and the loss of lines 1, 2, 10, 50 and 100."""
    x, y = script.make_data(seed=0)
    for line, (w_book, b_book, loss_book) in BOOK_LINES.items():
        W, b, losses = script.fit(x, y, lr=0.1, iters=line)
        assert len(losses) == line, f"fit(iters={line}) returned {len(losses)} losses"
        assert losses[-1] == pytest.approx(loss_book, rel=1e-9), f"line {line}: loss before the update"
        got = float(to_array(W).ravel()[0]), float(to_array(b).ravel()[0])
        assert got == pytest.approx((w_book, b_book), abs=1e-8), (
            f"line {line}: W, b = {got} after {line} updates, the book prints {(w_book, b_book)}")


@pytest.mark.grade(points=2, todo="step42.3")
@given(x=arrays((20, 1), 0.0, 1.0), w=floats_in(), c=floats_in())
@example(x=np.linspace(0, 1, 20).reshape(20, 1), w=2.0, c=5.0)
def test_fit_never_raises_the_loss(dz, script, x, w, c):
    """On points of any line y = c + w x (x in [0, 1]), lr 0.1: no update raises the loss."""
    _, _, losses = script.fit(dz.Variable(x), dz.Variable(c + w * x), lr=0.1, iters=20)
    for i in range(1, len(losses)):
        assert losses[i] <= losses[i - 1] * (1 + 1e-9) + 1e-12, (
            f"the loss went up after update {i}: {losses[i - 1]} -> {losses[i]}")
    assert losses[-1] < losses[0] or losses[0] < 1e-12, "20 updates did not lower the loss at all"
