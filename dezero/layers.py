"""Layers: objects that hold Parameters and find them recursively (book module path)."""

import os
import weakref

import numpy as np

import dezero.functions as F
from dezero import cuda
from dezero.core import Parameter
from dezero.utils import pair


class Layer:
    """A container of Parameters and other Layers, kept in assignment order."""

    def __init__(self):
        self._params = {}  # an ordered set of attribute names (dict keys keep insertion order)

    def __setattr__(self, name, value):
        if isinstance(value, (Parameter, Layer)):
            self._params[name] = None
        super().__setattr__(name, value)

    def __call__(self, *inputs):
        outputs = self.forward(*inputs)
        if not isinstance(outputs, tuple):
            outputs = (outputs,)
        self.inputs = [weakref.ref(x) for x in inputs]
        self.outputs = [weakref.ref(y) for y in outputs]
        return outputs if len(outputs) > 1 else outputs[0]

    def forward(self, inputs):
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def params(self):
        """Every Parameter of this layer and of the layers inside it."""
        for name in self._params:
            obj = self.__dict__[name]
            if isinstance(obj, Layer):
                yield from obj.params()
            else:
                yield obj

    def cleargrads(self):
        for param in self.params():
            param.cleargrad()

    def to_cpu(self):
        for param in self.params():
            param.to_cpu()

    def to_gpu(self):
        for param in self.params():
            param.to_gpu()

    def _flatten_params(self, params_dict, parent_key=""):
        for name in self._params:
            obj = self.__dict__[name]
            key = parent_key + "/" + name if parent_key else name
            if isinstance(obj, Layer):
                obj._flatten_params(params_dict, key)
            else:
                params_dict[key] = obj

    def save_weights(self, path):
        """Write every parameter to an .npz file (keys like l0/W), atomically."""
        self.to_cpu()
        params_dict: dict[str, Parameter | None] = {}  # a Parameter reset to None is skipped
        self._flatten_params(params_dict)
        unset = [key for key, param in params_dict.items() if param is not None and param.data is None]
        if unset:
            raise ValueError(f"cannot save {path}: {unset[0]} has no data yet (run the model once first)")
        array_dict = {key: param.data for key, param in params_dict.items() if param is not None}
        path = os.fspath(path)
        path = path if path.endswith(".npz") else path + ".npz"
        folder = os.path.dirname(os.path.abspath(path))
        tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp.npz")
        try:
            np.savez_compressed(tmp, **array_dict)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)

    def load_weights(self, path):
        """Read parameters saved by save_weights; on any mismatch nothing is changed."""
        try:
            with np.load(path) as npz:
                arrays = {key: npz[key] for key in npz.files}
        except Exception as exc:  # missing, truncated, not an npz: all name the file
            raise OSError(f"cannot load weights from {path}: {exc}") from None
        params_dict: dict[str, Parameter] = {}
        self._flatten_params(params_dict)
        for key, param in params_dict.items():
            if key not in arrays:
                raise ValueError(f"{path} has no weights for {key}")
            if param.data is not None and param.data.shape != arrays[key].shape:
                raise ValueError(f"{path}: {key} has shape {arrays[key].shape}, "
                                 f"the model's has shape {param.data.shape}")
        for key, param in params_dict.items():
            param.data = arrays[key]


class Linear(Layer):
    """y = x W + b; W is made on the first call when in_size is not given."""

    def __init__(self, out_size, nobias=False, dtype=np.float32, in_size=None):
        super().__init__()
        self.in_size = in_size
        self.out_size = out_size
        self.dtype = dtype
        self.W = Parameter(None, name="W")
        if self.in_size is not None:
            self._init_W()
        self.b = None if nobias else Parameter(np.zeros(out_size, dtype=dtype), name="b")

    def _init_W(self, xp=np):
        I, O = self.in_size, self.out_size
        # scale in float64, then cast: the weights stay in self.dtype
        self.W.data = (xp.random.randn(I, O) * np.sqrt(1 / I)).astype(self.dtype)

    def forward(self, x):
        if self.W.data is None:
            self.in_size = x.shape[1]
            self._init_W(cuda.get_array_module(x))
        return F.linear(x, self.W, self.b)


