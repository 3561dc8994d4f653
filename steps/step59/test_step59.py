"""Step 59: unchain / unchain_backward, the RNN layer, the seeded SinCurve and truncated BPTT.

"The graph stays flat" is checked by counting the functions a variable's graph holds
(grader.checks.functions_of) across a long truncated-BPTT run: without the cut, the count
grows with every step; with it, it is the same after every truncation.
"""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import assert_array_close, check_grad, functions_of, to_array
from grader.strategies import chain_lengths


def _rnn64(dz, hidden, in_size):
    """A seeded RNN(hidden, in_size) whose weights are float64 (for exact comparisons)."""
    np.random.seed(0)
    rnn = dz.layers.RNN(hidden, in_size=in_size)
    for p in rnn.params():
        p.data = p.data.astype(np.float64)
    return rnn


def _by_hand(rnn, xs):
    """h_t = tanh(x_t Wx + b + h_(t-1) Wh), h_0 absent, with numpy and the layer's own weights."""
    Wx, b, Wh = rnn.x2h.W.data, rnn.x2h.b.data, rnn.h2h.W.data
    h, hs = None, []
    for x in xs:
        h = np.tanh(x @ Wx + b + (0 if h is None else h @ Wh))
        hs.append(h)
    return hs


def _truncated_run(dz, steps, every):
    """RNN over `steps` inputs, cut every `every` steps; the graph size of rnn.h before each cut."""
    rnn, sizes = _rnn64(dz, 4, 1), []
    loss = 0
    for k in range(1, steps + 1):
        h = rnn(np.array([[np.sin(k / 10)]]))
        loss += dz.functions.sum(h * h)
        if k % every == 0:
            sizes.append(len(functions_of(rnn.h)))
            loss.backward()
            loss.unchain_backward()
    return sizes


@pytest.mark.grade(points=2, todo="step59.1")
def test_unchain_forgets_the_creator(dz):
    """y.unchain() sets y.creator to None: backward from y then reaches nothing upstream."""
    x = dz.Variable(np.array(3.0))
    y = x * 2
    y.unchain()
    assert y.creator is None, "after y.unchain(), y.creator should be None"
    y.backward()
    assert x.grad is None, "x got a grad through a cut graph"


@pytest.mark.grade(points=3, todo="step59.2")
@given(n=chain_lengths(6))
@example(n=3)
def test_unchain_backward_cuts_every_creator_upstream(dz, n):
    """y.unchain_backward() leaves y.creator but cuts every variable before it, so x gets no grad."""
    x = dz.Variable(np.array([1.0, 2.0]))
    made, v = [], x
    for k in range(n):
        v = dz.functions.sin(v) + v * k
        made.append(v)
    y = dz.functions.sum(v)
    y.unchain_backward()
    assert y.creator is not None, "unchain_backward cuts the graph behind y, not y's own creator"
    cut = [k for k, m in enumerate(made) if m.creator is not None]
    assert not cut, f"the variables made by step(s) {cut} still have a creator"
    y.backward()
    assert x.grad is None, "x got a grad through a cut graph"


@pytest.mark.grade(points=3, todo="step59.2")
def test_truncated_bptt_graph_stays_flat(dz):
    """Over 300 RNN steps cut every 10, the graph before each cut is as small as the first one."""
    sizes = _truncated_run(dz, 300, 10)
    assert sizes[0] > 10, f"the first 10 steps built only {sizes[0]} functions"
    assert max(sizes) == sizes[1], (
        f"the graph behind rnn.h grew from {sizes[1]} to {max(sizes)} functions: does unchain_backward "
        "cut every creator upstream?")


@pytest.mark.grade(points=3, todo="step59.4")
@given(hidden=st.integers(1, 5), in_size=st.integers(1, 5), steps=st.integers(1, 4))
@example(hidden=4, in_size=1, steps=3)
@example(hidden=2, in_size=3, steps=2)
def test_rnn_matches_recurrence_when_sizes_differ(dz, hidden, in_size, steps):
    """RNN(hidden, in_size) follows h = tanh(x Wx + b + h Wh) for several steps, in_size != hidden too."""
    rnn = _rnn64(dz, hidden, in_size)
    xs = [np.cos(np.arange(2 * in_size).reshape(2, in_size) + t) for t in range(steps)]
    got = [to_array(rnn(x.copy())).copy() for x in xs]  # xs stay as they were for _by_hand
    assert rnn.h2h.W.shape == (hidden, hidden), f"h2h.W has shape {rnn.h2h.W.shape}: it maps h to h"
    for t, (g, e) in enumerate(zip(got, _by_hand(rnn, xs), strict=True)):
        assert_array_close(g, e, f"h after step {t + 1}")


