"""Step 30: list the functions behind a variable; a backward on Variables builds a graph of its own.

Graphs come from the dags() strategy (plain data) and are built with a test Function, so the
expected functions are known from the data, not from the exercise's own walk.
"""

from collections import Counter

import numpy as np
import pytest
from hypothesis import example, given, note

from grader.checks import check_grad, functions_needed, functions_of, grad_as_array, to_array
from grader.strategies import dags, floats_in

BOOK_DIAMOND = {"A": (["x"], ["a"]), "B": (["a"], ["b"]), "C": (["a"], ["c"]), "D": (["b", "c"], ["y"])}


def _build(dz, graph: dict) -> dict:
    """Make the graph with real Variables and one test Function per node; name -> object."""

    class Node(dz.Function):
        def forward(self, *xs):
            return tuple(np.array(1.0) for _ in range(self.n_out))

    made = {}
    for name, (inputs, outputs) in graph.items():
        node = Node()
        node.n_out = len(outputs)
        ys = node(*[made.setdefault(x, dz.Variable(np.array(1.0))) for x in inputs])
        made[name] = node
        made.update(zip(outputs, ys if isinstance(ys, list) else [ys], strict=True))
    return made






def _cube_grad(dz, script, x: float, gy: float):
    """x and Cube.backward called by hand with a Variable gy (backprop is on, as by default)."""
    vx = dz.Variable(np.array(x))
    y = script.cube(vx)
    assert y.creator is not None, "cube(x) has no creator: call Cube()(x), the way the book's helpers do"
    return vx, y.creator.backward(dz.Variable(np.array(gy)))


@pytest.mark.grade(points=3, todo="step30.1")
@given(case=dags())
@example(case=(BOOK_DIAMOND, "y"))
def test_graph_functions_lists_each_needed_function_once(dz, script, case):
    """graph_functions(y) lists every function y depends on exactly once, and no other."""
    graph, y = case
    made = _build(dz, graph)
    got = script.graph_functions(made[y])
    names = [next(n for n in graph if made[n] is f) for f in got]
    note(f"graph_functions: {names}")
    assert len(names) == len(set(names)), f"a function is listed more than once: {names}"
    needed = functions_needed(graph, y)
    assert set(names) == needed, f"expected the functions {sorted(needed)}"


@pytest.mark.grade(points=1, todo="step30.1")
def test_graph_functions_of_one_function_is_its_creator(dz, script):
    """Behind x ** 2 is just its creator; behind x, which nobody made, there is nothing."""
    x = dz.Variable(np.array(2.0))
    y = x**2
    assert list(script.graph_functions(y)) == [y.creator], "expected exactly [y.creator]"
    assert list(script.graph_functions(x)) == [], "x has no creator, so no function is behind it"


@pytest.mark.grade(points=1, todo="step30.1")
@given(x=floats_in(-2, 2))
@example(x=2.0)
def test_graph_functions_of_book_polynomial_counts_kinds(dz, script, x):
    """Behind y = x ** 4 - 2 * x ** 2 are 2 Pow, 1 Mul and 1 Sub, y's creator (the Sub) first."""
    vx = dz.Variable(np.array(x))
    y = vx**4 - 2 * vx**2
    got = list(script.graph_functions(y))
    assert Counter(type(f).__name__ for f in got) == {"Pow": 2, "Mul": 1, "Sub": 1}
    assert got[0] is y.creator, f"the first function should be y's creator, got {type(got[0]).__name__}"


@pytest.mark.grade(points=2, todo="step30.2")
@given(x=floats_in(-2, 2))
@example(x=2.0)
def test_cube_grad_matches_central_difference(dz, script, x):
    """Backprop through cube(x) agrees with central differences (3 x ** 2: 12.0 at x = 2)."""
    check_grad(dz, script.cube, x, todo="step30.2")


@pytest.mark.grade(points=2, todo="step30.2")
@given(x=floats_in(-2, 2), gy=floats_in(-2, 2))
@example(x=2.0, gy=1.0)
def test_cube_backward_returns_variable_3x2_gy(dz, script, x, gy):
    """Cube.backward, given a Variable gy, returns a Variable holding 3 x ** 2 gy."""
    _, gx = _cube_grad(dz, script, x, gy)
    assert isinstance(gx, dz.Variable), f"backward returned a {type(gx).__name__}, not a Variable"
    assert float(to_array(gx)) == pytest.approx(3 * x**2 * gy, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=2, todo="step30.2")
@given(x=floats_in(-2, 2))
@example(x=2.0)
def test_cube_backward_graph_reaches_x(dz, script, x):
    """The Variable Cube.backward returns has a creator, and the graph behind it reaches x."""
    vx, gx = _cube_grad(dz, script, x, 1.0)
    assert getattr(gx, "creator", None) is not None, (
        "the grad has no creator: compute it from self.inputs (Variables), not from .data")
    funcs = functions_of(gx)
    note(f"functions behind the grad: {sorted(type(f).__name__ for f in funcs)}")
    assert any(v is vx for f in funcs for v in f.inputs), "the graph of the grad does not reach x"


@pytest.mark.grade(points=2, todo="step30.2")
@given(x=floats_in(-2, 2))
@example(x=2.0)
def test_cube_second_derivative_from_backward_graph_is_6x(dz, script, x):
    """Backprop from the grad Cube.backward made gives x.grad = 6 x, the second derivative."""
    vx, gx = _cube_grad(dz, script, x, 1.0)
    assert getattr(gx, "creator", None) is not None, "the grad has no creator, so no graph to backprop"
    gx.backward()
    got = grad_as_array(vx)
    assert got is not None, "x.grad is None: the graph of the grad does not reach x"
    assert float(got) == pytest.approx(6 * x, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=1, todo="step30.2", reference=False)
def test_cube_backprop_on_simple_core_leaves_graph_behind_grad(dz, script):
    """On the simple core, cube(x).backward() leaves x.grad a Variable with Cube's graph behind it."""
    x = dz.Variable(np.array(2.0))
    script.cube(x).backward()
    assert isinstance(x.grad, dz.Variable), f"x.grad is a {type(x.grad).__name__}, not a Variable"
    assert x.grad.creator is not None, "x.grad has no creator: Cube.backward computed on ndarrays"


@pytest.mark.grade(points=2, todo="step30.3")
@given(case=dags())
@example(case=(BOOK_DIAMOND, "y"))
def test_depends_on_matches_reachability(dz, script, case):
    """depends_on(y, v) is True exactly for y and the inputs of the functions y depends on."""
    graph, y = case
    made = _build(dz, graph)
    needed = functions_needed(graph, y)
    reachable = {y} | {v for f in needed for v in graph[f][0]}
    for v in sorted({v for ins, outs in graph.values() for v in (*ins, *outs)}):
        assert script.depends_on(made[y], made[v]) == (v in reachable), (
            f"depends_on({y}, {v}) should be {v in reachable}")


@pytest.mark.grade(points=1, todo="step30.3")
@given(x=floats_in(-2, 2))
@example(x=2.0)
def test_depends_on_grad_of_cube_is_true(dz, script, x):
    """The grad made by Cube.backward depends on x, and not on a variable outside its graph."""
    vx, gx = _cube_grad(dz, script, x, 1.0)
    assert script.depends_on(gx, vx) is True, "the grad of cube(x) should depend on x"
    assert script.depends_on(gx, dz.Variable(np.array(x))) is False, "an unrelated variable is not behind it"
