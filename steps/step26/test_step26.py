"""Step 26: get_dot_graph writes each node of a graph once, in the book's styles, with arrows that
follow the data; plot_dot_graph draws it with Graphviz's dot and fails clearly.

The DOT text is read by a small parser (not by string comparison). Node IDs are id() of the
Variable or Function, as in the book. Drawing tests skip, with a message, if dot is missing.
"""

import operator
import os
import re
import runpy
from collections import Counter

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grader.checks import inputs_of
from grader.dot import node_kind, parse_dot
from grader.strategies import expression_plans, shapes

_BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
_UNARY = {"neg": operator.neg, "**2": lambda v: v**2}


def _build(dz, n, ops) -> list:
    """Every value of the plan, inputs first; the last one is the output."""
    values = [dz.Variable(np.array(1.0 + i)) for i in range(n)]
    with np.errstate(all="ignore"):  # x - x may be a divisor: the values do not matter here
        for symbol, a, b in ops:
            if symbol in _UNARY:
                values.append(_UNARY[symbol](values[a]))
            else:
                values.append(_BINARY[symbol](values[a], 2.0 if b is None else values[b]))
    return values


def _needed(n, ops) -> set:
    """Indices of the values the output depends on, the output included."""
    found, todo = set(), [n + len(ops) - 1]
    while todo:
        k = todo.pop()
        if k not in found:
            found.add(k)
            if k >= n:
                _, a, b = ops[k - n]
                todo += [a] if b is None else [a, b]
    return found


def _graph(dz, output, verbose=True) -> dict:
    text = dz.utils.get_dot_graph(output, verbose=verbose)
    assert isinstance(text, str), f"get_dot_graph returned {type(text).__name__}, not the DOT text"
    return parse_dot(text)


def _only_node(dz, v, verbose):
    nodes = _graph(dz, v, verbose)["nodes"]
    assert len(nodes) == 1, f"a variable with no creator should give one node, got {nodes}"
    return nodes[0]


def _named(dz, data, name):
    v = dz.Variable(data)
    v.name = name
    return v


@pytest.mark.grade(points=2, todo="step26.1")
@given(shape=shapes(), dtype=st.sampled_from(["float64", "float32", "int64"]))
@example(shape=(2, 3), dtype="float64")
def test_variable_verbose_label_shows_name_shape_dtype(dz, shape, dtype):
    """With verbose, a variable's label is its name, shape and dtype, as in "x: (2, 3) float64"."""
    _, attrs = _only_node(dz, _named(dz, np.zeros(shape, dtype), "x"), verbose=True)
    expected = f"x: {shape} {dtype}"
    assert attrs.get("label") == expected, f"label {attrs.get('label')!r}, expected {expected!r}"


@pytest.mark.grade(points=2, todo="step26.1")
def test_variable_label_without_verbose_or_name(dz):
    """Without verbose the label is the name as it is (quotes too); unnamed, "" or "(2, 3) float64"."""
    odd = 'say "hi" C:\\new\\'
    cases = [("x", False, "x"), (odd, False, odd), (None, False, ""), (None, True, "(2, 3) float64")]
    for name, verbose, expected in cases:
        _, attrs = _only_node(dz, _named(dz, np.zeros((2, 3)), name), verbose)
        assert attrs.get("label") == expected, (
            f"name={name!r}, verbose={verbose}: label {attrs.get('label')!r}, expected {expected!r}")


@pytest.mark.grade(points=1, todo="step26.1")
def test_variable_node_is_orange_filled_ellipse(dz):
    """A variable is a node whose ID is id(v): an orange, filled ellipse."""
    x = _named(dz, np.ones(3), "x")
    node_id, attrs = _only_node(dz, x, verbose=False)
    assert node_id == str(id(x)), f"the node's ID should be id(x) = {id(x)}, not {node_id!r}"
    assert node_kind(attrs) == "variable", f"a variable is an orange filled ellipse, got {attrs}"


def _func_graph(dz, f) -> dict:
    text = dz.utils._dot_func(f)
    assert isinstance(text, str), f"_dot_func returned {type(text).__name__}, not DOT lines"
    return parse_dot("digraph g {\n" + text + "\n}")


