"""Step 35: tanh and its higher derivatives, and the size of the graphs they build."""


import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, to_array
from grader.strategies import arrays, floats_in

# Function nodes and value of the graph of the n-th derivative of tanh at x = 1 (the book's package).
BOOK_GRAPHS = {1: (4, 0.41997434161402614), 2: (9, -0.6397000084492246), 3: (21, 0.6216266807712962),
               4: (51, 0.6650910447505024), 5: (129, -5.556893558473722)}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _analytic(x, n):
    """The n-th derivative of tanh at x (n = 0..3), written with t = tanh(x)."""
    t = np.tanh(x)
    return [t, 1 - t**2, -2 * t * (1 - t**2), -2 * (1 - t**2) * (1 - 3 * t**2)][n]


def _derivative_with_graph(dz, n):
    """x -> the n-th derivative of tanh at x (n = 0: tanh itself), keeping its graph."""

    def f(v):
        out = dz.functions.tanh(v)
        for k in range(1, n + 1):
            out.backward(create_graph=True)
            out, v.grad = v.grad, None
            if not isinstance(out, dz.Variable):
                raise AssertionError(
                    f"derivative {k} of tanh is {type(out).__name__}, not a Variable with a graph back "
                    "to x: Tanh.backward should compute with Variables, not .data")
        return out

    return f


def _functions_in_graph(v):
    """The distinct functions that v's graph holds, found by walking creators back from v."""
    seen, stack = set(), [v.creator] if v.creator is not None else []
    while stack:
        f = stack.pop()
        if f not in seen:
            seen.add(f)
            stack += [x.creator for x in f.inputs if x.creator is not None]
    return seen


@pytest.mark.grade(points=1, todo="step35.1")
@given(x=arrays())
@example(x=np.array(1.0))
def test_tanh_value_matches_numpy(dz, x):
    """tanh(x) is a Variable holding numpy's tanh of every element."""
    y = dz.functions.tanh(dz.Variable(x.copy()))
    assert isinstance(y, dz.Variable), f"tanh returned a {type(y).__name__}, not a Variable"
    np.testing.assert_allclose(to_array(y), np.tanh(x), rtol=1e-12, atol=1e-15)


@pytest.mark.grade(points=2, todo="step35.2")
@given(x=arrays())
@example(x=np.array(1.0))
def test_tanh_grad_matches_central_difference(dz, x):
    """Backprop through tanh agrees with central differences, element by element."""
    check_grad(dz, dz.functions.tanh, x, todo="step35.2")


@pytest.mark.grade(points=1, todo="step35.2")
def test_tanh_grad_graph_reuses_output(dz):
    """The graph of dy/dx reuses y: its only Tanh is the one that made y, not a new tanh(x)."""
    x = dz.Variable(np.array(1.0))
    y = dz.functions.tanh(x)
    y.backward(create_graph=True)
    assert x.grad is not None and getattr(x.grad, "creator", None) is not None, (
        "x.grad has no graph: with create_graph=True, Tanh.backward should compute with Variables")
    tanhs = [f for f in _functions_in_graph(x.grad) if type(f).__name__ == "Tanh"]
    others = [f for f in tanhs if f is not y.creator]
    if others or y.creator not in tanhs:
        raise AssertionError(
            f"the graph of dy/dx does not reuse y and holds {len(others)} new Tanh function(s): build "
            "the grad from y, the output (self.outputs[0]()), instead of calling tanh(x) again")


@pytest.mark.grade(points=2, todo="step35.2")
@given(x=floats_in())
@example(x=1.0)
def test_tanh_higher_derivatives_match_analytic_forms(dz, x):
    """The 1st to 3rd derivatives of tanh by repeated backprop equal 1 - t², -2t(1 - t²), ... (t = tanh x)."""
    for n in (1, 2, 3):
        got = float(to_array(_derivative_with_graph(dz, n)(dz.Variable(np.array(x)))))
        assert got == pytest.approx(_analytic(x, n), rel=1e-9, abs=1e-12), f"derivative {n} at x = {x}"


@pytest.mark.grade(points=2, todo="step35.2")
@given(x=floats_in())
@example(x=1.0)
def test_tanh_higher_derivatives_match_central_difference(dz, x):
    """Derivatives of order 1 to 3 agree with central differences of the derivative one order below."""
    for n in (1, 2, 3):
        check_grad(dz, _derivative_with_graph(dz, n - 1), x, todo="step35.2")


@pytest.mark.grade(points=2, todo="step35.3")
def test_tanh_derivative_values_at_one_match_book(dz, script):
    """tanh_derivative(x, n) at x = 1 gives the book's values for n = 1 to 5 (0.41997434161402614, ...)."""
    for n, (_, value) in BOOK_GRAPHS.items():
        gx = script.tanh_derivative(dz.Variable(np.array(1.0)), n)
        assert isinstance(gx, dz.Variable), f"tanh_derivative(x, {n}) returned a {type(gx).__name__}"
        assert float(to_array(gx)) == pytest.approx(value, rel=1e-9), f"derivative {n} of tanh at x = 1"


@pytest.mark.grade(points=2, todo="step35.3")
def test_tanh_derivative_graph_sizes_match_book(dz, script):
    """The graph of the n-th derivative of tanh at x = 1 holds 4, 9, 21, 51, 129 functions for n = 1 to 5."""
    for n, (size, _) in BOOK_GRAPHS.items():
        gx = script.tanh_derivative(dz.Variable(np.array(1.0)), n)
        found = len(_functions_in_graph(gx))
        assert found == size, (
            f"the graph of derivative {n} holds {found} functions, the book's {size}. For n = 1 it is Tanh, "
            "Mul, Sub, Mul (gy * (1 - y * y)); each further round clears x.grad and backprops the last "
            "grad with create_graph=True")


@pytest.mark.grade(points=1, todo="step35.3")
@given(x=floats_in())
@example(x=1.0)
def test_tanh_derivative_matches_analytic_forms(dz, script, x):
    """tanh_derivative(x, n) for n = 1 to 3 equals the analytic derivatives of tanh at any x."""
    for n in (1, 2, 3):
        got = float(to_array(script.tanh_derivative(dz.Variable(np.array(x)), n)))
        assert got == pytest.approx(_analytic(x, n), rel=1e-9, abs=1e-12), f"derivative {n} at x = {x}"


@pytest.mark.grade(points=1, todo="step35.3", needs="dot")
def test_plot_tanh_graph_writes_png(script, tmp_path):
    """plot_tanh_graph draws the graph of the 2nd derivative into a PNG file with Graphviz's dot."""
    to_file = tmp_path / "tanh.png"
    script.plot_tanh_graph(str(to_file), 2)
    assert to_file.is_file(), "plot_tanh_graph wrote no file"
    assert to_file.read_bytes()[:8] == PNG_MAGIC, "the file written is not a PNG picture"
