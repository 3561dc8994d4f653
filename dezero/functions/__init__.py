"""Differentiable functions: the book's module path `dezero.functions` (import as F).

The names live in small modules by kind; this package re-exports all of them, so
`F.sigmoid`, `from dezero.functions import linear` and friends work as in the book.
"""

from dezero import cuda, utils  # the book's functions.py has these names too
from dezero.core import Function, Variable, add, as_array, as_variable, div, mul, neg, pow, rdiv, rsub, sub
from dezero.functions.basic import (
    BroadcastTo,
    Cos,
    Exp,
    Log,
    Reshape,
    Sin,
    Square,
    Sum,
    SumTo,
    Tanh,
    Transpose,
    broadcast_to,
    cos,
    exp,
    log,
    reshape,
    sin,
    square,
    sum,
    sum_to,
    tanh,
    transpose,
)
from dezero.functions.loss import (
    MeanSquaredError,
    SoftmaxCrossEntropy,
    accuracy,
    binary_cross_entropy,
    mean_squared_error,
    mean_squared_error_simple,
    sigmoid_cross_entropy,
    softmax_cross_entropy,
    softmax_cross_entropy_simple,
)
from dezero.functions.nn import (
    BatchNorm,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    batch_norm,
    batch_nrom,
    dropout,
    embed_id,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    sigmoid_simple,
    softmax,
    softmax_simple,
)
from dezero.functions.tensor import (
    Clip,
    GetItem,
    GetItemGrad,
    Linear,
    MatMul,
    Max,
    Min,
    average,
    clip,
    expand_dims,
    flatten,
    get_item,
    linear,
    linear_simple,
    matmul,
    max,
    mean,
    min,
)
from dezero.functions_conv import (  # the book's functions.py re-exports these too
    average_pooling,
    col2im,
    conv2d,
    conv2d_simple,
    deconv2d,
    im2col,
    pooling,
    pooling_simple,
)

__all__ = [
    "Function", "Variable", "as_array", "as_variable", "cuda", "utils",
    "BatchNorm", "BroadcastTo", "Clip", "Cos", "Exp", "GetItem", "GetItemGrad", "LeakyReLU",
    "Linear", "Log", "LogSoftmax", "MatMul", "Max", "MeanSquaredError", "Min", "ReLU", "Reshape",
    "Sigmoid", "Sin", "Softmax", "SoftmaxCrossEntropy", "Square", "Sum", "SumTo", "Tanh",
    "Transpose", "accuracy", "add", "average", "batch_norm", "batch_nrom", "binary_cross_entropy",
    "broadcast_to", "clip", "cos", "div", "dropout", "embed_id", "exp", "expand_dims", "flatten",
    "get_item", "leaky_relu", "linear", "linear_simple", "log", "log_softmax", "matmul", "max",
    "mean", "mean_squared_error", "mean_squared_error_simple", "min", "mul", "neg", "pow", "rdiv",
    "relu", "reshape", "rsub", "sigmoid", "sigmoid_cross_entropy", "sigmoid_simple", "sin",
    "softmax", "softmax_cross_entropy", "softmax_cross_entropy_simple", "softmax_simple",
    "square", "sub", "sum", "sum_to", "tanh", "transpose",
    "average_pooling", "col2im", "conv2d", "conv2d_simple", "deconv2d", "im2col", "pooling",
    "pooling_simple",
]
