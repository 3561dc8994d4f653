"""Shared test machinery: the gradient check, the era adapter and plain-numpy oracles.

Tests talk to any target through these helpers, so the same test runs on a step module
(grads are ndarrays up to step 31) and on the reference package (grads are Variables).
Nothing here imports the code under test.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

DIRECTIONAL_ABOVE = 256  # inputs bigger than this are checked along one random direction


def to_array(obj: Any) -> np.ndarray:
    """The ndarray inside a Variable (or obj itself as an array)."""
    if obj is not None and not isinstance(obj, (np.ndarray, np.generic, float, int)):
        obj = getattr(obj, "data", obj)
    return np.asarray(obj)


def assert_array_close(got: Any, expected: npt.ArrayLike, what: str, rtol: float = 1e-12,
                       atol: float = 1e-12) -> None:
    """got (a Variable or array) has expected's shape and values; else name the worst element."""
    assert got is not None, f"{what} is None"
    got, expected = to_array(got), np.asarray(expected)
    assert got.shape == expected.shape, f"{what} has shape {got.shape}, expected {expected.shape}"
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        i = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape) if got.ndim else ()
        raise AssertionError(f"{what} at index {tuple(int(k) for k in i)} is {got[i]!r}, "
                             f"expected {expected[i]!r}; shape {got.shape}")


