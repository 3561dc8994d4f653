"""The shared checks: the gradient check passes right grads and names the worst element of wrong
ones; the numpy net of steps 43-46 is the book's and the reference's."""

import numpy as np
import pytest

import dezero
import dezero.functions as F
from dezero import Function
from grader.checks import assert_losses_close, check_grad, sigmoid_net_losses, sin_data


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


def test_directional_checks_any_input_along_a_direction():
    """directional=True: two runs of f per input (for costly f), still failing on a wrong grad."""
    check_grad(dezero, lambda x, w: x * w, np.array([0.5, 1.0]), np.array([2.0, -1.0]), directional=True)
    with pytest.raises(AssertionError, match="along a random direction"):
        check_grad(dezero, lambda x: WrongSquare()(x), np.array([0.5, 1.0]), directional=True)


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


def _book_start():
    """Step 43's start: RandomState(0) draws the data, then W1 and W2 (0.01 randn), float64."""
    rng = np.random.RandomState(0)
    x, y = sin_data(rng)
    return x, y, (0.01 * rng.randn(1, 10), np.zeros(10), 0.01 * rng.randn(10, 1), np.zeros(1))


def test_the_numpy_net_prints_the_books_losses():
    """Run for the book's 10 000 iterations, the oracle of steps 43-46 gives the ten losses step 43's
    guide quotes from the book (numpy 2.4), so 200 iterations of it are the book's first 200."""
    x, y, start = _book_start()
    book = [0.8473695850105871, 0.2514286285183607, 0.24759485466749878, 0.23786120447054832,
            0.21222231333102953, 0.16742181117834223, 0.0968193261999272, 0.07849528290602335,
            0.07749729552991157, 0.07722132399559317]
    assert_losses_close(sigmoid_net_losses(x, y, start, lr=0.2, iters=10000)[::1000], book)


def test_the_numpy_net_trains_like_the_reference_in_float32():
    """With float32 weights (Linear's dtype), the oracle's losses are the reference MLP's with SGD
    (the reference rounds lr * grad to float32 before subtracting: the last digits differ)."""
    x, y, _ = _book_start()
    model = dezero.models.MLP((10, 1))
    model(x)  # makes W1 and W2
    start = [p.data.copy() for p in (model.l0.W, model.l0.b, model.l1.W, model.l1.b)]
    optimizer, losses = dezero.optimizers.SGD(lr=0.2).setup(model), []
    for _ in range(50):
        loss = F.mean_squared_error(y, model(x))
        model.cleargrads()
        loss.backward()
        optimizer.update()
        losses.append(float(loss.data))
    assert_losses_close(losses, sigmoid_net_losses(x, y, start, lr=0.2, iters=50))


def test_a_wrong_loss_names_the_first_iteration_that_differs():
    """The first bad iteration is named: 0 is the forward pass, a later one an update."""
    with pytest.raises(AssertionError, match=r"iteration 2 is 0\.5, the numpy net's is 0\.25 \(the first 2"):
        assert_losses_close([1.0, 0.5, 0.5, 0.0], [1.0, 0.5, 0.25, 0.125])
    with pytest.raises(AssertionError, match="before any update"):
        assert_losses_close([2.0], [1.0])
    with pytest.raises(AssertionError, match="3 losses for 2 iterations"):
        assert_losses_close([1.0, 1.0, 1.0], [1.0, 1.0])
