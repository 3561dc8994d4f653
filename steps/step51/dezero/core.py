"""The core of DeZero from step 32 on: grads are Variables, so backward can be differentiated.

Added in step 32 (the book's core.py): backward(create_graph=True) records the graph of
the backward pass itself, which gives second and higher derivatives.
"""

import contextlib
import heapq
import weakref
from itertools import count

import numpy as np

import dezero


class Config:
    """Added in step 18: global switches. enable_backprop=False records no graph."""

    enable_backprop = True


@contextlib.contextmanager
def using_config(name: str, value):
    """Added in step 18: set Config.<name> inside a with block, restore it afterwards."""
    old_value = getattr(Config, name)
    setattr(Config, name, value)
    try:
        yield
    finally:
        setattr(Config, name, old_value)


def no_grad():
    """Added in step 18: `with no_grad():` runs a block without recording the graph."""
    return using_config("enable_backprop", False)


class Variable:
    """A box around an ndarray that remembers the function that made it (its creator).

    A name, and shape/ndim/size/dtype/len/repr as numpy has them; the arithmetic
    operators are installed by setup_variable().
    """

    # Added in step 21: in ndarray * Variable, numpy would take over the operation;
    # a higher priority makes it call Variable.__rmul__ instead.
    __array_priority__ = 200

    def __init__(self, data: np.ndarray | None, name: str | None = None) -> None:
        if data is not None:
            if not isinstance(data, np.ndarray):
                raise TypeError(f"{type(data)} is not supported")
        self.data = data
        self.name = name
        self.grad = None
        self.creator = None
        self.generation = 0

    @property
    def shape(self) -> tuple:
        """The shape of data, read as x.shape (no parentheses: a property)."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """The number of dimensions of data."""
        return self.data.ndim

    @property
    def size(self) -> int:
        """The number of elements of data."""
        return self.data.size

    @property
    def dtype(self):
        """The data type of data."""
        return self.data.dtype

    def __len__(self) -> int:
        """len(x): the length of the first axis, as len() of an ndarray."""
        return len(self.data)

    def __repr__(self) -> str:
        """variable([1 2 3]); lines after the first are indented under the first."""
        if self.data is None:
            return "variable(None)"
        p = str(self.data).replace("\n", "\n" + " " * 9)
        return "variable(" + p + ")"

    def reshape(self, *shape) -> "Variable":
        """Added in step 38: x.reshape(2, 3) or x.reshape((2, 3)), as with ndarrays."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = shape[0]
        return dezero.functions.reshape(self, shape)

    def transpose(self, *axes) -> "Variable":
        """Added in step 38: x.transpose(), x.transpose(1, 0) or x.transpose((1, 0))."""
        if len(axes) == 0:
            axes = None
        elif len(axes) == 1 and (isinstance(axes[0], (tuple, list)) or axes[0] is None):
            axes = axes[0]
        return dezero.functions.transpose(self, axes)

    def sum(self, axis=None, keepdims: bool = False) -> "Variable":
        """Added in step 39: x.sum(axis, keepdims), as with ndarrays."""
        return dezero.functions.sum(self, axis, keepdims)

    def matmul(self, W) -> "Variable":
        """Added in step 41: x.matmul(W) (also x.dot(W)) is functions.matmul(x, W)."""
        return dezero.functions.matmul(self, W)

    dot = matmul

    @property
    def T(self) -> "Variable":
        """Added in step 38: x.T reverses the axes."""
        return dezero.functions.transpose(self)

    def set_creator(self, func: "Function") -> None:
        """Record the function that produced this variable.

        Changed in step 16: a variable is one generation younger than its creator.
        """
        self.creator = func
        self.generation = func.generation + 1

    def cleargrad(self) -> None:
        """Added in step 14: forget the grad, so a new computation starts from zero."""
        self.grad = None

    def backward(self, retain_grad: bool = False, create_graph: bool = False) -> None:
        """Pass grads back through every function upstream.

        Changed in step 32: grads are Variables; with create_graph=True the backward pass
        records its own graph, so x.grad can be differentiated again.

        Changed in step 18: unless retain_grad is True, only the inputs of the graph keep
        their grads; intermediate grads are dropped as soon as they have been used.

        Changed in step 16: the function of the highest generation goes first, so a
        function runs only after every function that uses its outputs has run.
        The pending functions sit in a heap: no sorting of the whole list at each insertion.
        """
        if self.grad is None:
            self.grad = Variable(np.ones_like(self.data))

        funcs = []
        seen = set()
        order = count()  # breaks ties between equal generations

        def add_func(f: "Function") -> None:
            if f not in seen:
                seen.add(f)
                heapq.heappush(funcs, (-f.generation, next(order), f))

        if self.creator is not None:  # a variable made by hand has no graph behind it
            add_func(self.creator)
        while funcs:
            f = heapq.heappop(funcs)[2]
            gys = [output().grad for output in f.outputs]
            with using_config("enable_backprop", create_graph):
                gxs = f.backward(*gys)
                if not isinstance(gxs, tuple):
                    gxs = (gxs,)
                for x, gx in zip(f.inputs, gxs):
                    if x.grad is None:
                        x.grad = gx
                    else:
                        x.grad = x.grad + gx  # a new Variable: the graph of the sum is kept
                    if x.creator is not None:
                        add_func(x.creator)
            if not retain_grad:
                for y in f.outputs:
                    y().grad = None



