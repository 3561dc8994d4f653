"""The reference core: dtype policy, graph order, memory, config and error messages."""

import gc
import weakref

import numpy as np
import pytest

import dezero
import dezero.functions as F
from dezero import Variable


@pytest.mark.parametrize("make, dtype", [
    (lambda x: x * 3.0, np.float32), (lambda x: 3.0 * x, np.float32), (lambda x: x + 1, np.float32),
    (lambda x: 1 / x, np.float32), (lambda x: 2.0 - x, np.float32), (lambda x: x**2, np.float32),
    (lambda x: x * np.float32(3), np.float32), (lambda x: x * np.float64(3), np.float64),
])
def test_python_scalars_do_not_promote_float32(make, dtype):
    x = Variable(np.array([1.0, 2.0], dtype=np.float32))
    y = make(x)
    assert y.dtype == dtype == (make(x.data)).dtype
    y.backward()
    assert x.grad.dtype == dtype


def test_int_times_float_scalar_is_float64_like_numpy():
    x = Variable(np.array([1, 2]))
    assert (x * 0.5).dtype == (x.data * 0.5).dtype == np.float64


@pytest.mark.parametrize("other", ["a", [1, [2, 3]], {"a": 1}, None])
def test_unsupported_operand_names_both_types(other):
    x = Variable(np.array(1.0))
    with pytest.raises(TypeError, match=rf"Variable and {type(other).__name__}"):
        x + other


def test_ndarray_on_the_left_gives_a_variable():
    x = Variable(np.array(3.0))
    y = np.array(2.0) * x
    assert isinstance(y, Variable) and y.data == 6.0


def test_deep_chain_backward_needs_no_recursion():
    x = Variable(np.array(1.0))
    y = x
    for _ in range(10_000):
        y = y * 1.0
    y.backward()
    assert x.grad.data == 1.0


def test_diamond_runs_each_backward_once_in_generation_order():
    calls = []

    class Tracked(F.Square):
        def backward(self, gy):
            calls.append(self)
            return super().backward(gy)

    x = Variable(np.array(2.0))
    a = Tracked()(x)
    y = Tracked()(a) + Tracked()(a)
    y.backward()
    assert len(calls) == len(set(map(id, calls))) == 3
    assert calls[-1].inputs[0] is x
    assert x.grad.data == pytest.approx(2 * 2 * (2 * 4.0) * 2.0)


def test_graph_is_freed_by_refcount_alone():
    gc.disable()
    try:
        x = Variable(np.ones(1000))
        y = F.square(F.exp(x))
        func = weakref.ref(y.creator)
        del y
        assert func() is None
    finally:
        gc.enable()


def test_no_grad_records_nothing_and_restores_config_after_error():
    x = Variable(np.array(2.0))
    with pytest.raises(RuntimeError), dezero.no_grad():
        assert F.square(x).creator is None
        raise RuntimeError
    assert dezero.Config.enable_backprop is True
    assert F.square(x).creator is not None


def test_backward_without_data_is_a_clear_error():
    with pytest.raises(ValueError, match="holds None"):
        Variable(None).backward()


def test_second_derivative_through_create_graph():
    x = Variable(np.array(2.0))
    y = x**4 - 2 * x**2
    y.backward(create_graph=True)
    gx = x.grad
    x.cleargrad()
    gx.backward()
    assert x.grad.data == pytest.approx(12 * 4 - 4)


def test_variable_rejects_non_arrays_with_a_hint():
    with pytest.raises(TypeError, match="float is not supported"):
        Variable(1.0)


def test_backward_twice_accumulates_as_documented():
    """Intermediate grads are dropped after the first pass; the second pass reseeds and adds."""
    x = Variable(np.array(3.0))
    y = x * x
    y.backward()
    y.backward()
    assert x.grad.data == 12.0
    x.cleargrad()
    y.backward()
    assert x.grad.data == 6.0
