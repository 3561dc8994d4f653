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


WIDE_INPUTS = 1_000


def wide(dz):
    """Forward + backward of one sum over 1,000 input Variables."""
    Variable = dz.Variable

    def run():
        xs = [Variable(np.array(float(i))) for i in range(WIDE_INPUTS)]
        y = sum(xs)
        y.backward()
        return xs[0].grad

    return run


def wide_floor():
    def run():
        xs = [np.array(float(i)) for i in range(WIDE_INPUTS)]
        y = sum(xs)
        grads = [np.ones_like(y) for _ in xs]
        return y, grads

    return run


NEWTON_REPEATS = 100


def newton(dz):
    """Newton's method on x**4 - 2x**2 with second derivatives by double backprop, 100 x 10 steps."""
    Variable = dz.Variable

    def run():
        for _ in range(NEWTON_REPEATS):
            x = Variable(np.array(2.0))
            for _ in range(10):
                y = x**4 - 2 * x**2
                x.cleargrad()
                y.backward(create_graph=True)
                gx = x.grad
                x.cleargrad()
                gx.backward()
                x.data = x.data - gx.data / x.grad.data
        return x

    return run


def newton_floor():
    def run():
        for _ in range(NEWTON_REPEATS):
            x = np.array(2.0)
            for _ in range(10):
                x = x - (4 * x**3 - 4 * x) / (12 * x**2 - 4)
        return x

    return run


MLP_SAMPLES, MLP_BATCH = 60_000, 100


def _mlp_data(dtype):
    rng = np.random.default_rng(0)
    x = rng.random((MLP_SAMPLES, 784)).astype(dtype)
    t = rng.integers(0, 10, MLP_SAMPLES)
    return x, t


def mlp(dtype):
    """One epoch of a 784-1000-10 sigmoid MLP, batch 100, SGD, on synthetic data."""

    def make(dz):
        from dezero import optimizers
        from dezero.models import MLP

        x, t = _mlp_data(dtype)

        def run():
            np.random.seed(0)
            model = MLP((1000, 10))
            for layer in model.layers:  # the layers' dtype follows the data's (W is made lazily)
                layer.dtype = dtype
                layer.b.data = layer.b.data.astype(dtype)
            opt = optimizers.SGD(0.1).setup(model)
            for i in range(0, MLP_SAMPLES, MLP_BATCH):
                loss = dz.F.softmax_cross_entropy(model(x[i : i + MLP_BATCH]), t[i : i + MLP_BATCH])
                model.cleargrads()
                loss.backward()
                opt.update()
            return loss

        return run

    def floor():
        x, t = _mlp_data(dtype)

        def run():
            rng = np.random.default_rng(0)
            W1 = (rng.standard_normal((784, 1000)) * np.sqrt(1 / 784)).astype(dtype)
            W2 = (rng.standard_normal((1000, 10)) * np.sqrt(1 / 1000)).astype(dtype)
            b1, b2 = np.zeros(1000, dtype), np.zeros(10, dtype)
            for i in range(0, MLP_SAMPLES, MLP_BATCH):
                xb, tb = x[i : i + MLP_BATCH], t[i : i + MLP_BATCH]
                h = np.tanh((xb @ W1 + b1) * 0.5) * 0.5 + 0.5
                z = h @ W2 + b2
                p = np.exp(z - z.max(axis=1, keepdims=True))
                p /= p.sum(axis=1, keepdims=True)
                gz = p
                gz[np.arange(len(tb)), tb] -= 1
                gz /= len(tb)
                gW2, gb2 = h.T @ gz, gz.sum(axis=0)
                gh = (gz @ W2.T) * h * (1 - h)
                gW1, gb1 = xb.T @ gh, gh.sum(axis=0)
                W1 -= 0.1 * gW1
                b1 -= 0.1 * gb1
                W2 -= 0.1 * gW2
                b2 -= 0.1 * gb2
            return W2

        return run

    return make, floor


CONV_REPEATS = 20


def conv(dz):
    """Conv2d 3 -> 16, 3x3, pad 1, on a (32, 3, 32, 32) float32 batch: forward + backward, 20 times."""
    import dezero.layers as L

    rng = np.random.default_rng(0)
    x = rng.random((32, 3, 32, 32)).astype(np.float32)

    def run():
        np.random.seed(0)
        layer = L.Conv2d(16, kernel_size=3, stride=1, pad=1)
        for _ in range(CONV_REPEATS):
            layer.cleargrads()
            y = layer(x)
            dz.F.sum(y).backward()
        return layer.W.grad

    return run


