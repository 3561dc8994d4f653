"""Step 2: functions are objects that take a Variable and return a Variable."""

import numpy as np


class Variable:
    """A box around an ndarray, kept in the attribute `data`.

    Added in step 1: later steps give the box a gradient and a creator.
    """

    def __init__(self, data: np.ndarray) -> None:
        self.data = data


class Function:
    """Base class of functions: __call__ unwraps the input, forward computes, the result is wrapped.

    Added in step 2: every function shares this call; a subclass only defines forward.
    """

    def __call__(self, input: Variable) -> Variable:
        # TODO(step02.1): Unwrap the input, call forward and wrap the result.
        raise NotImplementedError("TODO(step02.1): unwrap the input, call forward and wrap the result")
        # END TODO(step02.1)

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")


class Square(Function):
    """y = x ** 2

    Added in step 2: the first concrete function.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        # TODO(step02.2): Return the square of x.
        raise NotImplementedError("TODO(step02.2): return the square of x")
        # END TODO(step02.2)


if __name__ == "__main__":
    x = Variable(np.array(10))
    f = Square()
    y = f(x)
    print(type(y))
    print(y.data)
