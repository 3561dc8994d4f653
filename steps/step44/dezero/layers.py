"""Layers: objects that hold Parameters (the book's dezero.layers). Added in step 44.

A Layer finds its Parameters by itself: assigning one to an attribute records its name.
Linear is the first layer: the linear function with its own W and b.
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
        """self.W = Parameter(...) sets the attribute and records "W" as a parameter's name."""
        # TODO(step44.1): Record the name in self._params if value is a Parameter; set it.
        raise NotImplementedError("TODO(step44.1): record the name in self._params if value is a Parameter; set it")
        # END TODO(step44.1)

    def __call__(self, *inputs):
        """Run forward; keep inputs and outputs by weakref, as Function does (no cycle)."""
        # TODO(step44.2): Call forward, keep weakrefs to inputs and outputs, return outputs.
        raise NotImplementedError("TODO(step44.2): call forward, keep weakrefs to inputs and outputs, return outputs")
        # END TODO(step44.2)

    def forward(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def params(self):
        """Every Parameter of this layer, in assignment order (a generator)."""
        # TODO(step44.3): Yield the attribute that each name in self._params refers to.
        raise NotImplementedError("TODO(step44.3): yield the attribute that each name in self._params refers to")
        # END TODO(step44.3)

    def cleargrads(self) -> None:
        """Clear the grad of every Parameter, before a new backward."""
        # TODO(step44.4): Clear the grad of every parameter that params() yields.
        raise NotImplementedError("TODO(step44.4): clear the grad of every parameter that params() yields")
        # END TODO(step44.4)


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
        # TODO(step44.5): Fill W.data with randn(I, O) * sqrt(1 / I) in self.dtype.
        raise NotImplementedError("TODO(step44.5): fill W.data with randn(I, O) * sqrt(1 / I) in self.dtype")
        # END TODO(step44.5)

    def forward(self, x):
        """linear(x, W, b), making W first if it has no data yet (its in_size from x)."""
        # TODO(step44.6): Make W from x's column count if it has no data; return linear.
        raise NotImplementedError("TODO(step44.6): make W from x's column count if it has no data; return linear")
        # END TODO(step44.6)