def conv_floor():
    """The same math in plain numpy: y, then the grads of x, W and b for gy = ones.

    Written the way the fastest plain-numpy code is: patches of a few images at a time in one
    reused buffer (so nothing of megabytes is allocated per call), one matmul per image.
    """
    rng = np.random.default_rng(0)
    x = rng.random((32, 3, 32, 32)).astype(np.float32)
    W = (rng.standard_normal((16, 3, 3, 3)) * 0.1).astype(np.float32)
    b = np.zeros(16, np.float32)
    N, C, H, Wd = x.shape
    OC, K = W.shape[0], W[0].size
    Wm = W.reshape(OC, K)
    step = 8  # images per block: 8 x 27 x 1,024 floats, about 1 MB of patches
    cols = np.empty((step, C, 3, 3, H, Wd), np.float32)
    gcols = np.empty((step, K, H * Wd), np.float32)

    def unfold(block):
        padded = np.pad(block, ((0, 0), (0, 0), (1, 1), (1, 1)))
        for j in range(3):
            for i in range(3):
                cols[: len(block), :, j, i] = padded[:, :, j : j + H, i : i + Wd]
        return cols[: len(block)].reshape(len(block), K, H * Wd)

    def run():
        for _ in range(CONV_REPEATS):
            y = np.empty((N, OC, H * Wd), np.float32)
            for n in range(0, N, step):
                np.matmul(Wm, unfold(x[n : n + step]), out=y[n : n + step])
            y += b.reshape(OC, 1)
            gy = np.ones_like(y)
            gb = gy.sum(axis=(0, 2))
            gW = np.zeros((OC, K), np.float32)
            gx = np.zeros((N, C, H + 2, Wd + 2), np.float32)
            for n in range(0, N, step):
                g = gy[n : n + step]
                gW += (g @ unfold(x[n : n + step]).transpose(0, 2, 1)).sum(axis=0)
                gc = np.matmul(Wm.T, g, out=gcols[: len(g)]).reshape(len(g), C, 3, 3, H, Wd)
                for j in range(3):
                    for i in range(3):
                        gx[n : n + step, :, j : j + H, i : i + Wd] += gc[:, :, j, i]
        return gW, gb, gx[:, :, 1:-1, 1:-1]

    return run


MEMORY_PASSES = 100


def _numpy_bytes_kept(run):
    """Bytes of numpy arrays that run() allocates and that are still alive when it returns.

    tracemalloc sees numpy's array buffers in a domain of their own: Python objects (Variables,
    Functions) are left out, as are the arrays made before the count starts.
    """
    import gc
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        kept = run()
        gc.collect()
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    arrays = snapshot.filter_traces([tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)])
    del kept
    return sum(stat.size for stat in arrays.statistics("filename"))


def _memory_batch():
    return np.random.default_rng(0).random((100, 784)).astype(np.float32)


def mlp_memory(dz):
    """MiB of arrays the graphs of MLP((1000, 10)) keep: 100 forward passes whose outputs are kept.

    Sigmoid activation, a float32 (100, 784) batch; the parameters and the batch exist before the
    count starts, so only what the graphs hold is counted (PyTorch: 38.5 MiB, the sigmoid outputs
    its backward reads and the outputs themselves).
    """
    from dezero.models import MLP

    x = _memory_batch()
    np.random.seed(0)
    model = MLP((1000, 10))
    model(x)  # makes the weights
    for layer in model.layers:  # float32 in both packages (the official's W is float64 under numpy 2)
        layer.W.data = layer.W.data.astype(np.float32)
        layer.b.data = layer.b.data.astype(np.float32)
    return _numpy_bytes_kept(lambda: [model(x) for _ in range(MEMORY_PASSES)]) / 2**20


def mlp_memory_floor():
    """The least any autograd keeps: per pass, the sigmoid output (read by backward) and the output."""
    x = _memory_batch()
    rng = np.random.default_rng(0)
    W1 = (rng.standard_normal((784, 1000)) * np.sqrt(1 / 784)).astype(np.float32)
    W2 = (rng.standard_normal((1000, 10)) * np.sqrt(1 / 1000)).astype(np.float32)
    b1, b2 = np.zeros(1000, np.float32), np.zeros(10, np.float32)

    def run():
        kept = []
        for _ in range(MEMORY_PASSES):
            h = x @ W1 + b1
            s = np.tanh(h * 0.5) * 0.5 + 0.5
            kept.append((s, s @ W2 + b2))
        return kept

    return _numpy_bytes_kept(run) / 2**20


def mlp_memory_torch():
    """The same network and passes in PyTorch (torch.nn.Linear, torch.sigmoid), CPU, float32.

    PyTorch's CPU allocator is not numpy's, so tracemalloc does not see it; its profiler does:
    the sum of what each operation allocated less what it freed is what is still allocated
    when the passes end. Parameters and the batch exist before the profiler starts.
    """
    import torch
    from torch.profiler import ProfilerActivity, profile

    x = torch.from_numpy(_memory_batch())
    torch.manual_seed(0)
    l1, l2 = torch.nn.Linear(784, 1000), torch.nn.Linear(1000, 10)

    def model(x):
        return l2(torch.sigmoid(l1(x)))

    model(x)  # warm up: whatever PyTorch allocates once is not counted
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        kept = [model(x) for _ in range(MEMORY_PASSES)]
    still_allocated = sum(event.self_cpu_memory_usage for event in prof.key_averages())
    del kept
    return still_allocated / 2**20


MEMORY = {"mlp-memory": (mlp_memory, mlp_memory_floor, mlp_memory_torch)}

WORKLOADS = {
    "chain": (chain, chain_floor),
    "wide": (wide, wide_floor),
    "goldstein": (goldstein, goldstein_floor),
    "newton": (newton, newton_floor),
    "mlp32": mlp(np.float32),
    "mlp64": mlp(np.float64),
    "conv": (conv, conv_floor),
    "conv-busy": (conv, conv_floor),
}
# run while a second process keeps one core busy (harness.py starts it): a loaded machine
BESIDE_A_BUSY_CORE = {"conv-busy"}
