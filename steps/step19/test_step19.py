"""Step 19: Variable reads like an ndarray: name, shape, ndim, size, dtype, len() and repr()."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.strategies import arrays, shapes

DTYPES = (np.float64, np.float32, np.int64, np.int32, np.bool_)
BOOK = np.array([[1, 2, 3], [4, 5, 6]])


@pytest.mark.grade(points=1)
def test_variable_name_is_kept(dz):
    """Variable(data, name) keeps the name; it is None by default and can be set later."""
    assert dz.Variable(np.array(1.0)).name is None
    assert dz.Variable(np.array(1.0), name="x").name == "x"
    x = dz.Variable(BOOK.copy())
    x.name = "x"
    assert x.name == "x"


@pytest.mark.grade(points=1)
@given(a=arrays())
def test_variable_shape_matches_numpy(dz, a):
    """x.shape is the shape of its data (a property: no parentheses); (2, 3) in the book."""
    assert dz.Variable(a.copy()).shape == a.shape


@pytest.mark.grade(points=1, todo="step19.1")
@given(a=arrays())
def test_variable_ndim_matches_numpy(dz, a):
    """x.ndim is the number of dimensions of its data."""
    assert dz.Variable(a.copy()).ndim == a.ndim


@pytest.mark.grade(points=1, todo="step19.2")
@given(a=arrays())
def test_variable_size_matches_numpy(dz, a):
    """x.size is the number of elements of its data."""
    assert dz.Variable(a.copy()).size == a.size


@pytest.mark.grade(points=1, todo="step19.3")
@given(a=arrays())
def test_variable_dtype_matches_numpy(dz, a):
    """x.dtype is the data type of its data, for float, int and bool data alike."""
    for dtype in DTYPES:
        b = a.astype(dtype)
        assert dz.Variable(b.copy()).dtype == b.dtype, f"data of dtype {b.dtype}"


@pytest.mark.grade(points=2, todo="step19.4")
@given(a=arrays(shape=shapes(min_dims=1)))
def test_len_is_the_length_of_the_first_axis(dz, a):
    """len(x) is len(x.data): the length of the first axis (2 for the book's 2x3 array)."""
    assert len(dz.Variable(a.copy())) == len(a)


@pytest.mark.grade(points=1, todo="step19.4")
def test_len_of_a_0d_variable_raises_like_numpy(dz):
    """len() of a 0-d Variable raises TypeError, as len() of a 0-d ndarray does."""
    with pytest.raises(TypeError):
        len(dz.Variable(np.array(1.0)))


@pytest.mark.grade(points=1, todo="step19.5")
def test_repr_of_the_book_matrix(dz):
    """print(x) of the book's 2x3 matrix shows `variable([[1 2 3]` / `          [4 5 6]])`."""
    assert str(dz.Variable(BOOK.copy())) == "variable([[1 2 3]\n          [4 5 6]])"


@pytest.mark.grade(points=2, todo="step19.5")
@given(a=arrays(shape=shapes(max_dims=3, max_side=3)))
@example(a=np.array(2.0))
def test_repr_wraps_data_and_indents_by_9_spaces(dz, a):
    """repr(x) is 'variable(' + str(data) + ')', every later line indented by 9 spaces."""
    lines = repr(dz.Variable(a.copy())).split("\n")
    assert lines[0].startswith("variable(") and lines[-1].endswith(")"), f"got {lines!r}"
    assert all(line.startswith(" " * 9) for line in lines[1:]), (
        f"continuation lines should start with 9 spaces (under the data): {lines!r}")
    inner = "\n".join(line[9:] for line in lines)[:-1]
    assert inner == str(a), f"inside variable(...) expected {str(a)!r}, got {inner!r}"


@pytest.mark.grade(points=1, todo="step19.5")
def test_repr_of_empty_variable_is_variable_none(dz):
    """A Variable holding None shows as variable(None)."""
    assert repr(dz.Variable(None)) == "variable(None)"
