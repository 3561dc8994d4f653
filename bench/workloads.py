"""Benchmark workloads, written once against DeZero's public API.

Each workload is make(dz) -> run, where dz is a namespace holding Variable (and F when
functions are needed); `run()` does one forward + backward. The numpy floors do the same
arithmetic with plain arrays and hand-written derivatives: the cost of the math alone.
"""

import numpy as np

CHAIN_LENGTH = 10_000
GOLDSTEIN_REPEATS = 2_000


def chain(dz):
    """Forward + backward through a chain of 10,000 multiplications by a Python scalar."""
    Variable = dz.Variable

    def run():
        x = Variable(np.array(1.0))
        y = x
        for _ in range(CHAIN_LENGTH):
            y = y * 1.0
        y.backward()
        return x.grad

    return run


def chain_floor():
    def run():
        y = np.array(1.0)
        for _ in range(CHAIN_LENGTH):
            y = y * 1.0
        gx = np.ones_like(y)
        for _ in range(CHAIN_LENGTH):
            gx = gx * 1.0
        return gx

    return run


def _goldstein(x, y):
    return (1 + (x + y + 1) ** 2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)) * (
        30 + (2 * x - 3 * y) ** 2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    )


def goldstein(dz):
    """Goldstein-Price at (1, 1): forward + backward, 2,000 times."""
    Variable = dz.Variable

    def run():
        for _ in range(GOLDSTEIN_REPEATS):
            x = Variable(np.array(1.0))
            y = Variable(np.array(1.0))
            z = _goldstein(x, y)
            z.backward()
        return x.grad, y.grad

    return run


def goldstein_grad_numpy(x, y):
    """The value and the analytic gradient of Goldstein-Price with plain numpy."""
    s, p = x + y + 1, 19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2
    d, q = 2 * x - 3 * y, 18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2
    a, b = 1 + s**2 * p, 30 + d**2 * q
    da_dx = 2 * s * p + s**2 * (-14 + 6 * x + 6 * y)
    da_dy = 2 * s * p + s**2 * (-14 + 6 * x + 6 * y)
    db_dx = 4 * d * q + d**2 * (-32 + 24 * x - 36 * y)
    db_dy = -6 * d * q + d**2 * (48 - 36 * x + 54 * y)
    return a * b, da_dx * b + a * db_dx, da_dy * b + a * db_dy


def goldstein_floor():
    def run():
        for _ in range(GOLDSTEIN_REPEATS):
            out = goldstein_grad_numpy(np.array(1.0), np.array(1.0))
        return out[1:]

    return run


WORKLOADS = {"chain": (chain, chain_floor), "goldstein": (goldstein, goldstein_floor)}
