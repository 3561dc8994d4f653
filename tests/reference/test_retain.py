"""Lean graphs (dezero/_retain.py): the graph lets go of the arrays no backward reads.

Every check compares with the same code run while keeping everything (the release switched off
by setting _retain.ALONE to None), so a grad that changed or a value read after its release
shows. Arrays below _retain.MIN_BYTES stay; here they are released too (MIN_BYTES = 0), so small
graphs exercise the release, except where a test says otherwise.
"""

import gc
import tracemalloc

import numpy as np
import pytest

import dezero.functions as F
from dezero import Function, Variable, _retain
from dezero.models import MLP
from dezero.utils import get_dot_graph


@pytest.fixture(autouse=True)
def release_small_arrays_too(monkeypatch):
    monkeypatch.setattr(_retain, "MIN_BYTES", 0)


@pytest.fixture
def keep_everything(monkeypatch):
    """Switch the release off: the graph keeps every array, as the book's DeZero does."""
    monkeypatch.setattr(_retain, "ALONE", None)


def _numpy_bytes_after(run):
    """Bytes of numpy arrays that run() allocated and that are still alive when it returns."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = run()
        gc.collect()
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    domain = tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)
    return sum(s.size for s in snapshot.filter_traces([domain]).statistics("filename")), kept


def _mlp(batch=50, hidden=200):
    np.random.seed(0)
    x = np.random.rand(batch, 784).astype(np.float32)
    model = MLP((hidden, 10))
    model(x)  # the weights are made on the first call, outside what is measured
    for layer in model.layers:
        layer.W.data = layer.W.data.astype(np.float32)
        layer.b.data = layer.b.data.astype(np.float32)
    return model, x


def test_an_mlp_keeps_only_the_activations_its_backward_reads():
    """Kept outputs of an MLP hold sigmoid's outputs (read by Sigmoid and the next Linear) and the
    outputs themselves; the first Linear's outputs (read by nothing) are let go."""
    model, x = _mlp()
    passes = 20
    kept, outputs = _numpy_bytes_after(lambda: [model(x) for _ in range(passes)])
    s = outputs[0].creator.inputs[0]  # sigmoid's output: the second Linear's input
    h = s.creator.inputs[0]  # the first Linear's output
    assert isinstance(h.data, _retain.Released) and isinstance(s.data, np.ndarray)
    needed = passes * (s.data.nbytes + outputs[0].data.nbytes)
    assert needed <= kept <= needed + 4096, f"kept {kept} bytes, backward needs {needed}"


def test_keeping_everything_keeps_the_linear_outputs_too(keep_everything):
    model, x = _mlp()
    passes = 20
    kept, outputs = _numpy_bytes_after(lambda: [model(x) for _ in range(passes)])
    s = outputs[0].creator.inputs[0]
    h = s.creator.inputs[0]
    assert kept >= passes * (h.data.nbytes + s.data.nbytes + outputs[0].data.nbytes)


NETWORKS = {
    "sigmoid": lambda x, t, m: F.softmax_cross_entropy(m["sigmoid"](x), t),
    "relu": lambda x, t, m: F.softmax_cross_entropy(m["relu"](x), t),
    "tanh, exp, softmax": lambda x, t, m: F.sum(F.softmax(F.exp(F.tanh(F.linear(x, m["W"]))) * 0.1)),
    "reshape, transpose, sum_to": lambda x, t, m: F.sum(
        F.sum_to(F.transpose(F.reshape(F.linear(x, m["W"]), (-1, 5, 2))), (2, 1, 1)) ** 2),
    "conv, relu, pooling": lambda x, t, m: F.mean_squared_error(
        F.linear(F.flatten(F.pooling(F.relu(F.conv2d(x.reshape(-1, 1, 28, 28)[:, :, :8, :8], m["K"],
                                                        pad=1)), 2, 2)), m["W2"]),
        np.zeros((len(x), 3), np.float32)),
    "max, clip, get_item": lambda x, t, m: F.sum(F.clip(F.max(F.linear(x, m["W"]), axis=1), -1, 1)
                                                  + F.linear(x, m["W"])[:, 3]),
}


def _grads(name, keep):
    rng = np.random.default_rng(1)
    x = rng.random((6, 784)).astype(np.float32)
    t = rng.integers(0, 10, 6)
    np.random.seed(2)
    models = {"sigmoid": MLP((20, 10)), "relu": MLP((20, 10), activation=F.relu),
              "W": Variable(rng.standard_normal((784, 10)).astype(np.float32)),
              "K": Variable(rng.standard_normal((4, 1, 3, 3)).astype(np.float32)),
              "W2": Variable(rng.standard_normal((64, 3)).astype(np.float32))}
    params = [models["W"], models["K"], models["W2"]]
    for m in (models["sigmoid"], models["relu"]):
        m(x)
        params += list(m.params())
    with pytest.MonkeyPatch.context() as mp:
        if keep:
            mp.setattr(_retain, "ALONE", None)
        loss = NETWORKS[name](x, t, models)
        loss.backward()
    return float(loss.data), [None if p.grad is None else p.grad.data for p in params]


@pytest.mark.parametrize("name", NETWORKS)
def test_grads_are_the_ones_of_a_graph_that_keeps_everything(name):
    loss, grads = _grads(name, keep=False)
    loss_kept, grads_kept = _grads(name, keep=True)
    assert loss == loss_kept
    for g, g_kept in zip(grads, grads_kept, strict=True):
        assert (g is None) == (g_kept is None)
        if g is not None:
            np.testing.assert_array_equal(g, g_kept)


