"""Layers: objects that hold Parameters (the book's dezero.layers). Added in step 44.

A Layer finds its Parameters by itself: assigning one to an attribute records its name.
Linear is the first layer: the linear function with its own W and b.
Changed in step 45: a Layer may hold other Layers, and params() walks into them.
Changed in step 52: to_cpu and to_gpu move every parameter; Linear makes W where x lives.
Changed in step 53: save_weights and load_weights write and read the parameters (.npz).
Added in step 57: Conv2d, the convolution layer.
"""

import os
import weakref

import numpy as np

import dezero.functions as F
from dezero import cuda
from dezero.core import Parameter
from dezero.utils import pair


class Layer:
    """Added in step 44: a container that knows its Parameters by their attribute names.

    The names are the keys of the dict _params, in assignment order (the book uses a set,
    whose order depends on hashing, so the parameters came out in no fixed order).
    """

    def __init__(self) -> None:
        self._params = {}

    def __setattr__(self, name: str, value) -> None:
        """self.W = Parameter(...) sets the attribute and records "W" as a parameter's name.

        Changed in step 45: a Layer assigned to an attribute (self.l1 = Linear(10)) is
        recorded too, so a layer can be made of layers.
        """
        if isinstance(value, (Parameter, Layer)):
            self._params[name] = None
        super().__setattr__(name, value)

    def __call__(self, *inputs):
        """Run forward; keep inputs and outputs by weakref, as Function does (no cycle)."""
        outputs = self.forward(*inputs)
        if not isinstance(outputs, tuple):
            outputs = (outputs,)
        self.inputs = [weakref.ref(x) for x in inputs]
        self.outputs = [weakref.ref(y) for y in outputs]
        return outputs if len(outputs) > 1 else outputs[0]

    def forward(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def params(self):
        """Every Parameter of this layer, in assignment order (a generator).

        Changed in step 45: the Parameters of a child layer come out in its place, found
        recursively, so a model's params() reaches every weight of every layer inside it.
        """
        for name in self._params:
            obj = self.__dict__[name]
            if isinstance(obj, Layer):
                yield from obj.params()
            else:
                yield obj

    def cleargrads(self) -> None:
        """Clear the grad of every Parameter, before a new backward."""
        for param in self.params():
            param.cleargrad()

    def to_cpu(self) -> None:
        """Added in step 52: move every Parameter to main memory."""
        for param in self.params():
            param.to_cpu()

    def to_gpu(self) -> None:
        """Added in step 52: move every Parameter to the GPU (Linear makes a later W where x is)."""
        for param in self.params():
            param.to_gpu()

    def _flatten_params(self, params_dict: dict, parent_key: str = "") -> None:
        """Added in step 53: put every Parameter into params_dict under its path, like l0/W.

        The path joins attribute names with "/": in an MLP, l0/W is the W of the layer l0.
        A child Layer adds its parameters under its own name, by calling this method itself.
        """
        for name in self._params:
            obj = self.__dict__[name]
            key = parent_key + "/" + name if parent_key else name
            if isinstance(obj, Layer):
                obj._flatten_params(params_dict, key)
            else:
                params_dict[key] = obj

    def save_weights(self, path: str) -> None:
        """Added in step 53: save every parameter's array to the .npz file path (keys like l0/W).

        The write is atomic: the arrays go to a temporary file beside path, which then takes
        path's place in one step (os.replace). A save that fails leaves no partial file, and
        an older file at path stays as it was (the book deleted it).
        """
        self.to_cpu()
        params_dict = {}
        self._flatten_params(params_dict)
        array_dict = {key: param.data for key, param in params_dict.items() if param is not None}
        path = os.fspath(path)
        if not path.endswith(".npz"):
            path += ".npz"  # the name np.savez_compressed gives the file, as in the book
        tmp = f"{path}.{os.getpid()}.tmp.npz"
        try:
            np.savez_compressed(tmp, **array_dict)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise

    def load_weights(self, path: str) -> None:
        """Added in step 53: set every parameter from an .npz file that save_weights wrote.

        All or nothing: a missing or unreadable file raises OSError naming it; a key the file
        lacks, or an array of another shape, raises ValueError naming the file, the first such
        key and both shapes. Either way no parameter changes. A parameter without data yet
        (a W not made, in a model never run) takes the file's shape.
        """
        try:
            with np.load(path) as npz:
                arrays = {key: npz[key] for key in npz.files}
        except Exception as exc:
            raise OSError(f"cannot load weights from {path}: {exc}") from exc
        params_dict = {}
        self._flatten_params(params_dict)
        for key, param in params_dict.items():
            if key not in arrays:
                raise ValueError(f"{path} has no array for {key}")
            if param.data is not None and param.data.shape != arrays[key].shape:
                raise ValueError(f"{path}: {key} has shape {arrays[key].shape}, "
                                 f"the model's has shape {param.data.shape}")
        for key, param in params_dict.items():
            param.data = arrays[key]


class Linear(Layer):
    """Added in step 44: a fully connected layer y = x W + b, whose W is made on the first call.

    W has shape (in_size, out_size). Without in_size, the first input's column count gives
    it, so Linear(10) works whatever the input width. nobias=True leaves b out (b is None).
    """

    def __init__(self, out_size: int, nobias: bool = False, dtype=np.float32,
                 in_size: int | None = None) -> None:
        super().__init__()
        self.in_size = in_size
        self.out_size = out_size
        self.dtype = dtype
        self.W = Parameter(None, name="W")
        if self.in_size is not None:
            self._init_W()
        if nobias:
            self.b = None
        else:
            self.b = Parameter(np.zeros(out_size, dtype=dtype), name="b")

    def _init_W(self, xp=np) -> None:
        """W = randn(I, O) * sqrt(1 / I): computed in float64, then stored in self.dtype.

        Scaling by sqrt(1 / I) keeps x W of the same size whatever the input width I.
        The book casts before scaling, and a float64 scalar then made W float64 on numpy 2.
        Changed in step 52: xp, numpy or cupy, makes the random numbers where x lives.
        """
        I, O = self.in_size, self.out_size
        W_data = xp.random.randn(I, O) * np.sqrt(1 / I)
        self.W.data = W_data.astype(self.dtype)

    def forward(self, x):
        """linear(x, W, b), making W first if it has no data yet (its in_size from x).

        Changed in step 52: W is made with x's array module, on the GPU for a CuPy x.
        """
        if self.W.data is None:
            self.in_size = x.shape[1]
            xp = cuda.get_array_module(x)
            self._init_W(xp)
        y = F.linear(x, self.W, self.b)
        return y


class Conv2d(Layer):
    """Added in step 57: a convolution layer with its own kernel W (OC, C, KH, KW) and bias b (OC,).

    Like Linear, it makes W on the first call when in_channels is not given: C is the
    input's axis 1. W is drawn with the scale sqrt(1 / (C * KH * KW)) and kept in dtype.
    """

    def __init__(self, out_channels: int, kernel_size, stride=1, pad=0, nobias: bool = False,
                 dtype=np.float32, in_channels: int | None = None) -> None:
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
        if nobias:
            self.b = None
        else:
            self.b = Parameter(np.zeros(out_channels, dtype=dtype), name="b")

    def _init_W(self, xp=np) -> None:
        """W = randn(OC, C, KH, KW) * sqrt(1 / (C * KH * KW)), scaled in float64, stored in dtype."""
        C, OC = self.in_channels, self.out_channels
        KH, KW = pair(self.kernel_size)
        scale = np.sqrt(1 / (C * KH * KW))
        self.W.data = (xp.random.randn(OC, C, KH, KW) * scale).astype(self.dtype)

    def forward(self, x):
        """conv2d(x, W, b, stride, pad), making W first if it has no data yet (C from x)."""
        if self.W.data is None:
            self.in_channels = x.shape[1]
            xp = cuda.get_array_module(x)
            self._init_W(xp)
        y = F.conv2d(x, self.W, self.b, self.stride, self.pad)
        return y
