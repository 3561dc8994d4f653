"""Step 17: outputs held by weak reference, so a graph frees itself by reference counting alone.

The memory tests switch the garbage collector off: what they see freed was freed because its
reference count dropped to zero, with no cycle left for the collector to find.
"""

import gc
import tracemalloc
import weakref

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, functions_of, grad_as_array
from grader.strategies import arrays, chain_lengths, floats_in


def _rake(dz, x, depth, width):
    """`depth` levels; each splits into `width` chains of 1..width squares, summed again."""
    h = x
    for _ in range(depth):
        ends = []
        for i in range(width):
            b = h
            for _ in range(i + 1):
                b = dz.square(b)
            ends.append(b)
        h = ends[0]
        for b in ends[1:]:
            h = dz.add(h, b)
    return h


def _function_refs(y):
    """A weak reference to every function of the graph that made y (no strong one is kept)."""
    return [weakref.ref(f) for f in functions_of(y)]


@pytest.mark.grade(points=1, todo="step17.2")
@given(a=arrays())
def test_function_outputs_are_weak_references(dz, a):
    """A function keeps its outputs as weakref.ref objects that lead to the output Variables."""
    f = dz.Square()
    y = f(dz.Variable(a))
    assert all(isinstance(o, weakref.ref) for o in f.outputs), (
        f"f.outputs holds {[type(o).__name__ for o in f.outputs]}, expected weakref.ref objects")
    assert f.outputs[0]() is y


@pytest.mark.grade(points=3, todo="step17.2")
@given(depth=chain_lengths(4), width=chain_lengths(3))
@example(depth=1, width=2)
def test_deleting_the_output_frees_every_function_without_gc(dz, depth, width):
    """With the garbage collector off, deleting the output frees every function of its graph."""
    gc.disable()
    try:
        x = dz.Variable(np.zeros(3))
        y = _rake(dz, x, depth, width)
        refs = _function_refs(y)
        assert all(r() is not None for r in refs), "the graph must live while its output does"
        del y
        alive = sum(r() is not None for r in refs)
    finally:
        gc.enable()
    assert alive == 0, (
        f"{alive} of {len(refs)} functions outlived their output: a function -> output -> "
        "creator cycle keeps them until the garbage collector runs")


@pytest.mark.grade(points=2, todo="step17.2")
def test_book_loop_does_not_pile_up_memory_without_gc(dz):
    """The book's loop (10 graphs on 10 000-element arrays) peaks far below 10 kept graphs (3.2 MB)."""
    rng = np.random.default_rng(0)
    gc.disable()
    tracemalloc.start()
    try:
        for _ in range(10):
            x = dz.Variable(rng.standard_normal(10_000))
            y = dz.square(dz.square(dz.square(x)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        gc.enable()
    assert y.data.shape == (10_000,)
    assert peak < 1_500_000, f"peak {peak / 1e6:.1f} MB: earlier graphs were not freed by refcount"


@pytest.mark.grade(points=2, todo="step17.1")
@given(x=floats_in(-1.2, 1.2))
def test_backward_reaches_input_through_unreferenced_intermediates(dz, x):
    """For y = ((x**2)**2)**2, kept only by the graph, backward gives dy/dx = 8x**7."""
    v = dz.Variable(np.array(x))
    y = dz.square(dz.square(dz.square(v)))
    y.backward()
    assert float(grad_as_array(v)) == pytest.approx(8 * x**7, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=2, todo="step17.1")
@given(a=arrays(lo=-2, hi=2))
def test_backward_collects_the_grad_of_every_output(dz, a):
    """A function with two outputs (x, 3x) gets both outputs' grads: d(x + 3x)/dx = 4."""

    class Split(dz.Function):
        def forward(self, x):
            return x, 3 * x

        def backward(self, gy0, gy1):
            return gy0 + 3 * gy1

    x = dz.Variable(a.copy())
    y = dz.add(*Split()(x))
    y.backward()
    np.testing.assert_allclose(grad_as_array(x), np.full(a.shape, 4.0))


@pytest.mark.grade(points=2, todo="step17.1")
@given(depth=chain_lengths(2), width=chain_lengths(3), a=arrays(shape=(2,), lo=-1, hi=1))
def test_backward_rake_matches_finite_differences(dz, depth, width, a):
    """On re-converging graphs of squares and adds, backprop agrees with central differences."""
    check_grad(dz, lambda v: _rake(dz, v, depth, width), a)
