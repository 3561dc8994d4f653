"""Step 3: functions compose, because each one takes and returns a Variable."""

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
        x = input.data
        y = self.forward(x)
        output = Variable(y)
        return output

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")


class Square(Function):
    """y = x ** 2

    Added in step 2: the first concrete function.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x**2


class Exp(Function):
    """y = exp(x)

    Added in step 3: a second function, so that there is something to compose.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        # TODO(step03.1): Return e raised to the power x, elementwise.
        raise NotImplementedError("TODO(step03.1): return e raised to the power x, elementwise")
        # END TODO(step03.1)


def f(x: Variable) -> Variable:
    """The chain square → exp → square: y = (exp(x ** 2)) ** 2.

    Added in step 3: the output Variable of one function is the input of the next.
    """
    # TODO(step03.2): Chain Square, Exp and Square on x and return the result.
    raise NotImplementedError("TODO(step03.2): chain Square, Exp and Square on x and return the result")
    # END TODO(step03.2)


if __name__ == "__main__":
    x = Variable(np.array(0.5))
    y = f(x)
    print(y.data)
