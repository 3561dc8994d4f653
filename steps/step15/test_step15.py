"""Step 15: generations order the functions of any graph for backward; a plain stack does not.

Graphs are plain data: {function name: (input names, output names)} in call order. The
expected values are computed here another way (longest paths, reachability), not by
repeating the exercise's code.
"""

from copy import deepcopy
from functools import cache

import numpy as np
import pytest
from hypothesis import example, given, note

from grader.checks import functions_needed
from grader.strategies import dags, diamond_depths

BOOK_DIAMOND = {"A": (["x"], ["a"]), "B": (["a"], ["b"]), "C": (["a"], ["c"]), "D": (["b", "c"], ["y"])}


def _diamond(d1: int, d2: int) -> dict:
    """x -> A -> a, then chains B1..Bd1 and C1..Cd2 from a, which meet in y = D(b, c)."""
    graph, ends = {"A": (["x"], ["a"])}, []
    for branch, depth in (("B", d1), ("C", d2)):
        v = "a"
        for i in range(1, depth + 1):
            graph[f"{branch}{i}"] = ([v], [f"{branch.lower()}{i}"])
            v = f"{branch.lower()}{i}"
        ends.append(v)
    graph["D"] = (ends, ["y"])
    return graph


def _expected_generations(graph: dict) -> dict:
    """Generation as the longest path: a variable's is 1 + its creator's (0 for an input)."""
    creator = {y: f for f, (_, outs) in graph.items() for y in outs}

    @cache
    def gen(name: str) -> int:
        if name in graph:
            return max(gen(x) for x in graph[name][0])
        return 1 + gen(creator[name]) if name in creator else 0

    names = {n for f, (ins, outs) in graph.items() for n in (f, *ins, *outs)}
    return {n: gen(n) for n in names}




def _step14_visits(dz, graph: dict, y: str) -> list:
    """Build graph with the step's own Variable and Function; the order its backward calls them."""
    visits, var = [], {}

    class Spy(dz.Function):
        def forward(self, *xs):
            return tuple(np.array(sum(xs)) for _ in range(self.n_out))

        def backward(self, *gys):
            visits.append(self.name)
            return tuple(np.zeros(()) for _ in self.inputs)

    for name, (inputs, outputs) in graph.items():
        spy = Spy()
        spy.name, spy.n_out = name, len(outputs)
        ys = spy(*[var.setdefault(x, dz.Variable(np.array(1.0))) for x in inputs])
        var.update(zip(outputs, ys if isinstance(ys, list) else [ys], strict=True))
    var[y].backward()
    return visits


@pytest.mark.grade(points=2, todo="step15.1")
@given(case=dags())
@example(case=(BOOK_DIAMOND, "y"))
def test_generations_of_variables_follow_longest_path(dz, case):
    """A variable's generation is the number of functions on the longest path to it (y: 3 in the book)."""
    graph, _ = case
    expected = _expected_generations(graph)
    got = dz.generations(deepcopy(graph))  # the test's graph stays as drawn
    for v in sorted(n for n in expected if n not in graph):
        assert got.get(v) == expected[v], f"variable {v}: generation {got.get(v)}, expected {expected[v]}"


@pytest.mark.grade(points=2, todo="step15.1")
@given(case=dags())
@example(case=(BOOK_DIAMOND, "y"))
def test_generations_of_functions_are_highest_input_generation(dz, case):
    """A function's generation is the highest generation among its inputs (D: 2 in the book)."""
    graph, _ = case
    expected = _expected_generations(graph)
    got = dz.generations(deepcopy(graph))  # the test's graph stays as drawn
    for f in graph:
        assert got.get(f) == expected[f], f"function {f}: generation {got.get(f)}, expected {expected[f]}"


@pytest.mark.grade(points=3, todo="step15.2", reference=False)
@given(case=dags())
@example(case=(BOOK_DIAMOND, "y"))
def test_stack_order_matches_step14_backward(dz, case):
    """stack_order(graph, y) is the order in which step 14's Variable.backward calls the functions."""
    graph, y = case
    order = dz.stack_order(deepcopy(graph), y)
    assert order == _step14_visits(dz, graph, y), "step 14's backward visits differ"


@pytest.mark.grade(points=1, todo="step15.2")
def test_stack_order_of_book_diamond_is_d_c_a_b_a(dz):
    """On the book's diamond the stack order is D, C, A, B, A: A runs twice, first before B."""
    assert dz.stack_order(deepcopy(BOOK_DIAMOND), "y") == ["D", "C", "A", "B", "A"]


@pytest.mark.grade(points=2, todo="step15.2")
@given(depths=diamond_depths())
def test_stack_order_visits_fork_twice_on_every_diamond(dz, depths):
    """On any diamond the stack runs A twice, the first time before B1, which uses A's output."""
    order = dz.stack_order(_diamond(*depths), "y")
    note(f"stack order: {order}")
    assert order.count("A") == 2, f"A appears {order.count('A')} times, step 14's stack visits it twice"
    assert order.index("A") < order.index("B1"), "the first A should come before B1"


@pytest.mark.grade(points=2, todo="step15.3")
@given(case=dags())
@example(case=(BOOK_DIAMOND, "y"))
def test_backward_order_visits_each_needed_function_once(dz, case):
    """backward_order(graph, y) lists every function y depends on exactly once, and no other."""
    graph, y = case
    order = dz.backward_order(deepcopy(graph), y)
    note(f"backward_order: {order}")
    assert len(order) == len(set(order)), f"a function is visited more than once: {order}"
    needed = functions_needed(graph, y)
    assert set(order) == needed, f"expected the functions {sorted(needed)}"


@pytest.mark.grade(points=2, todo="step15.4")
@given(case=dags())
@example(case=(BOOK_DIAMOND, "y"))
def test_backward_order_goes_by_decreasing_generation(dz, case):
    """Along backward_order(graph, y) the generations never increase (D, then B and C, then A)."""
    graph, y = case
    gens = _expected_generations(graph)
    order = dz.backward_order(deepcopy(graph), y)
    note(f"backward_order: {order}")
    seq = [gens[f] for f in order]
    assert seq == sorted(seq, reverse=True), f"generations along the order: {seq}"


@pytest.mark.grade(points=3, todo="step15.4")
@given(case=dags())
@example(case=(BOOK_DIAMOND, "y"))
def test_backward_order_runs_users_before_creator(dz, case):
    """Each function comes after every function that uses one of its outputs (A after B and C)."""
    graph, y = case
    order = dz.backward_order(deepcopy(graph), y)
    note(f"backward_order: {order}")
    position = {f: i for i, f in enumerate(order)}
    for f, (inputs, _) in graph.items():
        for g in (g for g, (_, outs) in graph.items() if set(outs) & set(inputs)):
            if f in position and g in position:
                assert position[f] < position[g], f"{g} makes an input of {f} but runs before it"
