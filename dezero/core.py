"""The autograd core: Variable, Function, the config switches and the arithmetic operators.

Grads are Variables, so a backward pass can itself be differentiated (create_graph=True).
"""

from __future__ import annotations

import contextlib
import heapq
import weakref
from collections.abc import Callable
from itertools import count
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from dezero import cuda
from dezero._retain import release_unread


class Config:
    """Global switches: record the graph (enable_backprop) and train vs test mode (train)."""

    enable_backprop = True
    train = True


@contextlib.contextmanager
def using_config(name: str, value):
    """Set Config.<name> inside a with block and restore it afterwards, even on error."""
    old_value = getattr(Config, name)
    setattr(Config, name, value)
    try:
        yield
    finally:
        setattr(Config, name, old_value)


def no_grad():
    """Run a block without recording the graph (saves memory in inference)."""
    return using_config("enable_backprop", False)


def test_mode():
    """Run a block in test mode (dropout becomes the identity)."""
    return using_config("train", False)


array_types: tuple[type, ...]
try:
    import cupy

    array_types = (np.ndarray, cupy.ndarray)
except ImportError:
    array_types = (np.ndarray,)


class Variable:
    """A box around an ndarray that remembers the Function that made it (its creator).

    needs_grad is False for the numbers and arrays a function wraps (the 3.0 in x * 3.0):
    nothing can read their grads, so backward does not compute them (their grad stays None).
    """

    __array_priority__ = 200

    if TYPE_CHECKING:  # installed by setup_variable(); declared here for type checkers
        __add__: ClassVar[Callable[[Variable, Any], Variable]]
        __radd__: ClassVar[Callable[[Variable, Any], Variable]]
        __mul__: ClassVar[Callable[[Variable, Any], Variable]]
        __rmul__: ClassVar[Callable[[Variable, Any], Variable]]
        __neg__: ClassVar[Callable[[Variable], Variable]]
        __sub__: ClassVar[Callable[[Variable, Any], Variable]]
        __rsub__: ClassVar[Callable[[Variable, Any], Variable]]
        __truediv__: ClassVar[Callable[[Variable, Any], Variable]]
        __rtruediv__: ClassVar[Callable[[Variable, Any], Variable]]
        __pow__: ClassVar[Callable[[Variable, Any], Variable]]
        __getitem__: ClassVar[Callable[[Variable, Any], Variable]]
        matmul: ClassVar[Callable[[Variable, Any], Variable]]
        dot: ClassVar[Callable[[Variable, Any], Variable]]
        matmaul: ClassVar[Callable[[Variable, Any], Variable]]
        max: ClassVar[Callable[..., Variable]]
        min: ClassVar[Callable[..., Variable]]

    def __init__(self, data, name=None):
        if data is not None and not isinstance(data, array_types):
            raise TypeError(
                f"{type(data).__name__} is not supported: Variable holds an ndarray "
                f"(wrap it with np.array(...))"
            )
        # Any: a numpy or CuPy array (CuPy has no types), or None until a layer fills it in
        self.data: Any = data
        self.name = name
        self.grad = None
        self.creator = None
        self.generation = 0
        self.needs_grad = True

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def dtype(self):
        return self.data.dtype

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        if self.data is None:
            return "variable(None)"
        p = str(self.data).replace("\n", "\n" + " " * 9)
        return "variable(" + p + ")"

    def set_creator(self, func):
        self.creator = func
        self.generation = func.generation + 1

    def unchain(self):
        """Forget the creator: the graph behind this variable is cut."""
        self.creator = None

    def cleargrad(self):
        self.grad = None

    def backward(self, retain_grad=False, create_graph=False):
        """Fill .grad of every variable this one depends on.

        Functions run in decreasing generation order from a heap, so each runs once,
        after all of its outputs' grads are complete.

        A variable that this one does not depend on keeps grad None, never 0: for example
        the second derivative of a*x + b, whose first derivative a has no path back to x.
        Read None as "no dependence" (zero) in that case.
        """
        if self.data is None:
            raise ValueError("backward() needs data: this Variable holds None")
        if self.grad is None:
            xp = cuda.get_array_module(self.data)
            self.grad = Variable(xp.ones_like(self.data))

        if self.creator is None:
            return
        funcs = [(-self.creator.generation, 0, self.creator)]
        seen = {self.creator}
        tiebreak = count(1)
        # The graph of the backward pass itself is recorded only when create_graph is set.
        old_mode, Config.enable_backprop = Config.enable_backprop, create_graph
        try:
            while funcs:
                f = heapq.heappop(funcs)[2]
                gys = [output().grad for output in f.outputs]
                gxs = f.backward(*gys)
                if not isinstance(gxs, tuple):
                    gxs = (gxs,)
                for x, gx in zip(f.inputs, gxs, strict=True):
                    if gx is None:  # an input whose grad nobody can read
                        continue
                    x.grad = gx if x.grad is None else x.grad + gx
                    creator = x.creator
                    if creator is not None and creator not in seen:
                        seen.add(creator)
                        heapq.heappush(funcs, (-creator.generation, next(tiebreak), creator))
                if not retain_grad:
                    for y in f.outputs:
                        y().grad = None
        finally:
            Config.enable_backprop = old_mode

    def unchain_backward(self):
        """Cut the whole graph behind this variable (truncated backprop)."""
        if self.creator is None:
            return
        funcs = [self.creator]
        while funcs:
            f = funcs.pop()
            for x in f.inputs:
                if x.creator is not None:
                    funcs.append(x.creator)
                    x.unchain()

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            return functions.reshape(self, shape[0])
        return functions.reshape(self, shape)

    def transpose(self, *axes):
        if not axes:
            return functions.transpose(self, None)
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)) or axes[0] is None:
            return functions.transpose(self, axes[0])
        return functions.transpose(self, axes)

    @property
    def T(self):
        return functions.transpose(self)

    def sum(self, axis=None, keepdims=False):
        return functions.sum(self, axis, keepdims)

    def to_cpu(self):
        if self.data is not None:
            self.data = cuda.as_numpy(self.data)

    def to_gpu(self):
        if self.data is not None:
            self.data = cuda.as_cupy(self.data)


