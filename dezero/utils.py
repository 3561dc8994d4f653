"""Helpers: array reductions for backward, numerical differentiation, gradient check."""

import numpy as np


def sum_to(x, shape):
    """Sum the elements of x so that the result has the given (broadcastable) shape."""
    ndim = len(shape)
    lead = x.ndim - ndim
    lead_axis = tuple(range(lead))
    axis = tuple(i + lead for i, sx in enumerate(shape) if sx == 1)
    y = x.sum(lead_axis + axis, keepdims=True)
    if lead > 0:
        y = y.squeeze(lead_axis)
    return y


def reshape_sum_backward(gy, x_shape, axis, keepdims):
    """Reshape gy of a sum so that it broadcasts back to x_shape."""
    ndim = len(x_shape)
    if isinstance(axis, int):
        axis = (axis,)
    if not (ndim == 0 or axis is None or keepdims):
        actual_axis = [a if a >= 0 else a + ndim for a in axis]
        shape = list(gy.shape)
        for a in sorted(actual_axis):
            shape.insert(a, 1)
    else:
        shape = gy.shape
    return gy.reshape(shape)


def numerical_diff(f, x, eps=1e-4):
    """Central difference (f(x + eps) - f(x - eps)) / 2eps of a one-variable function."""
    from dezero.core import Variable, as_array

    x0 = Variable(as_array(x.data - eps))
    x1 = Variable(as_array(x.data + eps))
    return (f(x1).data - f(x0).data) / (2 * eps)


def numerical_grad(f, x, *args, **kwargs):
    """Central-difference gradient of a scalar-valued f with respect to the array x."""
    eps = 1e-4
    x = x.data if hasattr(x, "data") and not isinstance(x, np.ndarray) else x
    grad = np.zeros_like(x, dtype=np.float64)
    flat_x = x.reshape(-1)
    flat_g = grad.reshape(-1)
    for i in range(flat_x.size):
        orig = flat_x[i].copy()
        flat_x[i] = orig + eps
        y1 = np.sum(_data(f(x, *args, **kwargs)))
        flat_x[i] = orig - eps
        y2 = np.sum(_data(f(x, *args, **kwargs)))
        flat_x[i] = orig
        flat_g[i] = (y1 - y2) / (2 * eps)
    return grad


def _data(y):
    return y.data if hasattr(y, "data") and not isinstance(y, np.ndarray) else y
