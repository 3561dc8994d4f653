"""Step 3: Exp joins Square, and functions chain because each returns a Variable."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import to_array
from grader.strategies import arrays, floats_in


@pytest.mark.grade(points=2, todo="step03.1")
@given(a=arrays())
@example(a=np.array(0.25))
def test_exp_forward_matches_numpy(dz, a):
    """Exp()(Variable(a)).data is exp(a), elementwise."""
    y = dz.Exp()(dz.Variable(a.copy()))
    got = to_array(y.data)
    assert got.shape == a.shape, f"the result has shape {got.shape}, the input has shape {a.shape}"
    np.testing.assert_allclose(got, np.exp(a), rtol=1e-12, err_msg="Exp should compute e ** x")


@pytest.mark.grade(points=2, todo="step03.1")
@given(x=floats_in(-2, 2))
@example(x=0.5)
def test_chain_square_exp_square_composes(dz, x):
    """Square()(Exp()(Square()(x))) is exp(x**2)**2 (1.648721270700128 at x = 0.5)."""
    A, B, C = dz.Square(), dz.Exp(), dz.Square()
    y = C(B(A(dz.Variable(np.array(x)))))
    assert float(to_array(y.data)) == pytest.approx(np.exp(x**2) ** 2, rel=1e-12)


@pytest.mark.grade(points=2, todo="step03.2")
@given(a=arrays(lo=-2, hi=2))
@example(a=np.array(0.5))
def test_f_is_square_exp_square(dz, script, a):
    """f(x) returns a Variable holding exp(x**2)**2, elementwise."""
    y = script.f(dz.Variable(a.copy()))
    assert isinstance(y, dz.Variable), f"f should return a Variable, got {type(y).__name__}"
    np.testing.assert_allclose(to_array(y.data), np.exp(a**2) ** 2, rtol=1e-12,
                               err_msg="f(x) should be Square()(Exp()(Square()(x)))")
