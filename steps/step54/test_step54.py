"""Step 54: test_mode() and Config.train, and inverted dropout.

The statistical tests seed NumPy's global generator and draw 20,000 elements; their
tolerance is 5 standard errors, so a right dropout fails them with probability below 1e-6
(and, seeded, always gives the same result).
"""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import check_grad, to_array
from grader.strategies import arrays, floats_in

N = 20_000  # elements in the statistical tests
RATIOS = floats_in(0.05, 0.9)


def _dropout_seeded(dz, x, ratio, seed=0):
    """dropout(x, ratio) right after np.random.seed(seed): the same mask on every call."""
    np.random.seed(seed)
    return dz.functions.dropout(x, ratio)


@pytest.mark.grade(points=1, todo="step54.1")
def test_test_mode_switches_config_train(dz):
    """Config.train is True by default, False inside `with test_mode():` and True again after it."""
    assert dz.Config.train is True, f"Config.train is {dz.Config.train!r} outside test_mode()"
    with dz.test_mode():
        assert dz.Config.train is False, f"Config.train is {dz.Config.train!r} inside test_mode()"
    assert dz.Config.train is True, "Config.train was not restored after the with block"


@pytest.mark.grade(points=2, todo="step54.1")
def test_test_mode_restores_train_when_block_raises(dz):
    """An exception inside `with test_mode():` still leaves Config.train True afterwards."""
    with pytest.raises(ZeroDivisionError):
        with dz.test_mode():
            raise ZeroDivisionError("raised inside the block")
    assert dz.Config.train is True, "an exception in the block left Config.train False (use try/finally)"


@pytest.mark.grade(points=2, todo="step54.2")
@given(a=arrays(), ratio=RATIOS)
def test_dropout_is_identity_in_test_mode(dz, a, ratio):
    """In test mode dropout(x, ratio) returns x unchanged: no mask, no scaling."""
    with dz.test_mode():
        y = dz.functions.dropout(dz.Variable(a.copy()), ratio)
    np.testing.assert_array_equal(to_array(y), a, err_msg=f"dropout in test mode changed x (ratio {ratio})")


@pytest.mark.grade(points=2, todo="step54.2")
@given(ratio=RATIOS, c=floats_in(0.5, 3.0))
@example(ratio=0.5, c=1.0)
def test_dropout_keeps_expectation(dz, ratio, c):
    """Inverted dropout keeps the mean: mean(dropout(x)) is x within 5 standard errors (20,000 elements)."""
    y = to_array(_dropout_seeded(dz, np.full(N, c), ratio))
    tolerance = 5 * c * np.sqrt(ratio / (1 - ratio) / N)
    assert abs(y.mean() - c) <= tolerance, (
        f"ratio {ratio}: the mean of dropout(x) is {y.mean():.4f}, x is {c}; allowed ±{tolerance:.4f}. "
        "Are the kept elements divided by 1 - ratio?")


@pytest.mark.grade(points=2, todo="step54.2")
@given(ratio=RATIOS)
@example(ratio=0.5)
def test_dropout_zeroes_a_share_ratio_and_scales_the_rest(dz, ratio):
    """Each element becomes 0 or x / (1 - ratio), and the share of zeros is ratio within 5 standard errors."""
    x = np.linspace(1.0, 2.0, N)
    y = to_array(_dropout_seeded(dz, x.copy(), ratio))
    dropped = y == 0
    np.testing.assert_allclose(y[~dropped], x[~dropped] / (1 - ratio), rtol=1e-12,
                               err_msg="a kept element is not x / (1 - ratio)")
    tolerance = 5 * np.sqrt(ratio * (1 - ratio) / N)
    assert abs(dropped.mean() - ratio) <= tolerance, (
        f"ratio {ratio}: {dropped.mean():.4f} of the elements were dropped (allowed ±{tolerance:.4f})")


@pytest.mark.grade(points=2, todo="step54.2")
@given(seed=st.integers(0, 2**32 - 1), ratio=RATIOS)
def test_dropout_mask_comes_from_numpy_global_generator(dz, seed, ratio):
    """After np.random.seed(s) the mask is the book's, np.random.rand(*x.shape) > ratio, every time."""
    x = np.arange(1.0, 13.0).reshape(3, 4)
    y = to_array(_dropout_seeded(dz, x.copy(), ratio, seed))
    np.random.seed(seed)
    expected = x * (np.random.rand(*x.shape) > ratio) / (1 - ratio)
    np.testing.assert_allclose(y, expected, rtol=1e-12, err_msg=(
        f"seed {seed}, ratio {ratio}: draw the mask with xp.random.rand(*x.shape) and compare it with ratio"))


@pytest.mark.grade(points=2, todo="step54.2")
@given(a=arrays(), ratio=RATIOS)
def test_dropout_grad_matches_central_difference(dz, a, ratio):
    """Backprop through dropout (one fixed mask) agrees with central differences: gy * mask / (1 - ratio)."""
    check_grad(dz, lambda v: _dropout_seeded(dz, v, ratio), a, todo="step54.2")


@pytest.mark.grade(points=1, todo="step54.2")
def test_dropout_keeps_float32(dz):
    """dropout of float32 data stays float32, in training and in test mode."""
    x = np.ones((2, 3), dtype=np.float32)
    assert to_array(_dropout_seeded(dz, x, 0.3)).dtype == np.float32, "training mode made float64"
    with dz.test_mode():
        assert to_array(dz.functions.dropout(x, 0.3)).dtype == np.float32, "test mode made float64"


@pytest.mark.grade(points=1, todo="step54.2")
def test_demo_prints_book_lines(script, capsys):
    """The demo prints x, the seeded training line variable([2. 0. 2. 0. 0.]) and x again in test mode."""
    script.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["[1. 1. 1. 1. 1.]", "variable([2. 0. 2. 0. 0.])", "variable([1. 1. 1. 1. 1.])"]
