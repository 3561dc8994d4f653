"""Layers: objects that hold Parameters (the book's dezero.layers). Added in step 44.

A Layer finds its Parameters by itself: assigning one to an attribute records its name.
Linear is the first layer: the linear function with its own W and b.
Changed in step 45: a Layer may hold other Layers, and params() walks into them.
Changed in step 52: to_cpu and to_gpu move every parameter; Linear makes W where x lives.
Changed in step 53: save_weights and load_weights write and read the parameters (.npz).
"""

import os
import weakref

import numpy as np

import dezero.functions as F
from dezero import cuda
from dezero.core import Parameter


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
        # TODO(step53.1): Store each Parameter under its path key; recurse into child Layers.
        raise NotImplementedError("TODO(step53.1): store each Parameter under its path key; recurse into child Layers")
        # END TODO(step53.1)

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
        # TODO(step53.2): Write array_dict to path atomically: no partial file, older file kept on error.
        raise NotImplementedError("TODO(step53.2): write array_dict to path atomically: no partial file, older file kept on error")
        # END TODO(step53.2)

    def load_weights(self, path: str) -> None:
        """Added in step 53: set every parameter from an .npz file that save_weights wrote.

        All or nothing: a missing or unreadable file raises OSError naming it; a key the file
        lacks, or an array of another shape, raises ValueError naming the file, the first such
        key and both shapes. Either way no parameter changes. A parameter without data yet
        (a W not made, in a model never run) takes the file's shape.
        """
        # TODO(step53.3): Read every array of the file into a dict; on failure raise an error naming it.
        raise NotImplementedError("TODO(step53.3): read every array of the file into a dict; on failure raise an error naming it")
        # END TODO(step53.3)
        params_dict = {}
        self._flatten_params(params_dict)
        # TODO(step53.4): Check every key and shape first, then set each parameter's data.
        raise NotImplementedError("TODO(step53.4): check every key and shape first, then set each parameter's data")
        # END TODO(step53.4)


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
