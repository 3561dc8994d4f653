"""Layers: objects that hold Parameters (the book's dezero.layers). Added in step 44.

A Layer finds its Parameters by itself: assigning one to an attribute records its name.
Linear is the first layer: the linear function with its own W and b.
Changed in step 45: a Layer may hold other Layers, and params() walks into them.
"""

import weakref

import numpy as np

import dezero.functions as F
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

    def _init_W(self) -> None:
        """W = randn(I, O) * sqrt(1 / I): computed in float64, then stored in self.dtype.

        Scaling by sqrt(1 / I) keeps x W of the same size whatever the input width I.
        The book casts before scaling, and a float64 scalar then made W float64 on numpy 2.
        """
        I, O = self.in_size, self.out_size
        W_data = np.random.randn(I, O) * np.sqrt(1 / I)
        self.W.data = W_data.astype(self.dtype)

    def forward(self, x):
        """linear(x, W, b), making W first if it has no data yet (its in_size from x)."""
        if self.W.data is None:
            self.in_size = x.shape[1]
            self._init_W()
        y = F.linear(x, self.W, self.b)
        return y
