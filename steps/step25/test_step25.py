"""Step 25: DOT text written by hand parses to the intended nodes, styles and arrows, and dot draws it.

The text is read by a small DOT parser below (not by string comparison), so spacing, quoting
and the order of attributes are free; the drawing test runs Graphviz's real `dot`.
"""

import shutil
import subprocess
from collections import Counter
from copy import deepcopy

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.dot import node_kind, parse_dot
from grader.strategies import dags, dot_texts


def _one_line(text: str) -> dict:
    assert isinstance(text, str), f"expected one line of text (a str), got {type(text).__name__}"
    assert "\n" not in text.strip(), f"expected a single line, got:\n{text}"
    return parse_dot("digraph g {\n" + text + "\n}")


def _node(line: str):
    graph = _one_line(line)
    assert len(graph["nodes"]) == 1 and not graph["edges"], f"expected exactly one node statement: {line}"
    return graph["nodes"][0]


@pytest.mark.grade(points=2, todo="step25.1")
def test_dot_node_variable_is_orange_filled_ellipse(script):
    """dot_node(1, "x", "variable") is a node 1 labelled x: color=orange, style=filled, an ellipse."""
    node_id, attrs = _node(script.dot_node(1, "x", "variable"))
    assert node_id == "1", f"the node's ID should be 1, not {node_id!r}"
    assert attrs.get("label") == "x", f"the label should be x, not {attrs.get('label')!r}"
    assert node_kind(attrs) == "variable", f"a variable is an orange filled ellipse, got {attrs}"


@pytest.mark.grade(points=2, todo="step25.1")
def test_dot_node_function_is_lightblue_filled_box(script):
    """dot_node(3, "Exp", "function") is a node 3 labelled Exp: color=lightblue, style=filled, shape=box."""
    node_id, attrs = _node(script.dot_node(3, "Exp", "function"))
    assert node_id == "3", f"the node's ID should be 3, not {node_id!r}"
    assert attrs.get("label") == "Exp", f"the label should be Exp, not {attrs.get('label')!r}"
    assert node_kind(attrs) == "function", f"a function is a light-blue filled box, got {attrs}"


@pytest.mark.grade(points=2, todo="step25.1")
@given(node_id=st.one_of(st.integers(0, 2**63), dot_texts()), label=dot_texts())
@example(node_id="my var", label='say "hi"')
@example(node_id="node", label="C:\\new\\")
def test_dot_node_keeps_any_id_and_label(script, node_id, label):
    """Any ID and label, with spaces, quotes or backslashes, reads back unchanged from the node line."""
    got_id, attrs = _node(script.dot_node(node_id, label, "variable"))
    assert got_id == str(node_id), f"the ID {node_id!r} reads back as {got_id!r}: quote it with quote()"
    assert attrs.get("label") == label, f"the label {label!r} reads back as {attrs.get('label')!r}"


@pytest.mark.grade(points=2, todo="step25.2")
@given(src=st.one_of(st.integers(0, 2**63), dot_texts()), dst=dot_texts())
@example(src=1, dst=3)
def test_dot_edge_points_from_src_to_dst(script, src, dst):
    """dot_edge(a, b) is one arrow from a to b, for any IDs (1 -> 3 in the book)."""
    graph = _one_line(script.dot_edge(src, dst))
    got = [(a, b) for a, b, _ in graph["edges"]]
    assert got == [(str(src), str(dst))], f"dot_edge({src!r}, {dst!r}) should be one arrow, got {got}"
    assert not graph["nodes"], f"an edge line declares no node: {graph['nodes']}"


def _parse_graph(script, graph):
    text = script.dot_graph(deepcopy(graph))  # the test's graph stays as drawn
    assert isinstance(text, str), f"dot_graph returned {type(text).__name__}, not the DOT text"
    return parse_dot(text)


_BOOK = ({"Exp": (["x"], ["y"])}, "y")


@pytest.mark.grade(points=3, todo="step25.3")
@given(case=dags())
@example(case=_BOOK)
def test_dot_graph_draws_each_name_once_in_its_style(script, case):
    """dot_graph has one node per variable and per function, labelled by its name, in its kind's style."""
    graph, _ = case
    parsed = _parse_graph(script, graph)
    ids = Counter(node_id for node_id, _ in parsed["nodes"])
    repeated = sorted(n for n, k in ids.items() if k > 1)
    assert not repeated, f"these nodes are written more than once: {repeated}"
    variables = {v for inputs, outputs in graph.values() for v in (*inputs, *outputs)}
    expected = {**{v: "variable" for v in variables}, **{f: "function" for f in graph}}
    got = {node_id: node_kind(attrs) for node_id, attrs in parsed["nodes"]}
    assert got == expected, f"graph {graph}: expected nodes {expected}, got {got}"
    labels = {node_id: attrs.get("label") for node_id, attrs in parsed["nodes"]}
    assert labels == {n: n for n in expected}, f"each label should be the node's name: {labels}"


@pytest.mark.grade(points=3, todo="step25.3")
@given(case=dags())
@example(case=({"Add": (["x", "x"], ["y"])}, "y"))
def test_dot_graph_arrows_follow_the_data(script, case):
    """dot_graph has an arrow from each input to its function and from the function to each output."""
    graph, _ = case
    expected = Counter()
    for f, (inputs, outputs) in graph.items():
        expected.update([(x, f) for x in inputs] + [(f, y) for y in outputs])
    got = Counter((a, b) for a, b, _ in _parse_graph(script, graph)["edges"])
    assert got == expected, (f"graph {graph}: missing arrows {sorted(expected - got)}, "
                             f"extra arrows {sorted(got - expected)}")


@pytest.mark.grade(points=2, todo="step25.3", needs="dot")
def test_dot_graph_renders_with_graphviz(script):
    """Graphviz's dot reads dot_graph's text of the book's diamond and draws it as a PNG."""
    dot = shutil.which("dot") or "dot"
    diamond = {"A": (["x"], ["a"]), "B": (["a"], ["b"]), "C": (["a"], ["c"]), "D": (["b", "c"], ["y"])}
    text = script.dot_graph(diamond)
    done = subprocess.run([dot, "-Tpng"], input=text.encode(), capture_output=True, timeout=30)
    stderr = done.stderr.decode(errors="replace").strip()
    assert done.returncode == 0 and not stderr, f"dot could not read the text: {stderr}\n{text}"
    assert done.stdout.startswith(b"\x89PNG"), "dot did not write a PNG picture"
