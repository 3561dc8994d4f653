"""Models: a Layer that can draw itself, Sequential and MLP (book module path)."""

import numpy as np

import dezero.functions as F
import dezero.layers as L
from dezero import utils
from dezero.layers import Layer


class Model(Layer):
    def plot(self, *inputs, to_file="model.png"):
        """Draw the graph of one forward pass (needs Graphviz's dot)."""
        y = self.forward(*inputs)
        return utils.plot_dot_graph(y, verbose=True, to_file=to_file)


class Sequential(Model):
    def __init__(self, *layers):
        super().__init__()
        self.layers = []
        for i, layer in enumerate(layers):
            setattr(self, "l" + str(i), layer)
            self.layers.append(layer)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class MLP(Model):
    """Fully connected layers l0, l1, ... with an activation between them."""

    def __init__(self, fc_output_sizes, activation=F.sigmoid):
        super().__init__()
        self.activation = activation
        self.layers = []
        for i, out_size in enumerate(fc_output_sizes):
            layer = L.Linear(out_size)
            setattr(self, "l" + str(i), layer)
            self.layers.append(layer)

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = self.activation(layer(x))
        return self.layers[-1](x)


class VGG16(Model):
    """VGG16: 13 convolutions and 3 fully connected layers, 138,357,544 parameters.

    pretrained=True loads ImageNet weights (≈553 MB, downloaded once into the cache and
    checked; a clear error when offline). Without it the weights are random.
    """

    WEIGHTS_PATH = "https://github.com/koki0702/dezero-models/releases/download/v0.1/vgg16.npz"

    def __init__(self, pretrained=False):
        super().__init__()
        widths = [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]
        for block, (width, count) in enumerate(widths, 1):
            for i in range(1, count + 1):
                setattr(self, f"conv{block}_{i}", L.Conv2d(width, kernel_size=3, stride=1, pad=1))
        self.fc6 = L.Linear(4096)
        self.fc7 = L.Linear(4096)
        self.fc8 = L.Linear(1000)
        if pretrained:
            self.load_weights(utils.get_file(VGG16.WEIGHTS_PATH))

    def forward(self, x):
        for block, count in enumerate([2, 2, 3, 3, 3], 1):
            for i in range(1, count + 1):
                x = F.relu(getattr(self, f"conv{block}_{i}")(x))
            x = F.pooling(x, 2, 2)
        x = F.reshape(x, (x.shape[0], -1))
        x = F.dropout(F.relu(self.fc6(x)))
        x = F.dropout(F.relu(self.fc7(x)))
        return self.fc8(x)

    @staticmethod
    def preprocess(image, size=(224, 224), dtype=np.float32):
        """A PIL image or an (H, W, 3) RGB array → the network's input: resized, BGR, mean
        subtracted, CHW. Arrays are resized by nearest neighbour, so Pillow is optional."""
        if isinstance(image, np.ndarray):
            if size:
                rows = np.arange(size[1]) * image.shape[0] // size[1]
                cols = np.arange(size[0]) * image.shape[1] // size[0]
                image = image[rows][:, cols]
            image = np.asarray(image, dtype=dtype)[:, :, ::-1].copy()
        else:
            image = image.convert("RGB")
            if size:
                image = image.resize(size)
            image = np.asarray(image, dtype=dtype)[:, :, ::-1].copy()
        image -= np.array([103.939, 116.779, 123.68], dtype=dtype)
        return image.transpose((2, 0, 1))


