"""Step 3: functions compose, because each one takes and returns a Variable."""

import numpy as np


class Variable:
    """A box around an ndarray, kept in the attribute `data`.

    Added in step 1: later steps give the box a gradient and a creator.
    """

    def __init__(self, data: np.ndarray) -> None:
        # SOLUTION(step01.1): Keep the given data in the attribute data.
        self.data = data
        # END SOLUTION


class Function:
    """Base class of functions: __call__ unwraps the input, forward computes, the result is wrapped.

    Added in step 2: every function shares this call; a subclass only defines forward.
    """

    def __call__(self, input: Variable) -> Variable:
        # SOLUTION(step02.1): Unwrap the input, call forward and wrap the result.
        x = input.data
        y = self.forward(x)
        output = Variable(y)
        return output
        # END SOLUTION

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.forward is not defined")


class Square(Function):
    """y = x ** 2

    Added in step 2: the first concrete function.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step02.2): Return the square of x.
        return x**2
        # END SOLUTION


class Exp(Function):
    """y = exp(x)

    Added in step 3: a second function, so that there is something to compose.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        # SOLUTION(step03.1): Return e raised to the power x, elementwise.
        return np.exp(x)
        # END SOLUTION


def f(x: Variable) -> Variable:
    """The chain square → exp → square: y = (exp(x ** 2)) ** 2.

    Added in step 3: the output Variable of one function is the input of the next.
    """
    # SOLUTION(step03.2): Chain Square, Exp and Square on x and return the result.
    A = Square()
    B = Exp()
    C = Square()
    return C(B(A(x)))
    # END SOLUTION


if __name__ == "__main__":
    x = Variable(np.array(0.5))
    y = f(x)
    print(y.data)