class Parameter(Variable):
    """A Variable that a Layer collects as a trainable parameter."""


def _constant(x):
    """The Variable for a number or array passed to a function: backward skips its grad."""
    v = Variable(x)
    v.needs_grad = False
    return v


def _sum_to(gx, shape):
    """gx summed down to shape (the grad of a broadcast), or gx itself when shapes agree."""
    return gx if gx.shape == shape else functions.sum_to(gx, shape)


def as_array(x, array_module=np):
    """Turn a numpy scalar (what ufuncs return for 0-d input) into a 0-d ndarray."""
    if isinstance(x, array_types):  # the usual case, checked first: it is the cheaper test
        return x
    if np.isscalar(x):
        return array_module.array(x)
    return x


def as_variable(obj):
    return obj if isinstance(obj, Variable) else Variable(obj)


_PYTHON_SCALARS = (bool, int, float, complex)
_OPERANDS = (Variable, *array_types)  # taken as they are
# (array dtype, Python scalar type) -> result dtype under NEP 50
_WEAK_DTYPES: dict[tuple[np.dtype, type], np.dtype] = {}


def _operand(x, like):
    """Make the other operand of an arithmetic op into an array.

    Python scalars stay "weak" (NEP 50): float32 * 3.0 stays float32, int * 0.5 is float64,
    exactly as numpy computes the same expression on plain arrays.
    """
    if isinstance(x, _OPERANDS):
        return x
    if type(x) in _PYTHON_SCALARS:
        data = like.data if isinstance(like, Variable) else like  # F.add(ndarray, 2.0) works too
        dtype = data.dtype
        key = (dtype, type(x))
        if key not in _WEAK_DTYPES:
            _WEAK_DTYPES[key] = np.result_type(dtype, x)
        xp = cuda.get_array_module(data) if cuda.gpu_enable else np
        return xp.asarray(x, dtype=_WEAK_DTYPES[key])
    if isinstance(x, (np.generic, list, tuple)):
        try:
            array = np.asarray(x)
        except ValueError:
            array = None
        if array is not None and array.dtype.kind in "biufc":
            return array
    raise TypeError(
        f"unsupported operand types: {type(like).__name__} and {type(x).__name__} "
        f"(use a number, an ndarray or a Variable)"
    )


