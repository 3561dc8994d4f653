"""The shared gradient check: passes right grads, names the worst element of wrong ones."""

import numpy as np
import pytest

import dezero
from dezero import Function
from grader.checks import check_grad


class WrongSquare(Function):
    def forward(self, x):
        return x**2

    def backward(self, gy):
        return gy * self.inputs[0] * 3  # should be 2x


def test_right_grads_pass_for_scalar_and_tensor_outputs():
    check_grad(dezero, lambda x: x * x, np.array(1.5))
    check_grad(dezero, lambda x, w: x * w + x, np.arange(6.0).reshape(2, 3), np.ones((2, 3)))


def test_wrong_grad_names_input_and_both_values():
    with pytest.raises(AssertionError, match=r"input 0: grad is wrong at index \(1,\): backprop gives 3"):
        check_grad(dezero, lambda x: WrongSquare()(x), np.array([0.0, 1.0]), gy=np.array([0.0, 1.0]))


def test_big_inputs_are_checked_along_a_direction():
    with pytest.raises(AssertionError, match="along a random direction"):
        check_grad(dezero, lambda x: WrongSquare()(x), np.linspace(-1, 1, 300))


def test_todo_id_is_named_in_the_failure():
    with pytest.raises(AssertionError, match=r"\[TODO step07\.1\]"):
        check_grad(dezero, lambda x: WrongSquare()(x), np.array(1.0), todo="step07.1")


def test_an_output_without_a_graph_is_named():
    with pytest.raises(AssertionError, match="no creator"):
        check_grad(dezero, lambda x: dezero.Variable(np.asarray(x.data * 2)), np.array(1.0))


def test_an_in_place_add_cannot_change_what_the_check_expects(grade, submission):
    """Step 14 with `+=`: the check keeps its own gy and grads, so its numbers are the true ones
    (x + x + x: backprop 4, central difference 3), and the failure is blamed on step14.1."""
    folder = submission(14, {"x.grad = x.grad + gx  # a new array, not +=: gx may be another grad object":
                             "x.grad += gx"})
    proc, report = grade(14, folder)
    chain = next(t for t in report["tests"] if t["test_id"].endswith("matches_central_difference"))
    assert "backprop gives 4, central difference gives 3" in chain["output"]
    assert chain["todo"] == "step14.1"
