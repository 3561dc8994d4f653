"""Helpers: graph drawing (DOT, Graphviz), array reductions for backward, numerical derivatives."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

FORMATS = ("png", "svg", "pdf", "jpg", "gif")


def _label(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_var(v, verbose: bool = False) -> str:
    """The DOT line of one Variable node; verbose adds its shape and dtype to the label."""
    name = "" if v.name is None else v.name
    if verbose and v.data is not None:
        if v.name is not None:
            name += ": "
        name += f"{v.shape} {v.dtype}"
    return f'{id(v)} [label="{_label(name)}", color=orange, style=filled]\n'


def _dot_func(f) -> str:
    """The DOT lines of one Function: its box, then an edge per input and per output."""
    txt = f'{id(f)} [label="{type(f).__name__}", color=lightblue, style=filled, shape=box]\n'
    for x in f.inputs:
        txt += f"{id(x)} -> {id(f)}\n"
    for y in f.outputs:
        txt += f"{id(f)} -> {id(y())}\n"  # outputs are weak references
    return txt


def get_dot_graph(output, verbose: bool = True) -> str:
    """The DOT text of the graph that made output; every node appears once."""
    txt = _dot_var(output, verbose)
    funcs, seen_funcs, seen_vars = [], set(), {id(output)}

    def add_func(f):
        if f not in seen_funcs:
            funcs.append(f)
            seen_funcs.add(f)

    if output.creator is not None:
        add_func(output.creator)
    while funcs:
        func = funcs.pop()
        txt += _dot_func(func)
        for x in func.inputs:
            if id(x) not in seen_vars:
                seen_vars.add(id(x))
                txt += _dot_var(x, verbose)
            if x.creator is not None:
                add_func(x.creator)
    return "digraph g {\n" + txt + "}"


def plot_dot_graph(output, verbose: bool = True, to_file: str = "graph.png"):
    """Draw the graph of output into to_file with Graphviz's `dot` (format from the extension).

    Shows the picture inline in Jupyter. The DOT file lives in a temporary folder, and dot
    runs without a shell, so any file name is safe.
    """
    path = Path(to_file)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"cannot draw {path}: use one of the extensions .{', .'.join(FORMATS)}")
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(
            "Graphviz's `dot` program was not found. Install Graphviz: "
            "`sudo apt install graphviz`, `brew install graphviz` or `conda install graphviz`."
        )
    target_dir = path.resolve().parent
    if not target_dir.is_dir() or not os.access(target_dir, os.W_OK):
        raise PermissionError(f"cannot write {path}: {target_dir} is not a writable folder")
    with tempfile.TemporaryDirectory(prefix="dezero-") as tmp:
        graph, picture = Path(tmp) / "graph.dot", Path(tmp) / f"graph.{fmt}"
        graph.write_text(get_dot_graph(output, verbose))
        command = [dot, str(graph), "-T", fmt, "-o", str(picture)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"dot could not draw the graph: {done.stderr.strip()}")
        shutil.move(str(picture), path)
    return _inline(path, fmt)


def _inline(path: Path, fmt: str):
    """An IPython picture of path when running in Jupyter, else None."""
    try:
        from IPython import get_ipython
        from IPython.display import SVG, Image
    except ImportError:
        return None
    if get_ipython() is None or fmt not in ("png", "svg", "jpg"):
        return None
    return SVG(filename=str(path)) if fmt == "svg" else Image(filename=str(path))




def sum_to(x, shape):
    """Sum the elements of x so that the result has the given (broadcastable) shape."""
    ndim = len(shape)
    lead = x.ndim - ndim
    lead_axis = tuple(range(lead))
    axis = tuple(i + lead for i, sx in enumerate(shape) if sx == 1)
    y = x.sum(lead_axis + axis, keepdims=True)
    if lead > 0:
        y = y.squeeze(lead_axis)
    return y


def reshape_sum_backward(gy, x_shape, axis, keepdims):
    """Reshape gy of a sum so that it broadcasts back to x_shape."""
    ndim = len(x_shape)
    if isinstance(axis, int):
        axis = (axis,)
    if not (ndim == 0 or axis is None or keepdims):
        actual_axis = [a if a >= 0 else a + ndim for a in axis]
        shape = list(gy.shape)
        for a in sorted(actual_axis):
            shape.insert(a, 1)
    else:
        shape = gy.shape
    return gy.reshape(shape)


def show_progress(block_num, block_size, total_size):
    """Print a download's progress bar on one line: block_num blocks of block_size bytes done."""
    done = block_num * block_size
    frac = min(done / total_size, 1.0) if total_size > 0 else 1.0
    filled = int(frac * 30)
    print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {frac * 100:.2f}%", end="")


