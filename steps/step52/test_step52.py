"""Step 52: the array-module dispatch of the GPU path, checked on a CPU.

A tiny stand-in for CuPy (its "GPU arrays" are an ndarray subclass, and it records which
functions it was asked for) is put where dezero.cuda keeps cupy, so the tests see whether
the code asks the array module of its data. Without CuPy, moving data to a GPU must fail
with a message that says how to install it. Tests that need a real GPU skip elsewhere.
"""

import types

import numpy as np
import pytest

from grader.checks import to_array


class _DeviceArray(np.ndarray):
    """An ndarray that plays an array on a GPU: the stand-in module owns it."""


class _Box:
    """Device data that is not an ndarray at all: only the stand-in can read it."""

    def __init__(self, values):
        self.values = np.array(values)


class _StandIn(types.ModuleType):
    """A CuPy look-alike: any numpy function, recorded by name, returning _DeviceArray."""

    ndarray = _DeviceArray

    def __init__(self):
        super().__init__("cupy_stand_in")
        self.calls = []
        self.random = types.SimpleNamespace(randn=self._wrap("random.randn", np.random.randn))

    def _wrap(self, name, f):
        def call(*args, **kwargs):
            self.calls.append(name)
            out = f(*args, **kwargs)
            return np.asarray(out).view(_DeviceArray) if isinstance(out, np.ndarray) else out
        return call

    def __getattr__(self, name):
        return self._wrap(name, getattr(np, name))

    def get_array_module(self, *xs):
        return self if any(isinstance(x, (_DeviceArray, _Box)) for x in xs) else np

    def asarray(self, x, dtype=None):
        self.calls.append("asarray")
        return np.array(x, dtype=dtype).view(_DeviceArray)

    array = asarray

    def asnumpy(self, x):
        self.calls.append("asnumpy")
        return np.array(x.values if isinstance(x, _Box) else x)


def _use_stand_in(dz, monkeypatch):
    gpu = _StandIn()
    monkeypatch.setattr(dz.cuda, "cupy", gpu)
    monkeypatch.setattr(dz.cuda, "gpu_enable", True)
    return gpu


def _without_cupy(dz, monkeypatch):
    monkeypatch.setattr(dz.cuda, "cupy", None)
    monkeypatch.setattr(dz.cuda, "gpu_enable", False)


def _says_how_to_install(info):
    text = str(info.value).lower()
    assert "cupy" in text and "install" in text, f"the error does not say how to install CuPy: {info.value}"


@pytest.mark.grade(points=1, todo="step52.1")
def test_variable_accepts_arrays_only(dz):
    """Variable takes a numpy array, a GPU array or None, and rejects lists and numbers (TypeError)."""
    for data in (np.ones(2), np.ones(2).view(_DeviceArray), None):
        assert dz.Variable(data).data is data
    for bad in ([1.0, 2.0], 1.0):
        with pytest.raises(TypeError):
            dz.Variable(bad)


@pytest.mark.grade(points=2, todo="step52.2")
def test_to_gpu_and_back(dz, monkeypatch):
    """to_gpu puts a Variable's data (and every param of a model) on the GPU; to_cpu brings it back."""
    gpu = _use_stand_in(dz, monkeypatch)
    v = dz.Variable(np.array([1.0, 2.0, 3.0]))
    v.to_gpu()
    assert isinstance(v.data, gpu.ndarray), f"after to_gpu, data is a {type(v.data).__name__}"
    v.data = _Box([4.0, 5.0])  # device data that only the GPU module can read
    v.to_cpu()
    assert type(v.data) is np.ndarray and v.data.tolist() == [4.0, 5.0], "to_cpu did not copy data back"
    model = dz.models.MLP((4, 2))
    model(np.ones((1, 3)))
    model.to_gpu()
    assert all(isinstance(p.data, gpu.ndarray) for p in model.params()), "a parameter stayed on the CPU"


@pytest.mark.grade(points=2, todo="step52.2")
def test_to_gpu_without_cupy_says_how_to_install(dz, monkeypatch):
    """Without CuPy, Variable.to_gpu and Layer.to_gpu raise an error that says how to install it."""
    _without_cupy(dz, monkeypatch)
    dz.Parameter(None).to_gpu()  # no data, nothing to move: no error
    with pytest.raises(RuntimeError) as info:
        dz.Variable(np.ones(2)).to_gpu()
    _says_how_to_install(info)
    with pytest.raises(RuntimeError):
        dz.layers.Linear(2, in_size=3).to_gpu()