class ResNet(Model):
    """ResNet-50/101/152 (He et al.): bottleneck blocks; pretrained weights as for VGG16."""

    WEIGHTS_PATH = "https://github.com/koki0702/dezero-models/releases/download/v0.1/resnet{}.npz"

    def __init__(self, n_layers=152, pretrained=False):
        super().__init__()
        blocks = {50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}
        if n_layers not in blocks:
            raise ValueError(f"n_layers must be 50, 101 or 152, not {n_layers}")
        block = blocks[n_layers]
        self.conv1 = L.Conv2d(64, 7, 2, 3)
        self.bn1 = L.BatchNorm()
        self.res2 = BuildingBlock(block[0], 64, 64, 256, 1)
        self.res3 = BuildingBlock(block[1], 256, 128, 512, 2)
        self.res4 = BuildingBlock(block[2], 512, 256, 1024, 2)
        self.res5 = BuildingBlock(block[3], 1024, 512, 2048, 2)
        self.fc6 = L.Linear(1000)
        if pretrained:
            self.load_weights(utils.get_file(ResNet.WEIGHTS_PATH.format(n_layers)))

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.pooling(x, kernel_size=3, stride=2)
        x = self.res5(self.res4(self.res3(self.res2(x))))
        x = _global_average_pooling_2d(x)
        return self.fc6(x)


class ResNet152(ResNet):
    def __init__(self, pretrained=False):
        super().__init__(152, pretrained)


class ResNet101(ResNet):
    def __init__(self, pretrained=False):
        super().__init__(101, pretrained)


class ResNet50(ResNet):
    def __init__(self, pretrained=False):
        super().__init__(50, pretrained)


def _global_average_pooling_2d(x):
    N, C, H, W = x.shape
    h = F.average_pooling(x, (H, W), stride=1)
    return F.reshape(h, (N, C))


class BuildingBlock(Layer):
    """n_layers bottlenecks: one BottleneckA (it may change the shape), then BottleneckBs."""

    def __init__(self, n_layers=None, in_channels=None, mid_channels=None, out_channels=None, stride=None,
                 downsample_fb=None):
        super().__init__()
        self.a = BottleneckA(in_channels, mid_channels, out_channels, stride, downsample_fb)
        self._forward = ["a"]
        for i in range(n_layers - 1):
            name = f"b{i + 1}"
            setattr(self, name, BottleneckB(out_channels, mid_channels))
            self._forward.append(name)

    def forward(self, x):
        for name in self._forward:
            x = getattr(self, name)(x)
        return x


class BottleneckA(Layer):
    """A bottleneck whose shortcut is a strided 1x1 convolution (the shapes change).

    downsample_fb=False strides the first 1x1 convolution (the original MSRA ResNet);
    True strides the 3x3 one (Facebook's ResNet). The convolutions take their input
    channels from the first input, as the book's do.
    """

    def __init__(self, in_channels, mid_channels, out_channels, stride=2, downsample_fb=False):
        super().__init__()
        stride_1x1, stride_3x3 = (1, stride) if downsample_fb else (stride, 1)
        self.conv1 = L.Conv2d(mid_channels, 1, stride_1x1, 0, nobias=True)
        self.bn1 = L.BatchNorm()
        self.conv2 = L.Conv2d(mid_channels, 3, stride_3x3, 1, nobias=True)
        self.bn2 = L.BatchNorm()
        self.conv3 = L.Conv2d(out_channels, 1, 1, 0, nobias=True)
        self.bn3 = L.BatchNorm()
        self.conv4 = L.Conv2d(out_channels, 1, stride, 0, nobias=True)
        self.bn4 = L.BatchNorm()

    def forward(self, x):
        h1 = F.relu(self.bn1(self.conv1(x)))
        h1 = F.relu(self.bn2(self.conv2(h1)))
        h1 = self.bn3(self.conv3(h1))
        h2 = self.bn4(self.conv4(x))
        return F.relu(h1 + h2)


class BottleneckB(Layer):
    """A bottleneck whose shortcut is the identity."""

    def __init__(self, in_channels, mid_channels):
        super().__init__()
        self.conv1 = L.Conv2d(mid_channels, 1, 1, 0, nobias=True)
        self.bn1 = L.BatchNorm()
        self.conv2 = L.Conv2d(mid_channels, 3, 1, 1, nobias=True)
        self.bn2 = L.BatchNorm()
        self.conv3 = L.Conv2d(in_channels, 1, 1, 0, nobias=True)
        self.bn3 = L.BatchNorm()

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = F.relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        return F.relu(h + x)
