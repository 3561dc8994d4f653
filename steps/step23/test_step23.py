"""Step 23: the dezero package exports the book's names and installs the operators on import."""

import runpy

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array, to_array
from grader.strategies import floats_in

_EXPORTS = ("Variable", "Function", "using_config", "no_grad", "as_array", "as_variable", "setup_variable")

# The ten operators setup_variable installs. Each lambda runs on a Variable and on an ndarray,
# so numpy itself gives the expected value.
_OPERATORS = (
    ("x + 3", lambda x: x + 3),
    ("3 + x", lambda x: 3 + x),
    ("x * 3", lambda x: x * 3),
    ("3 * x", lambda x: 3 * x),
    ("-x", lambda x: -x),
    ("x - 1", lambda x: x - 1),
    ("1 - x", lambda x: 1 - x),
    ("x / 2", lambda x: x / 2),
    ("2 / x", lambda x: 2 / x),
    ("x ** 3", lambda x: x**3),
)


def _apply(text, op, v):
    try:
        return op(v)
    except TypeError as exc:
        raise AssertionError(f"{text} raised TypeError: {exc}") from None


@pytest.mark.grade(points=1, todo="step23.1")
def test_package_exports_book_names(dz):
    """dezero exports Variable, Function, using_config, no_grad, as_array, as_variable, setup_variable."""
    missing = [name for name in _EXPORTS if not callable(getattr(dz, name, None))]
    assert not missing, f"`from dezero import ...` cannot find {missing}: import them in dezero/__init__.py"
    for name in ("Variable", "Function"):
        assert isinstance(getattr(dz, name), type), f"dezero.{name} should be a class"


@pytest.mark.grade(points=3, todo="step23.1")
@given(x=floats_in(0.5, 3))
@example(x=1.0)
def test_operators_give_variables_with_numpy_values(dz, x):
    """After `import dezero`, x + 3, 3 * x, -x, 1 - x, 2 / x, x ** 3 (10 operators) give numpy's values."""
    for a in (np.array(x), np.array(-x)):
        for text, op in _OPERATORS:
            want = float(op(a))  # numpy's value, before the code under test runs
            y = _apply(text, op, dz.Variable(a.copy()))
            assert isinstance(y, dz.Variable), f"{text} gave a {type(y).__name__}, not a Variable"
            got = float(to_array(y))
            assert got == pytest.approx(want, rel=1e-12), f"{text} at x = {a}: numpy gives {want}"


@pytest.mark.grade(points=3, todo="step23.1")
@given(x=floats_in(0.5, 3))
@example(x=1.0)
def test_operators_grads_match_central_difference(dz, x):
    """Backprop through each of the 10 operator expressions agrees with central differences."""
    for a in (x, -x):
        for text, op in _OPERATORS:
            try:
                check_grad(dz, op, a, todo="step23.1")
            except (AssertionError, TypeError) as exc:
                raise AssertionError(f"{text} at x = {a}: {exc}") from None


@pytest.mark.grade(points=2, todo="step23.1")
@given(x=floats_in(-3, 3))
@example(x=1.0)
def test_book_expression_gives_value_and_grad(dz, x):
    """y = (x + 3) ** 2 holds (x + 3) ** 2 and x.grad is 2 (x + 3): 16.0 and 8.0 at x = 1.0."""
    v = dz.Variable(np.array(x))
    y = (v + 3) ** 2
    y.backward()
    assert float(to_array(y)) == pytest.approx((x + 3) ** 2, rel=1e-12), "y.data is wrong"
    grad = grad_as_array(v)
    assert grad is not None, "x.grad is None after y.backward()"
    assert float(grad) == pytest.approx(2 * (x + 3), rel=1e-12, abs=1e-12), "x.grad is wrong"


@pytest.mark.grade(points=1, todo="step23.1")
def test_script_import_prints_nothing(script, capsys):
    """Importing step23.py only imports dezero: it prints nothing (the demo is under __main__)."""
    runpy.run_path(script.__file__, run_name="step23_imported")
    out = capsys.readouterr().out
    assert out == "", f"importing step23.py printed {out!r}; put the demo under if __name__ == '__main__':"


def _number(text):
    """8.0 from '8.0' or from 'variable(8.0)' (grads print as Variables on the reference)."""
    return float(text.removeprefix("variable(").removesuffix(")"))


@pytest.mark.grade(points=1, todo="step23.1")
def test_script_demo_prints_book_values(script, capsys):
    """Run as a program, step23.py prints variable(16.0) and then x.grad, 8.0."""
    runpy.run_path(script.__file__, run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2, f"expected two lines (y and x.grad), got {lines}"
    assert lines[0] == "variable(16.0)", f"first line should be variable(16.0), got {lines[0]!r}"
    assert _number(lines[1]) == 8.0, f"second line should be x.grad, 8.0, got {lines[1]!r}"