def by_windows(x: np.ndarray, kernel: Sequence[int], stride: Sequence[int], pad: Sequence[int],
               f: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """f of the (N, C, KH, KW) patch of the zero-padded x under each output position: (N, ..., OH, OW)."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, pad
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh, ow = (x.shape[2] + 2 * ph - kh) // sh + 1, (x.shape[3] + 2 * pw - kw) // sw + 1
    rows = [[f(xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]) for j in range(ow)] for i in range(oh)]
    return np.stack([np.stack(row, axis=-1) for row in rows], axis=-2)


def naive_conv2d(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, stride: Sequence[int],
                 pad: Sequence[int]) -> np.ndarray:
    """conv2d by a loop over output positions: y[n, o, i, j] = sum(patch * W[o]) + b[o]."""
    y = by_windows(x, W.shape[2:], stride, pad, lambda p: np.tensordot(p, W, ((1, 2, 3), (1, 2, 3))))
    return y + (0 if b is None else b.reshape(1, -1, 1, 1))


def sin_data(rng: np.random.RandomState, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The book's data of steps 43-46: x uniform in [0, 1), y = sin(2 pi x) + uniform noise, (n, 1) each."""
    x = rng.rand(n, 1)
    return x, np.sin(2 * np.pi * x) + rng.rand(n, 1)


def sigmoid_net_losses(x: np.ndarray, y: np.ndarray, params: Sequence[np.ndarray], lr: float,
                       iters: int) -> list[float]:
    """The loss before each of `iters` gradient-descent steps on linear -> sigmoid -> linear.

    The oracle of the training scripts of steps 43-46, by hand in numpy: mean squared error over
    the rows, then p -= lr * grad in place on copies of params (W1, b1, W2, b2), which keep their
    dtypes, so float32 weights are rounded after each step as a target's are.
    """
    W1, b1, W2, b2 = (np.array(p) for p in params)
    losses = []
    for _ in range(iters):
        h = 1 / (1 + np.exp(-(x @ W1 + b1)))
        diff = h @ W2 + b2 - y
        losses.append(float(np.sum(diff**2) / len(x)))
        gy = 2 * diff / len(x)
        gh = (gy @ W2.T) * h * (1 - h)
        for p, g in ((W1, x.T @ gh), (b1, gh.sum(axis=0)), (W2, h.T @ gy), (b2, gy.sum(axis=0))):
            p -= lr * g
    return losses


def assert_losses_close(losses: Sequence[float], expected: Sequence[float], rtol: float = 1e-6) -> None:
    """losses match expected one by one; else name the first iteration that differs (where it went wrong)."""
    got, want = np.asarray(losses, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert got.shape == want.shape, f"{got.size} losses for {want.size} iterations"
    bad = np.flatnonzero(~np.isclose(got, want, rtol=rtol, atol=0))
    if bad.size:
        i = int(bad[0])
        if i == 0:
            raise AssertionError(f"the loss of iteration 0 is {float(got[0])!r}, the numpy net's is "
                                 f"{float(want[0])!r} (before any update: the forward pass)")
        raise AssertionError(f"the loss of iteration {i} is {float(got[i])!r}, the numpy net's is "
                             f"{float(want[i])!r} (the first {i} agree)")


def grad_as_array(x: Any) -> np.ndarray | None:
    """x.grad as an ndarray (None when no grad): ndarray grads up to step 31, Variables after."""
    grad = x.grad
    return None if grad is None else to_array(grad)


def grads_are_variables(dz: Any) -> bool:
    """True from step 32 on, where backward(create_graph=...) makes grads Variables."""
    return "create_graph" in inspect.signature(dz.Variable.backward).parameters


def inputs_of(f: Any) -> list[Any]:
    """The input Variables a Function recorded (f.input up to step 10, f.inputs after)."""
    return list(f.inputs) if hasattr(f, "inputs") else [f.input]


def outputs_of(f: Any) -> list[Any]:
    """The output Variables a Function recorded, weakrefs dereferenced."""
    outs = list(f.outputs) if hasattr(f, "outputs") else [f.output]
    return [o() if callable(o) and not hasattr(o, "data") else o for o in outs]


def functions_of(y: Any) -> list[Any]:
    """Every Function of the graph that made y, each once, walking creators through inputs."""
    found: list[Any] = []
    todo = [y.creator] if y.creator is not None else []
    while todo:
        f = todo.pop()
        if all(f is not g for g in found):
            found.append(f)
            todo += [x.creator for x in inputs_of(f) if x.creator is not None]
    return found


def functions_needed(graph: Mapping[str, tuple[Sequence[str], Sequence[str]]], y: str) -> set[str]:
    """For a graph given as data, {function: (input names, output names)}: the functions y needs."""
    creator = {v: f for f, (_, outs) in graph.items() for v in outs}
    found: set[str] = set()
    todo = [y]
    while todo:
        f = creator.get(todo.pop())
        if f is not None and f not in found:
            found.add(f)
            todo += graph[f][0]
    return found


def seed_grad(dz: Any, y: Any, gy: np.ndarray) -> None:
    """Set the upstream gradient of y in the form the target expects."""
    y.grad = dz.Variable(gy) if grads_are_variables(dz) else gy


def _weighted_sum(dz: Any, f: Callable[..., Any], arrays: list[np.ndarray], gy: np.ndarray) -> float:
    xs = [dz.Variable(a.copy()) for a in arrays]
    return float(np.sum(to_array(f(*xs)) * gy))


def check_grad(dz: Any, f: Callable[..., Any], *xs: npt.ArrayLike, gy: npt.ArrayLike | None = None,
               eps: float = 1e-4, rtol: float = 1e-4, atol: float = 1e-5, todo: str | None = None,
               directional: bool = False) -> None:
    """Assert that backprop through f agrees with central finite differences.

    Inputs are cast to float64. The output's upstream gradient is gy (ones for a scalar
    output, a seeded random array otherwise), so the check covers every output element.
    Per element, |backprop - numeric| <= atol + rtol * |numeric|, numeric being
    (L(x + eps) - L(x - eps)) / 2eps with L = sum(f(x) * gy). Inputs with more than 256
    elements are checked along one random direction instead (Chainer's trick), and so is every
    input with directional=True: two runs of f per input instead of two per element, for an f
    that is costly to run (higher-order grads).
    Raises AssertionError naming the input, the worst element and both values. Every value it
    compares comes from its own copies (inputs, gy, grads), so code that changes arrays in
    place cannot change what the check expects.
    """
    arrays = [np.array(x, dtype=np.float64) for x in xs]
    variables = [dz.Variable(a.copy()) for a in arrays]
    where = f" [TODO {todo}]" if todo else ""
    y = f(*variables)
    if not hasattr(y, "data") or isinstance(y, np.ndarray):
        raise AssertionError(f"the function returned {type(y).__name__}, not a Variable{where}")
    if getattr(y, "creator", "absent") is None:
        raise AssertionError("the output has no creator, so no graph was built: does the code compute "
                             f"on .data and wrap the result in a new Variable?{where}")
    out = to_array(y)
    rng = np.random.default_rng(0)
    if gy is None:
        gy = np.ones_like(out) if out.ndim == 0 else rng.uniform(-1, 1, out.shape)
    gy = np.array(gy, dtype=np.float64)  # the check's own copy: code under test gets another one
    seed_grad(dz, y, gy.copy())
    y.backward()
    grads = [grad_as_array(v) for v in variables]
    grads = [None if g is None else np.array(g, copy=True) for g in grads]  # before f runs again
    for i, (a, grad) in enumerate(zip(arrays, grads, strict=True)):
        if grad is None:
            raise AssertionError(f"input {i}: grad is None after backward(){where}")
        if grad.shape != a.shape:
            raise AssertionError(
                f"input {i}: grad has shape {grad.shape}, the input has shape {a.shape}{where}"
            )
        _compare(dz, f, arrays, i, grad, gy, eps, rtol, atol, rng, where, directional)


def _compare(dz: Any, f: Callable[..., Any], arrays: list[np.ndarray], i: int, grad: np.ndarray,
             gy: np.ndarray, eps: float, rtol: float, atol: float, rng: np.random.Generator,
             where: str, directional: bool) -> None:
    a = arrays[i]

    def loss_at(delta: np.ndarray) -> float:
        moved = list(arrays)
        moved[i] = np.asarray(a + delta)
        return _weighted_sum(dz, f, moved, gy)

    if directional or a.size > DIRECTIONAL_ABOVE:
        d = rng.standard_normal(a.shape)
        d /= np.linalg.norm(d)
        numeric_slope = (loss_at(eps * d) - loss_at(-eps * d)) / (2 * eps)
        analytic = float(np.sum(grad * d))
        if abs(analytic - numeric_slope) > atol + rtol * abs(numeric_slope):
            raise AssertionError(
                f"input {i} (shape {a.shape}): along a random direction backprop gives "
                f"{analytic:.6g}, central difference gives {numeric_slope:.6g}{where}"
            )
        return
    numeric = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        step = np.zeros_like(a)
        step[idx] = eps
        numeric[idx] = (loss_at(step) - loss_at(-step)) / (2 * eps)
    diff = np.abs(grad - numeric)
    tol = atol + rtol * np.abs(numeric)
    if np.all(diff <= tol):
        return
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(diff - tol), a.shape)) if a.ndim else ()
    raise AssertionError(
        f"input {i}: grad is wrong at index {worst}: backprop gives {grad[worst]:.6g}, "
        f"central difference gives {numeric[worst]:.6g} (|diff| {diff[worst]:.2g} > "
        f"tolerance {tol[worst]:.2g}); input shape {a.shape}{where}"
    )
