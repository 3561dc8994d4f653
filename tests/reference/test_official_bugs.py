"""Regression tests: the reference has none of the official package's bugs (docs/reference.md)."""

import subprocess
import sys

import numpy as np
import pytest

import dezero
import dezero.functions as F
import dezero.layers as L
from dezero import Variable, optimizers
from dezero.models import MLP


def test_rnn_accepts_in_size_different_from_hidden_size():
    """6.2 item 3: the official h2h layer was built with in_size, so a second step failed."""
    rnn = L.RNN(4, in_size=2)
    x = np.ones((1, 2), dtype=np.float32)
    rnn(x)
    h = rnn(x)
    assert h.shape == (1, 4)


def test_freeze_param_leaves_frozen_weights_alone():
    """6.2 item 4: the official hook crashed update_one with a None grad."""
    model = MLP((3, 1))
    x = np.ones((2, 2), dtype=np.float32)
    model(x)
    frozen = model.l0.W.data.copy()
    opt = optimizers.SGD(0.1).setup(model)
    opt.add_hook(optimizers.FreezeParam(model.l0))
    model.cleargrads()
    F.sum(model(x)).backward()
    opt.update()
    assert np.array_equal(model.l0.W.data, frozen)


def test_mean_squared_error_refuses_a_silent_broadcast():
    """6.2 item 5: (5, 1) against (5,) broadcast to (5, 5) with grads of that shape."""
    with pytest.raises(ValueError, match=r"\(5, 1\) and \(5,\)"):
        F.mean_squared_error(Variable(np.zeros((5, 1))), Variable(np.zeros(5)))
    y = F.mean_squared_error(Variable(np.ones((1, 1))), Variable(np.zeros(1)))
    assert float(y.data) == 1.0


def test_dot_graph_lists_every_variable_once():
    """6.2 item 7: the official get_dot_graph repeated variable lines."""
    x = Variable(np.array(1.0))
    y = x * x + x
    lines = dezero.utils.get_dot_graph(y).splitlines()
    nodes = [ln for ln in lines if "label=" in ln]
    assert len(nodes) == len(set(nodes))


def test_import_needs_numpy_alone():
    """6.2 item 8: the official import pulled in matplotlib and Pillow."""
    code = "import sys, dezero; print(sorted(m for m in ('matplotlib', 'PIL') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_layers_keep_float32_weights():
    """6.1 item 1: on numpy 2 the official Linear weights became float64."""
    layer = L.Linear(3)
    y = layer(np.ones((2, 4), dtype=np.float32))
    assert layer.W.dtype == layer.b.dtype == y.dtype == np.float32


def test_misspelled_names_stay_as_aliases():
    assert F.batch_nrom is F.batch_norm
    assert Variable.matmaul is Variable.matmul


def test_third_order_derivative_through_conv2d_weights():
    """6.2 item 1: the official Conv2DGradW.backward treated a weakref as a Variable."""
    rng = np.random.default_rng(0)
    x = Variable(rng.standard_normal((1, 1, 4, 4)))
    W = Variable(rng.standard_normal((1, 1, 2, 2)))
    F.sum(F.conv2d(x, W) ** 3).backward(create_graph=True)
    g1 = W.grad
    W.cleargrad()
    F.sum(g1**2).backward(create_graph=True)
    g2 = W.grad
    W.cleargrad()
    F.sum(g2).backward()
    assert W.grad.shape == (1, 1, 2, 2)


def test_average_pooling_backward_with_a_non_square_kernel():
    """6.2 item 2: the official AveragePooling.backward swapped the kernel's height and width."""
    from grader.checks import check_grad

    x = np.random.default_rng(1).standard_normal((1, 2, 4, 6))
    check_grad(dezero, lambda v: F.average_pooling(v, (2, 3), (2, 3)), x)


def test_conv2d_shape_errors_name_both_shapes():
    with pytest.raises(ValueError, match=r"\(1, 3, 5, 5\).*\(2, 4, 3, 3\)"):
        F.conv2d(np.zeros((1, 3, 5, 5)), np.zeros((2, 4, 3, 3)))
    with pytest.raises(ValueError, match="larger than the padded input"):
        F.conv2d(np.zeros((1, 3, 2, 2)), np.zeros((2, 3, 5, 5)))


def test_second_derivative_through_conv2d_weights_has_the_right_values():
    """6.2 item 1, beyond the crash: Conv2DGradW.backward must use the grad it receives."""
    from grader.checks import check_grad

    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 2, 4, 4))

    def grad_of_w(W):
        y = F.sum(F.conv2d(Variable(x), W, stride=1, pad=1) ** 2)
        W.cleargrad()
        y.backward(create_graph=True)
        gW = W.grad
        W.cleargrad()  # so that the check's own backward starts W.grad afresh
        return gW

    check_grad(dezero, grad_of_w, rng.standard_normal((3, 2, 3, 3)))