@pytest.mark.grade(points=2, todo="step52.3")
def test_get_array_module_picks_the_owner(dz, monkeypatch):
    """get_array_module is numpy without CuPy, and the GPU module for its arrays (bare or in a Variable)."""
    _without_cupy(dz, monkeypatch)
    for x in (np.ones(2), dz.Variable(np.ones(2)), 3.0):
        assert dz.cuda.get_array_module(x) is np, f"without CuPy, the module of {x!r} is numpy"
    gpu = _use_stand_in(dz, monkeypatch)
    on_gpu = np.ones(2).view(_DeviceArray)
    assert dz.cuda.get_array_module(on_gpu) is gpu, "a GPU array belongs to the GPU module"
    assert dz.cuda.get_array_module(dz.Variable(on_gpu)) is gpu, "look at a Variable's data"
    assert dz.cuda.get_array_module(np.ones(2)) is np, "a numpy array belongs to numpy"


@pytest.mark.grade(points=2, todo="step52.3")
def test_functions_compute_with_the_array_module(dz, monkeypatch):
    """exp, log, sin, cos and clip of a GPU Variable compute with the GPU module, and give GPU arrays."""
    gpu = _use_stand_in(dz, monkeypatch)
    F = dz.functions
    a = np.array([[0.5, 1.0, 2.0]])
    cases = [("exp", F.exp, np.exp), ("log", F.log, np.log), ("sin", F.sin, np.sin), ("cos", F.cos, np.cos),
             ("clip", lambda v: F.clip(v, 0.6, 1.5), lambda x: np.clip(x, 0.6, 1.5))]
    for name, f, expected in cases:
        gpu.calls.clear()
        y = f(dz.Variable(a.copy().view(_DeviceArray)))  # a view of a would share its memory
        assert name in gpu.calls, f"{name} did not compute with the array module of its input"
        assert isinstance(y.data, gpu.ndarray), f"{name} returned a {type(y.data).__name__}"
        np.testing.assert_allclose(np.asarray(y.data), expected(a), rtol=1e-12)


@pytest.mark.grade(points=1, todo="step52.3")
def test_numbers_meet_gpu_variables_on_the_gpu(dz, monkeypatch):
    """In x * 2.0 and 1 - x with a GPU Variable x, the number becomes a GPU array, and so does the result."""
    gpu = _use_stand_in(dz, monkeypatch)
    x = dz.Variable(np.array([1.0, 2.0], dtype=np.float32).view(_DeviceArray))
    for f in (lambda v: v * 2.0, lambda v: 1 - v):
        gpu.calls.clear()
        y = f(x)
        assert "asarray" in gpu.calls, "the number was not made into an array of the GPU module"
        assert isinstance(y.data, gpu.ndarray) and y.dtype == np.float32, f"got {type(y.data).__name__}"


@pytest.mark.grade(points=1, todo="step52.4")
def test_as_numpy_copies_back(dz, monkeypatch):
    """as_numpy wraps a number, returns a numpy array as it is, unwraps a Variable, copies GPU data back."""
    gpu = _use_stand_in(dz, monkeypatch)
    assert type(dz.cuda.as_numpy(2.5)) is np.ndarray and dz.cuda.as_numpy(2.5) == 2.5
    a = np.arange(3.0)
    assert dz.cuda.as_numpy(a) is a, "a numpy array needs no copy"
    assert dz.cuda.as_numpy(dz.Variable(a)) is a, "as_numpy of a Variable is its data"
    got = dz.cuda.as_numpy(_Box([1.0, 2.0]))
    assert "asnumpy" in gpu.calls and type(got) is np.ndarray and got.tolist() == [1.0, 2.0]


@pytest.mark.grade(points=2, todo="step52.5")
def test_as_cupy_without_cupy_says_how_to_install(dz, monkeypatch):
    """Without CuPy, as_cupy raises a RuntimeError that says how to install it."""
    _without_cupy(dz, monkeypatch)
    with pytest.raises(RuntimeError) as info:
        dz.cuda.as_cupy(np.ones(3))
    _says_how_to_install(info)


