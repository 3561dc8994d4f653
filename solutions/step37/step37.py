"""Step 37: tensors. The functions of steps 1-36 work element by element on arrays of any shape.

No new framework code: Variable and every function already take ndarrays of any shape.
Backprop from a tensor output starts from a grad of ones shaped like it, and each input's
grad comes back with that input's shape.
"""

import numpy as np

import dezero.functions as F
from dezero import Variable


def elementwise(x: Variable, c: Variable) -> Variable:
    """y = sin(x) * c + x, element by element, so y has the shape of x and c."""
    # SOLUTION(step37.1): Return sin(x) * c + x, built from DeZero functions and operators.
    y = F.sin(x) * c + x
    return y
    # END SOLUTION


def tensor_grads(f, *xs: Variable, gy: np.ndarray | None = None) -> tuple:
    """The grads of xs after one backprop from the tensor y = f(*xs), old grads cleared first.

    gy is y's upstream grad, an ndarray shaped like y; None leaves backward its default,
    a grad of ones shaped like y (what the sum of y would hand down, step 39).
    """
    # SOLUTION(step37.2): Clear the grads of xs, backprop y = f(*xs) from gy, return the grads.
    for x in xs:
        x.cleargrad()
    y = f(*xs)
    if gy is not None:
        y.grad = Variable(gy)
    y.backward()
    return tuple(x.grad for x in xs)
    # END SOLUTION


if __name__ == "__main__":
    # The book backprops y = F.sum(t); sum arrives in step 39. Backprop from t itself instead:
    # its default grad is ones shaped like t, exactly what sum hands down to t.
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]]))
    c = Variable(np.array([[10, 20, 30], [40, 50, 60]]))
    t = x + c
    t.backward(retain_grad=True)
    print(t.grad)
    print(x.grad)
    print(c.grad)

    # Elementwise functions on tensors: one backward gives the derivative at every element.
    x = Variable(np.array([[0.0, 0.5, 1.0], [1.5, 2.0, 2.5]]))
    c = Variable(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    print(elementwise(x, c))  # sin(x) * c + x
    gx, gc = tensor_grads(elementwise, x, c)
    print(gx)  # c * cos(x) + 1
    print(gc)  # sin(x)
    gx, _ = tensor_grads(elementwise, x, c, gy=np.full((2, 3), 0.5))
    print(gx)  # 0.5 * (c * cos(x) + 1): gy times the derivative
