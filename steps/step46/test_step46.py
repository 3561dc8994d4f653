"""Step 46: optimizers (SGD, MomentumSGD, AdaGrad, AdaDelta, Adam) and the update hooks."""

import numpy as np
import pytest
from hypothesis import example, given

from grader.checks import assert_losses_close, sigmoid_net_losses, sin_data, to_array
from grader.strategies import floats_in, same_shape_arrays

TRAIN_ITERS = 200  # of the book's 10 000: each loss is compared, so a wrong step shows within one or two
BOOK_CASE = (np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([-1.5, 0.25]))


def _numpy_losses(iters):
    """The numpy net's losses for the book's run: np.random.seed(0) draws the data, then l1's W, then l2's."""
    rng = np.random.RandomState(0)
    x, y = sin_data(rng)
    W1, W2 = ((rng.randn(i, o) * np.sqrt(1 / i)).astype(np.float32) for i, o in ((1, 10), (10, 1)))
    return sigmoid_net_losses(x, y, (W1, np.zeros(10, np.float32), W2, np.zeros(1, np.float32)), 0.2, iters)


def _two_updates(dz, optimizer, p0, g1, g2):
    """Two update() calls on a Layer with Parameters p (grads g1, g2) and q (grads 2 g1, -g2)."""
    model = dz.Layer()
    model.p, model.q = dz.Parameter(np.array(p0)), dz.Parameter(np.array(-0.5 * p0))
    assert optimizer.setup(model) is optimizer, "setup(target) should return the optimizer itself"
    seen = []
    for gp, gq in ((g1, 2 * g1), (g2, -g2)):
        model.p.grad, model.q.grad = dz.Variable(np.array(gp)), dz.Variable(np.array(gq))
        optimizer.update()
        seen.append((to_array(model.p).copy(), to_array(model.q).copy()))
    return seen


def _check(seen, rule, p0, g1, g2):
    """Compare both parameters after each update with rule(p, grads) -> [p1, p2] by hand."""
    for name, start, grads, k in (("p", p0, (g1, g2), 0), ("q", -0.5 * p0, (2 * g1, -g2), 1)):
        for n, expected in enumerate(rule(start, grads)):
            np.testing.assert_allclose(seen[n][k], expected, rtol=1e-9, atol=1e-12,
                                       err_msg=f"parameter {name} after update {n + 1}")


def _fit(dz, optimizer, iters=60):
    """(first loss, last loss) of a seeded MLP((8, 1)) fitted to sin(2 pi x) by optimizer."""
    np.random.seed(0)
    x = np.linspace(0, 1, 20).reshape(20, 1)
    y = np.sin(2 * np.pi * x)
    model = dz.models.MLP((8, 1))
    optimizer.setup(model)
    losses = []
    for _ in range(iters):
        loss = dz.functions.mean_squared_error(y, model(x))
        model.cleargrads()
        loss.backward()
        optimizer.update()
        losses.append(float(to_array(loss)))
    return losses[0], losses[-1]


@pytest.mark.grade(points=2, todo="step46.1")
def test_optimizer_updates_only_params_with_grad_after_hooks(dz):
    """update() runs each hook on the params that have a grad, then updates those (and only those)."""
    model = dz.Layer()
    model.a, model.b = dz.Parameter(np.array([1.0])), dz.Parameter(np.array([2.0]))
    model.a.grad = dz.Variable(np.array([10.0]))
    calls = []
    opt = dz.optimizers.SGD(lr=0.1).setup(model)
    opt.add_hook(lambda params: calls.append([(id(p), float(to_array(p)[0])) for p in params]))
    opt.update()
    assert calls == [[(id(model.a), 1.0)]], f"the hook saw {calls}: expected [a] before any update"
    assert to_array(model.a)[0] == pytest.approx(0.0) and to_array(model.b)[0] == 2.0


