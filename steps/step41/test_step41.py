"""Step 41: the matrix product, matmul, and its grads gy W^T and x^T gy."""

import re

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import assert_array_close, check_grad, grad_as_array
from grader.strategies import matmul_pairs, shapes

BOOK_X = np.arange(6.0).reshape(2, 3)  # the book draws random (2, 3) and (3, 4) and prints the grad shapes
BOOK_W = np.arange(12.0).reshape(3, 4) / 10


@pytest.mark.grade(points=2, todo="step41.1")
@given(pair=matmul_pairs())
@example(pair=(BOOK_X, BOOK_W))
def test_matmul_matches_numpy(dz, pair):
    """functions.matmul(x, W) is numpy's x @ W, of shape (N, H), for (N, D) @ (D, H)."""
    x, W = pair
    y = dz.functions.matmul(dz.Variable(x.copy()), dz.Variable(W.copy()))
    assert_array_close(y, x @ W, f"matmul of {x.shape} and {W.shape}")


@pytest.mark.grade(points=1, todo="step41.1")
@given(pair=matmul_pairs())
def test_variable_matmul_and_dot_match_function(dz, pair):
    """x.matmul(W) and x.dot(W) give the same product as functions.matmul(x, W)."""
    x, W = pair
    for name in ("matmul", "dot"):
        got = getattr(dz.Variable(x.copy()), name)(dz.Variable(W.copy()))
        assert_array_close(got, x @ W, f"x.{name}(W) for shapes {x.shape} and {W.shape}")


@pytest.mark.grade(points=1, todo="step41.1")
@given(shape=shapes(min_dims=4, max_dims=4))
@example(shape=(2, 3, 2, 3))
def test_matmul_misaligned_shapes_raise_value_error(dz, shape):
    """(N, D) @ (E, H) with D != E raises a ValueError that names both shapes, e.g. (2, 3) and (2, 3)."""
    n, d, e, h = shape
    e = e if e != d else d + 1
    x, W = dz.Variable(np.ones((n, d))), dz.Variable(np.ones((e, h)))
    with pytest.raises(ValueError) as info:
        dz.functions.matmul(x, W)
    text = re.sub(r"\s+", " ", str(info.value))
    for s in ((n, d), (e, h)):
        assert str(s) in text, f"the ValueError says {text!r}, which does not name the shape {s}"


@pytest.mark.grade(points=2, todo="step41.2")
@given(pair=matmul_pairs())
@example(pair=(BOOK_X, BOOK_W))
def test_matmul_grads_have_input_shapes(dz, pair):
    """Backprop from x @ W gives x.grad the shape (N, D) and W.grad (D, H): the book's (2, 3) and (3, 4)."""
    x, W = pair
    vx, vW = dz.Variable(x.copy()), dz.Variable(W.copy())
    dz.functions.matmul(vx, vW).backward()
    ones = np.ones((x.shape[0], W.shape[1]))
    assert_array_close(grad_as_array(vx), ones @ W.T, f"x.grad for shapes {x.shape} @ {W.shape}")
    assert_array_close(grad_as_array(vW), x.T @ ones, f"W.grad for shapes {x.shape} @ {W.shape}")


@pytest.mark.grade(points=3, todo="step41.2")
@given(pair=matmul_pairs())
def test_matmul_grads_match_central_difference(dz, pair):
    """Backprop through x @ W, from a random upstream grad, agrees with central differences for x and W."""
    check_grad(dz, dz.functions.matmul, *pair, todo="step41.2")
