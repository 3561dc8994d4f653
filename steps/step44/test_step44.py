"""Step 44: Parameter, Layer (records, calls, yields and clears its parameters) and Linear."""

import gc

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import assert_losses_close, grad_as_array, sigmoid_net_losses, sin_data, to_array
from grader.strategies import arrays, shapes

TRAIN_ITERS = 200  # of the book's 10 000: each loss is compared, so a wrong step shows within one or two
KINDS = ("parameter", "variable", "array", "number")


def _numpy_losses(iters):
    """The numpy net's losses for the book's run: np.random.seed(0) draws the data, then l1's W, then l2's."""
    rng = np.random.RandomState(0)
    x, y = sin_data(rng)
    W1, W2 = ((rng.randn(i, o) * np.sqrt(1 / i)).astype(np.float32) for i, o in ((1, 10), (10, 1)))
    return sigmoid_net_losses(x, y, (W1, np.zeros(10, np.float32), W2, np.zeros(1, np.float32)), 0.2, iters)


def _assign(dz, kinds):
    """A Layer with attributes a0, a1, ... of the given kinds; returns it and its Parameters in order."""
    layer, params = dz.Layer(), []
    for i, kind in enumerate(kinds):
        data = np.full(2, float(i))
        value = {"parameter": dz.Parameter, "variable": dz.Variable,
                 "array": np.asarray, "number": lambda a: float(a[0])}[kind](data)
        setattr(layer, f"a{i}", value)
        if kind == "parameter":
            params.append((f"a{i}", value))
    return layer, params


def _double(dz, n_out):
    """A Layer whose forward returns n_out Variables (x * 1, x * 2, ...)."""

    class Double(dz.Layer):
        def forward(self, x):
            ys = tuple(x * float(k + 1) for k in range(n_out))
            return ys if n_out > 1 else ys[0]

    return Double()


@pytest.mark.grade(points=1, todo="step44.1")
def test_parameter_is_a_variable(dz):
    """A Parameter is a Variable: same data, operators and backward."""
    p = dz.Parameter(np.array([1.0, 2.0]))
    assert isinstance(p, dz.Variable), "Parameter must be a subclass of Variable"
    y = dz.functions.sum(p * p)
    y.backward()
    np.testing.assert_allclose(grad_as_array(p), [2.0, 4.0])


@pytest.mark.grade(points=2, todo="step44.1")
@given(kinds=st.lists(st.sampled_from(KINDS), max_size=8))
@example(kinds=["parameter", "number", "parameter"])
def test_layer_records_parameter_names_in_order(dz, kinds):
    """Assigning attributes records the names of the Parameters only, in assignment order."""
    layer, params = _assign(dz, kinds)
    assert list(layer._params) == [name for name, _ in params], f"kinds assigned: {kinds}"
    for i, kind in enumerate(kinds):
        assert hasattr(layer, f"a{i}"), f"attribute a{i} ({kind}) was not set"


@pytest.mark.grade(points=2, todo="step44.2")
@given(n_out=st.integers(1, 3), x=arrays())
@example(n_out=1, x=np.array([1.0, 2.0]))
def test_layer_call_returns_forward_outputs_and_keeps_weakrefs(dz, n_out, x):
    """layer(x) returns forward's output (bare, or a tuple), and holds inputs and outputs by weakref."""
    layer, v = _double(dz, n_out), dz.Variable(x.copy())
    ys = layer(v)
    ys = ys if n_out > 1 else (ys,)
    assert len(ys) == n_out, f"layer(x) returned {len(ys)} outputs, forward made {n_out}"
    np.testing.assert_allclose(to_array(ys[-1]), x * n_out)
    assert layer.inputs[0]() is v and [r() for r in layer.outputs] == list(ys), "inputs/outputs are weakrefs"
    gc.disable()  # no collection pass (a slow one per example): the outputs die by refcount alone
    try:
        del ys
        assert all(r() is None for r in layer.outputs), "an output outlived its last user: use weakref.ref"
    finally:
        gc.enable()


@pytest.mark.grade(points=2, todo="step44.3")
@given(kinds=st.lists(st.sampled_from(KINDS), max_size=8))
@example(kinds=["parameter", "variable", "parameter", "array"])
def test_layer_params_yields_every_parameter(dz, kinds):
    """params() yields exactly the Parameters assigned (the objects themselves), in order."""
    layer, params = _assign(dz, kinds)
    got = layer.params()
    assert iter(got) is got, "params() should be a generator (use yield)"
    got = list(got)
    assert [id(p) for p in got] == [id(p) for _, p in params], (
        f"kinds assigned: {kinds}; params() gave {len(got)} objects, expected {len(params)} Parameters")