@pytest.mark.grade(points=2, todo="step59.4")
def test_rnn_lazy_in_size(dz):
    """RNN(hidden) without in_size takes it from the first input, and keeps working after it."""
    np.random.seed(0)
    rnn = dz.layers.RNN(3)
    for _ in range(3):
        h = rnn(np.ones((2, 5), np.float32))
    assert h.shape == (2, 3), f"h has shape {h.shape}, expected (2, 3)"
    assert rnn.x2h.W.shape == (5, 3) and rnn.h2h.W.shape == (3, 3), "x2h.W (5, 3) and h2h.W (3, 3)"


@pytest.mark.grade(points=2, todo="step59.5")
def test_rnn_reset_state_starts_over(dz):
    """After reset_state() the RNN forgets h: the same first input gives the same first output."""
    rnn = _rnn64(dz, 3, 2)
    x0, x1 = np.array([[0.5, -1.0]]), np.array([[1.0, 2.0]])
    first = to_array(rnn(x0.copy())).copy()
    second = to_array(rnn(x1.copy())).copy()
    alone = np.tanh(x1 @ rnn.x2h.W.data + rnn.x2h.b.data)
    assert not np.allclose(second, alone), "the second step ignores h: add h2h(h) inside the tanh"
    rnn.reset_state()
    assert rnn.h is None, "reset_state() should set h to None"
    assert_array_close(rnn(x0.copy()), first, "the first output after reset_state()")


@pytest.mark.grade(points=2, todo="step59.5")
def test_rnn_grads_through_time_match_central_difference(dz):
    """Backprop through three RNN steps gives every input's grad, as central differences do."""
    rnn = _rnn64(dz, 3, 2)

    def run(x0, x1, x2):
        rnn.reset_state()
        rnn(x0)
        rnn(x1)
        return rnn(x2)

    xs = [np.sin(np.arange(4.0).reshape(2, 2) + t) for t in range(3)]
    check_grad(dz, run, *xs, todo="step59.5")


@pytest.mark.grade(points=2, todo="step59.3")
def test_sin_curve_shapes_and_pairs(dz):
    """SinCurve has 999 pairs (1,) float64: t[i] is x[i + 1], a noisy sin (train) or the clean cos (test)."""
    grid = np.linspace(0, 2 * np.pi, 1000)
    for train, f in ((True, np.sin), (False, np.cos)):
        data = dz.datasets.SinCurve(train=train)
        assert len(data) == 999, f"len(SinCurve(train={train})) is {len(data)}, expected 999"
        x, t = data[0]
        assert x.shape == (1,) and t.shape == (1,) and x.dtype == np.float64, f"data[0] is {x!r}, {t!r}"
        assert_array_close(data.data[1:], data.label[:-1], "x[i + 1] against t[i]")
        noise = np.abs(data.data[:, 0] - f(grid[:-1])).max()
        if train:
            assert 0.01 < noise <= 0.05, f"the training sin strays {noise:.3f}: add uniform noise in [-0.05, 0.05]"
        else:
            assert noise < 1e-12, f"the test cos strays {noise:.3g} from cos: the test split has no noise"


@pytest.mark.grade(points=2, todo="step59.3")
def test_sin_curve_is_seeded(dz):
    """SinCurve() gives the same series every time, without touching NumPy's global generator."""
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    a, b = dz.datasets.SinCurve(), dz.datasets.SinCurve()
    assert np.array_equal(a.data, b.data), "two SinCurve() differ: draw the noise from a seeded generator"
    assert np.array_equal(np.random.get_state()[1], state), "SinCurve changed NumPy's global generator"


@pytest.mark.grade(points=3, todo="step59.6")
def test_training_loss_falls(dz, script):
    """Three epochs of truncated BPTT on SinCurve bring the mean loss below a third of the first."""
    np.random.seed(0)
    model = script.SimpleRNN(20, 1)
    optimizer = dz.optimizers.Adam(alpha=0.005).setup(model)
    losses = script.train(model, optimizer, dz.datasets.SinCurve(), max_epoch=3, bptt_length=30)
    assert len(losses) == 3, f"train returned {len(losses)} losses for 3 epochs"
    assert losses[-1] < losses[0] / 3, f"the epoch losses went {losses}: expected a clear fall"
    assert model.rnn.h.creator is None, "after training rnn.h still has a graph behind it: cut at the end too"
