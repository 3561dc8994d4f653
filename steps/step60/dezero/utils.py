"""Utilities: the DOT text of a computational graph, and its picture drawn by Graphviz.

Added in step 26. Variables are orange ellipses, functions light-blue boxes, and the
arrows follow the data: input -> function -> output.
Changed in step 56: get_conv_outsize and pair, for the convolutions of step 57.
Added in step 57: get_deconv_outsize, for the transposed convolution.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np


def sum_to(x: np.ndarray, shape: tuple) -> np.ndarray:
    """Added in step 39: sum the elements of x so that the result has the given shape.

    The leading axes that shape lacks are summed away, then every axis where shape has 1.
    """
    ndim = len(shape)
    lead = x.ndim - ndim
    lead_axis = tuple(range(lead))
    axis = tuple(i + lead for i, sx in enumerate(shape) if sx == 1)
    y = x.sum(lead_axis + axis, keepdims=True)
    if lead > 0:
        y = y.squeeze(lead_axis)
    return y


def reshape_sum_backward(gy, x_shape: tuple, axis, keepdims: bool):
    """Added in step 39: reshape the grad of a sum so that it broadcasts back to x_shape.

    A sum without keepdims drops its axes; they come back here as axes of length 1.
    """
    ndim = len(x_shape)
    tupled_axis = axis
    if axis is None:
        tupled_axis = None
    elif not isinstance(axis, tuple):
        tupled_axis = (axis,)
    if not (ndim == 0 or tupled_axis is None or keepdims):
        actual_axis = [a if a >= 0 else a + ndim for a in tupled_axis]
        shape = list(gy.shape)
        for a in sorted(actual_axis):
            shape.insert(a, 1)
    else:
        shape = gy.shape
    return gy.reshape(shape)


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
    to_file = Path(to_file)
    fmt = to_file.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"cannot draw {to_file}: use one of the extensions .{', .'.join(FORMATS)}")
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(
            "Graphviz's `dot` program was not found. Install Graphviz: "
            "`sudo apt install graphviz`, `brew install graphviz` or `conda install graphviz`."
        )
    target_dir = to_file.resolve().parent
    if not target_dir.is_dir() or not os.access(target_dir, os.W_OK):
        raise PermissionError(f"cannot write {to_file}: {target_dir} is not a writable folder")
    with tempfile.TemporaryDirectory(prefix="dezero-") as tmp:
        graph, picture = Path(tmp) / "graph.dot", Path(tmp) / f"graph.{fmt}"
        graph.write_text(get_dot_graph(output, verbose))
        command = [dot, str(graph), "-T", fmt, "-o", str(picture)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"dot could not draw the graph: {done.stderr.strip()}")
        shutil.move(str(picture), to_file)
    return _inline(to_file, fmt)


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


def logsumexp(x: np.ndarray, axis: int = 1) -> np.ndarray:
    """Added in step 47: log(sum(exp(x))) along axis (kept as a size-1 axis), without overflow.

    The max m comes out first: log(sum(exp(x))) = m + log(sum(exp(x - m))), and x - m <= 0.
    """
    from dezero import cuda

    xp = cuda.get_array_module(x)  # changed in step 52
    m = x.max(axis=axis, keepdims=True)
    y = xp.exp(x - m)
    s = y.sum(axis=axis, keepdims=True)
    return m + xp.log(s)


def cache_dir() -> Path:
    """Added in step 51: where downloads are kept: $DEZERO_CACHE if set, else ~/.dezero."""
    return Path(os.environ.get("DEZERO_CACHE", Path.home() / ".dezero"))


def get_file(url: str, file_name: str | None = None, md5: str | None = None) -> Path:
    """Added in step 51: the path of a cached download of url, fetched first if needed.

    The file goes to a temporary name and is renamed when complete, and its MD5 is checked
    when given, so a broken download never stays in the cache. Offline, a ConnectionError
    says what to do instead.
    """
    import hashlib
    import urllib.request

    file_name = file_name or url[url.rfind("/") + 1 :]
    path = cache_dir() / file_name
    if path.exists():
        if md5 is None or _md5(path) == md5:
            return path
        path.unlink()  # corrupt or stale: fetch it again
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    print(f"Downloading: {file_name}")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(tmp, "wb") as f:
            shutil.copyfileobj(response, f)
    except (OSError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        raise ConnectionError(
            f"cannot download {url} ({exc}). If you are offline, copy the file to {path} "
            f"yourself; for MNIST, dezero.datasets.Digits is a small offline stand-in."
        ) from None
    if md5 is not None and (got := hashlib.md5(tmp.read_bytes()).hexdigest()) != md5:
        tmp.unlink()
        raise ValueError(f"{file_name} is corrupt: MD5 {got}, expected {md5}; download it again")
    os.replace(tmp, path)
    return path


def _md5(path) -> str:
    import hashlib

    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def get_conv_outsize(input_size: int, kernel_size: int, stride: int, pad: int) -> int:
    """Added in step 56 (written in step 55's script): a convolution's output length on one axis.

    It is the number of places the kernel fits on the input padded by pad on both sides,
    moving stride elements at a time from the first place.
    """
    return (input_size + pad * 2 - kernel_size) // stride + 1


def get_deconv_outsize(size: int, k: int, s: int, p: int) -> int:
    """Added in step 57: the output length of a transposed convolution (get_conv_outsize undone).

    A convolution of that length with kernel k, stride s and pad p gives size back.
    """
    return s * (size - 1) + k - 2 * p


def pair(x) -> tuple:
    """Added in step 56: (x, x) for an int x; a pair stays as it is (kernel sizes, strides, pads)."""
    if isinstance(x, int):
        return (x, x)
    if isinstance(x, tuple) and len(x) == 2:
        return x
    raise ValueError(f"expected an int or a pair of ints, got {x!r}")