class Conv2d(Layer):
    """A 2-D convolution layer; in_channels is taken from the first input when not given."""

    transposed = False  # Deconv2d: W is (C, OC, KH, KW) and the layer applies deconv2d

    def __init__(self, out_channels, kernel_size, stride=1, pad=0, nobias=False, dtype=np.float32,
                 in_channels=None):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.pad = pad
        self.dtype = dtype
        self.W = Parameter(None, name="W")
        if in_channels is not None:
            self._init_W()
        self.b = None if nobias else Parameter(np.zeros(out_channels, dtype=dtype), name="b")

    def _init_W(self, xp=np):
        C, OC = self.in_channels, self.out_channels
        KH, KW = pair(self.kernel_size)
        scale = np.sqrt(1 / (C * KH * KW))
        shape = (C, OC, KH, KW) if self.transposed else (OC, C, KH, KW)
        self.W.data = (xp.random.randn(*shape) * scale).astype(self.dtype)

    def forward(self, x):
        if self.W.data is None:
            self.in_channels = x.shape[1]
            self._init_W(cuda.get_array_module(x))
        apply = F.deconv2d if self.transposed else F.conv2d
        return apply(x, self.W, self.b, self.stride, self.pad)


class Deconv2d(Conv2d):
    """A 2-D transposed convolution layer (lazy in_channels, like Conv2d); W is (C, OC, KH, KW)."""

    transposed = True


class RNN(Layer):
    """An Elman RNN: h = tanh(x2h(x) + h2h(h)); reset_state forgets h.

    Weights are drawn in the book's order: with in_size given, x2h's then h2h's at once;
    without it, x2h's at the first call and h2h's at the second (the first that reads h).
    h2h maps h to h (hidden_size x hidden_size), whatever in_size is.
    """

    def __init__(self, hidden_size, in_size=None):
        super().__init__()
        self.x2h = Linear(hidden_size, in_size=in_size)
        self.h2h = Linear(hidden_size, in_size=None if in_size is None else hidden_size, nobias=True)
        self.h = None

    def reset_state(self):
        self.h = None

    def forward(self, x):
        h_new = F.tanh(self.x2h(x)) if self.h is None else F.tanh(self.x2h(x) + self.h2h(self.h))
        self.h = h_new
        return h_new


class LSTM(Layer):
    def __init__(self, hidden_size, in_size=None):
        super().__init__()
        H, I = hidden_size, in_size
        self.x2f = Linear(H, in_size=I)
        self.x2i = Linear(H, in_size=I)
        self.x2o = Linear(H, in_size=I)
        self.x2u = Linear(H, in_size=I)
        self.h2f = Linear(H, in_size=H, nobias=True)
        self.h2i = Linear(H, in_size=H, nobias=True)
        self.h2o = Linear(H, in_size=H, nobias=True)
        self.h2u = Linear(H, in_size=H, nobias=True)
        self.reset_state()

    def reset_state(self):
        self.h = None
        self.c = None

    def forward(self, x):
        if self.h is None:
            f, i = F.sigmoid(self.x2f(x)), F.sigmoid(self.x2i(x))
            o, u = F.sigmoid(self.x2o(x)), F.tanh(self.x2u(x))
        else:
            f = F.sigmoid(self.x2f(x) + self.h2f(self.h))
            i = F.sigmoid(self.x2i(x) + self.h2i(self.h))
            o = F.sigmoid(self.x2o(x) + self.h2o(self.h))
            u = F.tanh(self.x2u(x) + self.h2u(self.h))
        c_new = i * u if self.c is None else (f * self.c) + (i * u)
        h_new = o * F.tanh(c_new)
        self.h, self.c = h_new, c_new
        return h_new


class EmbedID(Layer):
    def __init__(self, in_size, out_size):
        super().__init__()
        self.W = Parameter(np.random.randn(in_size, out_size), name="W")

    def __call__(self, x):
        return self.W[x]


class BatchNorm(Layer):
    def __init__(self):
        super().__init__()
        # `.avg_mean` and `.avg_var` are Parameters so that save/load and to_gpu see them;
        # they get no grads (nothing differentiates through them).
        self.avg_mean = Parameter(None, name="avg_mean")
        self.avg_var = Parameter(None, name="avg_var")
        self.gamma = Parameter(None, name="gamma")
        self.beta = Parameter(None, name="beta")

    def _init_params(self, x):
        xp = cuda.get_array_module(x)
        D = x.shape[1]
        if self.avg_mean.data is None:
            self.avg_mean.data = xp.zeros(D, dtype=x.dtype)
        if self.avg_var.data is None:
            self.avg_var.data = xp.ones(D, dtype=x.dtype)
        if self.gamma.data is None:
            self.gamma.data = xp.ones(D, dtype=x.dtype)
        if self.beta.data is None:
            self.beta.data = xp.zeros(D, dtype=x.dtype)

    def __call__(self, x):
        if self.avg_mean.data is None:
            self._init_params(x)
        return F.batch_norm(x, self.gamma, self.beta, self.avg_mean.data, self.avg_var.data)


__all__ = ["BatchNorm", "Conv2d", "Deconv2d", "EmbedID", "LSTM", "Layer", "Linear", "RNN"]
