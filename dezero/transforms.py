"""Transforms for datasets: ndarray ones need only numpy; Pillow ones import it when used.

`dezero.transforms.Image` is Pillow's Image module, imported when first read.
"""

import importlib.util

import numpy as np

from dezero.utils import pair

_BILINEAR = 2  # Pillow's Image.BILINEAR (Image.Resampling.BILINEAR), without importing Pillow


def __getattr__(name):
    if name == "Image":  # the book's module has Pillow's Image at import; here on first use
        from PIL import Image

        return Image
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    pil = ["Image"] if importlib.util.find_spec("PIL") is not None else []
    return sorted([*globals(), *pil])


class Compose:
    """Apply transforms in order. A list passed in is kept (not copied), as in the book."""

    def __init__(self, transforms=()):
        self.transforms = transforms if isinstance(transforms, list) else list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img


class Convert:
    """PIL image → mode ('RGB', or 'BGR' as VGG16 expects)."""

    def __init__(self, mode="RGB"):
        self.mode = mode

    def __call__(self, img):
        if self.mode == "BGR":
            img = img.convert("RGB")
            r, g, b = img.split()
            from PIL import Image

            return Image.merge("RGB", (b, g, r))
        return img.convert(self.mode)


class Resize:
    """PIL image -> size (an int for a square, or (width, height)); mode is Pillow's filter."""

    def __init__(self, size, mode=_BILINEAR):
        self.size = pair(size)
        self.mode = mode

    def __call__(self, img):
        return img.resize(self.size, self.mode)


class CenterCrop:
    """The centre of a PIL image, size (an int for a square, or (width, height))."""

    def __init__(self, size):
        self.size = pair(size)

    def __call__(self, img):
        W, H = img.size
        OW, OH = self.size
        left, up = (W - OW) // 2, (H - OH) // 2
        return img.crop((left, up, left + OW, up + OH))


class ToArray:
    """PIL image → CHW ndarray of dtype."""

    def __init__(self, dtype=np.float32):
        self.dtype = dtype

    def __call__(self, img):
        if isinstance(img, np.ndarray):
            return img
        img = np.asarray(img)
        return img.transpose(2, 0, 1).astype(self.dtype)


class ToPIL:
    def __call__(self, array):
        from PIL import Image

        return Image.fromarray(array.transpose(1, 2, 0))


class RandomHorizontalFlip:
    """Flip a CHW array (or a PIL image) left-right with probability p."""

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        if np.random.rand() >= self.p:
            return img
        if isinstance(img, np.ndarray):
            return img[..., ::-1].copy()
        from PIL import Image

        return img.transpose(Image.FLIP_LEFT_RIGHT)


class Normalize:
    """(array - mean) / std; mean and std may be per channel."""

    def __init__(self, mean=0, std=1):
        self.mean = mean
        self.std = std

    def __call__(self, array):
        mean, std = self.mean, self.std
        if not np.isscalar(mean):
            mshape = [1] * array.ndim
            mshape[0] = len(array) if len(self.mean) == 1 else len(self.mean)
            mean = np.array(self.mean, dtype=array.dtype).reshape(*mshape)
        if not np.isscalar(std):
            rshape = [1] * array.ndim
            rshape[0] = len(array) if len(self.std) == 1 else len(self.std)
            std = np.array(self.std, dtype=array.dtype).reshape(*rshape)
        return (array - mean) / std


class Flatten:
    def __call__(self, array):
        return array.flatten()


class AsType:
    def __init__(self, dtype=np.float32):
        self.dtype = dtype

    def __call__(self, array):
        return array.astype(self.dtype)


ToFloat = AsType


class ToInt(AsType):
    def __init__(self, dtype=int):
        self.dtype = dtype
