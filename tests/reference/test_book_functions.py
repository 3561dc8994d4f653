"""Book-style unit tests of every function family: forward against numpy, backward by gradient_check.

Written as the book's tests are (unittest classes, dezero.utils.gradient_check,
array_equal and array_allclose), so they also show that those helpers work as the book's.
"""

import unittest

import numpy as np

import dezero
import dezero.functions as F
from dezero import Variable
from dezero.utils import array_allclose, array_equal, gradient_check

rng = np.random.RandomState(0)


def randn(*shape):
    return rng.randn(*shape)


class TestArithmetic(unittest.TestCase):
    def test_forward(self):
        a, b = randn(2, 3), randn(2, 3)
        x0, x1 = Variable(a), Variable(b)
        self.assertTrue(array_equal(x0 + x1, a + b))
        self.assertTrue(array_equal(x0 * x1, a * b))
        self.assertTrue(array_equal(x0 - x1, a - b))
        self.assertTrue(array_equal(3.0 - x0, 3.0 - a))
        self.assertTrue(array_allclose(x0 / x1, a / b))
        self.assertTrue(array_allclose(2.0 / x1, 2.0 / b))
        self.assertTrue(array_equal(-x0, -a))
        self.assertTrue(array_allclose(x0**3, a**3))

    def test_backward(self):
        b = randn(2, 3) + 3
        for f in (lambda x: x + b, lambda x: x * b, lambda x: b - x, lambda x: x / b, lambda x: b / (x + 5),
                  lambda x: -x, lambda x: x**3, lambda x: 2.0 + x, F.neg, lambda x: F.pow(x, 2)):
            self.assertTrue(gradient_check(f, randn(2, 3)))

    def test_function_form_with_an_array_and_a_number(self):
        # numerical_grad calls f with the bare ndarray, so the book's F.add(x, 2.0) sees one
        self.assertTrue(gradient_check(lambda x: F.add(x, 2.0), randn(2, 3)))
        for f in (F.add, F.mul, F.sub, F.rsub, F.div, F.rdiv):
            y = f(randn(2, 3).astype(np.float32), 2.0)
            self.assertEqual(y.dtype, np.float32)  # the number stays weak beside an ndarray too

    def test_broadcast_backward(self):
        b34, b31 = randn(3, 4), randn(3, 1)
        self.assertTrue(gradient_check(lambda x: x + b34, randn(1, 4)))
        self.assertTrue(gradient_check(lambda x: x * b31, randn(3, 4)))


class TestElementwise(unittest.TestCase):
    def test_forward(self):
        a = rng.uniform(0.5, 2, (3, 2))
        for f, g in ((F.sin, np.sin), (F.cos, np.cos), (F.tanh, np.tanh), (F.exp, np.exp), (F.log, np.log),
                     (F.square, np.square)):
            self.assertTrue(array_allclose(f(a), g(a)), f.__name__)

    def test_backward(self):
        for f in (F.sin, F.cos, F.tanh, F.exp, F.log, F.square):
            self.assertTrue(gradient_check(f, rng.uniform(0.5, 2, (3, 2))), f.__name__)


class TestShape(unittest.TestCase):
    def test_forward(self):
        a = randn(2, 3, 4)
        self.assertTrue(array_equal(F.reshape(a, (6, 4)), a.reshape(6, 4)))
        self.assertTrue(array_equal(F.transpose(a), a.transpose()))
        self.assertTrue(array_equal(F.transpose(a, (1, 0, 2)), a.transpose(1, 0, 2)))
        self.assertTrue(array_equal(Variable(a).T, a.T))
        self.assertTrue(array_equal(Variable(a).reshape(4, 6), a.reshape(4, 6)))
        self.assertTrue(array_equal(F.get_item(a, (1, slice(0, 2))), a[1, 0:2]))
        self.assertTrue(array_equal(Variable(a)[[0, 0, 1]], a[[0, 0, 1]]))
        self.assertTrue(array_equal(F.expand_dims(a, 1), a[:, None]))
        self.assertTrue(array_equal(F.flatten(a), a.reshape(2, -1)))

    def test_backward(self):
        for f in (lambda x: F.reshape(x, (4, 6)), F.transpose, lambda x: F.transpose(x, (2, 0, 1)),
                  lambda x: F.get_item(x, np.array([0, 0, 1])), lambda x: x[:, 1:, ::2],
                  lambda x: F.expand_dims(x, 0), F.flatten):
            self.assertTrue(gradient_check(f, randn(2, 3, 4)))


