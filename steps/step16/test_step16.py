"""Step 16: generations order backward so every function runs once, after all its consumers.

The graphs are "rakes": `depth` levels, each splitting into `width` branches of lengths
1, 2, …, width that re-converge in one function. Branches of unequal length make the
merging function's inputs come from different generations, the case step 15 is about.
"""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, functions_of, grad_as_array, inputs_of, outputs_of
from grader.strategies import arrays, chain_lengths, floats_in


def _traced(dz, log):
    """Two test functions with any number of inputs; their backward appends self to log."""

    class Lin(dz.Function):
        """y = c * (x0 + x1 + ...): dy/dxi = c."""

        def __init__(self, c):
            self.c = c

        def forward(self, *xs):
            return self.c * sum(xs)

        def backward(self, gy):
            log.append(self)
            return tuple(self.c * gy for _ in inputs_of(self))

    class Wave(dz.Function):
        """y = sin(x0 + x1 + ...): dy/dxi = cos(x0 + x1 + ...)."""

        def forward(self, *xs):
            return np.sin(sum(xs))

        def backward(self, gy):
            log.append(self)
            g = np.cos(sum(x.data for x in inputs_of(self)))
            return tuple(g * gy for _ in inputs_of(self))

    return Lin, Wave


def _rake(x, depth, width, branch, merge):
    h = x
    for _ in range(depth):
        ends = []
        for i in range(width):
            b = h
            for _ in range(i + 1):
                b = branch(b)
            ends.append(b)
        h = merge(*ends)
    return h


def _lin_rake(dz, log, x, depth, width):
    Lin, _ = _traced(dz, log)
    return _rake(x, depth, width, lambda v: Lin(0.5)(v), lambda *vs: Lin(1.0)(*vs))


@pytest.mark.grade(points=1, todo="step16.1")
@given(n=chain_lengths(8))
def test_variable_generation_is_one_more_than_its_creator(dz, n):
    """A variable made by a function is one generation after it: n squares give generation n."""
    x = dz.Variable(np.array(0.5))
    assert x.generation == 0, "a variable made by the user has generation 0"
    y = x
    for k in range(1, n + 1):
        y = dz.square(y)
        assert y.generation == y.creator.generation + 1 == k, (
            f"after {k} squares: variable generation {y.generation}, "
            f"its creator's {y.creator.generation}; expected {k} and {k - 1}")


@pytest.mark.grade(points=2, todo="step16.4")
@given(a=chain_lengths(6), b=chain_lengths(6))
def test_function_generation_is_the_highest_of_its_inputs(dz, a, b):
    """A function's generation is the highest generation among its inputs."""
    x = dz.Variable(np.array(0.5))
    u, v = x, x
    for _ in range(a):
        u = dz.square(u)
    for _ in range(b):
        v = dz.square(v)
    f = dz.Add()
    y = f(u, v)
    assert f.generation == max(a, b), f"inputs of generations {a} and {b}, function has {f.generation}"
    assert y.generation == max(a, b) + 1


@pytest.mark.grade(points=1, todo="step16.1")
@given(g=chain_lengths(8))
def test_set_creator_alone_makes_the_variable_one_generation_after(dz, g):
    """set_creator(f), called directly on a function of generation g: the variable's creator is f
    and its generation g + 1."""
    f = dz.Square()
    f.generation = g
    y = dz.Variable(np.array(1.0))
    y.set_creator(f)
    assert y.creator is f, "set_creator(f) should make f the variable's creator"
    assert y.generation == g + 1, f"a function of generation {g} made a variable of generation {y.generation}"


@pytest.mark.grade(points=1, todo="step16.4")
@given(a=chain_lengths(6), b=chain_lengths(6))
def test_a_call_takes_the_highest_generation_of_its_inputs(dz, a, b):
    """Calling a function on inputs of generations a and b gives it generation max(a, b), whatever
    set_creator does (here it only records its calls)."""
    u, v = dz.Variable(np.array(0.5)), dz.Variable(np.array(1.5))
    u.generation, v.generation = a, b
    calls = []
    real = dz.Variable.set_creator
    dz.Variable.set_creator = lambda self, func: calls.append(func)
    try:
        f = dz.Add()
        f(u, v)
    finally:
        dz.Variable.set_creator = real
    assert f.generation == max(a, b), f"inputs of generations {a} and {b}, function has {f.generation}"
    assert calls == [f], "the call should make the function its output's creator, once"


@pytest.mark.grade(points=3, todo="step16.2")
@given(depth=chain_lengths(4), width=chain_lengths(4))
@example(depth=1, width=2)
def test_backward_runs_each_function_exactly_once(dz, depth, width):
    """On re-converging graphs of any depth and width, backward calls every function's backward once."""
    log = []
    y = _lin_rake(dz, log, dz.Variable(np.array(1.0)), depth, width)
    y.backward()
    funcs = functions_of(y)
    counts = [sum(g is f for g in log) for f in funcs]
    assert counts == [1] * len(funcs), f"backward calls per function (graph order): {counts}"


@pytest.mark.grade(points=3, todo="step16.2")
@given(depth=chain_lengths(4), width=chain_lengths(4))
def test_backward_runs_a_function_after_all_its_consumers(dz, depth, width):
    """A function runs only after every function using its outputs ran, so its grads are complete."""
    log = []
    y = _lin_rake(dz, log, dz.Variable(np.array(1.0)), depth, width)
    y.backward()
    funcs = functions_of(y)
    for f in funcs:
        outs = outputs_of(f)
        for g in funcs:
            if any(v is o for v in inputs_of(g) for o in outs):
                first_f = next(i for i, h in enumerate(log) if h is f)
                assert any(h is g for h in log[:first_f]), (
                    f"{type(f).__name__} of generation {f.generation} ran before a function of "
                    f"generation {g.generation} that uses its output had passed its grad back")


@pytest.mark.grade(points=2, todo="step16.3")
@given(x=floats_in(-2, 2))
@example(x=2.0)
def test_backward_diamond_of_squares_gives_8x_cubed(dz, x):
    """For the book's diamond y = a**2 + a**2 with a = x**2 (y = 2x**4), dy/dx = 8x**3 (64.0 at 2.0)."""
    v = dz.Variable(np.array(x))
    a = dz.square(v)
    y = dz.add(dz.square(a), dz.square(a))
    y.backward()
    assert float(y.data) == pytest.approx(2 * x**4)
    assert float(grad_as_array(v)) == pytest.approx(8 * x**3, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=2, todo="step16.3")
@given(depth=chain_lengths(4), width=chain_lengths(4), x=floats_in(-3, 3))
def test_backward_rake_grad_matches_closed_form(dz, depth, width, x):
    """For the linear rake (branches halve, merges add) dy/dx = (1 - 0.5**width) ** depth."""
    v = dz.Variable(np.array(x))
    y = _lin_rake(dz, [], v, depth, width)
    y.backward()
    expected = (1 - 0.5**width) ** depth
    assert float(grad_as_array(v)) == pytest.approx(expected, rel=1e-12), (
        f"depth {depth}, width {width}: grads of the branches are not summed exactly once")


@pytest.mark.grade(points=2, todo="step16.3")
@given(depth=chain_lengths(3), width=chain_lengths(3), a=arrays(shape=(3,)))
def test_backward_nonlinear_rake_matches_finite_differences(dz, depth, width, a):
    """On a rake of sin(sum of inputs) functions, backprop agrees with central differences."""
    _, Wave = _traced(dz, [])
    check_grad(dz, lambda v: _rake(v, depth, width, lambda u: Wave()(u), lambda *us: Wave()(*us)), a)
