"""Step 32: core.py: grads are Variables, and backward(create_graph=True) can be differentiated again.

The step has no script; every test drives the target's dezero package. Second derivatives
are taken the book's way: y.backward(create_graph=True), gx = x.grad, clear, gx.backward().
"""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import to_array
from grader.strategies import arrays, floats_in


def _second(dz, f, *values, wrt=0):
    """(xs, gx) after f(*xs).backward(create_graph=True), then every grad cleared and gx.backward()."""
    xs = [dz.Variable(np.array(v)) for v in values]
    f(*xs).backward(create_graph=True)
    gx = xs[wrt].grad
    assert gx is not None, "x.grad is None after backward(create_graph=True)"
    assert getattr(gx, "creator", None) is not None, (
        "x.grad has no creator after backward(create_graph=True): the backward pass was not recorded")
    for v in xs:
        v.cleargrad()
    gx.backward()
    return xs, gx


def _value(v, what: str) -> float:
    assert v is not None, f"{what} is None"
    return float(to_array(v))


def _records(dz) -> bool:
    """Whether a new computation records its graph right now (Config.enable_backprop)."""
    return (dz.Variable(np.array(1.0)) * 2.0).creator is not None


@pytest.mark.grade(points=2, todo="step32.1")
@given(a=arrays())
@example(a=np.array(2.0))
def test_backward_seed_is_variable_of_ones(dz, a):
    """Without a grad set, backward seeds y.grad with a Variable of ones of y's shape and dtype."""
    y = -dz.Variable(a.copy())
    y.backward(retain_grad=True)
    assert isinstance(y.grad, dz.Variable), f"y.grad is a {type(y.grad).__name__}, not a Variable"
    seed = to_array(y.grad)
    assert seed.shape == a.shape and seed.dtype == a.dtype, f"seed {seed.shape} {seed.dtype}, y {a.shape}"
    assert np.all(seed == 1), "the seed should be all ones"


@pytest.mark.grade(points=2, todo="step32.1")
@given(a=arrays())
@example(a=np.array(2.0))
def test_grads_are_variables_holding_derivative(dz, a):
    """After y = x + x + x, y.backward(), x.grad is a Variable holding 3 everywhere."""
    x = dz.Variable(a.copy())
    (x + x + x).backward()
    assert isinstance(x.grad, dz.Variable), f"x.grad is a {type(x.grad).__name__}, not a Variable"
    assert np.array_equal(to_array(x.grad), np.full(a.shape, 3.0))


@pytest.mark.grade(points=2, todo="step32.2")
@given(a=arrays())
def test_backward_default_leaves_no_graph_behind_grad(dz, a):
    """With create_graph=False (the default), x.grad has no creator: backward recorded nothing."""
    x = dz.Variable(a)
    (-(x + x)).backward()
    assert x.grad is not None and x.grad.creator is None, "x.grad has a creator: backward recorded a graph"


@pytest.mark.grade(points=2, todo="step32.2")
@given(a=arrays())
def test_backward_create_graph_records_graph_behind_grad(dz, a):
    """With create_graph=True, x.grad has a creator: the backward pass was recorded as a graph."""
    x = dz.Variable(a.copy())
    (-(x + x)).backward(create_graph=True)
    assert x.grad is not None and x.grad.creator is not None, "x.grad has no creator after create_graph=True"
    assert np.array_equal(to_array(x.grad), np.full(a.shape, -2.0))


@pytest.mark.grade(points=3, todo="step32.2")
@given(x=floats_in(-2, 2))
@example(x=2.0)
def test_book_polynomial_second_derivative_is_12x2_minus_4(dz, x):
    """For y = x ** 4 - 2 x ** 2, gx is 4x ** 3 - 4x and backprop from it gives 12x ** 2 - 4 (24, 44 at 2)."""
    (vx,), gx = _second(dz, lambda v: v**4 - 2 * v**2, x)
    assert _value(gx, "gx") == pytest.approx(4 * x**3 - 4 * x, rel=1e-12, abs=1e-12)
    assert _value(vx.grad, "x.grad after gx.backward()") == pytest.approx(12 * x**2 - 4, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=1, todo="step32.2")
@given(x=floats_in(-2, 2))
def test_cube_second_derivative_is_6x(dz, x):
    """For y = x ** 3, gx is 3x ** 2 and backprop from it gives 6x."""
    (vx,), gx = _second(dz, lambda v: v**3, x)
    assert _value(gx, "gx") == pytest.approx(3 * x**2, rel=1e-12, abs=1e-12)
    assert _value(vx.grad, "x.grad after gx.backward()") == pytest.approx(6 * x, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=1, todo="step32.2")
@given(x=floats_in(0.5, 2))
def test_reciprocal_second_derivative_is_2_over_x3(dz, x):
    """For y = 1 / x on [0.5, 2], gx is -1 / x ** 2 and backprop from it gives 2 / x ** 3."""
    (vx,), gx = _second(dz, lambda v: 1 / v, x)
    assert _value(gx, "gx") == pytest.approx(-1 / x**2, rel=1e-12)
    assert _value(vx.grad, "x.grad after gx.backward()") == pytest.approx(2 / x**3, rel=1e-12)


@pytest.mark.grade(points=1, todo="step32.2")
def test_backward_restores_enable_backprop(dz):
    """After backward, with or without create_graph, new computations record their graph again."""
    for create_graph in (False, True):
        x = dz.Variable(np.array(2.0))
        (x * x).backward(create_graph=create_graph)
        assert _records(dz), f"after backward(create_graph={create_graph}) nothing records a graph"