class TestReductions(unittest.TestCase):
    def test_forward(self):
        a = randn(3, 4)
        self.assertTrue(array_allclose(F.sum(a), a.sum()))
        self.assertTrue(array_allclose(F.sum(a, axis=0, keepdims=True), a.sum(0, keepdims=True)))
        self.assertTrue(array_allclose(F.sum_to(a, (1, 4)), a.sum(0, keepdims=True)))
        self.assertTrue(array_equal(F.broadcast_to(a[0], (3, 4)), np.broadcast_to(a[0], (3, 4))))
        self.assertTrue(array_allclose(F.mean(a, axis=1), a.mean(1)))
        self.assertTrue(array_allclose(F.average(a), a.mean()))
        self.assertTrue(array_equal(F.max(a, axis=1), a.max(1)))
        self.assertTrue(array_equal(F.min(a), a.min()))
        self.assertTrue(array_equal(F.clip(a, -0.5, 0.5), np.clip(a, -0.5, 0.5)))

    def test_backward(self):
        distinct = rng.permutation(12).reshape(3, 4) / 3.0  # no ties for max and min
        for f in (F.sum, lambda x: F.sum(x, axis=(0, 1)), lambda x: F.sum(x, axis=1, keepdims=True),
                  lambda x: F.sum_to(x, (3, 1)), lambda x: F.mean(x, axis=0), lambda x: F.max(x, axis=0),
                  lambda x: F.min(x, axis=1, keepdims=True), F.max):
            self.assertTrue(gradient_check(f, distinct.copy()))
        self.assertTrue(gradient_check(lambda x: F.broadcast_to(x, (3, 4)), randn(1, 4)))
        self.assertTrue(gradient_check(lambda x: F.clip(x, -0.5, 0.5), rng.uniform(-0.4, 0.4, (3, 4))))


class TestMatMulLinear(unittest.TestCase):
    def test_forward(self):
        x, W, b = randn(3, 2), randn(2, 4), randn(4)
        self.assertTrue(array_allclose(F.matmul(x, W), x @ W))
        self.assertTrue(array_allclose(Variable(x).dot(W), x @ W))
        self.assertTrue(array_allclose(F.linear(x, W, b), x @ W + b))
        self.assertTrue(array_allclose(F.linear_simple(x, W, b), x @ W + b))
        self.assertTrue(array_allclose(F.linear(x, W), x @ W))

    def test_backward(self):
        x, W, b = randn(3, 2), randn(2, 4), randn(4)
        self.assertTrue(gradient_check(lambda x: F.matmul(x, W), x))
        self.assertTrue(gradient_check(lambda W: F.matmul(x, W), W))
        self.assertTrue(gradient_check(lambda x: F.linear(x, W, b), x))
        self.assertTrue(gradient_check(lambda W: F.linear(x, W, b), W))
        self.assertTrue(gradient_check(lambda b: F.linear(x, W, b), b))
        self.assertTrue(gradient_check(lambda x: F.linear_simple(x, W, b), x))


class TestActivations(unittest.TestCase):
    def test_forward(self):
        a = randn(3, 5)
        e = np.exp(a - a.max(1, keepdims=True))
        softmax = e / e.sum(1, keepdims=True)
        self.assertTrue(array_allclose(F.sigmoid(a), 1 / (1 + np.exp(-a))))
        self.assertTrue(array_allclose(F.sigmoid_simple(a), 1 / (1 + np.exp(-a))))
        self.assertTrue(array_equal(F.relu(a), np.maximum(a, 0)))
        self.assertTrue(array_allclose(F.leaky_relu(a, 0.1), np.where(a > 0, a, 0.1 * a)))
        self.assertTrue(array_allclose(F.softmax(a), softmax))
        self.assertTrue(array_allclose(F.softmax_simple(a), softmax))
        self.assertTrue(array_allclose(F.log_softmax(a), np.log(softmax)))

    def test_backward(self):
        away_from_zero = rng.uniform(0.1, 1, (3, 5)) * rng.choice([-1, 1], (3, 5))
        for f in (F.sigmoid, F.sigmoid_simple, F.relu, lambda x: F.leaky_relu(x, 0.3), F.softmax,
                  F.softmax_simple, lambda x: F.softmax(x, axis=0), F.log_softmax):
            self.assertTrue(gradient_check(f, away_from_zero.copy()))


