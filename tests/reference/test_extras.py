"""The official package's names that no step introduces: each has a home here and works."""

import numpy as np
import pytest

import dezero
import dezero.functions as F
import dezero.layers as L
from dezero import Variable, models, optimizers
from grader.checks import check_grad

rng = np.random.default_rng(0)
DECONV_W = rng.standard_normal((2, 3, 3, 3))


@pytest.mark.parametrize("f, x", [
    (lambda x: F.expand_dims(x, 1), rng.standard_normal((2, 3))),
    (F.flatten, rng.standard_normal((2, 3, 2))),
    (F.log_softmax, rng.standard_normal((3, 4))),
    (lambda x: F.leaky_relu(x, 0.2), rng.uniform(0.1, 1, (2, 3)) * np.array([1, -1, 1])),
    (lambda x: F.max(x, axis=1), rng.permutation(12).reshape(3, 4).astype(float)),
    (lambda x: F.min(x, axis=0, keepdims=True), rng.permutation(12).reshape(3, 4).astype(float)),
    (lambda x: F.mean(x, axis=0), rng.standard_normal((3, 4))),
    (lambda x: F.sigmoid_cross_entropy(x, np.array([[1], [0], [1]])), rng.standard_normal((3, 1))),
    (lambda x: F.binary_cross_entropy(F.sigmoid(x), np.array([1, 0, 1])), rng.standard_normal(3)),
    (lambda x: F.embed_id(np.array([0, 2, 2]), x), rng.standard_normal((4, 3))),
    (lambda x: F.deconv2d(x, DECONV_W, stride=2, pad=1), rng.standard_normal((1, 2, 3, 3))),
])
def test_extra_function_grads_match_finite_differences(f, x):
    check_grad(dezero, f, x)


def test_batch_norm_normalizes_in_training_and_uses_running_stats_in_test():
    layer = L.BatchNorm()
    x = rng.standard_normal((50, 3)) * 4 + 2
    y = layer(x)
    assert np.allclose(y.data.mean(axis=0), 0, atol=1e-6) and np.allclose(y.data.std(axis=0), 1, atol=1e-3)
    with dezero.test_mode():
        assert layer(x).shape == (50, 3)
    check_grad(dezero, lambda v: F.batch_norm(v, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3)), x[:4])


def test_embed_layer_deconv_layer_and_sequential():
    assert L.EmbedID(10, 4)(np.array([1, 3])).shape == (2, 4)
    assert L.Deconv2d(5, 3, stride=2, pad=1)(np.zeros((1, 2, 4, 4), np.float32)).shape == (1, 5, 7, 7)
    seq = models.Sequential(L.Linear(5), F.relu, L.Linear(2))
    assert seq(np.ones((3, 4), np.float32)).shape == (3, 2)


def test_resnet_runs_on_a_small_image():
    y = models.ResNet50()(np.zeros((1, 3, 32, 32), np.float32))
    assert y.shape == (1, 1000) and y.dtype == np.float32


def test_weight_decay_and_clip_grad_hooks():
    model = models.MLP((2,))
    x = np.ones((1, 3), np.float32)
    model(x)
    W = model.l0.W
    W.grad = Variable(np.full(W.shape, 10.0, np.float32))
    before = W.data.copy()
    opt = optimizers.SGD(1.0).setup(model)
    opt.add_hook(optimizers.WeightDecay(0.5))
    opt.add_hook(optimizers.ClipGrad(1.0))
    model.l0.b.grad = Variable(np.zeros(2, np.float32))
    opt.update()
    step = before - W.data
    assert np.linalg.norm(step) == pytest.approx(1.0, rel=1e-3)
