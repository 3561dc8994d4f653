"""The array module of data: numpy in main memory, CuPy on a GPU. Added in step 52.

Code that must run on both writes xp = get_array_module(x) and then xp.exp(x),
xp.zeros(shape), ... CuPy copies numpy's API, so the same lines run on either. numpy's
ufuncs also hand a CuPy array over to CuPy by themselves (np.exp(gpu_array) is a GPU
array), but functions that make arrays from nothing (zeros, eye, random) need xp.
CuPy is optional: without it everything is numpy, and moving data to a GPU says how to
install it.
"""

import numpy as np

try:
    import cupy
    import cupyx

    gpu_enable = True
except ImportError:
    cupy = None
    cupyx = None
    gpu_enable = False


def get_array_module(x):
    """The module that owns x's data (x an array, a Variable or a number): numpy or cupy."""
    from dezero.core import Variable

    if isinstance(x, Variable):
        x = x.data
    # SOLUTION(step52.3): Return numpy when CuPy is missing; else ask cupy which module owns x.
    if not gpu_enable:
        return np
    xp = cupy.get_array_module(x)
    return xp
    # END SOLUTION


def as_numpy(x) -> np.ndarray:
    """x (an array, a Variable or a number) as a numpy array, copied from the GPU if needed."""
    from dezero.core import Variable

    if isinstance(x, Variable):
        x = x.data
    # SOLUTION(step52.4): Wrap a number, return a numpy array as it is, copy anything else back.
    if np.isscalar(x):
        return np.array(x)
    if isinstance(x, np.ndarray):
        return x
    return cupy.asnumpy(x)
    # END SOLUTION


def as_cupy(x):
    """x (an array or a Variable) as a CuPy array on the GPU; without CuPy, a clear error."""
    from dezero.core import Variable

    if isinstance(x, Variable):
        x = x.data
    # SOLUTION(step52.5): Without CuPy raise a RuntimeError saying how to install it; else copy x over.
    if not gpu_enable:
        raise RuntimeError(
            "CuPy is not installed, so data cannot move to the GPU. Install the CuPy build "
            "for your CUDA version, e.g. pip install cupy-cuda12x "
            "(https://docs.cupy.dev/en/stable/install.html)."
        )
    return cupy.asarray(x)
    # END SOLUTION
