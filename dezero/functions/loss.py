"""Losses and metrics: mean squared error, softmax cross entropy, binary losses, accuracy."""

import numpy as np

from dezero import cuda, utils
from dezero.core import Function, Variable, as_array, as_variable
from dezero.functions.basic import log
from dezero.functions.basic import sum as _sum
from dezero.functions.nn import sigmoid, softmax_simple
from dezero.functions.tensor import clip


def _same_shape(x0, x1, name):
    """Allow equal shapes, or equal sizes that broadcast without growing ((1, 1) and (1,))."""
    if x0.shape != x1.shape and not (x0.size == x1.size and np.broadcast_shapes(x0.shape, x1.shape)
                                     in (x0.shape, x1.shape)):
        raise ValueError(f"{name}: shapes {x0.shape} and {x1.shape} differ; reshape one of them "
                         f"(a silent broadcast would compare every pair of elements)")


def mean_squared_error_simple(x0, x1):
    x0, x1 = as_variable(x0), as_variable(x1)
    _same_shape(x0, x1, "mean_squared_error")
    diff = x0 - x1
    return _sum(diff**2) / len(diff)


class MeanSquaredError(Function):
    """sum((x0 - x1) ** 2) / len(x0), as one function."""

    reads_outputs = False

    def forward(self, x0, x1):
        _same_shape(x0, x1, "mean_squared_error")
        diff = x0 - x1
        return (diff**2).sum() / len(diff)

    def backward(self, gy):
        x0, x1 = self.inputs
        diff = x0 - x1
        gx0 = gy * diff * (2.0 / len(diff))
        gx1 = -gx0
        if gx0.shape != x0.shape:
            from dezero.functions.basic import sum_to

            gx0 = sum_to(gx0, x0.shape)
        if gx1.shape != x1.shape:
            from dezero.functions.basic import sum_to

            gx1 = sum_to(gx1, x1.shape)
        return gx0, gx1


def mean_squared_error(x0, x1):
    return MeanSquaredError()(x0, x1)


def _check_labels(x, t):
    if t.dtype.kind not in "iu":
        raise TypeError(f"softmax_cross_entropy: labels must be integers, got {t.dtype} "
                        f"(e.g. {t.ravel()[:3].tolist()}); convert with t.astype(int)")
    bad = (t < 0) | (t >= x.shape[1])
    if bad.any():
        raise ValueError(f"softmax_cross_entropy: label {t[bad].ravel()[0]} is out of range "
                         f"for {x.shape[1]} classes (labels go from 0 to {x.shape[1] - 1})")


def softmax_cross_entropy_simple(x, t):
    x, t = as_variable(x), as_variable(t)
    _check_labels(x.data, t.data)
    N = x.shape[0]
    p = softmax_simple(x)
    p = clip(p, 1e-15, 1.0)
    log_p = log(p)
    tlog_p = log_p[np.arange(N), t.data]
    return -1 * _sum(tlog_p) / N


class SoftmaxCrossEntropy(Function):
    """Mean cross entropy of softmax(x) against integer labels t, via logsumexp (stable)."""

    reads_outputs = False

    def forward(self, x, t):
        _check_labels(x, t)
        N = x.shape[0]
        log_z = utils.logsumexp(x, axis=1)
        log_p = x - log_z
        log_p = log_p[np.arange(N), t.ravel()]
        return -log_p.sum() / np.array(N, dtype=x.dtype)

    def backward(self, gy):
        x, t = self.inputs
        N, CLS_NUM = x.shape
        gy *= 1 / N
        y = softmax_simple(x)
        xp = cuda.get_array_module(t.data)
        t_onehot = xp.eye(CLS_NUM, dtype=x.dtype)[t.data]
        return (y - t_onehot) * gy, None


def softmax_cross_entropy(x, t):
    return SoftmaxCrossEntropy()(x, t)


def sigmoid_cross_entropy(x, t):
    if x.ndim != t.ndim:
        t = t.reshape(*x.shape)
    x, t = as_variable(x), as_variable(t)
    N = len(x)
    p = sigmoid(x)
    p = clip(p, 1e-15, 1.0)
    tlog_p = t * log(p) + (1 - t) * log(1 - p)
    return -1 * _sum(tlog_p) / N


def binary_cross_entropy(p, t):
    if p.ndim != t.ndim:
        t = t.reshape(*p.shape)
    N = len(t)
    p = clip(p, 1e-15, 0.999)
    tlog_p = t * log(p) + (1 - t) * log(1 - p)
    return -1 * _sum(tlog_p) / N


def accuracy(y, t):
    """The share of rows whose largest score is the label (not differentiable)."""
    y, t = as_variable(y), as_variable(t)
    pred = y.data.argmax(axis=1).reshape(t.shape)
    result = pred == t.data
    return Variable(as_array(result.mean()))

