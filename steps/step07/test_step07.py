"""Step 7: creator links record the graph, and backward walks it automatically."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import check_grad, grad_as_array, inputs_of, outputs_of, seed_grad
from grader.strategies import floats_in, scalars


def _chain(dz):
    """The book's y = square(exp(square(x))) as a Python function of a Variable."""
    return lambda x: dz.Square()(dz.Exp()(dz.Square()(x)))


@pytest.mark.grade(points=1, todo="step07.1")
def test_set_creator_records_function(dz):
    """v.set_creator(f) makes f the creator of v; a new Variable has no creator."""
    f = dz.Square()
    f(dz.Variable(np.array(2.0)))
    v = dz.Variable(np.array(1.0))
    assert v.creator is None, "a new Variable should start with creator None"
    v.set_creator(f)
    assert v.creator is f, "set_creator(f) should store f in v.creator"


@pytest.mark.grade(points=2, todo="step07.3")
def test_call_sets_output_creator(dz):
    """Calling a function makes it the creator of its output; the input keeps creator None."""
    f = dz.Square()
    x = dz.Variable(np.array(3.0))
    y = f(x)
    assert y.creator is f, "the output's creator should be the function that made it"
    assert x.creator is None, "the input was made by the user, so its creator stays None"


@pytest.mark.grade(points=1, todo="step07.3")
def test_call_keeps_input_and_output(dz):
    """Calling a function keeps its input and output on the function."""
    f = dz.Exp()
    x = dz.Variable(np.array(0.5))
    y = f(x)
    assert inputs_of(f)[0] is x, "the function should keep the Variable it was called with"
    assert outputs_of(f)[0] is y, "the function should keep the Variable it returned"


@pytest.mark.grade(points=2, todo="step07.3")
def test_creator_links_walk_back_to_input(dz):
    """From y = C(B(A(x))) the links creator → input → creator … lead back to x."""
    A, B, C = dz.Square(), dz.Exp(), dz.Square()
    x = dz.Variable(np.array(0.5))
    a = A(x)
    b = B(a)
    y = C(b)
    walked = [y.creator, inputs_of(y.creator)[0]]
    walked += [walked[-1].creator, inputs_of(walked[-1].creator)[0]]
    walked += [walked[-1].creator, inputs_of(walked[-1].creator)[0]]
    assert walked == [C, b, B, a, A, x], "walking back from y should visit C, b, B, a, A, x"


@pytest.mark.grade(points=3, todo="step07.2")
@given(x=floats_in(-1, 1))
@example(x=0.5)
def test_backward_chain_gives_chain_rule(dz, x):
    """y.backward() fills x.grad with 4x exp(2x**2) for the book's chain (3.297442541400256 at 0.5)."""
    v = dz.Variable(np.array(x))
    y = _chain(dz)(v)
    seed_grad(dz, y, np.array(1.0))
    y.backward()
    grad = grad_as_array(v)
    assert grad is not None, "x.grad is still None after y.backward()"
    assert float(grad) == pytest.approx(4 * x * np.exp(2 * x**2), rel=1e-12, abs=1e-12)


@pytest.mark.grade(points=2, todo="step07.2")
@given(x=scalars(-1, 1))
@example(x=np.array(0.5))
def test_backward_matches_central_difference(dz, x):
    """Automatic backprop through square → exp → square agrees with central differences."""
    check_grad(dz, _chain(dz), x, todo="step07.2")


@pytest.mark.grade(points=1, todo="step07.2")
@given(x=floats_in(-3, 3))
def test_backward_single_function(dz, x):
    """For one function, y.backward() passes the seeded grad straight through its backward."""
    v = dz.Variable(np.array(x))
    y = dz.Exp()(v)
    seed_grad(dz, y, np.array(2.0))
    y.backward()
    grad = grad_as_array(v)
    assert grad is not None, "x.grad is still None after y.backward()"
    assert float(grad) == pytest.approx(2.0 * np.exp(x), rel=1e-12)
