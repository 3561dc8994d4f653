"""Array-module dispatch: numpy on the CPU, CuPy on a GPU when it is installed."""

import numpy as np

try:
    import cupy

    gpu_enable = True
except ImportError:
    cupy = None
    gpu_enable = False


def get_array_module(x):
    """Return the module (numpy or cupy) that owns x's data."""
    from dezero.core import Variable

    if isinstance(x, Variable):
        x = x.data
    if not gpu_enable:
        return np
    return cupy.get_array_module(x)


def as_numpy(x):
    """Return x as a numpy array (copying from the GPU if needed)."""
    from dezero.core import Variable

    if isinstance(x, Variable):
        x = x.data
    if np.isscalar(x):
        return np.array(x)
    if isinstance(x, np.ndarray):
        return x
    return cupy.asnumpy(x)


def as_cupy(x):
    """Return x as a cupy array; a clear error when CuPy is not installed."""
    from dezero.core import Variable

    if isinstance(x, Variable):
        x = x.data
    if not gpu_enable:
        raise RuntimeError(
            "CuPy is not installed, so data cannot move to the GPU. "
            "Install the CuPy build for your CUDA version (e.g. pip install cupy-cuda12x)."
        )
    return cupy.asarray(x)
