"""Step 34: higher derivatives of sin, each one the backprop of the one before.

The book plots y = sin(x) and its first three derivatives on [-7, 7]. The plot needs
matplotlib; without it the demo prints a short summary instead.
"""

import numpy as np

from dezero import Variable
from dezero import functions as F


def sin_derivatives(x: np.ndarray, n: int) -> list[np.ndarray]:
    """[sin(x), d/dx sin(x), ..., the n-th derivative] at the points x, as ndarrays.

    Each derivative is the grad of the one before, so backward must keep building graphs.
    """
    x = Variable(np.asarray(x))
    y = F.sin(x)
    logs = [y.data]
    # TODO(step34.3): Append the 1st to n-th derivatives, each the backprop of the last.
    raise NotImplementedError("TODO(step34.3): append the 1st to n-th derivatives, each the backprop of the last")
    # END TODO(step34.3)
    return logs


def _summary(x: np.ndarray, logs: list[np.ndarray], labels: list[str]) -> None:
    print("matplotlib is not installed, so here is a summary instead of the plot:")
    for k, (label, v) in enumerate(zip(labels, logs)):
        error = np.max(np.abs(v - np.sin(x + k * np.pi / 2)))
        print(f"{label:<9} at x = -7: {v[0]:+.6f}   differs from sin(x + {k}π/2) by at most {error:.1e}")


if __name__ == "__main__":
    x = np.linspace(-7, 7, 200)
    logs = sin_derivatives(x, 3)
    labels = ["y=sin(x)", "y'", "y''", "y'''"]
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        _summary(x, logs, labels)
    else:
        for v, label in zip(logs, labels):
            plt.plot(x, v, label=label)
        plt.legend(loc="lower right")
        plt.show()
