"""Transforms for data sets (the book's dezero.transforms). Added in step 51.

A transform is any callable that takes a sample and returns a new one; Compose chains
them. The ndarray transforms need numpy alone; the image ones import Pillow when used.
"""

import numpy as np


class Compose:
    """Apply transforms one after another: Compose([f, g])(x) is g(f(x))."""

    def __init__(self, transforms=None) -> None:
        self.transforms = list(transforms or [])

    def __call__(self, img):
        # SOLUTION(step51.3): Pass img through every transform in order; return the result.
        for t in self.transforms:
            img = t(img)
        return img
        # END SOLUTION


class Convert:
    """PIL image → mode ('RGB', or 'BGR' as VGG16 expects)."""

    def __init__(self, mode: str = "RGB") -> None:
        self.mode = mode

    def __call__(self, img):
        if self.mode == "BGR":
            from PIL import Image

            r, g, b = img.convert("RGB").split()
            return Image.merge("RGB", (b, g, r))
        return img.convert(self.mode)


class Resize:
    """PIL image → the given size (an int for a square)."""

    def __init__(self, size, mode=None) -> None:
        self.size = (size, size) if isinstance(size, int) else size
        self.mode = mode

    def __call__(self, img):
        from PIL import Image

        return img.resize(self.size, self.mode if self.mode is not None else Image.BILINEAR)


class CenterCrop:
    """PIL image → its central part of the given size."""

    def __init__(self, size) -> None:
        self.size = (size, size) if isinstance(size, int) else size

    def __call__(self, img):
        W, H = img.size
        OW, OH = self.size
        left, up = (W - OW) // 2, (H - OH) // 2
        return img.crop((left, up, left + OW, up + OH))


class ToArray:
    """PIL image → CHW ndarray of dtype (an ndarray passes unchanged)."""

    def __init__(self, dtype=np.float32) -> None:
        self.dtype = dtype

    def __call__(self, img):
        if isinstance(img, np.ndarray):
            return img
        return np.asarray(img).transpose(2, 0, 1).astype(self.dtype)


class ToPIL:
    """CHW ndarray → PIL image."""

    def __call__(self, array):
        from PIL import Image

        return Image.fromarray(array.transpose(1, 2, 0))


class Normalize:
    """(array - mean) / std; mean and std may be one number or one per channel."""

    def __init__(self, mean=0, std=1) -> None:
        self.mean = mean
        self.std = std

    def __call__(self, array: np.ndarray) -> np.ndarray:
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
    """Any ndarray → 1-D."""

    def __call__(self, array: np.ndarray) -> np.ndarray:
        return array.flatten()


class AsType:
    """ndarray → the same values as dtype."""

    def __init__(self, dtype=np.float32) -> None:
        self.dtype = dtype

    def __call__(self, array: np.ndarray) -> np.ndarray:
        return array.astype(self.dtype)


ToFloat = AsType


class ToInt(AsType):
    def __init__(self, dtype=int) -> None:  # the book's np.int no longer exists in numpy
        self.dtype = dtype
