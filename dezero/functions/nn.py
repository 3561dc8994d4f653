"""Activations and layers' math: sigmoid, relu, softmax, dropout, batch norm, embedding."""

import numpy as np

from dezero import cuda
from dezero.core import Config, Function, as_variable
from dezero.functions.basic import exp
from dezero.functions.basic import sum as _sum
from dezero.functions.tensor import get_item


def sigmoid_simple(x):
    x = as_variable(x)
    return 1 / (1 + exp(-x))


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x)), computed as 0.5 tanh(0.5 x) + 0.5 (no overflow); dy/dx = y (1 - y)."""

    reads_inputs = False

    def forward(self, x):
        xp = cuda.get_array_module(x)
        return xp.tanh(x * 0.5) * 0.5 + 0.5

    def backward(self, gy):
        y = self.outputs[0]()
        assert y is not None  # alive: backward() has just read its grad
        return gy * y * (1 - y)


def sigmoid(x):
    return Sigmoid()(x)


class ReLU(Function):
    """y = max(x, 0); the grad passes where y > 0, which is where x > 0 (so x is not kept)."""

    reads_inputs = False

    def forward(self, x):
        return cuda.get_array_module(x).maximum(x, 0.0).astype(x.dtype, copy=False)

    def backward(self, gy):
        y = self.outputs[0]()
        assert y is not None  # alive: backward() has just read its grad
        return gy * (y.data > 0)


def relu(x):
    return ReLU()(x)


class LeakyReLU(Function):
    reads_outputs = False

    def __init__(self, slope):
        self.slope = slope

    def forward(self, x):
        y = x.copy()
        y[x <= 0] *= self.slope
        return y

    def backward(self, gy):
        (x,) = self.inputs
        mask = (x.data > 0).astype(gy.dtype)
        mask[mask <= 0] = self.slope
        return gy * mask


def leaky_relu(x, slope=0.2):
    return LeakyReLU(slope)(x)


def softmax_simple(x, axis=1):
    x = as_variable(x)
    y = exp(x)
    return y / _sum(y, axis=axis, keepdims=True)


class Softmax(Function):
    """Softmax along axis, with the max subtracted first so exp never overflows."""

    reads_inputs = False

    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, x):
        xp = cuda.get_array_module(x)
        y = xp.exp(x - x.max(axis=self.axis, keepdims=True))
        return y / y.sum(axis=self.axis, keepdims=True)

    def backward(self, gy):
        y = self.outputs[0]()
        gx = y * gy
        return gx - y * _sum(gx, axis=self.axis, keepdims=True)


def softmax(x, axis=1):
    return Softmax(axis)(x)


class LogSoftmax(Function):
    reads_inputs = False

    def __init__(self, axis=1):
        self.axis = axis

    def forward(self, x):
        from dezero.utils import logsumexp

        return x - logsumexp(x, self.axis)

    def backward(self, gy):
        y = self.outputs[0]()
        return gy - exp(y) * _sum(gy, axis=self.axis, keepdims=True)


def log_softmax(x, axis=1):
    return LogSoftmax(axis)(x)


def dropout(x, dropout_ratio=0.5):
    """Inverted dropout while training (mask from NumPy's global generator, as the book).

    In test mode (Config.train False) it is the identity.
    """
    x = as_variable(x)
    if not Config.train:
        return x
    xp = cuda.get_array_module(x)
    mask = xp.random.rand(*x.shape) > dropout_ratio
    scale = np.array(1.0 - dropout_ratio, dtype=x.dtype)
    return x * mask / scale


class BatchNorm(Function):
    """Batch normalization; in test mode it uses the running mean and variance."""

    reads_outputs = False

    def __init__(self, mean, var, decay, eps):
        self.avg_mean = mean
        self.avg_var = var
        self.decay = decay
        self.eps = eps
        self.inv_std = None

    def forward(self, x, gamma, beta):
        assert x.ndim in (2, 4)
        x_ndim = x.ndim
        if x_ndim == 4:
            N, C, H, W = x.shape
            x = x.transpose(0, 2, 3, 1).reshape(-1, C)
        xp = cuda.get_array_module(x)
        if Config.train:
            mean = x.mean(axis=0)
            var = x.var(axis=0)
            inv_std = 1 / xp.sqrt(var + self.eps)
            xc = (x - mean) * inv_std
            m = x.size // gamma.size
            s = m - 1.0 if m - 1.0 > 1.0 else 1.0
            adjust = m / s
            self.avg_mean *= self.decay
            self.avg_mean += (1 - self.decay) * mean
            self.avg_var *= self.decay
            self.avg_var += (1 - self.decay) * adjust * var
            self.inv_std = inv_std
        else:
            inv_std = 1 / xp.sqrt(self.avg_var + self.eps)
            xc = (x - self.avg_mean) * inv_std
        y = gamma * xc + beta
        if x_ndim == 4:
            y = y.reshape(N, H, W, C).transpose(0, 3, 1, 2)
        return y

    def backward(self, gy):
        gy_ndim = gy.ndim
        if gy_ndim == 4:
            N, C, H, W = gy.shape
            gy = gy.transpose(0, 2, 3, 1).reshape(-1, C)
        x, gamma, beta = self.inputs
        batch_size = len(gy)
        if x.ndim == 4:
            N, C, H, W = x.shape
            x = x.transpose(0, 2, 3, 1).reshape(-1, C)
        mean = x.sum(axis=0) / batch_size
        xc = (x - mean) * self.inv_std
        gbeta = _sum(gy, axis=0)
        ggamma = _sum(xc * gy, axis=0)
        gx = gy - gbeta / batch_size - xc * ggamma / batch_size
        gx *= gamma * self.inv_std
        if gy_ndim == 4:
            gx = gx.reshape(N, H, W, C).transpose(0, 3, 1, 2)
        return gx, ggamma, gbeta


def batch_norm(x, gamma, beta, mean, var, decay=0.9, eps=2e-5):
    return BatchNorm(mean, var, decay, eps)(x, gamma, beta)


batch_nrom = batch_norm  # the official package's spelling, kept as an alias


def embed_id(x, W):
    """Rows of W picked by the integer ids in x."""
    return get_item(W, x)
