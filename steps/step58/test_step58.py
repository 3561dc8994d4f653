"""Step 58: VGG16, its layers, its parameter count, one forward pass, and preprocess.

Nothing downloads and no test builds 138 M random weights the slow way: the parameter count
comes from the layers' configuration, the shape checks run on a 32 x 32 input (then fc6 has
512 inputs instead of 25,088), and a 32 x 64 image (fc6 sees 512 x 1 x 2) runs on that model's
weights with an fc6 of its own. fc7, fc8 and that fc6 get cheap uniform float32 numbers before
their lazy init. Pillow may be absent, so preprocess gets a stand-in image.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.checks import assert_array_close, to_array

BLOCKS = [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]  # (channels, convolutions) per block
CONVS = [(f"conv{b}_{i}", width) for b, (width, n) in enumerate(BLOCKS, 1) for i in range(1, n + 1)]
FCS = [("fc6", 4096), ("fc7", 4096), ("fc8", 1000)]
MEAN_BGR = np.array([103.939, 116.779, 123.68])


class StandInImage:
    """What preprocess needs of a PIL image: convert('RGB'), resize((w, h)) and np.asarray()."""

    def __init__(self, rgb):
        self.rgb = rgb  # (H, W, 3) uint8

    def convert(self, mode):
        assert mode == "RGB", f"preprocess should convert to 'RGB', not {mode!r}"
        return self

    def resize(self, size):
        w, h = size  # PIL's order: width first
        rows, cols = np.arange(h) * self.rgb.shape[0] // h, np.arange(w) * self.rgb.shape[1] // w
        return StandInImage(self.rgb[rows][:, cols])

    def __array__(self, dtype=None, copy=None):
        return self.rgb if dtype is None else self.rgb.astype(dtype)


def _in_channels():
    """The input channels of each convolution: 3 for the first, then the previous one's output."""
    widths = [w for _, w in CONVS]
    return [3, *widths[:-1]]


def _set_uniform_W(model, shapes, rng):
    """Set each named layer's W to uniform float32 numbers of variance 1 / fan-in (cheap, unlike randn)."""
    for name, shape in shapes:
        W = rng.random(shape, dtype=np.float32)
        W -= 0.5
        W *= np.float32(np.sqrt(12 / np.prod(shape[1:] if len(shape) == 4 else shape[:1])))
        getattr(model, name).W.data = W


_built = {}


def _small_forward(dz):
    """A seeded VGG16 and its output for one 32 x 32 image in test mode (no dropout).

    The convolutions and fc6 make their W on the first call (the shapes the tests check); fc7
    and fc8, whose shapes no image changes, get cheap uniform ones first: 17 M normal random
    numbers drawn instead of 37 M. Built once per run; no test changes it.
    """
    if id(dz) not in _built:
        np.random.seed(0)
        model = dz.models.VGG16()
        _set_uniform_W(model, [("fc7", (4096, 4096)), ("fc8", (4096, 1000))], np.random.default_rng(1))
        x = np.random.default_rng(0).standard_normal((1, 3, 32, 32)).astype(np.float32)
        with dz.test_mode():
            y = model(x.copy())  # x stays as drawn for the tests that recompute y from it
        _built[id(dz)] = model, x, y
    return _built[id(dz)]


@pytest.mark.grade(points=2, todo="step58.1")
def test_vgg16_has_13_convolutions_and_3_linear_layers(dz):
    """VGG16 has conv1_1 ... conv5_3 (3 x 3, stride 1, pad 1) and fc6, fc7, fc8 (4096, 4096, 1000)."""
    model = dz.models.VGG16()
    for name, width in CONVS:
        layer = getattr(model, name, None)
        assert isinstance(layer, dz.layers.Conv2d), f"model.{name} is a {type(layer).__name__}, not a Conv2d"
        pair = dz.utils.pair
        got = (layer.out_channels, pair(layer.kernel_size), pair(layer.stride), pair(layer.pad))
        assert got == (width, (3, 3), (1, 1), (1, 1)), f"model.{name}: (out, kernel, stride, pad) = {got}"
    for name, size in FCS:
        layer = getattr(model, name, None)
        assert isinstance(layer, dz.layers.Linear), f"model.{name} is a {type(layer).__name__}, not a Linear"
        assert layer.out_size == size, f"model.{name} has {layer.out_size} outputs, expected {size}"
    assert len(list(model.params())) == 32, "13 + 3 layers, each with W and b: 32 parameters"


@pytest.mark.grade(points=2, todo="step58.1")
def test_vgg16_parameter_count_from_layer_shapes(dz):
    """The layers' configuration adds up to 138,357,544 parameters (fc6 sees 512 x 7 x 7 inputs)."""
    model = dz.models.VGG16()
    total = 0
    for (name, _), c in zip(CONVS, _in_channels(), strict=True):
        layer = getattr(model, name)
        kh, kw = dz.utils.pair(layer.kernel_size)
        total += layer.out_channels * c * kh * kw + layer.out_channels
    fan_in = 512 * 7 * 7  # a 224 x 224 image halved by five poolings: 7 x 7
    for name, _ in FCS:
        layer = getattr(model, name)
        total += fan_in * layer.out_size + layer.out_size
        fan_in = layer.out_size
    assert total == 138_357_544, f"the layers add up to {total:,} parameters, VGG16 has 138,357,544"


