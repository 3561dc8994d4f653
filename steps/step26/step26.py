"""Step 26: draw the computational graph of Goldstein-Price with Graphviz.

Writes goldstein.png beside where you run it (needs Graphviz's `dot`).
"""

import numpy as np

from dezero import Variable
from dezero.utils import plot_dot_graph


def goldstein(x, y):
    """The Goldstein-Price function of step 24."""
    z = (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)) * (
        30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    )
    return z


if __name__ == "__main__":
    x = Variable(np.array(1.0))
    y = Variable(np.array(1.0))
    z = goldstein(x, y)
    z.backward()

    x.name = "x"
    y.name = "y"
    z.name = "z"
    plot_dot_graph(z, verbose=False, to_file="goldstein.png")