@pytest.mark.grade(points=2, todo="step46.1")
def test_freeze_param_keeps_frozen_weights_and_does_not_crash(dz):
    """With FreezeParam(model.l0), update() leaves l0's W and b as they were and still trains l1."""
    np.random.seed(0)
    model, x = dz.models.MLP((4, 1)), np.linspace(0, 1, 6).reshape(6, 1)
    opt = dz.optimizers.SGD(lr=0.1).setup(model)
    opt.add_hook(dz.optimizers.FreezeParam(model.l0))
    model(x)
    before = [to_array(p).copy() for p in model.params()]
    model.cleargrads()
    dz.functions.sum(model(x)).backward()
    opt.update()  # the book's Optimizer crashed here: a hook set a grad to None after the filter
    after = [to_array(p) for p in model.params()]
    assert all(np.array_equal(b, a) for b, a in zip(before[:2], after[:2], strict=True)), "l0 moved"
    assert not all(np.array_equal(b, a) for b, a in zip(before[2:], after[2:], strict=True)), "l1 froze"


@pytest.mark.grade(points=1, todo="step46.1")
@given(arrs=same_shape_arrays(3), rate=floats_in(0.0, 0.5), max_norm=floats_in(0.1, 5.0))
def test_weight_decay_and_clip_grad_hooks_change_the_step(dz, arrs, rate, max_norm):
    """WeightDecay adds rate * param to the grad; ClipGrad scales grads down to norm max_norm."""
    p0, g1, g2 = arrs
    seen = _two_updates(dz, _with_hook(dz, dz.optimizers.WeightDecay(rate)), p0, g1, g1)
    _check(seen[:1], lambda p, gs: [p - 0.1 * (gs[0] + rate * p)], p0, g1, g1)
    seen = _two_updates(dz, _with_hook(dz, dz.optimizers.ClipGrad(max_norm)), p0, g1, g1)
    norm = np.sqrt(np.sum(g1**2) + np.sum((2 * g1) ** 2))
    scale = min(1.0, max_norm / (norm + 1e-6))
    _check(seen[:1], lambda p, gs: [p - 0.1 * gs[0] * scale], p0, g1, g1)


def _with_hook(dz, hook):
    opt = dz.optimizers.SGD(lr=0.1)
    opt.add_hook(hook)
    return opt


@pytest.mark.grade(points=2, todo="step46.2")
@given(arrs=same_shape_arrays(3), lr=floats_in(0.01, 1.0))
@example(arrs=BOOK_CASE, lr=0.2)
def test_sgd_first_two_updates_match_formula(dz, arrs, lr):
    """SGD: param <- param - lr * grad, for each parameter, twice."""
    seen = _two_updates(dz, dz.optimizers.SGD(lr=lr), *arrs)
    _check(seen, lambda p, gs: [p - lr * gs[0], p - lr * gs[0] - lr * gs[1]], *arrs)


@pytest.mark.grade(points=3, todo="step46.3")
@given(arrs=same_shape_arrays(3), lr=floats_in(0.01, 1.0), momentum=floats_in(0.0, 0.99))
@example(arrs=BOOK_CASE, lr=0.01, momentum=0.9)
def test_momentum_sgd_first_two_updates_match_formula(dz, arrs, lr, momentum):
    """MomentumSGD: v <- momentum v - lr grad (v from 0, one per parameter); param <- param + v."""
    seen = _two_updates(dz, dz.optimizers.MomentumSGD(lr=lr, momentum=momentum), *arrs)

    def rule(p, gs):
        v1 = -lr * gs[0]
        return [p + v1, p + v1 + momentum * v1 - lr * gs[1]]

    _check(seen, rule, *arrs)


@pytest.mark.grade(points=1, todo="step46.1")
@given(arrs=same_shape_arrays(3), lr=floats_in(0.01, 1.0))
def test_adagrad_first_two_updates_match_formula(dz, arrs, lr):
    """AdaGrad: h <- h + grad ** 2; param <- param - lr grad / (sqrt(h) + 1e-8)."""
    seen = _two_updates(dz, dz.optimizers.AdaGrad(lr=lr), *arrs)

    def rule(p, gs):
        h1, h2 = gs[0] ** 2, gs[0] ** 2 + gs[1] ** 2
        p1 = p - lr * gs[0] / (np.sqrt(h1) + 1e-8)
        return [p1, p1 - lr * gs[1] / (np.sqrt(h2) + 1e-8)]

    _check(seen, rule, *arrs)


