"""Hypothesis strategies for every step's tests: sane ranges, float64, no NaN or inf.

Bounds replace assume()/filter(): inputs stay in [-3, 3] by default, where exp, square
and their compositions are well conditioned for a central-difference check.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def floats_in(lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[float]:
    """Finite Python floats in [lo, hi]."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def scalars(lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[np.ndarray]:
    """0-d float64 arrays in [lo, hi] (the book's Variable(np.array(0.5)) kind of input)."""
    return floats_in(lo, hi).map(lambda v: np.array(v, dtype=np.float64))


def shapes(min_dims: int = 0, max_dims: int = 3, max_side: int = 4) -> st.SearchStrategy[tuple]:
    """Array shapes with small sides (1..max_side)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def arrays(shape=None, lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of the given shape (or of a drawn shape) with elements in [lo, hi]."""
    return hnp.arrays(np.float64, shape if shape is not None else shapes(), elements=floats_in(lo, hi))


def chain_lengths(max_length: int = 8) -> st.SearchStrategy[int]:
    """Lengths of a chain of functions, 1..max_length."""
    return st.integers(1, max_length)