class Function:
    """An operation in the graph: forward works on ndarrays, backward on Variables.

    reads_inputs / reads_outputs say whether backward reads the data of the inputs / of the
    outputs (Chainer's retained inputs and outputs). A function that reads neither (Add,
    Reshape: shapes only) or only one side lets the graph drop the arrays nobody reads
    (dezero/_retain.py). Both are True here, so a Function of your own keeps everything.
    """

    reads_inputs = True
    reads_outputs = True

    def __call__(self, *inputs):
        # a number or an array becomes a constant (needs_grad False): backward skips its grad
        inputs = [x if isinstance(x, Variable) else _constant(x) for x in inputs]  # type: ignore[assignment]
        xs = [x.data for x in inputs]
        ys = self.forward(*xs)
        if not isinstance(ys, tuple):
            ys = (ys,)
        outputs = [Variable(as_array(y)) for y in ys]
        if Config.enable_backprop:
            self.generation = max([x.generation for x in inputs])
            for output in outputs:
                output.set_creator(self)
            self.inputs = inputs
            # A strong reference here would make a cycle (function -> output -> creator) and keep
            # every graph alive until the cycle collector runs.
            self.outputs = [weakref.ref(output) for output in outputs]
            release_unread(inputs)  # lean graphs: what no backward reads goes (dezero/_retain.py)
        return outputs if len(outputs) > 1 else outputs[0]

    def forward(self, *xs):
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def backward(self, *gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not defined")


class Add(Function):
    reads_inputs = reads_outputs = False  # backward reads the inputs' shapes only

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        x0, x1 = self.inputs
        if x0.data.shape == x1.data.shape and x0.needs_grad and x1.needs_grad:
            return gy, gy  # the common case, without any further call
        return (_sum_to(gy, x0.shape) if x0.needs_grad else None,
                _sum_to(gy, x1.shape) if x1.needs_grad else None)


def add(x0, x1):
    return Add()(x0, _operand(x1, x0))


class Mul(Function):
    reads_outputs = False

    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return (_sum_to(gy * x1, x0.shape) if x0.needs_grad else None,
                _sum_to(gy * x0, x1.shape) if x1.needs_grad else None)


def mul(x0, x1):
    return Mul()(x0, _operand(x1, x0))


class Neg(Function):
    reads_inputs = reads_outputs = False

    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


def neg(x):
    return Neg()(x)


class Sub(Function):
    reads_inputs = reads_outputs = False  # shapes only

    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return (_sum_to(gy, x0.shape) if x0.needs_grad else None,
                _sum_to(-gy, x1.shape) if x1.needs_grad else None)


def sub(x0, x1):
    return Sub()(x0, _operand(x1, x0))


def rsub(x0, x1):
    return Sub()(_operand(x1, x0), x0)


class Div(Function):
    reads_outputs = False

    def forward(self, x0, x1):
        return x0 / x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return (_sum_to(gy / x1, x0.shape) if x0.needs_grad else None,
                _sum_to(gy * (-x0 / x1**2), x1.shape) if x1.needs_grad else None)


def div(x0, x1):
    return Div()(x0, _operand(x1, x0))


def rdiv(x0, x1):
    return Div()(_operand(x1, x0), x0)


class Pow(Function):
    """x ** c for a constant exponent c."""

    reads_outputs = False

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x**self.c

    def backward(self, gy):
        (x,) = self.inputs
        c = self.c
        return c * x ** (c - 1) * gy


def pow(x, c):
    return Pow(c)(x)


def setup_variable():
    """Install the arithmetic operators, indexing and matmul on Variable."""
    Variable.__add__ = add
    Variable.__radd__ = add
    Variable.__mul__ = mul
    Variable.__rmul__ = mul
    Variable.__neg__ = neg
    Variable.__sub__ = sub
    Variable.__rsub__ = rsub
    Variable.__truediv__ = div
    Variable.__rtruediv__ = rdiv
    Variable.__pow__ = pow
    Variable.__getitem__ = functions.get_item
    Variable.matmul = functions.matmul
    Variable.dot = functions.matmul
    Variable.matmaul = functions.matmul  # the official package's misspelling, kept as an alias
    Variable.max = functions.max
    Variable.min = functions.min


from dezero import functions  # noqa: E402  (functions builds on the classes above)