@pytest.mark.grade(points=1, todo="step46.1")
@given(arrs=same_shape_arrays(3), rho=floats_in(0.5, 0.99))
def test_adadelta_first_two_updates_match_formula(dz, arrs, rho):
    """AdaDelta: step dx = sqrt((msdx + eps) / (msg + eps)) grad, both mean squares decayed by rho."""
    seen = _two_updates(dz, dz.optimizers.AdaDelta(rho=rho, eps=1e-6), *arrs)

    def rule(p, gs, eps=1e-6):
        msg1 = (1 - rho) * gs[0] ** 2
        dx1 = np.sqrt(eps / (msg1 + eps)) * gs[0]
        msg2, msdx1 = rho * msg1 + (1 - rho) * gs[1] ** 2, (1 - rho) * dx1**2
        return [p - dx1, p - dx1 - np.sqrt((msdx1 + eps) / (msg2 + eps)) * gs[1]]

    _check(seen, rule, *arrs)


@pytest.mark.grade(points=3, todo="step46.4")
@given(arrs=same_shape_arrays(3), alpha=floats_in(0.001, 0.5), b1=floats_in(0.5, 0.99),
       b2=floats_in(0.9, 0.9999))
@example(arrs=BOOK_CASE, alpha=0.001, b1=0.9, b2=0.999)
def test_adam_first_two_updates_match_formula(dz, arrs, alpha, b1, b2):
    """Adam: m, v moving averages (from 0); param <- param - lr m / (sqrt(v) + eps), lr bias-corrected."""
    seen = _two_updates(dz, dz.optimizers.Adam(alpha=alpha, beta1=b1, beta2=b2), *arrs)

    def rule(p, gs, eps=1e-8):
        m1, v1 = (1 - b1) * gs[0], (1 - b2) * gs[0] ** 2
        m2, v2 = m1 + (1 - b1) * (gs[1] - m1), v1 + (1 - b2) * (gs[1] ** 2 - v1)
        lr1, lr2 = alpha * np.sqrt(1 - b2) / (1 - b1), alpha * np.sqrt(1 - b2**2) / (1 - b1**2)
        p1 = p - lr1 * m1 / (np.sqrt(v1) + eps)
        return [p1, p1 - lr2 * m2 / (np.sqrt(v2) + eps)]

    _check(seen, rule, *arrs)


def _lowers(dz, name, **kwargs):
    first, last = _fit(dz, getattr(dz.optimizers, name)(**kwargs))
    assert last < first, f"{name}({kwargs}): the loss went from {first} to {last} in 60 updates"


@pytest.mark.grade(points=1, todo="step46.2")
def test_sgd_lowers_mlp_loss(dz):
    """SGD(0.2), 60 updates of a seeded MLP((8, 1)) on sin(2 pi x): the loss goes down."""
    _lowers(dz, "SGD", lr=0.2)


@pytest.mark.grade(points=1, todo="step46.3")
def test_momentum_sgd_lowers_mlp_loss(dz):
    """MomentumSGD(0.1), 60 updates of a seeded MLP((8, 1)) on sin(2 pi x): the loss goes down."""
    _lowers(dz, "MomentumSGD", lr=0.1)


@pytest.mark.grade(points=1, todo="step46.1")
def test_adagrad_and_adadelta_lower_mlp_loss(dz):
    """AdaGrad(0.1) and AdaDelta(), 60 updates of a seeded MLP((8, 1)) on sin(2 pi x): the loss goes down."""
    _lowers(dz, "AdaGrad", lr=0.1)
    _lowers(dz, "AdaDelta")


@pytest.mark.grade(points=1, todo="step46.4")
def test_adam_lowers_mlp_loss(dz):
    """Adam(alpha=0.01), 60 updates of a seeded MLP((8, 1)) on sin(2 pi x): the loss goes down."""
    _lowers(dz, "Adam", alpha=0.01)


@pytest.mark.grade(points=3, todo="step46.2")
def test_train_with_sgd_losses_match_numpy_net(dz, script):
    """The script's MLP((10, 1)), SGD(0.2) on the book's sin data: 200 losses as in numpy; float32 kept."""
    np.random.seed(0)
    x, y = script.make_data(np.random)
    model = dz.models.MLP((10, 1))
    losses = script.train(model, dz.optimizers.SGD(lr=0.2).setup(model), x, y, iters=TRAIN_ITERS)
    assert_losses_close(losses, _numpy_losses(TRAIN_ITERS))
    params = (model.l0.W, model.l0.b, model.l1.W, model.l1.b)
    dtypes = [p.data.dtype.name for p in params]
    assert dtypes == ["float32"] * 4, f"W1, b1, W2, b2 end as {dtypes}: an update keeps float32 data float32"
