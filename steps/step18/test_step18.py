"""Step 18: drop intermediate grads unless asked (retain_grad), and record no graph in no_grad mode."""

import tracemalloc

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import grad_as_array
from grader.strategies import arrays, chain_lengths, floats_in


def _book_graph(dz, a, b):
    """The book's graph: t = x0 + x1, y = x0 + t (so dy/dx0 = 2, dy/dx1 = 1)."""
    x0, x1 = dz.Variable(np.array(a)), dz.Variable(np.array(b))
    t = dz.add(x0, x1)
    y = dz.add(x0, t)
    return x0, x1, t, y


def _peak_bytes(dz, steps):
    """Peak memory of squaring a 20 000-element array `steps` times in a row."""
    tracemalloc.start()
    try:
        y = dz.Variable(np.ones(20_000))
        for _ in range(steps):
            y = dz.square(y)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.grade(points=2, todo="step18.3")
@given(a=floats_in(), b=floats_in())
@example(a=1.0, b=1.0)
def test_backward_drops_intermediate_grads_by_default(dz, a, b):
    """After y.backward(), the grads of y and of the intermediate t are None (the book's `None None`)."""
    x0, x1, t, y = _book_graph(dz, a, b)
    y.backward()
    assert y.grad is None and t.grad is None, (
        f"y.grad is {y.grad!r}, t.grad is {t.grad!r}: without retain_grad both should be dropped")


@pytest.mark.grade(points=2, todo="step18.3")
@given(a=floats_in(), b=floats_in())
@example(a=1.0, b=1.0)
def test_backward_keeps_input_grads_without_retain_grad(dz, a, b):
    """Inputs of the graph keep their grads: dy/dx0 = 2.0, dy/dx1 = 1.0 (the book's `2.0 1.0`)."""
    x0, x1, _, y = _book_graph(dz, a, b)
    y.backward()
    assert (float(grad_as_array(x0)), float(grad_as_array(x1))) == (2.0, 1.0)


@pytest.mark.grade(points=2, todo="step18.3")
@given(n=chain_lengths(5), x=floats_in(-1.2, 1.2))
def test_backward_retain_grad_keeps_every_grad(dz, n, x):
    """With retain_grad=True each v_k = x ** (2 ** k) of a chain of squares keeps dy/dv_k."""
    vs = [dz.Variable(np.array(x))]
    for _ in range(n):
        vs.append(dz.square(vs[-1]))
    vs[-1].backward(retain_grad=True)
    for k, v in enumerate(vs):
        p = 2 ** (n - k)  # y = v_k ** p
        expected = p * x ** (2**k * (p - 1))
        got = grad_as_array(v)
        assert got is not None, f"v_{k} lost its grad although retain_grad=True"
        assert float(got) == pytest.approx(expected, rel=1e-9, abs=1e-12), f"grad of v_{k}"


@pytest.mark.grade(points=2, todo="step18.1")
def test_using_config_sets_value_inside_and_restores_it(dz):
    """using_config(name, value) sets Config.<name> inside the with block and restores it after."""
    assert dz.Config.enable_backprop is True
    for value in (False, True):
        with dz.using_config("enable_backprop", value):
            assert dz.Config.enable_backprop is value
        assert dz.Config.enable_backprop is True, f"not restored after a block with {value}"


@pytest.mark.grade(points=2, todo="step18.1")
def test_using_config_restores_value_when_block_raises(dz):
    """An exception inside the with block still restores the old value (and is not swallowed)."""
    with pytest.raises(ZeroDivisionError):
        with dz.using_config("enable_backprop", False):
            1 / 0  # noqa: B018
    assert dz.Config.enable_backprop is True, "Config.enable_backprop stayed False after an error"


@pytest.mark.grade(points=2, todo="step18.2")
@given(a=arrays())
def test_no_grad_records_no_graph(dz, a):
    """Under no_grad() the output has no creator and the function keeps no inputs or outputs."""
    f = dz.Square()
    with dz.no_grad():
        y = f(dz.Variable(a.copy()))
    np.testing.assert_allclose(y.data, a**2)
    assert y.creator is None, "inside no_grad() the output must not remember its creator"
    assert getattr(f, "inputs", None) is None and getattr(f, "outputs", None) is None


@pytest.mark.grade(points=1, todo="step18.2")
def test_no_grad_switches_backprop_off_and_back_on(dz):
    """Inside no_grad() Config.enable_backprop is False; afterwards it is True again, even after an error."""
    with dz.no_grad():
        assert dz.Config.enable_backprop is False
    assert dz.Config.enable_backprop is True, "no_grad() must switch backprop back on afterwards"
    with pytest.raises(KeyError), dz.no_grad():
        raise KeyError("inside")
    assert dz.Config.enable_backprop is True, "an error inside no_grad() left backprop off"


@pytest.mark.grade(points=2, todo="step18.4")
@given(a=arrays())
def test_call_records_graph_only_when_backprop_is_enabled(dz, a):
    """With enable_backprop False nothing is recorded; switched back on, the graph is recorded again."""
    with dz.using_config("enable_backprop", False):
        off = dz.square(dz.Variable(a))
    x = dz.Variable(a)
    on = dz.square(x)
    assert off.creator is None, "with enable_backprop False the output must have no creator"
    assert on.creator is not None and on.creator.inputs[0] is x, "with backprop on, record the graph"


@pytest.mark.grade(points=2, todo="step18.4")
def test_no_grad_peak_memory_is_far_lower(dz):
    """30 squares of a 160 KB array: under no_grad the peak is below 1/4 of the peak with backprop."""
    with_graph = _peak_bytes(dz, 30)
    with dz.no_grad():
        without = _peak_bytes(dz, 30)
    ratio = without / with_graph
    assert ratio < 0.25, (
        f"peak {without / 1e6:.2f} MB under no_grad vs {with_graph / 1e6:.2f} MB with backprop "
        f"(ratio {ratio:.2f}, expected < 0.25): under no_grad no intermediate may be kept")
