"""Step 20: Mul, and the operators + and * on Variables, checked against numpy and backprop."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array
from grader.strategies import arrays, floats_in, same_shape_arrays

PAIRS = same_shape_arrays(2)


@pytest.mark.grade(points=2, todo="step20.1")
@given(pair=PAIRS)
def test_add_operator_matches_numpy(dz, pair):
    """x0 + x1 on two Variables is a Variable whose data is numpy's x0.data + x1.data."""
    a, b = pair
    y = dz.Variable(a.copy()) + dz.Variable(b.copy())
    assert isinstance(y, dz.Variable), f"x0 + x1 gave {type(y).__name__}, expected a Variable"
    np.testing.assert_array_equal(y.data, a + b)


@pytest.mark.grade(points=2, todo="step20.2")
@given(pair=PAIRS)
def test_mul_operator_matches_numpy(dz, pair):
    """x0 * x1 on two Variables is a Variable whose data is numpy's x0.data * x1.data."""
    a, b = pair
    y = dz.Variable(a.copy()) * dz.Variable(b.copy())
    assert isinstance(y, dz.Variable), f"x0 * x1 gave {type(y).__name__}, expected a Variable"
    np.testing.assert_array_equal(y.data, a * b)


@pytest.mark.grade(points=2, todo="step20.3")
@given(pair=PAIRS)
def test_mul_backward_gives_each_input_the_other(dz, pair):
    """For y = x0 * x1 backward gives dy/dx0 = x1 and dy/dx1 = x0."""
    a, b = pair
    x0, x1 = dz.Variable(a.copy()), dz.Variable(b.copy())
    dz.mul(x0, x1).backward()
    np.testing.assert_allclose(grad_as_array(x0), b, err_msg="dy/dx0 should be x1")
    np.testing.assert_allclose(grad_as_array(x1), a, err_msg="dy/dx1 should be x0")


@pytest.mark.grade(points=2, todo="step20.3")
@given(pair=PAIRS)
def test_mul_backward_matches_finite_differences(dz, pair):
    """Backprop through mul agrees with central differences (explicit upstream grad)."""
    check_grad(dz, dz.mul, *pair)


@pytest.mark.grade(points=1, todo="step20.3")
@given(a=arrays())
def test_mul_of_a_variable_with_itself_gives_2x(dz, a):
    """x * x uses x twice: its grads add up to 2x."""
    x = dz.Variable(a.copy())
    (x * x).backward()
    np.testing.assert_allclose(grad_as_array(x), 2 * a)


@pytest.mark.grade(points=2, todo="step20.1")
@given(a=floats_in(), b=floats_in(), c=floats_in())
@example(a=3.0, b=2.0, c=1.0)
def test_expression_a_times_b_plus_c(dz, a, b, c):
    """y = a * b + c: y is a*b + c, dy/da = b, dy/db = a (the book's 7.0, 2.0, 3.0)."""
    va, vb, vc = (dz.Variable(np.array(v)) for v in (a, b, c))
    y = va * vb + vc
    y.backward()
    assert float(y.data) == pytest.approx(a * b + c)
    assert (float(grad_as_array(va)), float(grad_as_array(vb))) == pytest.approx((b, a))
    assert float(grad_as_array(vc)) == 1.0


@pytest.mark.grade(points=2, todo="step20.2")
@given(abc=same_shape_arrays(3))
def test_expression_grads_match_finite_differences(dz, abc):
    """For a * b + c * a * a (a used three times) backprop agrees with central differences."""
    check_grad(dz, lambda a, b, c: a * b + c * a * a, *abc)
