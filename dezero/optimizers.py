"""Optimizers: update a model's parameters from their grads (book module path)."""

import math
from typing import Any

from dezero import cuda
from dezero.core import Parameter


class Optimizer:
    """setup(target) once, then update() after each backward; hooks run on the params first."""

    def __init__(self):
        self.target: Any = None  # the Layer or Model given to setup()
        self.hooks = []

    def setup(self, target):
        self.target = target
        return self

    def update(self):
        for f in self.hooks:
            f([p for p in self.target.params() if p.grad is not None])
        # filtered after the hooks, so a hook may drop grads (FreezeParam)
        for param in [p for p in self.target.params() if p.grad is not None]:
            self.update_one(param)

    def update_one(self, param):
        raise NotImplementedError(f"{type(self).__name__}.update_one is not defined")

    def add_hook(self, f):
        self.hooks.append(f)


class WeightDecay:
    """Hook: grad += rate * param (L2 regularization)."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, params):
        for param in params:
            param.grad.data += self.rate * param.data


class ClipGrad:
    """Hook: scale all grads down so that their global L2 norm is at most max_norm."""

    def __init__(self, max_norm):
        self.max_norm = max_norm

    def __call__(self, params):
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

    def __init__(self, *layers):
        self.freeze_params = []
        for layer in layers:
            if isinstance(layer, Parameter):
                self.freeze_params.append(layer)
            else:
                self.freeze_params.extend(layer.params())

    def __call__(self, params):
        for p in self.freeze_params:
            p.grad = None


class SGD(Optimizer):
    def __init__(self, lr=0.01):
        super().__init__()
        self.lr = lr
        self.steps = {}  # a reused buffer per parameter for lr * grad: no fresh big temporary per update

    def update_one(self, param):
        step = self.steps.get(id(param))
        if step is None or step.shape != param.data.shape or step.dtype != param.data.dtype:
            step = self.steps[id(param)] = cuda.get_array_module(param.data).empty_like(param.data)
        cuda.get_array_module(param.data).multiply(param.grad.data, self.lr, out=step, casting="same_kind")
        param.data -= step


class MomentumSGD(Optimizer):
    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__()
        self.lr = lr
        self.momentum = momentum
        self.vs = {}

    def update_one(self, param):
        v_key = id(param)
        if v_key not in self.vs:
            xp = cuda.get_array_module(param.data)
            self.vs[v_key] = xp.zeros_like(param.data)
        v = self.vs[v_key]
        v *= self.momentum
        v -= self.lr * param.grad.data
        param.data += v


class AdaGrad(Optimizer):
    def __init__(self, lr=0.001, eps=1e-8):
        super().__init__()
        self.lr = lr
        self.eps = eps
        self.hs = {}

    def update_one(self, param):
        xp = cuda.get_array_module(param.data)
        h_key = id(param)
        if h_key not in self.hs:
            self.hs[h_key] = xp.zeros_like(param.data)
        h = self.hs[h_key]
        grad = param.grad.data
        h += grad * grad
        param.data -= self.lr * grad / (xp.sqrt(h) + self.eps)


class AdaDelta(Optimizer):
    def __init__(self, rho=0.95, eps=1e-6):
        super().__init__()
        self.rho = rho
        self.eps = eps
        self.msg = {}
        self.msdx = {}

    def update_one(self, param):
        xp = cuda.get_array_module(param.data)
        key = id(param)
        if key not in self.msg:
            self.msg[key] = xp.zeros_like(param.data)
            self.msdx[key] = xp.zeros_like(param.data)
        msg, msdx = self.msg[key], self.msdx[key]
        rho, eps, grad = self.rho, self.eps, param.grad.data
        msg *= rho
        msg += (1 - rho) * grad * grad
        dx = xp.sqrt((msdx + eps) / (msg + eps)) * grad
        msdx *= rho
        msdx += (1 - rho) * dx * dx
        param.data -= dx


class Adam(Optimizer):
    """Adam with bias correction folded into the step size (the `lr` property)."""

    def __init__(self, alpha=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__()
        self.t = 0
        self.alpha = alpha
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.ms = {}
        self.vs = {}

    def update(self, *args, **kwargs):
        self.t += 1
        super().update(*args, **kwargs)

    @property
    def lr(self):
        fix1 = 1.0 - math.pow(self.beta1, self.t)
        fix2 = 1.0 - math.pow(self.beta2, self.t)
        return self.alpha * math.sqrt(fix2) / fix1

    def update_one(self, param):
        xp = cuda.get_array_module(param.data)
        key = id(param)
        if key not in self.ms:
            self.ms[key] = xp.zeros_like(param.data)
            self.vs[key] = xp.zeros_like(param.data)
        m, v = self.ms[key], self.vs[key]
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        grad = param.grad.data
        m += (1 - beta1) * (grad - m)
        v += (1 - beta2) * (grad * grad - v)
        param.data -= self.lr * m / (xp.sqrt(v) + eps)
