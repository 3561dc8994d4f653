"""The functions of a classifier (part of the book's dezero.functions). Added in step 47.

softmax turns a row of scores into probabilities; softmax_cross_entropy measures how far
they are from the true labels. dezero.functions imports every name of this module, so
F.softmax and F.softmax_cross_entropy work as in the book.
Added in step 50: accuracy, the share of right answers.
Added in step 51: relu, the activation that keeps deep networks trainable.
Added in step 54: dropout, which switches off random neurons while training.
"""

import numpy as np

from dezero import cuda, utils
from dezero.core import Config, Function, Variable, as_array, as_variable
from dezero.functions import clip, exp, log, sum


def softmax_simple(x, axis: int = 1) -> Variable:
    """Added in step 47: exp(x) / sum(exp(x)) along axis, built from DeZero functions.

    Simple, but exp overflows for scores above about 709 (88 in float32): use softmax.
    """
    x = as_variable(x)
    y = exp(x)
    sum_y = sum(y, axis=axis, keepdims=True)
    return y / sum_y


class Softmax(Function):
    """Added in step 47: softmax along axis as one function, safe from overflow.

    softmax(x) = softmax(x - c) for any c; with c the max, every exp is at most 1.
    """

    def __init__(self, axis: int = 1) -> None:
        self.axis = axis

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = np.exp(x - x.max(axis=self.axis, keepdims=True))
        y /= y.sum(axis=self.axis, keepdims=True)
        return y

    def backward(self, gy: Variable) -> Variable:
        """gx = y * gy - y * sum(y * gy) along axis, with y the output (held by weakref)."""
        y = self.outputs[0]()
        gx = y * gy
        sumdx = sum(gx, axis=self.axis, keepdims=True)
        gx = gx - y * sumdx
        return gx


def softmax(x, axis: int = 1) -> Variable:
    return Softmax(axis)(x)


def _check_labels(x: np.ndarray, t: np.ndarray) -> None:
    """Added in step 47: labels must be ints in 0 .. classes - 1; the error names a bad one."""
    if t.dtype.kind not in "iu":
        raise TypeError(f"softmax_cross_entropy: labels must be integers, got {t.dtype} "
                        f"(e.g. {t.ravel()[:3].tolist()}); convert them with t.astype(int)")
    bad = (t < 0) | (t >= x.shape[1])
    if bad.any():
        raise ValueError(f"softmax_cross_entropy: label {t[bad].ravel()[0]} is out of range for "
                         f"{x.shape[1]} classes (labels go from 0 to {x.shape[1] - 1})")


def softmax_cross_entropy_simple(x, t) -> Variable:
    """Added in step 47: the mean over rows of -log p[row, t[row]], p = softmax(x).

    Built from DeZero functions; p is clipped to [1e-15, 1] so that log never sees 0.
    """
    x, t = as_variable(x), as_variable(t)
    _check_labels(x.data, t.data)
    N = x.shape[0]
    p = softmax(x)
    p = clip(p, 1e-15, 1.0)
    log_p = log(p)
    tlog_p = log_p[np.arange(N), t.data]
    y = -1 * sum(tlog_p) / N
    return y


class SoftmaxCrossEntropy(Function):
    """Added in step 47: softmax and cross entropy as one function, stable for any scores.

    log p = x - logsumexp(x) row by row, so no exp overflows and no log sees 0.
    """

    def forward(self, x: np.ndarray, t: np.ndarray) -> np.ndarray:
        _check_labels(x, t)
        N = x.shape[0]
        log_z = utils.logsumexp(x, axis=1)
        log_p = x - log_z
        log_p = log_p[np.arange(N), t.ravel()]
        y = -log_p.sum() / N
        return y

    def backward(self, gy: Variable) -> tuple:
        """gx = (softmax(x) - onehot(t)) * gy / N; the labels get no grad (None)."""
        x, t = self.inputs
        N, CLS_NUM = x.shape
        xp = cuda.get_array_module(x)  # changed in step 52: the one-hot rows where x lives
        t_onehot = xp.eye(CLS_NUM, dtype=x.dtype)[t.data]
        y = softmax(x)
        gx = (y - t_onehot) * (gy / N)
        return gx, None


def softmax_cross_entropy(x, t) -> Variable:
    return SoftmaxCrossEntropy()(x, t)


def accuracy(y, t) -> Variable:
    """Added in step 50: the share of rows of y whose largest score is at the label t.

    A measure, not a loss: no graph is recorded and nothing is differentiated.
    """
    y, t = as_variable(y), as_variable(t)
    pred = y.data.argmax(axis=1).reshape(t.shape)
    result = pred == t.data
    acc = result.mean()
    return Variable(as_array(acc))


class ReLU(Function):
    """Added in step 51: y = max(x, 0); dy/dx = 1 where x > 0, else 0."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = np.maximum(x, 0.0)
        return y

    def backward(self, gy: Variable) -> Variable:
        (x,) = self.inputs
        mask = x.data > 0
        gx = gy * mask
        return gx


def relu(x) -> Variable:
    return ReLU()(x)


def dropout(x, dropout_ratio: float = 0.5) -> Variable:
    """Added in step 54: inverted dropout, the identity in test mode.

    While training, each element is zeroed with probability dropout_ratio and the others
    are divided by 1 - dropout_ratio, so the mean stays x. The mask comes from NumPy's
    global generator, as in the book: np.random.seed makes it repeatable.
    """
    x = as_variable(x)
    if Config.train:
        xp = cuda.get_array_module(x)
        mask = xp.random.rand(*x.shape) > dropout_ratio
        scale = xp.array(1.0 - dropout_ratio).astype(x.dtype)
        y = x * mask / scale
        return y
    else:
        return x