class TestLosses(unittest.TestCase):
    def test_forward(self):
        x0, x1 = randn(4, 3), randn(4, 3)
        self.assertTrue(array_allclose(F.mean_squared_error(x0, x1), ((x0 - x1) ** 2).sum() / 4))
        self.assertTrue(array_allclose(F.mean_squared_error_simple(x0, x1), ((x0 - x1) ** 2).sum() / 4))
        t = np.array([2, 0, 1, 1])
        logp = x0 - x0.max(1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
        expected = -logp[np.arange(4), t].mean()
        self.assertTrue(array_allclose(F.softmax_cross_entropy(x0, t), expected))
        self.assertTrue(array_allclose(F.softmax_cross_entropy_simple(x0, t), expected))
        self.assertTrue(array_allclose(F.accuracy(x0, t), (x0.argmax(1) == t).mean()))
        p, tb = rng.uniform(0.1, 0.9, 4), np.array([1, 0, 0, 1])
        bce = -(tb * np.log(p) + (1 - tb) * np.log(1 - p)).mean()
        self.assertTrue(array_allclose(F.binary_cross_entropy(p, tb), bce))

    def test_backward(self):
        x1, t = randn(4, 3), np.array([2, 0, 1, 1])
        self.assertTrue(gradient_check(lambda x: F.mean_squared_error(x, x1), randn(4, 3)))
        self.assertTrue(gradient_check(lambda x: F.mean_squared_error_simple(x, x1), randn(4, 3)))
        self.assertTrue(gradient_check(lambda x: F.softmax_cross_entropy(x, t), randn(4, 3)))
        self.assertTrue(gradient_check(lambda x: F.softmax_cross_entropy_simple(x, t), randn(4, 3)))
        tb = np.array([[1], [0], [0], [1]])
        self.assertTrue(gradient_check(lambda x: F.sigmoid_cross_entropy(x, tb), randn(4, 1)))
        p = rng.uniform(0.2, 0.8, 4)
        self.assertTrue(gradient_check(lambda p: F.binary_cross_entropy(p, tb.ravel()), p))


class TestDropoutBatchNormEmbed(unittest.TestCase):
    def test_dropout(self):
        x = randn(100, 10)
        with dezero.test_mode():
            self.assertTrue(array_equal(F.dropout(x), x))
        y = F.dropout(x, 0.5).data
        kept = y != 0
        self.assertTrue(array_allclose(y[kept], x[kept] / 0.5))

        def f(x):
            np.random.seed(0)  # the same mask at every call of the check
            return F.dropout(x, 0.3)

        self.assertTrue(gradient_check(f, randn(4, 5)))

    def test_batch_norm(self):
        x, gamma, beta = randn(20, 3), randn(3), randn(3)
        mean, var = np.zeros(3), np.ones(3)
        y = F.batch_norm(x, gamma, beta, mean.copy(), var.copy())
        xn = (x - x.mean(0)) / np.sqrt(x.var(0) + 2e-5)
        self.assertTrue(array_allclose(y, gamma * xn + beta))
        self.assertTrue(F.batch_nrom is F.batch_norm)
        for arg in range(3):
            def f(v, arg=arg):
                args = [x, gamma, beta]
                args[arg] = v
                return F.batch_norm(*args, mean.copy(), var.copy())

            self.assertTrue(gradient_check(f, [x, gamma, beta][arg].copy()))
        with dezero.test_mode():
            y = F.batch_norm(x, gamma, beta, mean, var)
        self.assertTrue(array_allclose(y, gamma * x / np.sqrt(1 + 2e-5) + beta))

    def test_embed_id(self):
        W, ids = randn(5, 3), np.array([4, 0, 4])
        self.assertTrue(array_equal(F.embed_id(ids, W), W[ids]))
        self.assertTrue(gradient_check(lambda W: F.embed_id(ids, W), W))


def conv_by_loops(x, W, b, stride, pad):
    """A plain cross-correlation, one output pixel at a time."""
    N, C, H, Wd = x.shape
    OC, _, KH, KW = W.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    OH, OW = (H + 2 * pad - KH) // stride + 1, (Wd + 2 * pad - KW) // stride + 1
    y = np.zeros((N, OC, OH, OW))
    for i in range(OH):
        for j in range(OW):
            patch = xp[:, :, i * stride : i * stride + KH, j * stride : j * stride + KW]
            y[:, :, i, j] = np.tensordot(patch, W, axes=([1, 2, 3], [1, 2, 3]))
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def pool_by_loops(x, k, stride, reduce):
    N, C, H, W = x.shape
    OH, OW = (H - k) // stride + 1, (W - k) // stride + 1
    y = np.zeros((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = x[:, :, i * stride : i * stride + k, j * stride : j * stride + k]
            y[:, :, i, j] = reduce(window, axis=(2, 3))
    return y


class TestConvolution(unittest.TestCase):
    def test_conv2d_forward(self):
        x, W, b = randn(2, 3, 7, 6), randn(4, 3, 3, 3), randn(4)
        for stride, pad in ((1, 0), (2, 1), (3, 2)):
            expected = conv_by_loops(x, W, b, stride, pad)
            self.assertTrue(array_allclose(F.conv2d(x, W, b, stride, pad), expected))
            self.assertTrue(array_allclose(F.conv2d_simple(x, W, b, stride, pad), expected))
        self.assertTrue(array_allclose(F.conv2d(x, W), conv_by_loops(x, W, None, 1, 0)))

    def test_conv2d_backward(self):
        x, W, b = randn(2, 3, 5, 5), randn(4, 3, 3, 3), randn(4)
        for conv in (F.conv2d, F.conv2d_simple):
            self.assertTrue(gradient_check(lambda x, conv=conv: conv(x, W, b, 2, 1), x))
            self.assertTrue(gradient_check(lambda W, conv=conv: conv(x, W, b, 1, 1), W))
            self.assertTrue(gradient_check(lambda b, conv=conv: conv(x, W, b), b))

    def test_deconv2d_is_the_transpose_of_conv2d(self):
        x, W = randn(1, 3, 5, 5), randn(4, 3, 3, 3)
        gy = randn(1, 4, 3, 3)
        # <conv2d(x), gy> == <x, deconv2d(gy)>: deconv2d is conv2d's adjoint for the same W
        left = (F.conv2d(x, W, None, 2, 1).data * gy).sum()
        right = (x * F.deconv2d(gy, W, None, 2, 1, outsize=(5, 5)).data).sum()
        self.assertTrue(array_allclose(left, right))
        b = randn(3)
        self.assertTrue(gradient_check(lambda g: F.deconv2d(g, W, b, 2, 1), gy))
        self.assertTrue(gradient_check(lambda w: F.deconv2d(gy, w, b, 2, 1), W))
        self.assertTrue(gradient_check(lambda c: F.deconv2d(gy, W, c, 2, 1), b))

    def test_pooling(self):
        x = rng.permutation(2 * 3 * 6 * 6).reshape(2, 3, 6, 6) / 10.0  # no ties
        self.assertTrue(array_equal(F.pooling(x, 2, 2), pool_by_loops(x, 2, 2, np.max)))
        self.assertTrue(array_equal(F.pooling_simple(x, 3, 1), pool_by_loops(x, 3, 1, np.max)))
        self.assertTrue(array_allclose(F.average_pooling(x, 2, 2), pool_by_loops(x, 2, 2, np.mean)))
        self.assertTrue(gradient_check(lambda x: F.pooling(x, 2, 2), x.copy()))
        self.assertTrue(gradient_check(lambda x: F.pooling_simple(x, 3, 1), x.copy()))
        self.assertTrue(gradient_check(lambda x: F.average_pooling(x, 3, 1, 1), x.copy()))

    def test_im2col_col2im(self):
        x = randn(2, 3, 5, 4)
        col = F.im2col(x, 3, 1, 1)
        self.assertEqual(col.shape, (2 * 5 * 4, 3 * 3 * 3))
        self.assertEqual(F.im2col(x, 3, 1, 1, to_matrix=False).shape, (2, 3, 3, 3, 5, 4))
        self.assertTrue(gradient_check(lambda x: F.im2col(x, 3, 2, 1), x))
        self.assertTrue(gradient_check(lambda c: F.col2im(c, x.shape, 3, 2, 1), F.im2col(x, 3, 2, 1).data))
        # col2im adds up the patches: col2im(im2col(ones)) counts how many patches cover a pixel
        ones = np.ones((1, 1, 3, 3))
        counts = F.col2im(F.im2col(ones, 2, 1, 0), ones.shape, 2, 1, 0).data[0, 0]
        self.assertTrue(array_equal(counts, [[1, 2, 1], [2, 4, 2], [1, 2, 1]]))
