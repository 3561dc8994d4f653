"""Models: a Layer that stands for a whole network (the book's dezero.models). Added in step 45.

Added in step 58: VGG16, with its preprocessing and its pretrained weights (downloaded once).
"""

import zipfile
from pathlib import Path

import numpy as np

import dezero.functions as F
import dezero.layers as L
from dezero import utils
from dezero.layers import Layer


class Model(Layer):
    """Added in step 45: the Layer a network is written as; it can also draw itself."""

    def plot(self, *inputs, to_file: str = "model.png"):
        """Draw the graph of one forward pass on inputs into to_file (needs Graphviz's dot)."""
        y = self.forward(*inputs)
        return utils.plot_dot_graph(y, verbose=True, to_file=to_file)


class MLP(Model):
    """Added in step 45: a multi-layer perceptron, Linear layers l0, l1, ... with an activation between.

    MLP((10, 1)) is the net of step 44: Linear(10), sigmoid, Linear(1).
    """

    def __init__(self, fc_output_sizes: tuple, activation=F.sigmoid) -> None:
        super().__init__()
        self.activation = activation
        self.layers = []
        # SOLUTION(step45.3): Make a Linear layer per output size, as attributes l0, l1, ...
        for i, out_size in enumerate(fc_output_sizes):
            layer = L.Linear(out_size)
            setattr(self, "l" + str(i), layer)
            self.layers.append(layer)
        # END SOLUTION

    def forward(self, x):
        """The layers in order, the activation after every layer but the last."""
        # SOLUTION(step45.4): Apply the layers in order, with the activation after all but the last.
        for layer in self.layers[:-1]:
            x = self.activation(layer(x))
        return self.layers[-1](x)
        # END SOLUTION


