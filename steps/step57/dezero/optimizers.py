"""Optimizers: update a model's parameters from their grads (the book's dezero.optimizers).

Added in step 46. optimizer = SGD(lr).setup(model) once; then, after each backward,
optimizer.update() moves every parameter that has a grad. Hooks (WeightDecay, ClipGrad,
FreezeParam) see the parameters first and may change or drop their grads.
"""

import math

import numpy as np

from dezero.core import Parameter


class Optimizer:
    """Added in step 46: the loop over parameters; subclasses say how one parameter moves."""

    def __init__(self) -> None:
        self.target = None
        self.hooks = []

    def setup(self, target):
        """Remember the Layer or Model whose params() to update; returns self for chaining."""
        self.target = target
        return self

    def update(self) -> None:
        """Run every hook on the parameters that have a grad, then update_one each of them.

        The parameters are picked again after the hooks, so a hook may drop a grad
        (FreezeParam does): the book picked them once, before, and crashed on the None.
        """
        for f in self.hooks:
            f([p for p in self.target.params() if p.grad is not None])
        for param in [p for p in self.target.params() if p.grad is not None]:
            self.update_one(param)

    def update_one(self, param: Parameter) -> None:
        raise NotImplementedError(f"{type(self).__name__}.update_one is not defined")

    def add_hook(self, f) -> None:
        """f(params) runs at the start of every update, on the parameters that have a grad."""
        self.hooks.append(f)


class WeightDecay:
    """Hook: grad += rate * param, the gradient of (rate / 2) * param ** 2 (L2 regularization)."""

    def __init__(self, rate: float) -> None:
        self.rate = rate

    def __call__(self, params: list) -> None:
        for param in params:
            param.grad.data += self.rate * param.data


class ClipGrad:
    """Hook: scale every grad by one factor so that their joint L2 norm is at most max_norm."""

    def __init__(self, max_norm: float) -> None:
        self.max_norm = max_norm

    def __call__(self, params: list) -> None:
        total_norm = 0.0
        for param in params:
            total_norm += float((param.grad.data**2).sum())
        total_norm = math.sqrt(total_norm)
        rate = self.max_norm / (total_norm + 1e-6)
        if rate < 1:
            for param in params:
                param.grad.data *= rate


class FreezeParam:
    """Hook: the parameters of the given layers (or single Parameters) are not updated."""

    def __init__(self, *layers) -> None:
        self.freeze_params = []
        for layer in layers:
            if isinstance(layer, Parameter):
                self.freeze_params.append(layer)
            else:
                self.freeze_params.extend(layer.params())

    def __call__(self, params: list) -> None:
        for p in self.freeze_params:
            p.grad = None


class SGD(Optimizer):
    """Stochastic gradient descent: param <- param - lr * grad."""

    def __init__(self, lr: float = 0.01) -> None:
        super().__init__()
        self.lr = lr

    def update_one(self, param: Parameter) -> None:
        param.data -= self.lr * param.grad.data


class MomentumSGD(Optimizer):
    """SGD with momentum: v <- momentum * v - lr * grad; param <- param + v.

    v, a velocity per parameter, starts at zero; a steady gradient makes it grow, and a
    gradient that keeps changing sign makes it cancel out.
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9) -> None:
        super().__init__()
        self.lr = lr
        self.momentum = momentum
        self.vs = {}  # id(param) -> velocity

    def update_one(self, param: Parameter) -> None:
        v_key = id(param)
        if v_key not in self.vs:
            self.vs[v_key] = np.zeros_like(param.data)
        v = self.vs[v_key]
        v *= self.momentum
        v -= self.lr * param.grad.data
        param.data += v


class AdaGrad(Optimizer):
    """h <- h + grad ** 2; param <- param - lr * grad / (sqrt(h) + eps): big past grads, small steps."""

    def __init__(self, lr: float = 0.001, eps: float = 1e-8) -> None:
        super().__init__()
        self.lr = lr
        self.eps = eps
        self.hs = {}  # id(param) -> sum of squared grads

    def update_one(self, param: Parameter) -> None:
        h_key = id(param)
        if h_key not in self.hs:
            self.hs[h_key] = np.zeros_like(param.data)
        h = self.hs[h_key]
        grad = param.grad.data
        h += grad * grad
        param.data -= self.lr * grad / (np.sqrt(h) + self.eps)


class AdaDelta(Optimizer):
    """AdaGrad's squared grads decayed by rho, and a step size of its own (no lr at all).

    msg <- rho msg + (1 - rho) grad ** 2; dx = sqrt((msdx + eps) / (msg + eps)) grad;
    msdx <- rho msdx + (1 - rho) dx ** 2; param <- param - dx.
    """

    def __init__(self, rho: float = 0.95, eps: float = 1e-6) -> None:
        super().__init__()
        self.rho = rho
        self.eps = eps
        self.msg = {}  # id(param) -> mean square of grads
        self.msdx = {}  # id(param) -> mean square of steps

    def update_one(self, param: Parameter) -> None:
        key = id(param)
        if key not in self.msg:
            self.msg[key] = np.zeros_like(param.data)
            self.msdx[key] = np.zeros_like(param.data)
        msg, msdx = self.msg[key], self.msdx[key]
        rho, eps, grad = self.rho, self.eps, param.grad.data
        msg *= rho
        msg += (1 - rho) * grad * grad
        dx = np.sqrt((msdx + eps) / (msg + eps)) * grad
        msdx *= rho
        msdx += (1 - rho) * dx * dx
        param.data -= dx


class Adam(Optimizer):
    """Momentum (m) and AdaGrad-like scaling (v), both moving averages, with bias correction.

    m <- m + (1 - beta1)(grad - m); v <- v + (1 - beta2)(grad ** 2 - v);
    param <- param - lr * m / (sqrt(v) + eps), where lr (a property) folds in the bias
    correction: alpha * sqrt(1 - beta2 ** t) / (1 - beta1 ** t) at update number t.
    """

    def __init__(self, alpha: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        super().__init__()
        self.t = 0
        self.alpha = alpha
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.ms = {}  # id(param) -> moving average of grads
        self.vs = {}  # id(param) -> moving average of squared grads

    def update(self) -> None:
        """Count the update (t starts at 1), then update as every optimizer does."""
        self.t += 1
        super().update()

    @property
    def lr(self) -> float:
        fix1 = 1.0 - math.pow(self.beta1, self.t)
        fix2 = 1.0 - math.pow(self.beta2, self.t)
        return self.alpha * math.sqrt(fix2) / fix1

    def update_one(self, param: Parameter) -> None:
        key = id(param)
        if key not in self.ms:
            self.ms[key] = np.zeros_like(param.data)
            self.vs[key] = np.zeros_like(param.data)
        m, v = self.ms[key], self.vs[key]
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        grad = param.grad.data
        m += (1 - beta1) * (grad - m)
        v += (1 - beta2) * (grad * grad - v)
        param.data -= self.lr * m / (np.sqrt(v) + eps)
