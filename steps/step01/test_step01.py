"""Step 1: a Variable is a box that keeps the ndarray it is given."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.strategies import arrays


@pytest.mark.grade(points=2, todo="step01.1")
@given(a=arrays())
@example(a=np.array(1.0))
@example(a=np.array(10))
def test_variable_keeps_given_array(dz, a):
    """Variable(a).data is the very ndarray a, whatever its shape (the book's 1.0 included)."""
    x = dz.Variable(a)
    assert x.data is a, (
        f"Variable(a).data should be the ndarray that was passed in; got {x.data!r} for a={a!r}"
    )


@pytest.mark.grade(points=1, todo="step01.1")
@given(a=arrays(), b=arrays())
def test_variables_keep_their_own_data(dz, a, b):
    """Two Variables are two boxes: making the second does not change the first."""
    x = dz.Variable(a)
    y = dz.Variable(b)
    assert x.data is a, "the first Variable lost its data when a second one was made"
    assert y.data is b, "the second Variable should keep the ndarray it was given"