@pytest.mark.grade(points=2, todo="step26.2")
def test_function_node_is_lightblue_box_named_by_class(dz):
    """_dot_func(f) declares one node, ID id(f), labelled by its class (Mul): a light-blue filled box."""
    y = dz.Variable(np.array(2.0)) * dz.Variable(np.array(3.0))
    f = y.creator
    nodes = _func_graph(dz, f)["nodes"]
    assert [n for n, _ in nodes] == [str(id(f))], f"expected only the function's node {id(f)}, got {nodes}"
    attrs = nodes[0][1]
    assert attrs.get("label") == type(f).__name__, f"label {attrs.get('label')!r}, expected 'Mul'"
    assert node_kind(attrs) == "function", f"a function is a light-blue filled box, got {attrs}"


def _arrows(pairs, names) -> str:
    """'x0 -> Add, Add -> y' for a set of (id, id) pairs, with names for the known IDs."""
    return ", ".join(sorted(f"{names.get(a, a)} -> {names.get(b, b)}" for a, b in pairs)) or "none"


@pytest.mark.grade(points=2, todo="step26.2")
def test_function_arrows_run_inputs_function_output(dz):
    """_dot_func(f) has an arrow from each input to f and from f to its output."""
    x0, x1 = dz.Variable(np.array(2.0)), dz.Variable(np.array(3.0))
    y = x0 + x1
    x0_, x1_, f, y_ = (str(id(obj)) for obj in (x0, x1, y.creator, y))
    names = {x0_: "x0", x1_: "x1", f: "Add", y_: "y"}
    expected = {(x0_, f), (x1_, f), (f, y_)}
    got = {(a, b) for a, b, _ in _func_graph(dz, y.creator)["edges"]}
    assert got == expected, (f"missing arrows: {_arrows(expected - got, names)}; "
                             f"wrong: {_arrows(got - expected, names)}")


def _check_nodes_once(parsed):
    ids = Counter(node_id for node_id, _ in parsed["nodes"])
    repeated = sorted(n for n, k in ids.items() if k > 1)
    labels = {node_id: attrs.get("label") for node_id, attrs in parsed["nodes"]}
    assert not repeated, (f"{len(repeated)} node(s) written more than once, e.g. {repeated[0]} "
                          f"labelled {labels[repeated[0]]!r}")
    loose = {end for a, b, _ in parsed["edges"] for end in (a, b)} - set(ids)
    assert not loose, f"arrows touch {len(loose)} node(s) that were never declared"


@pytest.mark.grade(points=2, todo="step26.3")
def test_graph_writes_each_node_once(dz):
    """A variable used three times (y = x * x + x) is written once; every arrow ends at a declared node."""
    x = _named(dz, np.array(2.0), "x")
    parsed = _graph(dz, x * x + x)
    _check_nodes_once(parsed)
    kinds = Counter(node_kind(attrs) for _, attrs in parsed["nodes"])
    assert kinds == {"variable": 3, "function": 2}, f"expected 3 variables and 2 functions, got {kinds}"


@pytest.mark.grade(points=3, todo="step26.3")
@given(plan=expression_plans())
@example(plan=(2, [("+", 0, 1)]))
def test_graph_of_random_expression_counts_its_nodes(dz, plan):
    """For a random expression, one box per function and one ellipse per variable of its graph."""
    n, ops = plan
    parsed = _graph(dz, _build(dz, n, ops)[-1])
    _check_nodes_once(parsed)
    needed = _needed(n, ops)
    functions = [k for k in needed if k >= n]
    constants = sum(ops[k - n][0] in _BINARY and ops[k - n][2] is None for k in functions)
    expected = {"function": len(functions), "variable": len(needed) + constants}
    got = Counter(node_kind(attrs) for _, attrs in parsed["nodes"])
    assert got == expected, f"ops {ops} on {n} inputs: expected {expected}, got {dict(got)}"


@pytest.mark.grade(points=3, todo="step26.3")
@given(plan=expression_plans())
def test_graph_of_random_expression_has_every_arrow(dz, plan):
    """For a random expression, the arrows are exactly input -> function -> output for each function."""
    n, ops = plan
    values = _build(dz, n, ops)
    names = {str(id(v)): f"x{k}" if k < n else f"v{k - n}" for k, v in enumerate(values)}
    expected = set()
    for k in _needed(n, ops) - set(range(n)):
        f = values[k].creator
        names[str(id(f))] = f"{type(f).__name__}[{k - n}]"
        expected |= {(str(id(x)), str(id(f))) for x in inputs_of(f)} | {(str(id(f)), str(id(values[k])))}
    got = {(a, b) for a, b, _ in _graph(dz, values[-1])["edges"]}
    assert got == expected, (f"ops {ops} on {n} inputs x0, ... (op k makes vk): missing arrows "
                             f"{_arrows(expected - got, names)}; wrong: {_arrows(got - expected, names)}")