@pytest.mark.grade(points=1, todo="step32.2")
def test_backward_restores_enable_backprop_when_a_backward_raises(dz):
    """When a function's backward raises, the mode set for the backward pass is still undone."""

    class Broken(dz.Function):
        def forward(self, x):
            return x

        def backward(self, gy):
            raise ValueError("broken on purpose")

    with pytest.raises(ValueError, match="broken on purpose"):
        Broken()(dz.Variable(np.array(1.0))).backward()
    assert _records(dz), "after the failed backward, new computations no longer record a graph"


@pytest.mark.grade(points=1, todo="step32.2")
def test_create_graph_under_no_grad_records_then_restores(dz):
    """Under no_grad, backward(create_graph=True) still records (create_graph decides), then no_grad holds."""
    x = dz.Variable(np.array(2.0))
    y = x**3
    with dz.no_grad():
        y.backward(create_graph=True)
        assert x.grad.creator is not None, "create_graph=True should record backward, even in no_grad"
        assert not _records(dz), "after backward, the block should be in no_grad mode again"
    assert _records(dz), "after the no_grad block, computations should record again"


@pytest.mark.grade(points=1, todo="step32.2")
@given(a=floats_in(-2, 2), b=floats_in(-2, 2), x=floats_in(-2, 2))
@example(a=3.0, b=1.0, x=2.0)
def test_constant_first_derivative_leaves_second_grad_none(dz, a, b, x):
    """For y = a x + b, gx = a does not depend on x, so after gx.backward() x.grad stays None (not 0)."""
    (vx,), gx = _second(dz, lambda v: a * v + b, x)
    assert _value(gx, "gx") == pytest.approx(a)
    assert vx.grad is None, f"x.grad should stay None (the graph of gx does not reach x), got {vx.grad!r}"


@pytest.mark.grade(points=1, todo="step32.3")
def test_mul_backward_returns_variables(dz):
    """Mul.backward, given a Variable, returns two Variables: gy * x1 and gy * x0."""
    x0, x1 = dz.Variable(np.array(2.0)), dz.Variable(np.array(3.0))
    g0, g1 = (x0 * x1).creator.backward(dz.Variable(np.array(1.0)))
    assert isinstance(g0, dz.Variable) and isinstance(g1, dz.Variable), "Mul.backward returned no Variables"
    assert (_value(g0, "gx0"), _value(g1, "gx1")) == (3.0, 2.0)


@pytest.mark.grade(points=2, todo="step32.3")
@given(x=floats_in(-2, 2), y=floats_in(-2, 2))
@example(x=2.0, y=3.0)
def test_mul_second_derivatives_of_x2y(dz, x, y):
    """For z = x * y * x, backprop from dz/dx = 2xy gives d2z/dx2 = 2y and d2z/dxdy = 2x."""
    (vx, vy), _ = _second(dz, lambda u, v: u * v * u, x, y)
    assert _value(vx.grad, "x.grad") == pytest.approx(2 * y, rel=1e-12, abs=1e-12)
    assert _value(vy.grad, "y.grad") == pytest.approx(2 * x, rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=1, todo="step32.4")
def test_div_backward_returns_variables(dz):
    """Div.backward, given a Variable, returns two Variables: gy / x1 and -gy x0 / x1 ** 2."""
    x0, x1 = dz.Variable(np.array(3.0)), dz.Variable(np.array(2.0))
    g0, g1 = (x0 / x1).creator.backward(dz.Variable(np.array(1.0)))
    assert isinstance(g0, dz.Variable) and isinstance(g1, dz.Variable), "Div.backward returned no Variables"
    assert (_value(g0, "gx0"), _value(g1, "gx1")) == pytest.approx((0.5, -0.75))


@pytest.mark.grade(points=2, todo="step32.4")
@given(x=floats_in(-2, 2), y=floats_in(0.5, 2))
@example(x=3.0, y=2.0)
def test_div_second_derivatives_of_x_over_y(dz, x, y):
    """For z = x / y, backprop from dz/dy = -x / y ** 2 gives 2x / y ** 3 for y and -1 / y ** 2 for x."""
    (vx, vy), _ = _second(dz, lambda u, v: u / v, x, y, wrt=1)
    assert _value(vy.grad, "y.grad") == pytest.approx(2 * x / y**3, rel=1e-12, abs=1e-12)
    assert _value(vx.grad, "x.grad") == pytest.approx(-1 / y**2, rel=1e-12)


@pytest.mark.grade(points=1, todo="step32.5")
def test_pow_backward_returns_variable(dz):
    """Pow.backward, given a Variable, returns a Variable: c x ** (c - 1) gy (12.0 for x ** 3 at 2)."""
    g = (dz.Variable(np.array(2.0)) ** 3).creator.backward(dz.Variable(np.array(1.0)))
    assert isinstance(g, dz.Variable), f"Pow.backward returned a {type(g).__name__}, not a Variable"
    assert _value(g, "the grad") == 12.0


@pytest.mark.grade(points=2, todo="step32.5")
@given(x=floats_in(0.5, 2), c=floats_in(-2, 4))
@example(x=2.0, c=3.0)
def test_pow_second_derivative_is_c_c_minus_1_x_to_c_minus_2(dz, x, c):
    """For y = x ** c on [0.5, 2], backprop from gx = c x ** (c - 1) gives c (c - 1) x ** (c - 2)."""
    (vx,), gx = _second(dz, lambda v: v**c, x)
    assert _value(gx, "gx") == pytest.approx(c * x ** (c - 1), rel=1e-12, abs=1e-12)
    assert _value(vx.grad, "x.grad") == pytest.approx(c * (c - 1) * x ** (c - 2), rel=1e-12, abs=1e-12)