class _CacheDir(str):
    """The download folder as a str, as in the book (`os.path.join(cache_dir, name)`).

    Calling it, `cache_dir()`, gives `get_cache_dir()`: the course's scripts spell it so.
    """

    def __call__(self) -> Path:
        return get_cache_dir()


cache_dir = _CacheDir(os.environ.get("DEZERO_CACHE") or os.path.join(os.path.expanduser("~"), ".dezero"))


def get_cache_dir() -> Path:
    """Where downloads are kept: $DEZERO_CACHE when set, else `cache_dir` (~/.dezero).

    Read at each call, so a test can point $DEZERO_CACHE elsewhere, and code that assigns
    `dezero.utils.cache_dir = path` (the book's way) moves the cache too.
    """
    env = os.environ.get("DEZERO_CACHE")
    return Path(env) if env else Path(cache_dir)


def get_file(url, file_name=None, md5=None):
    """The path (a str) of a cached download of url, fetching it first if needed.

    The file is written to a temporary name and renamed when complete, and its MD5 is
    checked when given, so a broken download never stays in the cache.
    """
    import hashlib
    import urllib.request

    file_name = file_name or url[url.rfind("/") + 1 :]
    path = get_cache_dir() / file_name
    if path.exists():
        if md5 is None or _md5(path) == md5:
            return str(path)
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    print(f"Downloading: {file_name}")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(tmp, "wb") as f:
            total = int(response.headers.get("Content-Length") or 0)
            block, count = 1 << 16, 0
            while chunk := response.read(block):
                f.write(chunk)
                count += 1
                if total:
                    show_progress(count, block, total)
    except (OSError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        mnist = "-idx" in file_name  # MNIST's files: train-images-idx3-ubyte.gz, ...
        raise ConnectionError(
            f"cannot download {url} ({exc}). If you are offline, copy the file to {path} yourself"
            + ("; for MNIST, dezero.datasets.Digits is a small offline stand-in." if mnist else ".")
        ) from None
    print(" Done")
    if md5 is not None and (got := hashlib.md5(tmp.read_bytes()).hexdigest()) != md5:
        tmp.unlink()
        raise ValueError(f"{file_name} is corrupt: MD5 {got}, expected {md5}; download it again")
    os.replace(tmp, path)
    return str(path)


def _md5(path) -> str:
    import hashlib

    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def pair(x):
    """(x, x) for an int; a pair stays a pair (kernel sizes, strides, pads)."""
    if isinstance(x, int):
        return (x, x)
    if isinstance(x, tuple) and len(x) == 2:
        return x
    raise ValueError(f"expected an int or a pair of ints, got {x!r}")


def get_conv_outsize(input_size, kernel_size, stride, pad):
    """Output length of a convolution along one axis."""
    return (input_size + pad * 2 - kernel_size) // stride + 1


def get_deconv_outsize(size, k, s, p):
    return s * (size - 1) + k - 2 * p


def max_backward_shape(x, axis):
    """The shape gy of a max/min takes to broadcast back over x."""
    if axis is None:
        axis = range(x.ndim)
    elif isinstance(axis, int):
        axis = (axis,)
    return [s if ax not in axis else 1 for ax, s in enumerate(x.shape)]


def logsumexp(x, axis=1):
    """log(sum(exp(x))) along axis, computed stably (the max is taken out first)."""
    from dezero import cuda

    xp = cuda.get_array_module(x)
    m = x.max(axis=axis, keepdims=True)
    y = xp.exp(x - m)
    s = y.sum(axis=axis, keepdims=True)
    return m + xp.log(s)


def numerical_diff(f, x, eps=1e-4):
    """Central difference (f(x + eps) - f(x - eps)) / 2eps of a one-variable function."""
    from dezero.core import Variable, as_array

    x0 = Variable(as_array(x.data - eps))
    x1 = Variable(as_array(x.data + eps))
    return (f(x1).data - f(x0).data) / (2 * eps)


def numerical_grad(f, x, *args, **kwargs):
    """Central-difference gradient of f at x: d sum(f(x, *args, **kwargs)) / dx.

    x is an ndarray (or a Variable, whose data is used) of floats; each element is moved by
    +-1e-4 in place, one at a time, and put back. f may return a Variable or an ndarray.
    The gradient has x's shape and dtype.
    """
    eps = 1e-4
    x = x.data if isinstance(x, Variable) else x
    xp = cuda.get_array_module(x)
    if x.dtype.kind not in "fc":
        raise TypeError(f"numerical_grad needs an array of floats, got {x.dtype}")
    grad = xp.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        orig = x[idx].copy()
        x[idx] = orig + eps
        y1 = _array_of(f(x, *args, **kwargs)).copy()
        x[idx] = orig - eps
        y2 = _array_of(f(x, *args, **kwargs)).copy()
        x[idx] = orig
        grad[idx] = (y1 - y2).sum() / (2 * eps)
    return grad


def gradient_check(f, x, *args, rtol=1e-4, atol=1e-5, **kwargs):
    """True when backprop's gradient of f at x matches the numerical one, else False.

    f(x, *args, **kwargs) is differentiated with respect to x (an ndarray or a Variable,
    taken in float64; the caller's x is left as it is). On a mismatch both gradients are
    printed (shape and first values) before False is returned.
    """
    x = Variable(np.array(_array_of(x), dtype=np.float64))
    num_grad = numerical_grad(f, x.data, *args, **kwargs)
    y = f(x, *args, **kwargs)
    y.backward()
    bp_grad = np.zeros_like(x.data) if x.grad is None else _array_of(x.grad)
    if bp_grad.shape != num_grad.shape:
        raise ValueError(f"backprop's gradient has shape {bp_grad.shape}, x has {num_grad.shape}")
    ok = array_allclose(num_grad, bp_grad, rtol=rtol, atol=atol)
    if not ok:
        print("\n---- gradient check failed ----")
        for title, g in (("numerical", num_grad), ("backprop", bp_grad)):
            print(f"{title} grad: shape {g.shape}, first values {cuda.as_numpy(g).ravel()[:10]}")
    return bool(ok)


def array_equal(a, b):
    """True when a and b (ndarrays, CuPy arrays, Variables or numbers) have the same shape and values."""
    return bool(np.array_equal(_numpy_of(a), _numpy_of(b)))


def array_allclose(a, b, rtol=1e-4, atol=1e-5):
    """True when a and b (ndarrays, CuPy arrays, Variables or numbers) agree within the tolerances."""
    return bool(np.allclose(_numpy_of(a), _numpy_of(b), rtol=rtol, atol=atol))


def _array_of(v):
    """The array inside a Variable (of the full core or the simple one); anything else as it is."""
    if isinstance(v, (Variable, core_simple.Variable)):
        return v.data
    return v


def _numpy_of(v):
    v = _array_of(v)
    return v if isinstance(v, np.ndarray) else cuda.as_numpy(v) if _is_cupy(v) else np.asarray(v)


def _is_cupy(v) -> bool:
    return cuda.gpu_enable and type(v).__module__.startswith("cupy")


from dezero import core_simple, cuda  # noqa: E402  (the core imports this module: names last)
from dezero.core import Variable, as_variable  # noqa: E402, F401  (as_variable: re-exported, as in the book)