@pytest.mark.grade(points=1, todo="step52.5")
def test_as_cupy_copies_to_the_gpu(dz, monkeypatch):
    """With the GPU module there, as_cupy copies an array (or a Variable's data) to it."""
    gpu = _use_stand_in(dz, monkeypatch)
    for x in (np.arange(3.0), dz.Variable(np.arange(3.0))):
        got = dz.cuda.as_cupy(x)
        assert isinstance(got, gpu.ndarray) and np.asarray(got).tolist() == [0.0, 1.0, 2.0]


@pytest.mark.grade(points=1, todo="step52.5")
def test_dataloader_gpu_flag(dz, monkeypatch):
    """DataLoader(..., gpu=True) gives GPU batches; to_cpu() and to_gpu() switch the next batches."""
    gpu = _use_stand_in(dz, monkeypatch)
    loader = dz.DataLoader(dz.datasets.Spiral(), 100, shuffle=False, gpu=True)
    x, t = next(loader)
    assert isinstance(x, gpu.ndarray) and isinstance(t, gpu.ndarray), f"batch is {type(x).__name__}"
    loader.to_cpu()
    x, _ = next(loader)
    assert type(x) is np.ndarray, "after to_cpu the batches are numpy arrays"
    loader.to_gpu()
    assert isinstance(next(loader)[0], gpu.ndarray), "after to_gpu the batches are GPU arrays"


@pytest.mark.grade(points=1, todo="step52.6")
def test_linear_init_is_scaled_randn(dz):
    """Linear(3, in_size=4) makes W = randn(4, 3) * sqrt(1 / 4) from np.random, as float32."""
    np.random.seed(0)
    layer = dz.layers.Linear(3, in_size=4)
    expected = (np.random.RandomState(0).randn(4, 3) * np.sqrt(1 / 4)).astype(np.float32)
    assert type(layer.W.data) is np.ndarray and layer.W.data.dtype == np.float32
    np.testing.assert_array_equal(layer.W.data, expected)


@pytest.mark.grade(points=2, todo="step52.7")
def test_linear_makes_w_where_its_input_lives(dz, monkeypatch):
    """Linear's lazy W is made by the array module of the first input: GPU input, GPU weights."""
    gpu = _use_stand_in(dz, monkeypatch)
    layer = dz.layers.Linear(3)
    y = layer(np.random.RandomState(0).rand(2, 4).view(_DeviceArray))
    assert "random.randn" in gpu.calls, "W was not drawn from the input's array module"
    W = layer.W.data
    assert isinstance(W, gpu.ndarray), f"W is a {type(W).__name__}, not a GPU array"
    assert W.shape == (4, 3) and W.dtype == np.float32, f"W is {W.dtype} {W.shape}"
    assert isinstance(y.data, gpu.ndarray) and y.shape == (2, 3)
    assert type(dz.layers.Linear(3)(np.ones((2, 4))).data) is np.ndarray, "numpy input, numpy weights"


@pytest.mark.grade(points=2, todo="step52.7")
def test_training_step_stays_on_the_gpu(dz, monkeypatch):
    """One SGD step of an MLP moved by to_gpu(), on GPU batches, keeps grads and params on the GPU."""
    gpu = _use_stand_in(dz, monkeypatch)
    np.random.seed(0)
    model = dz.models.MLP((5, 3))
    model.to_gpu()  # moves each b; each W is made at the first call, where x lives
    optimizer = dz.optimizers.SGD(0.1).setup(model)
    x, t = next(dz.DataLoader(dz.datasets.Spiral(), 30, gpu=True))
    loss = dz.functions.softmax_cross_entropy(model(x), t)
    model.cleargrads()
    loss.backward()
    optimizer.update()
    for p in model.params():
        assert isinstance(p.data, gpu.ndarray), f"{p.name} left the GPU"
        assert isinstance(p.grad.data, gpu.ndarray), f"the grad of {p.name} is on the CPU"
    assert np.isfinite(float(np.asarray(to_array(loss)))), "the loss is not finite"


@pytest.mark.grade(points=1, needs="cupy")
def test_real_gpu_round_trip(dz):
    """On a machine with CuPy and a GPU, data goes there and back unchanged (not applicable elsewhere)."""
    v = dz.Variable(np.arange(6.0).reshape(2, 3))
    v.to_gpu()
    y = dz.functions.softmax(v)
    assert dz.cuda.get_array_module(y) is dz.cuda.cupy
    y.to_cpu()
    np.testing.assert_allclose(y.data.sum(axis=1), 1.0)
