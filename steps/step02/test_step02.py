"""Step 2: a Function takes a Variable, computes on its data and returns a new Variable."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import to_array
from grader.strategies import arrays


def _probe_class(dz):
    """A Function whose forward records what it received and what it returned."""

    class Probe(dz.Function):
        def forward(self, x):
            self.received = x
            self.returned = np.array([7.0, -7.0])  # outside every input range, so never x itself
            return self.returned.copy()  # the test keeps its own: code that changes y.data can't move it

    return Probe


@pytest.mark.grade(points=2, todo="step02.1")
@given(a=arrays())
def test_call_passes_data_to_forward(dz, a):
    """Calling a Function hands forward the ndarray inside the Variable, not the Variable."""
    probe = _probe_class(dz)()
    x = dz.Variable(a)
    probe(x)
    assert hasattr(probe, "received"), "calling the function should call its forward"
    assert probe.received is x.data, (
        f"forward should receive x.data (an ndarray); it received {type(probe.received).__name__}"
    )


@pytest.mark.grade(points=2, todo="step02.1")
@given(a=arrays())
def test_call_wraps_forward_result_in_variable(dz, a):
    """Calling a Function returns a Variable, of the input's class, holding forward's result."""
    probe = _probe_class(dz)()
    x = dz.Variable(a)
    y = probe(x)
    assert type(y) is type(x), f"the result should be a {type(x).__name__}, got {type(y).__name__}"
    np.testing.assert_array_equal(to_array(y.data), probe.returned,
                                  err_msg="the result's data should be what forward returned")


@pytest.mark.grade(points=1)
def test_function_forward_is_left_to_subclasses(dz):
    """The base Function's forward raises NotImplementedError: a subclass must define it."""
    with pytest.raises(NotImplementedError):
        dz.Function().forward(np.array(1.0))


@pytest.mark.grade(points=2, todo="step02.2")
@given(a=arrays())
@example(a=np.array(10))
def test_square_forward_matches_numpy(dz, a):
    """Square()(Variable(a)).data is a ** 2, elementwise (100 for the book's 10)."""
    y = dz.Square()(dz.Variable(a.copy()))
    got = to_array(y.data)
    assert got.shape == a.shape, f"the result has shape {got.shape}, the input has shape {a.shape}"
    np.testing.assert_allclose(got, a**2, rtol=1e-12, err_msg="Square should compute x ** 2")