class Parameter(Variable):
    """Added in step 44: a Variable that a Layer collects as one of its parameters.

    It adds nothing to Variable; only its type differs, so that Layer can tell a weight
    (self.W = Parameter(...)) from any other attribute.
    """


def as_array(x) -> np.ndarray:
    """Turn a numpy scalar into a 0-d ndarray; an ndarray comes back unchanged."""
    if np.isscalar(x):
        return np.array(x)
    return x


def as_variable(obj) -> Variable:
    """Added in step 21: a Variable comes back as it is; an ndarray gets wrapped."""
    if isinstance(obj, Variable):
        return obj
    return Variable(obj)


def _operand(other, x0: Variable):
    """The other operand of an arithmetic function, as an ndarray (or Variable).

    Added in step 21. Python scalars are "weak" as in numpy 2 (NEP 50): float32 * 3.0
    stays float32 and int * 0.5 becomes float64, the dtypes numpy gives on plain arrays.
    Anything that cannot be a numeric array is a TypeError that names both types.
    """
    if isinstance(other, (Variable, np.ndarray)):
        return other
    if isinstance(other, (int, float, complex)) and not isinstance(other, np.generic):
        return np.asarray(other, dtype=np.result_type(x0.data, other))
    if isinstance(other, (np.generic, list, tuple)):
        try:
            array = np.asarray(other)
        except ValueError:
            array = None
        if array is not None and array.dtype.kind in "biufc":
            return array
    raise TypeError(f"unsupported operand types: Variable and {type(other).__name__}")


class Function:
    """Base class of functions.

    f(x0, x1) with Variables as separate arguments; forward(x0, x1) may return one
    ndarray or a tuple; one output comes back bare, several as a list.
    Outputs are held by weakref so a graph frees itself.
    Changed in step 18: nothing is recorded while Config.enable_backprop is False.
    """

    def __call__(self, *inputs):
        """Changed in step 21: inputs may be ndarrays; they become Variables first."""
        inputs = [as_variable(x) for x in inputs]
        xs = [x.data for x in inputs]
        ys = self.forward(*xs)
        if not isinstance(ys, tuple):
            ys = (ys,)
        outputs = [Variable(as_array(y)) for y in ys]
        if Config.enable_backprop:
            self.generation = max(x.generation for x in inputs)
            for output in outputs:
                output.set_creator(self)
            self.inputs = inputs
            # A strong reference here would make a cycle (function -> output -> creator):
            # the graph would then wait for the garbage collector instead of dying at once.
            self.outputs = [weakref.ref(output) for output in outputs]
        return outputs if len(outputs) > 1 else outputs[0]

    def forward(self, *xs: np.ndarray):
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def backward(self, *gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not defined")


# The arithmetic functions live in operators.py (the book keeps them in this file). Importing them
# back, after the classes that operators.py needs from here, keeps `dezero.core.add` working.
from dezero.operators import (  # noqa: E402, F401, I001
    Add, Div, Mul, Neg, Pow, Sub, add, div, mul, neg, pow, rdiv, rsub, setup_variable, sub,
)
