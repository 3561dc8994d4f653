"""Step 47: softmax and cross entropy, the output and the loss of a classifier.

A 2-10-3 MLP scores a point for 3 classes; softmax turns the scores into probabilities,
and softmax_cross_entropy measures how far they are from the true labels.
Run it to print the book's numbers (seed 0).
"""

import numpy as np

import dezero.functions as F
from dezero import Variable, as_variable
from dezero.models import MLP


def softmax1d(x) -> Variable:
    """Softmax of a vector, written with exp, sum and division (no care for overflow)."""
    x = as_variable(x)
    y = F.exp(x)
    sum_y = F.sum(y)
    return y / sum_y


if __name__ == "__main__":
    np.random.seed(0)
    model = MLP((10, 3))

    x = Variable(np.array([[0.2, -0.4]]))
    y = model(x)
    p = softmax1d(y)
    print(y)
    print(p)

    x = np.array([[0.2, -0.4], [0.3, 0.5], [1.3, -3.2], [2.1, 0.3]])
    t = np.array([2, 0, 1, 0])
    y = model(x)
    p = F.softmax(y)
    print(y)
    print(p)

    loss = F.softmax_cross_entropy(y, t)
    loss.backward()
    print(loss)
