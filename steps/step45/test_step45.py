"""Step 45: layers inside layers (params() recurses), Model and MLP."""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import assert_losses_close, sigmoid_net_losses, sin_data, to_array
from grader.strategies import arrays

TRAIN_ITERS = 200  # of the book's 10 000: each loss is compared, so a wrong step shows within one or two

# A nesting: "p" is a Parameter, "v" a plain Variable, a list is a Layer holding its items.
NESTINGS = st.recursive(st.sampled_from(["p", "v"]), lambda inner: st.lists(inner, max_size=3),
                        max_leaves=10).map(lambda t: t if isinstance(t, list) else [t])
SIZES = st.lists(st.integers(1, 5), min_size=1, max_size=4)


def _numpy_losses(iters):
    """The numpy net's losses for the book's run: np.random.seed(0) draws the data, then l1's W, then l2's."""
    rng = np.random.RandomState(0)
    x, y = sin_data(rng)
    W1, W2 = ((rng.randn(i, o) * np.sqrt(1 / i)).astype(np.float32) for i, o in ((1, 10), (10, 1)))
    return sigmoid_net_losses(x, y, (W1, np.zeros(10, np.float32), W2, np.zeros(1, np.float32)), 0.2, iters)


def _build(dz, tree, found):
    """A Layer for tree (attributes c0, c1, ...); appends its Parameters to found, depth first."""
    layer = dz.Layer()
    for i, item in enumerate(tree):
        if item == "p":
            value = dz.Parameter(np.array([float(len(found))]))
            found.append(value)
        elif item == "v":
            value = dz.Variable(np.array([-1.0]))
        else:
            value = _build(dz, item, found)
        setattr(layer, f"c{i}", value)
    return layer


@pytest.mark.grade(points=2, todo="step45.1")
@given(kinds=st.lists(st.sampled_from(["parameter", "layer", "variable", "number"]), max_size=8))
@example(kinds=["layer", "number", "parameter"])
def test_layer_records_parameters_and_layers(dz, kinds):
    """Assigning attributes records the names of Parameters and Layers, in assignment order."""
    layer, expected = dz.Layer(), []
    for i, kind in enumerate(kinds):
        value = {"parameter": lambda: dz.Parameter(np.ones(1)), "layer": dz.Layer,
                 "variable": lambda: dz.Variable(np.ones(1)), "number": lambda: 1.0}[kind]()
        setattr(layer, f"a{i}", value)
        if kind in ("parameter", "layer"):
            expected.append(f"a{i}")
    assert list(layer._params) == expected, f"kinds assigned: {kinds}"


@pytest.mark.grade(points=3, todo="step45.2")
@given(tree=NESTINGS)
@example(tree=["p", ["p", "v", ["p"]], "p"])
def test_layer_params_finds_parameters_recursively(dz, tree):
    """params() yields every Parameter of every nested layer once, depth first in assignment order."""
    found = []
    root = _build(dz, tree, found)
    got = list(root.params())
    assert all(isinstance(p, dz.Parameter) for p in got), "params() yielded something that is not a Parameter"
    assert [id(p) for p in got] == [id(p) for p in found], (
        f"nesting {tree}: params() gave {[float(to_array(p)[0]) for p in got]}, "
        f"expected {[float(to_array(p)[0]) for p in found]}")


@pytest.mark.grade(points=1, todo="step45.2")
@given(tree=NESTINGS)
def test_cleargrads_clears_nested_parameters(dz, tree):
    """cleargrads() on the outer layer clears the grads of the Parameters of every inner layer."""
    found = []
    root = _build(dz, tree, found)
    for p in found:
        p.grad = dz.Variable(np.ones(1))
    root.cleargrads()
    assert all(p.grad is None for p in found), f"nesting {tree}: a nested grad survived cleargrads()"


@pytest.mark.grade(points=2, todo="step45.3")
@given(sizes=SIZES)
@example(sizes=[10, 1])
def test_mlp_makes_linear_layers_l0_l1(dz, sizes):
    """MLP(sizes) is a Model whose layers l0, l1, ... are Linear(size) for each size, recorded in order."""
    model = dz.models.MLP(tuple(sizes))
    assert isinstance(model, dz.Model) and isinstance(model, dz.Layer), "MLP must be a Model (a Layer)"
    names = [f"l{i}" for i in range(len(sizes))]
    assert [n for n in model._params] == names, f"recorded {list(model._params)}, expected {names}"
    for name, size in zip(names, sizes, strict=True):
        layer = getattr(model, name)
        assert isinstance(layer, dz.layers.Linear) and layer.out_size == size, f"{name} is not Linear({size})"


@pytest.mark.grade(points=3, todo="step45.4")
@given(sizes=SIZES, x=arrays((3, 2), -1.0, 1.0), use_tanh=st.booleans())
@example(sizes=[10, 1], x=np.linspace(0, 1, 6).reshape(3, 2), use_tanh=False)
def test_mlp_forward_matches_layer_by_layer(dz, sizes, x, use_tanh):
    """MLP(x) applies l0, l1, ... in order with the activation between them (not after the last)."""
    act, np_act = ((dz.functions.tanh, np.tanh) if use_tanh else
                   (dz.functions.sigmoid, lambda t: 1 / (1 + np.exp(-t))))
    np.random.seed(0)
    model = dz.models.MLP(tuple(sizes), activation=act)
    y = to_array(model(x.copy()))
    h = x
    for i in range(len(sizes)):
        layer = getattr(model, f"l{i}")
        h = h @ to_array(layer.W) + to_array(layer.b)
        h = np_act(h) if i < len(sizes) - 1 else h
    assert y.shape == (3, sizes[-1]), f"output shape {y.shape}, expected (3, {sizes[-1]})"
    np.testing.assert_allclose(y, h, rtol=1e-5, atol=1e-6)
    assert len(list(model.params())) == 2 * len(sizes), "params() should yield W and b of every layer"


@pytest.mark.grade(points=3, todo="step45.2")
def test_two_layer_net_losses_match_numpy_net(dz, script):
    """The book's TwoLayerNet on its sin data (lr 0.2): 200 losses as in numpy; W and b stay float32."""
    np.random.seed(0)
    x, y = script.make_data(np.random)
    model = script.TwoLayerNet(10, 1)
    losses = script.train(model, x, y, lr=0.2, iters=TRAIN_ITERS)
    assert_losses_close(losses, _numpy_losses(TRAIN_ITERS))
    params = (model.l1.W, model.l1.b, model.l2.W, model.l2.b)
    dtypes = [p.data.dtype.name for p in params]
    assert dtypes == ["float32"] * 4, f"W1, b1, W2, b2 end as {dtypes}: an update keeps float32 data float32"


@pytest.mark.grade(points=1, todo="step45.4")
def test_mlp_trains_like_two_layer_net(dz, script):
    """With the same seed, MLP((10, 1)) and TwoLayerNet(10, 1) give the same losses."""
    runs = []
    for make in (lambda: script.TwoLayerNet(10, 1), lambda: dz.models.MLP((10, 1))):
        np.random.seed(0)
        x, y = script.make_data(np.random)
        runs.append(script.train(make(), x, y, lr=0.2, iters=50))
    assert runs[1] == pytest.approx(runs[0], rel=1e-12), "MLP((10, 1)): Linear(10), sigmoid, Linear(1)"