@pytest.mark.grade(points=2, todo="step26.3")
def test_goldstein_graph_has_38_functions(dz, script):
    """The Goldstein-Price graph has 38 function boxes, as in the book's figure, and labels x, y, z."""
    x, y = _named(dz, np.array(1.0), "x"), _named(dz, np.array(1.0), "y")
    z = script.goldstein(x, y)
    z.name = "z"
    parsed = _graph(dz, z, verbose=False)
    _check_nodes_once(parsed)
    kinds = Counter(node_kind(attrs) for _, attrs in parsed["nodes"])
    assert kinds["function"] == 38, f"expected 38 function boxes, got {kinds['function']}"
    labels = {attrs.get("label") for _, attrs in parsed["nodes"]}
    assert {"x", "y", "z"} <= labels, f"the variables x, y and z should be labelled: {sorted(labels)[:8]}"


_MAGIC = {"png": (b"\x89PNG",), "svg": (b"<?xml", b"<svg"), "pdf": (b"%PDF",)}
_ODD_NAME = "my 'graph' $(rm x); & y"  # spaces, quotes and shell syntax: no shell may see it


@pytest.mark.grade(points=2, todo="step26.3", needs="dot")
def test_plot_draws_png_svg_and_pdf(dz, tmp_path):
    """plot_dot_graph writes a real PNG, SVG and PDF, even to a file name with spaces and quotes."""
    x = _named(dz, np.array(2.0), "x")
    for fmt, magic in _MAGIC.items():
        target = tmp_path / f"{_ODD_NAME}.{fmt}"
        dz.utils.plot_dot_graph(x * x + 1, to_file=str(target))
        assert target.is_file(), f"no file was written at {target}"
        assert target.read_bytes().lstrip().startswith(magic), f"{target.name} is not a {fmt.upper()}"
    written = sorted(p.suffix for p in tmp_path.iterdir())
    assert written == [".pdf", ".png", ".svg"], f"expected the three pictures only, found {written}"


@pytest.mark.grade(points=1)
def test_plot_unknown_extension_raises_value_error(dz, tmp_path):
    """An unknown extension (graph.xyz) raises ValueError naming it, and writes nothing."""
    with pytest.raises(ValueError, match="xyz"):
        dz.utils.plot_dot_graph(dz.Variable(np.array(1.0)), to_file=str(tmp_path / "graph.xyz"))
    assert not list(tmp_path.iterdir()), "nothing should be written for an unknown extension"


@pytest.mark.grade(points=1, needs="dot")
def test_plot_to_missing_or_unwritable_folder_raises_oserror(dz, tmp_path):
    """A missing folder, a file in the folder's place or a read-only folder raise an OSError naming it."""
    folders = [tmp_path / "missing", tmp_path / "a file"]
    folders[1].write_text("a file, not a folder")
    if os.name == "posix" and os.geteuid() != 0:  # root may write anywhere: no read-only case
        folders.append(tmp_path / "read-only")
        folders[2].mkdir(mode=0o500)
    for folder in folders:
        with pytest.raises(OSError, match=re.escape(folder.name)):
            dz.utils.plot_dot_graph(dz.Variable(np.array(1.0)), to_file=str(folder / "g.png"))
        assert not (folder / "g.png").exists(), f"{folder / 'g.png'} should not exist"


@pytest.mark.grade(points=1)
def test_plot_without_dot_says_how_to_install_graphviz(dz, tmp_path, monkeypatch):
    """Without dot on PATH, plot_dot_graph raises an error that says to install Graphviz."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises((RuntimeError, OSError)) as info:
        dz.utils.plot_dot_graph(dz.Variable(np.array(1.0)), to_file=str(tmp_path / "g.png"))
    message = str(info.value).lower()
    assert "graphviz" in message and "install" in message, f"say how to install Graphviz: {message}"
    assert not (tmp_path / "g.png").exists(), "no picture can exist without dot"


@pytest.mark.grade(points=1, todo="step26.3", needs="dot")
def test_script_writes_goldstein_png(script, tmp_path, monkeypatch):
    """Running step26.py writes goldstein.png, a PNG, in the current folder."""
    monkeypatch.chdir(tmp_path)
    runpy.run_path(script.__file__, run_name="__main__")
    picture = tmp_path / "goldstein.png"
    assert picture.is_file() and picture.read_bytes().startswith(b"\x89PNG"), "goldstein.png was not written"
