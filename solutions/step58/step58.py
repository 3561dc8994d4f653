"""Step 58: VGG16 reads a 224 x 224 image and scores the 1000 ImageNet classes.

The book downloads the ImageNet weights (vgg16.npz, about 553 MB), a photo of a zebra and
the class names, and prints `zebra`. This demo runs offline: the weights are random
(VGG16(pretrained=False)) and the image is made up, a smooth colour gradient, so the
predicted class means nothing. What runs is the real network on a real-size input.
With the weights in the cache (dezero.utils.cache_dir()) and Pillow installed,
main(pretrained=True, image_path="zebra.jpg") does what the book does, except the labels.
"""

import numpy as np

import dezero
from dezero.models import VGG16


def synthetic_image(height: int = 256, width: int = 320) -> np.ndarray:
    """An (H, W, 3) RGB uint8 image: red grows left to right, green top to bottom, blue is fixed."""
    red = np.linspace(0, 255, width)[np.newaxis, :].repeat(height, axis=0)
    green = np.linspace(0, 255, height)[:, np.newaxis].repeat(width, axis=1)
    blue = np.full((height, width), 128.0)
    return np.stack([red, green, blue], axis=2).astype(np.uint8)


def main(pretrained: bool = False, image_path: str | None = None) -> int:
    """Classify one image; returns the predicted class id."""
    if image_path is None:
        print("An offline demo: a made-up 256 x 320 image, no download.")
        image = synthetic_image()
    else:
        from PIL import Image  # Pillow: only needed for a real photo

        image = Image.open(image_path)
    if not pretrained:
        print("VGG16 with random weights (pretrained=False): the class it picks means nothing.")
    x = VGG16.preprocess(image)
    x = x[np.newaxis]  # a batch of one: (1, 3, 224, 224)
    print("input:", x.shape, x.dtype)

    np.random.seed(0)  # the random weights
    model = VGG16(pretrained=pretrained)
    with dezero.test_mode(), dezero.no_grad():
        y = model(x)
    n_params = sum(p.size for p in model.params())
    print(f"parameters: {n_params:,}")
    print("output:", y.shape, y.dtype)
    predict_id = int(np.argmax(y.data))
    print("predicted class id:", predict_id)
    return predict_id


if __name__ == "__main__":
    main()