@pytest.mark.grade(points=2, todo="step58.2")
def test_vgg16_small_input_gives_1000_float32_scores(dz):
    """On a 32 x 32 image VGG16 gives (1, 1000) float32 scores; each conv sees the previous one's channels."""
    model, _, y = _small_forward(dz)
    assert y.shape == (1, 1000), f"the output has shape {y.shape}, expected (1, 1000)"
    for (name, width), c in zip(CONVS, _in_channels(), strict=True):
        W = getattr(model, name).W
        assert W.shape == (width, c, 3, 3), f"{name}.W has shape {W.shape}, expected {(width, c, 3, 3)}"
    assert model.fc6.W.shape == (512, 4096), (
        f"fc6.W has shape {model.fc6.W.shape}: after five 2 x 2 poolings a 32 x 32 image is 1 x 1 x 512")
    bad = [f"{name}.{p.name}" for name, _ in CONVS + FCS for p in getattr(model, name).params()
           if p.dtype != np.float32] + ([] if y.dtype == np.float32 else ["the output"])
    assert not bad, f"these are not float32: {', '.join(bad)}"


@pytest.mark.grade(points=3, todo="step58.2")
def test_vgg16_forward_matches_layer_by_layer(dz):
    """The output is relu(conv) blocks with 2 x 2 max pooling, then fc6, fc7 (relu) and fc8, by hand."""
    model, x, y = _small_forward(dz)
    F = dz.functions
    h = dz.Variable(x.copy())
    with dz.test_mode():
        for block, (_, n) in enumerate(BLOCKS, 1):
            for i in range(1, n + 1):
                layer = getattr(model, f"conv{block}_{i}")
                h = F.relu(F.conv2d(h, layer.W, layer.b, 1, 1))
            h = F.pooling(h, 2, 2)
        h = F.reshape(h, (1, -1))
        h = F.relu(F.linear(h, model.fc6.W, model.fc6.b))
        h = F.relu(F.linear(h, model.fc7.W, model.fc7.b))
        h = F.linear(h, model.fc8.W, model.fc8.b)
    assert_array_close(y, to_array(h), "VGG16()(x)", rtol=1e-4, atol=1e-5)


@pytest.mark.grade(points=2, todo="step58.3")
def test_vgg16_dropout_acts_only_in_training(dz):
    """fc6 and fc7 use dropout: two training passes differ, two test-mode passes agree."""
    model, x, y = _small_forward(dz)
    with dz.test_mode():
        again = model(x.copy())
    assert_array_close(again, to_array(y), "a second test-mode pass", rtol=1e-6, atol=1e-6)
    np.random.seed(1)
    first = to_array(model(x.copy()))
    second = to_array(model(x.copy()))
    assert not np.allclose(first, second), "two training passes agree: is there dropout after fc6 and fc7?"


@pytest.mark.grade(points=2, todo="step58.2")
def test_vgg16_larger_image_forward(dz):
    """A 32 x 64 image gives (1, 1000) finite float32 scores: fc6 sees 512 x 1 x 2 inputs, not 512."""
    shared, _, _ = _small_forward(dz)
    model, h, w = dz.models.VGG16(), 32, 64  # non-square; 224 x 224 would leave 7 x 7 x 512 = 25,088
    for name, _ in CONVS + FCS[1:]:
        getattr(model, name).W.data = getattr(shared, name).W.data  # the 32 x 32 model's weights, shared
    _set_uniform_W(model, [("fc6", (512 * (h // 32) * (w // 32), 4096))], np.random.default_rng(2))
    x = np.random.default_rng(0).standard_normal((1, 3, h, w), dtype=np.float32)
    with dz.test_mode(), dz.no_grad():
        y = model(x)
    assert y.shape == (1, 1000) and y.dtype == np.float32, f"got shape {y.shape}, dtype {y.dtype}"
    assert np.all(np.isfinite(to_array(y))), "the scores are not all finite"


@pytest.mark.grade(points=2, todo="step58.4")
def test_preprocess_book_shape_and_dtype(dz):
    """preprocess resizes any image to (3, 224, 224) float32 by default."""
    image = StandInImage(np.zeros((300, 400, 3), np.uint8))
    x = dz.models.VGG16.preprocess(image)
    assert x.shape == (3, 224, 224), f"preprocess gave {x.shape}, expected (3, 224, 224): channels first"
    assert x.dtype == np.float32, f"preprocess gave {x.dtype}, expected float32"


@pytest.mark.grade(points=3, todo="step58.4")
@given(h=st.integers(1, 6), w=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_preprocess_is_bgr_minus_mean_channels_first(dz, h, w, seed):
    """preprocess(image, size) is x[c, i, j] = BGR pixel (i, j) minus the BGR mean, for any size."""
    rgb = np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)
    x = dz.models.VGG16.preprocess(StandInImage(rgb.copy()), size=(w, h))
    expected = (rgb[:, :, ::-1] - MEAN_BGR).transpose(2, 0, 1)
    assert_array_close(x, expected, f"preprocess of a {h} x {w} image", rtol=1e-6, atol=1e-4)


@pytest.mark.grade(points=1, todo="step58.4")
def test_preprocess_resizes_width_then_height(dz):
    """size is (width, height), as in PIL: size=(6, 4) gives (3, 4, 6)."""
    x = dz.models.VGG16.preprocess(StandInImage(np.full((8, 8, 3), 255, np.uint8)), size=(6, 4))
    assert x.shape == (3, 4, 6), f"preprocess(size=(6, 4)) gave {x.shape}, expected (3, 4, 6)"
    assert_array_close(x[:, 0, 0], 255 - MEAN_BGR, "a white pixel", rtol=1e-6, atol=1e-4)
