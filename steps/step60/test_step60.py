"""Step 60: SeqDataLoader (parallel offsets into one series) and the LSTM layer.

The LSTM is checked against its gate equations written out in numpy, and its grads through
time against central differences, with float64 weights on small sizes.
"""

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import assert_array_close, check_grad, to_array

GATES = (("f", "sigmoid"), ("i", "sigmoid"), ("o", "sigmoid"), ("u", "tanh"))


def _series(n):
    """A stand-in data set: sample i is (x, t) = ([i], [i + 1]), so a batch shows its indexes."""
    return [(np.array([float(i)]), np.array([float(i + 1)])) for i in range(n)]


def _lstm64(dz, hidden, in_size):
    """A seeded LSTM(hidden, in_size), its weights made float64 (for exact comparisons)."""
    np.random.seed(0)
    lstm = dz.layers.LSTM(hidden, in_size=in_size)
    for p in lstm.params():
        p.data = p.data.astype(np.float64)
    return lstm


def _by_hand(lstm, xs):
    """Each gate g = act(x Wxg + bg + h Whg) (no h term at the first step); c = f c + i u; h = o tanh(c)."""
    act = {"sigmoid": lambda a: 1 / (1 + np.exp(-a)), "tanh": np.tanh}
    h = c = None
    hs = []
    for x in xs:
        g = {}
        for name, kind in GATES:
            x2, h2 = getattr(lstm, "x2" + name), getattr(lstm, "h2" + name)
            g[name] = act[kind](x @ x2.W.data + x2.b.data + (0 if h is None else h @ h2.W.data))
        c = g["i"] * g["u"] if c is None else g["f"] * c + g["i"] * g["u"]
        h = g["o"] * np.tanh(c)
        hs.append(h)
    return hs


@pytest.mark.grade(points=2, todo="step60.1")
def test_seq_loader_on_sin_curve_book_counts(dz):
    """SeqDataLoader(SinCurve(), 3) gives 333 batches (3, 1): rows start at 0, 333 and 666."""
    data = dz.datasets.SinCurve()
    xs, ts = data.data.copy(), data.label.copy()  # before the loader reads the data set
    batches = list(dz.SeqDataLoader(data, batch_size=3))
    assert len(batches) == 333, f"one epoch gave {len(batches)} batches, expected 333"
    x, t = batches[5]
    assert x.shape == (3, 1) and t.shape == (3, 1), f"a batch is {x.shape}, {t.shape}; expected (3, 1) each"
    assert_array_close(x[:, 0], xs[[5, 338, 671], 0], "x of batch 5")
    assert_array_close(t[:, 0], ts[[5, 338, 671], 0], "t of batch 5")


@pytest.mark.grade(points=3, todo="step60.1")
@given(n=st.integers(1, 40), batch=st.integers(1, 40))
@example(n=999, batch=30)
def test_seq_loader_rows_read_parallel_offsets(dz, n, batch):
    """Batch i, row k holds sample (k * (n // batch) + i) % n; an epoch has ceil(n / batch) batches."""
    batch = min(batch, n)
    loader = dz.SeqDataLoader(_series(n), batch_size=batch)
    got = [x[:, 0].astype(int).tolist() for x, _ in loader]
    jump = n // batch
    expected = [[(k * jump + i) % n for k in range(batch)] for i in range(math.ceil(n / batch))]
    assert got == expected, f"n={n}, batch={batch}: the batches held {got[:3]}…, expected {expected[:3]}…"
    assert [x[:, 0].astype(int).tolist() for x, _ in loader] == expected, "a second epoch should start over"


@pytest.mark.grade(points=3, todo="step60.3")
@given(hidden=st.integers(1, 4), in_size=st.integers(1, 4), steps=st.integers(1, 3))
@example(hidden=3, in_size=1, steps=3)
def test_lstm_matches_gate_equations(dz, hidden, in_size, steps):
    """LSTM(hidden, in_size) follows the gate, cell and hidden-state equations step by step."""
    lstm = _lstm64(dz, hidden, in_size)
    xs = [np.cos(np.arange(2 * in_size).reshape(2, in_size) + t) for t in range(steps)]
    got = [to_array(lstm(x.copy())).copy() for x in xs]  # xs stay as they were for _by_hand
    for t, (g, e) in enumerate(zip(got, _by_hand(lstm, xs), strict=True)):
        assert_array_close(g, e, f"h after step {t + 1}")


@pytest.mark.grade(points=2, todo="step60.2")
def test_lstm_layers_have_the_right_shapes(dz):
    """LSTM(3, in_size=2): x2f, x2i, x2o, x2u map 2 -> 3 with bias; h2f, h2i, h2o, h2u map 3 -> 3 without."""
    lstm = dz.layers.LSTM(3, in_size=2)
    for name, _ in GATES:
        x2, h2 = getattr(lstm, "x2" + name, None), getattr(lstm, "h2" + name, None)
        assert x2 is not None and h2 is not None, f"the LSTM needs layers x2{name} and h2{name}"
        assert x2.W.shape == (2, 3) and x2.b is not None, f"x2{name}: W {x2.W.shape}, expected (2, 3), with b"
        assert h2.W.shape == (3, 3) and h2.b is None, f"h2{name}: W {h2.W.shape}, expected (3, 3), no b"
    assert len(list(lstm.params())) == 12, "4 x (W, b) from x, 4 W from h: 12 parameters"


@pytest.mark.grade(points=3, todo="step60.4")
def test_lstm_grads_through_time_match_central_difference(dz):
    """Backprop through three LSTM steps gives every input's grad, as central differences do."""
    lstm = _lstm64(dz, 3, 2)

    def run(x0, x1, x2):
        lstm.reset_state()
        lstm(x0)
        lstm(x1)
        return lstm(x2)

    xs = [np.sin(np.arange(4.0).reshape(2, 2) + t) for t in range(3)]
    check_grad(dz, run, *xs, todo="step60.4")


@pytest.mark.grade(points=2, todo="step60.4")
def test_lstm_reset_state_forgets_h_and_c(dz):
    """reset_state() sets h and c to None: the same first input gives the same first output again."""
    lstm = _lstm64(dz, 2, 2)
    x0 = np.array([[0.5, -1.0]])
    first = to_array(lstm(x0.copy())).copy()
    lstm(np.array([[1.0, 2.0]]))
    assert lstm.c is not None and lstm.h is not None, "the LSTM should keep h and c between calls"
    lstm.reset_state()
    assert lstm.h is None and lstm.c is None, "reset_state() should set both h and c to None"
    assert_array_close(lstm(x0.copy()), first, "the first output after reset_state()")


@pytest.mark.grade(points=3, todo="step60.4")
def test_training_loss_falls(dz, script):
    """Five epochs on SinCurve in batches of 30 bring the mean loss below a fifth of the first."""
    np.random.seed(0)
    model = script.BetterRNN(20, 1)
    optimizer = dz.optimizers.Adam(alpha=0.01).setup(model)
    loader = dz.SeqDataLoader(dz.datasets.SinCurve(), batch_size=30)
    losses = script.train(model, optimizer, loader, max_epoch=5, bptt_length=30)
    assert len(losses) == 5, f"train returned {len(losses)} losses for 5 epochs"
    assert losses[-1] < losses[0] / 5, f"the epoch losses went {losses}: expected a clear fall"