@pytest.mark.grade(points=2, todo="step44.4")
@given(kinds=st.lists(st.sampled_from(KINDS), max_size=8))
def test_layer_cleargrads_clears_every_parameter(dz, kinds):
    """cleargrads() sets every Parameter's grad to None and leaves other Variables alone."""
    layer, params = _assign(dz, kinds)
    for value in vars(layer).values():
        if isinstance(value, dz.Variable):
            value.grad = dz.Variable(np.ones(2))
    layer.cleargrads()
    for name, value in vars(layer).items():
        if isinstance(value, dz.Variable):
            cleared = value.grad is None
            assert cleared == isinstance(value, dz.Parameter), f"{name}: grad {value.grad} after cleargrads()"


@pytest.mark.grade(points=2, todo="step44.5")
@given(shape=shapes(2, 2), seed=st.integers(0, 2**16))
@example(shape=(1, 10), seed=0)
def test_linear_init_scales_randn_and_keeps_dtype(dz, shape, seed):
    """Linear(O, in_size=I) makes W at once: randn(I, O) * sqrt(1 / I) as float32, and b = 0."""
    I, O = shape
    np.random.seed(seed)
    expected = (np.random.randn(I, O) * np.sqrt(1 / I)).astype(np.float32)
    np.random.seed(seed)
    layer = dz.layers.Linear(O, in_size=I)
    W = to_array(layer.W)
    assert W.dtype == np.float32 and W.shape == (I, O), f"W is {W.dtype} of shape {W.shape}"
    np.testing.assert_allclose(W, expected, rtol=1e-6, err_msg="W = randn(I, O) * sqrt(1 / I)")
    assert to_array(layer.b).dtype == np.float32 and not to_array(layer.b).any()


@pytest.mark.grade(points=2, todo="step44.6")
@given(shape=shapes(3, 3))
@example(shape=(100, 1, 10))
def test_linear_makes_W_on_first_call(dz, shape):
    """Linear(O) has no W data until called; x of shape (N, I) gives W (I, O) and y = x W + b (N, O)."""
    N, I, O = shape
    layer = dz.layers.Linear(O)
    assert layer.W.data is None, "without in_size, W must wait for the first input"
    x = np.linspace(-1, 1, N * I, dtype=np.float32).reshape(N, I)
    y = to_array(layer(x.copy()))
    W, b = to_array(layer.W), to_array(layer.b)
    assert W.shape == (I, O) and y.shape == (N, O), f"W {W.shape}, y {y.shape} for x {x.shape}"
    assert W.dtype == b.dtype == y.dtype == np.float32, f"dtypes: W {W.dtype}, b {b.dtype}, y {y.dtype}"
    np.testing.assert_allclose(y, x @ W + b, rtol=1e-5, atol=1e-6)


@pytest.mark.grade(points=1, todo="step44.6")
def test_linear_nobias_has_only_W(dz):
    """Linear(O, nobias=True): b is None, params() yields W alone, and y = x W."""
    layer = dz.layers.Linear(3, nobias=True)
    x = np.ones((2, 4), dtype=np.float32)
    y = to_array(layer(x.copy()))
    assert layer.b is None and [id(p) for p in layer.params()] == [id(layer.W)]
    np.testing.assert_allclose(y, x @ to_array(layer.W), rtol=1e-6)


@pytest.mark.grade(points=3, todo="step44.7")
def test_train_losses_match_numpy_net(dz, script):
    """The book's two Linear layers on its sin data (lr 0.2): 200 losses as in numpy; W and b stay float32."""
    np.random.seed(0)
    x, y = script.make_data(np.random)
    l1, l2 = dz.layers.Linear(10), dz.layers.Linear(1)
    losses = script.train(x, y, l1, l2, lr=0.2, iters=TRAIN_ITERS)
    assert_losses_close(losses, _numpy_losses(TRAIN_ITERS))
    params = (l1.W, l1.b, l2.W, l2.b)
    dtypes = [p.data.dtype.name for p in params]
    assert dtypes == ["float32"] * 4, f"W1, b1, W2, b2 end as {dtypes}: an update keeps float32 data float32"