class VGG16(Model):
    """Added in step 58: VGG16 (Simonyan and Zisserman, 2014), 13 convolutions and 3 Linear layers.

    Five blocks of 3 x 3 convolutions (pad 1, so height and width stay), each block ending
    with 2 x 2 max pooling; then fc6, fc7 (with relu and dropout) and fc8, the scores of
    ImageNet's 1000 classes. 138,357,544 parameters for a 224 x 224 input.
    pretrained=True loads the ImageNet weights (vgg16.npz, about 553 MB), downloaded once into
    dezero.utils.cache_dir() and checked; offline, a ConnectionError says what to do.
    Without it the weights are random, drawn on the first call like any lazy layer's.
    """

    WEIGHTS_PATH = "https://github.com/koki0702/dezero-models/releases/download/v0.1/vgg16.npz"
    N_PARAMS = 138_357_544
    MEAN_BGR = (103.939, 116.779, 123.68)  # ImageNet's mean pixel, in B, G, R order

    def __init__(self, pretrained: bool = False) -> None:
        super().__init__()
        # SOLUTION(step58.1): Make conv1_1 ... conv5_3 (3 x 3, pad 1) and fc6, fc7, fc8.
        self.conv1_1 = L.Conv2d(64, kernel_size=3, stride=1, pad=1)
        self.conv1_2 = L.Conv2d(64, kernel_size=3, stride=1, pad=1)
        self.conv2_1 = L.Conv2d(128, kernel_size=3, stride=1, pad=1)
        self.conv2_2 = L.Conv2d(128, kernel_size=3, stride=1, pad=1)
        self.conv3_1 = L.Conv2d(256, kernel_size=3, stride=1, pad=1)
        self.conv3_2 = L.Conv2d(256, kernel_size=3, stride=1, pad=1)
        self.conv3_3 = L.Conv2d(256, kernel_size=3, stride=1, pad=1)
        self.conv4_1 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.conv4_2 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.conv4_3 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.conv5_1 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.conv5_2 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.conv5_3 = L.Conv2d(512, kernel_size=3, stride=1, pad=1)
        self.fc6 = L.Linear(4096)
        self.fc7 = L.Linear(4096)
        self.fc8 = L.Linear(1000)
        # END SOLUTION
        if pretrained:
            self.load_weights(pretrained_weights(VGG16.WEIGHTS_PATH, VGG16.N_PARAMS))

    def forward(self, x):
        """(N, 3, H, W) images → (N, 1000) class scores (H = W = 224 for the pretrained weights)."""
        # SOLUTION(step58.2): Run the five blocks: relu after each conv, 2 x 2 max pooling after each.
        x = F.relu(self.conv1_1(x))
        x = F.relu(self.conv1_2(x))
        x = F.pooling(x, 2, 2)
        x = F.relu(self.conv2_1(x))
        x = F.relu(self.conv2_2(x))
        x = F.pooling(x, 2, 2)
        x = F.relu(self.conv3_1(x))
        x = F.relu(self.conv3_2(x))
        x = F.relu(self.conv3_3(x))
        x = F.pooling(x, 2, 2)
        x = F.relu(self.conv4_1(x))
        x = F.relu(self.conv4_2(x))
        x = F.relu(self.conv4_3(x))
        x = F.pooling(x, 2, 2)
        x = F.relu(self.conv5_1(x))
        x = F.relu(self.conv5_2(x))
        x = F.relu(self.conv5_3(x))
        x = F.pooling(x, 2, 2)
        # END SOLUTION
        # SOLUTION(step58.3): Flatten; fc6 and fc7 with relu and dropout; return fc8's scores.
        x = F.reshape(x, (x.shape[0], -1))
        x = F.dropout(F.relu(self.fc6(x)))
        x = F.dropout(F.relu(self.fc7(x)))
        x = self.fc8(x)
        return x
        # END SOLUTION

    @staticmethod
    def preprocess(image, size=(224, 224), dtype=np.float32) -> np.ndarray:
        """An RGB image → the network's input (3, H, W): resized, BGR, minus the mean pixel.

        image is a PIL image or an (H, W, 3) RGB array; size is (width, height), as in PIL,
        or None to keep the size. The weights were trained on images in this form (Caffe's).
        """
        if isinstance(image, np.ndarray):
            rgb = _resize_nearest(image, size) if size else image
        else:
            image = image.convert("RGB")
            if size:
                image = image.resize(size)
            rgb = np.asarray(image)
        # SOLUTION(step58.4): Flip RGB to BGR, subtract the mean pixel, put the channels first.
        x = np.asarray(rgb, dtype=dtype)[:, :, ::-1]
        x = x - np.array(VGG16.MEAN_BGR, dtype=dtype)
        x = x.transpose((2, 0, 1))
        return x
        # END SOLUTION


def _resize_nearest(rgb: np.ndarray, size: tuple) -> np.ndarray:
    """An (H, W, 3) array resized to size = (width, height) by nearest neighbours (no Pillow needed)."""
    w, h = size
    rows = np.arange(h) * rgb.shape[0] // h
    cols = np.arange(w) * rgb.shape[1] // w
    return rgb[rows][:, cols]


def pretrained_weights(url: str, n_params: int) -> Path:
    """Added in step 58: the path of a cached weights file, downloaded first if needed and checked.

    The check counts the values in the file's array headers (without loading 553 MB): a
    truncated or foreign file fails here with a clear message instead of deep in load_weights.
    """
    path = utils.get_file(url)
    try:
        found = _count_npz_values(path)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path} is not a readable .npz file ({exc}); delete it and try again") from None
    if found != n_params:
        raise ValueError(f"{path} holds {found:,} values, the model has {n_params:,} parameters: "
                         f"the file is damaged or belongs to another model; delete it and try again")
    return path


def _count_npz_values(path) -> int:
    """The number of values stored in an .npz file, read from each array's header only."""
    total = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            with archive.open(name) as f:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, _, _ = np.lib.format.read_array_header_1_0(f)
                else:
                    shape, _, _ = np.lib.format.read_array_header_2_0(f)
            total += int(np.prod(shape, dtype=np.int64))
    return total
