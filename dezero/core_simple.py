"""The simple core of the book's steps 23-32: grads are ndarrays, no higher-order derivatives.

The package runs on the full core (`dezero.core`; `dezero.is_simple_core` is False). This
module is the book's simple core, importable on its own as steps 28 and 29 do:

    from dezero.core_simple import Variable, setup_variable
    setup_variable()

`setup_variable()` installs the operators on this module's Variable only.
"""

from __future__ import annotations

import contextlib
import heapq
import weakref
from collections.abc import Callable
from itertools import count
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np


class Config:
    """Global switches: enable_backprop=False records no graph."""

    enable_backprop = True


@contextlib.contextmanager
def using_config(name, value):
    """Set Config.<name> inside a with block, restore it afterwards (even on error)."""
    old_value = getattr(Config, name)
    setattr(Config, name, value)
    try:
        yield
    finally:
        setattr(Config, name, old_value)


def no_grad():
    """`with no_grad():` runs a block without recording the graph."""
    return using_config("enable_backprop", False)


class Variable:
    """A box around an ndarray that remembers the function that made it; its grad is an ndarray."""

    __array_priority__ = 200  # ndarray * Variable calls Variable.__rmul__

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

    def __init__(self, data, name=None):
        if data is not None and not isinstance(data, np.ndarray):
            raise TypeError(f"{type(data).__name__} is not supported: Variable holds an ndarray")
        self.data: Any = data
        self.name = name
        self.grad: Any = None
        self.creator: Function | None = None
        self.generation = 0

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
        return "variable(" + str(self.data).replace("\n", "\n" + " " * 9) + ")"

    def set_creator(self, func):
        """Remember func as the creator; a variable is one generation after its creator."""
        self.creator = func
        self.generation = func.generation + 1

    def cleargrad(self):
        self.grad = None

    def backward(self, retain_grad=False):
        """Pass grads back through every function upstream, the youngest generation first.

        Unless retain_grad is True, only the inputs of the graph keep their grads.
        """
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        funcs: list[tuple[int, int, Function]] = []
        seen = set()
        order = count()  # breaks ties between equal generations

        def add_func(f):
            if f not in seen:
                seen.add(f)
                heapq.heappush(funcs, (-f.generation, next(order), f))

        if self.creator is not None:
            add_func(self.creator)
        while funcs:
            f = heapq.heappop(funcs)[2]
            gys = [output().grad for output in f.outputs]
            gxs = f.backward(*gys)
            if not isinstance(gxs, tuple):
                gxs = (gxs,)
            for x, gx in zip(f.inputs, gxs, strict=True):
                x.grad = gx if x.grad is None else x.grad + gx
                if x.creator is not None:
                    add_func(x.creator)
            if not retain_grad:
                for y in f.outputs:
                    y().grad = None


def as_variable(obj):
    """A Variable as it is; anything else wrapped in one."""
    return obj if isinstance(obj, Variable) else Variable(obj)


def as_array(x):
    """A scalar as a 0-d ndarray; anything else as it is."""
    return np.array(x) if np.isscalar(x) else x


def _operand(other, x0):
    """The other operand of an arithmetic function, as an ndarray (or a Variable).

    Python scalars are weak, as in numpy 2 (NEP 50): float32 * 3.0 stays float32.
    """
    if isinstance(other, (Variable, np.ndarray)):
        return other
    if isinstance(other, (int, float, complex)) and not isinstance(other, np.generic):
        return np.asarray(other, dtype=np.result_type(x0.data, other))
    array = np.asarray(other)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"unsupported operand types: Variable and {type(other).__name__}")
    return array


class Function:
    """f(x0, x1, ...) on Variables (or ndarrays); forward and backward work on ndarrays."""

    def __call__(self, *args):
        inputs = [as_variable(x) for x in args]
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
            self.outputs: list[Any] = [weakref.ref(output) for output in outputs]  # weak: no cycles
        return outputs if len(outputs) > 1 else outputs[0]

    def forward(self, *xs):
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")

    def backward(self, *gys):
        raise NotImplementedError(f"{type(self).__name__}.backward is not defined")


class Add(Function):
    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        return gy, gy


def add(x0, x1):
    return Add()(x0, _operand(x1, x0))


class Mul(Function):
    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.inputs[0].data, self.inputs[1].data
        return gy * x1, gy * x0


def mul(x0, x1):
    return Mul()(x0, _operand(x1, x0))


class Neg(Function):
    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


def neg(x):
    return Neg()(x)


class Sub(Function):
    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        return gy, -gy


def sub(x0, x1):
    return Sub()(x0, _operand(x1, x0))


def rsub(x0, x1):
    """x1 - x0: x0.__rsub__ when the Variable is on the right of the minus."""
    return Sub()(_operand(x1, x0), x0)


class Div(Function):
    def forward(self, x0, x1):
        return x0 / x1

    def backward(self, gy):
        x0, x1 = self.inputs[0].data, self.inputs[1].data
        return gy / x1, gy * (-x0 / x1**2)


def div(x0, x1):
    return Div()(x0, _operand(x1, x0))


def rdiv(x0, x1):
    """x1 / x0: x0.__rtruediv__ when the Variable is on the right of the slash."""
    return Div()(_operand(x1, x0), x0)


class Pow(Function):
    """y = x ** c for a constant c."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x**self.c

    def backward(self, gy):
        x = self.inputs[0].data
        return self.c * x ** (self.c - 1) * gy


def pow(x, c):
    return Pow(c)(x)


def setup_variable():
    """Install the arithmetic operators on this module's Variable."""
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