def _second_derivative(keep):
    """d2/dx2 of sum(sigmoid(x W) V) by double backprop, through released arrays."""
    rng = np.random.default_rng(5)
    W, V = Variable(rng.standard_normal((3, 4))), Variable(rng.standard_normal((4, 1)))
    x = Variable(np.array([[0.3, -0.2, 0.5]]))
    with pytest.MonkeyPatch.context() as mp:
        if keep:
            mp.setattr(_retain, "ALONE", None)
        y = F.sum(F.matmul(F.sigmoid(F.matmul(x, W) + 0.1), V))
        y.backward(create_graph=True)
        gx = x.grad
        x.cleargrad()
        F.sum(gx * gx).backward()
    return gx.data, x.grad.data


def test_double_backprop_is_unchanged_and_right():
    gx, ggx = _second_derivative(keep=False)
    gx_kept, ggx_kept = _second_derivative(keep=True)
    np.testing.assert_array_equal(gx, gx_kept)
    np.testing.assert_array_equal(ggx, ggx_kept)
    # and right: the grad of sum(gx ** 2), by central differences of the first derivative
    rng = np.random.default_rng(5)
    W, V = rng.standard_normal((3, 4)), rng.standard_normal((4, 1))
    x0 = np.array([[0.3, -0.2, 0.5]])

    def first(x):
        s = 1 / (1 + np.exp(-(x @ W + 0.1)))
        return ((s * (1 - s)) * V.T) @ W.T

    eps = 1e-6
    numeric = [(np.sum(first(x0 + eps * e) ** 2) - np.sum(first(x0 - eps * e) ** 2)) / (2 * eps)
               for e in np.eye(3)[:, None, :]]
    np.testing.assert_allclose(ggx.ravel(), numeric, rtol=1e-6)


def test_an_intermediate_the_user_holds_keeps_its_data():
    x, W = np.ones((2, 3), np.float32), Variable(np.ones((3, 4), np.float32))
    h = F.linear(x, W)
    s = F.sigmoid(h)
    F.linear(s, W.T)
    assert isinstance(h.data, np.ndarray)
    np.testing.assert_array_equal(h.data, np.full((2, 4), 3.0, np.float32))


def test_a_released_variable_keeps_shape_and_dtype_for_backward_and_dot():
    x, W = np.ones((2, 3), np.float32), Variable(np.ones((3, 4), np.float32))
    y = F.linear(F.sigmoid(F.linear(x, W)), W.T)
    h = y.creator.inputs[0].creator.inputs[0]
    assert isinstance(h.data, _retain.Released)
    assert (h.shape, h.dtype, h.ndim, h.size, len(h)) == ((2, 4), np.float32, 2, 8, 2)
    assert f'{id(h)} [label="(2, 4) float32"' in get_dot_graph(y)
    assert repr(h) == "variable(released((2, 4), float32))"
    with pytest.raises(TypeError):
        h.data + 1  # never a silent result from an array that is gone
    with pytest.raises(TypeError):
        np.ones(1) * h.data


def test_a_function_of_your_own_keeps_everything():
    class Double(Function):  # says nothing about what its backward reads
        def forward(self, x):
            return 2 * x

        def backward(self, gy):
            return 2 * gy

    y = F.sum(F.sum(Double()(Double()(Variable(np.ones(3))))))
    inner = y.creator.inputs[0].creator.inputs[0].creator.inputs[0]
    assert isinstance(inner.data, np.ndarray)


def test_the_release_is_off_where_reference_counts_cannot_be_read(keep_everything):
    y = F.linear(F.sigmoid(F.linear(np.ones((2, 3)), Variable(np.ones((3, 4))))), np.ones((4, 1)))
    assert isinstance(y.creator.inputs[0].creator.inputs[0].data, np.ndarray)


def test_a_variable_two_functions_hold_is_kept():
    x = Variable(np.ones(3))
    h = x * 2.0
    a, b = F.sigmoid(h), F.tanh(h)
    del h
    F.sum(a + b)
    assert all(isinstance(f.inputs[0].data, np.ndarray) for f in (a.creator, b.creator))


def test_constants_get_no_grad_and_variables_do():
    x = Variable(np.ones((2, 3)))
    c = np.full((2, 3), 2.0)
    y = F.sum(x * c)
    y.backward()
    const = y.creator.inputs[0].creator.inputs[1]
    assert const.needs_grad is False and const.grad is None
    assert x.needs_grad is True
    np.testing.assert_array_equal(x.grad.data, c)


def test_linear_simple_lets_go_of_its_intermediate_as_the_book_did_by_hand():
    W, b = Variable(np.ones((3, 4))), Variable(np.zeros(4))
    y = F.sigmoid(F.linear_simple(np.ones((2, 3)), W, b))
    F.sum(y)
    t = y.creator.inputs[0].creator.inputs[0]
    assert isinstance(t.data, _retain.Released) and t.shape == (2, 4)


def test_a_small_array_stays_and_a_large_one_goes(monkeypatch):
    """Below MIN_BYTES a Released would save less than it costs: scalars keep their data, so the
    graphs of steps 1-36 look as in the book."""
    monkeypatch.setattr(_retain, "MIN_BYTES", 1024)

    def hidden(n):
        x, W = np.ones((2, 3), np.float32), Variable(np.ones((3, n), np.float32))
        y = F.linear(F.sigmoid(F.linear(x, W)), W.T)
        return y.creator.inputs[0].creator.inputs[0]

    assert isinstance(hidden(4).data, np.ndarray)  # 32 bytes
    assert isinstance(hidden(128).data, _retain.Released)  # 1,024 bytes
    x = Variable(np.array(2.0))
    y = F.sin(x * x + x)
    assert isinstance(y.creator.inputs[0].data, np.ndarray)
    assert isinstance(y.creator.inputs[0].creator.inputs[0].data, np.ndarray)

