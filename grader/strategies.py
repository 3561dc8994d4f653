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


def shapes(min_dims: int = 0, max_dims: int = 3, max_side: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes with small sides (1..max_side)."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side)


def arrays(shape: int | tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None = None,
           lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of the given shape (or of a drawn shape) with elements in [lo, hi]."""
    return hnp.arrays(np.float64, shape if shape is not None else shapes(), elements=floats_in(lo, hi))


def chain_lengths(max_length: int = 8) -> st.SearchStrategy[int]:
    """Lengths of a chain of functions, 1..max_length."""
    return st.integers(1, max_length)


def same_shape_arrays(n: int, lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[tuple[np.ndarray, ...]]:
    """n float64 arrays of one drawn shape, elements in [lo, hi]: operands of an elementwise op."""
    return shapes().flatmap(lambda s: st.tuples(*[arrays(s, lo, hi)] * n))


def repeat_counts(max_count: int = 8) -> st.SearchStrategy[int]:
    """How many times a variable is used: 2..max_count."""
    return chain_lengths(max_count - 1).map(lambda n: n + 1)


def unary_chains(max_length: int = 2) -> st.SearchStrategy[list[str]]:
    """Chains of 0..max_length one-input functions, as names: [], ['exp'], ['square', 'exp'], ..."""
    return st.lists(st.sampled_from(["square", "exp"]), max_size=max_length)


@st.composite
def sums_of_chains(draw: st.DrawFn, lo: float = -1.0,
                   hi: float = 1.0) -> tuple[tuple[np.ndarray, ...], list[list[str]]]:
    """(arrays, chains): 2-5 same-shape inputs in [lo, hi] and one unary chain for each input."""
    n = draw(chain_lengths(4)) + 1
    xs = draw(same_shape_arrays(n, lo, hi))
    chains = draw(st.lists(unary_chains(), min_size=n, max_size=n))
    return xs, chains


def diamond_depths(max_depth: int = 4) -> st.SearchStrategy[tuple[int, int]]:
    """(d1, d2): the lengths, 1..max_depth, of the two branches of a diamond graph."""
    return st.tuples(st.integers(1, max_depth), st.integers(1, max_depth))


@st.composite
def dags(draw: st.DrawFn, max_functions: int = 6) -> tuple[dict[str, tuple[list[str], list[str]]], str]:
    """(graph, y): a random graph in call order and a made variable y to start backward from.

    Inputs are x0, x1, ...; function i is 'F{i}' and makes 1-2 new variables 'v{j}'. Each
    function takes 1-3 inputs among the variables made so far (one may repeat, as in
    add(x, x)), so graphs branch and re-converge. Shrinks toward the newest variables.
    """
    variables = [f"x{i}" for i in range(draw(st.integers(1, 3)))]
    graph: dict[str, tuple[list[str], list[str]]] = {}
    made: list[str] = []
    for i in range(draw(st.integers(1, max_functions))):
        n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 2))
        inputs = [variables[-1 - draw(st.integers(0, len(variables) - 1))] for _ in range(n_in)]
        outputs = [f"v{len(made) + j}" for j in range(n_out)]
        graph[f"F{i}"] = (inputs, outputs)
        made += outputs
        variables += outputs
    return graph, made[-1 - draw(st.integers(0, len(made) - 1))]


def dot_texts() -> st.SearchStrategy[str]:
    """Short texts rich in what DOT must escape: quotes, backslashes, spaces, braces, Hangul.
    """
    tricky = st.sampled_from(['"', "\\", " ", "{", "]", ";", "=", "->", "node", "변수", "x"])
    plain = st.characters(exclude_categories=("Cs", "Cc"))
    return st.lists(st.one_of(tricky, plain), max_size=8).map("".join)


BINARY_OPS = ("+", "-", "*", "/")
UNARY_OPS = ("neg", "**2")


@st.composite
def expression_plans(draw: st.DrawFn, max_ops: int = 6) -> tuple[int, list[tuple[str, int, int | None]]]:
    """(n, ops): a random expression over n = 2-3 input Variables, as data.

    Each op is (symbol, a, b): + - * / or the unary neg and **2; a and b index the values made
    so far (the inputs, then each op's result); b is None for a unary op, and for a binary op
    it means the Python constant 2.0 on the right. The last op's result is the output.
    """
    n = draw(st.integers(2, 3))
    ops: list[tuple[str, int, int | None]] = []
    for k in range(draw(st.integers(1, max_ops))):
        symbol = draw(st.sampled_from([*BINARY_OPS, *UNARY_OPS]))
        a = draw(st.integers(0, n + k - 1))
        b = None if symbol in UNARY_OPS or draw(st.booleans()) else draw(st.integers(0, n + k - 1))
        ops.append((symbol, a, b))
    return n, ops


def _prime_factors(n: int) -> list[int]:
    out: list[int] = []
    p = 2
    while n > 1:
        while n % p == 0:
            out, n = out + [p], n // p
        p += 1
    return out


@st.composite
def reshape_cases(draw: st.DrawFn) -> tuple[np.ndarray, tuple[int, ...]]:
    """(x, shape): a float64 array and a different shape of the same size (its prime factors regrouped).
    """
    x = draw(arrays())
    factors = _prime_factors(x.size)
    ndim = draw(st.integers(1, 3))
    bins = [draw(st.integers(0, ndim - 1)) for _ in factors]
    shape = tuple(int(np.prod([f for f, b in zip(factors, bins, strict=True) if b == d], dtype=int))
                  for d in range(ndim))
    return x, shape if shape != x.shape else (1, *shape)


@st.composite
def transpose_cases(draw: st.DrawFn) -> tuple[np.ndarray, tuple[int, ...] | None]:
    """(x, axes): a float64 array and None or a permutation of its axes, some written negative.
    """
    x = draw(arrays())
    if not draw(st.booleans()):
        return x, None
    perm = draw(st.permutations(range(x.ndim)))
    negative = draw(st.lists(st.booleans(), min_size=x.ndim, max_size=x.ndim))
    return x, tuple(a - x.ndim if n else a for a, n in zip(perm, negative, strict=True))


@st.composite
def sum_cases(draw: st.DrawFn) -> tuple[np.ndarray, int | tuple[int, ...] | None, bool]:
    """(x, axis, keepdims): a float64 array and a sum's arguments: axis None, an int or a tuple of
    distinct axes, any of them written negative.
    """
    x = draw(arrays())
    keepdims = draw(st.booleans())
    kind = draw(st.sampled_from(["none", "int", "tuple"] if x.ndim else ["none"]))
    if kind == "none":
        return x, None, keepdims
    if kind == "int":
        return x, draw(st.integers(-x.ndim, x.ndim - 1)), keepdims
    axes = draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True))
    negative = draw(st.lists(st.booleans(), min_size=len(axes), max_size=len(axes)))
    return x, tuple(a - x.ndim if n else a for a, n in zip(axes, negative, strict=True)), keepdims


def broadcastable_pairs(lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[tuple[np.ndarray, ...]]:
    """(x0, x1): two float64 arrays, elements in [lo, hi], whose shapes broadcast together,
    such as (2, 3) and (3,), (1,) or (2, 1); equal shapes too. Shrinks toward small shapes.
    """
    pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=4)
    return pairs.flatmap(lambda b: st.tuples(*(arrays(s, lo, hi) for s in b.input_shapes)))


@st.composite
def broadcast_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """(x, big): float64 arrays where x's shape broadcasts to big's, a different shape: big's
    leading axes dropped and some of its sides set to 1.
    """
    shape = draw(shapes(min_dims=1))
    lead = draw(st.integers(0, len(shape)))
    ones = draw(st.lists(st.booleans(), min_size=len(shape) - lead, max_size=len(shape) - lead))
    small = tuple(1 if one else side for one, side in zip(ones, shape[lead:], strict=True))
    shape = shape if small != shape else (2, *shape)
    return draw(arrays(small)), draw(arrays(shape))


def matmul_pairs() -> st.SearchStrategy[tuple[np.ndarray, np.ndarray]]:
    """(x, W): float64 arrays of shapes (N, D) and (D, H), sides 1..4, elements in [-3, 3].
    """
    return shapes(min_dims=3, max_dims=3).flatmap(
        lambda s: st.tuples(arrays((s[0], s[1])), arrays((s[1], s[2]))))


@st.composite
def conv_cases(draw: st.DrawFn, max_batch: int = 2, max_side: int = 5,
               max_stride: int = 3) -> tuple[np.ndarray, np.ndarray, tuple[int, int], tuple[int, int]]:
    """(x, W, stride, pad): x (N, C, H, W) and a kernel W (OC, C, KH, KW) that fits the padded x.

    Square and non-square kernels (sides 1..3), pads 0..2 and strides 1..max_stride per axis.
    """
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, kh - 2 * ph), max_side))
    w = draw(st.integers(max(1, kw - 2 * pw), max_side))
    n, c, oc = draw(st.integers(1, max_batch)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, max_stride)), draw(st.integers(1, max_stride)))
    return draw(arrays((n, c, h, w))), draw(arrays((oc, c, kh, kw))), stride, (ph, pw)
