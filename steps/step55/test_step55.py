"""Step 55: get_conv_outsize against counting, one by one, the places a kernel takes."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st


@st.composite
def axes(draw, max_size: int = 30):
    """(input_size, kernel_size, stride, pad) along one axis, the kernel no larger than the padded input."""
    input_size, pad = draw(st.integers(1, max_size)), draw(st.integers(0, 4))
    kernel_size = draw(st.integers(1, input_size + 2 * pad))
    return input_size, kernel_size, draw(st.integers(1, 6)), pad


def _count_positions(input_size, kernel_size, stride, pad):
    """Slide the kernel over the padded input (from index -pad to input_size + pad) and count its stops."""
    count, start = 0, -pad
    while start + kernel_size <= input_size + pad:
        count += 1
        start += stride
    return count


@pytest.mark.grade(points=1, todo="step55.1")
def test_get_conv_outsize_book_example(script):
    """A 4 x 4 input, 3 x 3 kernel, stride 1 and padding 1 gives a 4 x 4 output, as the book prints."""
    got = script.get_conv_outsize(4, 3, 1, 1)
    assert got == 4, f"get_conv_outsize(4, 3, 1, 1) is {got}, expected 4 (padding keeps the size)"


@pytest.mark.grade(points=3, todo="step55.1")
@given(axis=axes())
@example(axis=(7, 3, 2, 0))
@example(axis=(4, 4, 3, 1))
def test_get_conv_outsize_counts_kernel_positions(script, axis):
    """For any size, kernel, stride and padding, the result is the number of places the kernel fits."""
    input_size, kernel_size, stride, pad = axis
    expected = _count_positions(*axis)
    got = script.get_conv_outsize(input_size, kernel_size, stride, pad)
    assert got == expected, (
        f"get_conv_outsize{axis} is {got}, but the kernel fits in {expected} places: padded size "
        f"{input_size + 2 * pad}, starts 0, {stride}, 2 * {stride}, ... while start + {kernel_size} "
        f"<= {input_size + 2 * pad}")


@pytest.mark.grade(points=1, todo="step55.1")
@given(axis=axes())
def test_get_conv_outsize_returns_an_int(script, axis):
    """The output size is a Python int (a shape needs whole numbers, not 3.5 or 3.0)."""
    got = script.get_conv_outsize(*axis)
    assert type(got) is int, f"get_conv_outsize{axis} returned {got!r} ({type(got).__name__}): use // , not /"


@pytest.mark.grade(points=1, todo="step55.1")
def test_demo_prints_book_output(script, capsys):
    """The demo prints `4 4`, the output height and width of the book's example."""
    script.main()
    assert capsys.readouterr().out == "4 4\n"
