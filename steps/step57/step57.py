"""Step 57: im2col, conv2d_simple and the shapes the book prints.

im2col turns every kernel-sized patch of an image into a row of a matrix; one matrix
product with the kernel, reshaped, is then the whole convolution.
"""

import numpy as np

import dezero.functions as F
from dezero import Variable


def main() -> None:
    """The book's demo: two im2col shapes, then conv2d_simple forward and backward."""
    rng = np.random.default_rng(0)
    x1 = rng.random((1, 3, 7, 7))
    col1 = F.im2col(x1, kernel_size=5, stride=1, pad=0, to_matrix=True)
    print(col1.shape)

    x2 = rng.random((10, 3, 7, 7))  # 10 images
    kernel_size, stride, pad = (5, 5), (1, 1), (0, 0)
    col2 = F.im2col(x2, kernel_size, stride, pad, to_matrix=True)
    print(col2.shape)

    N, C, H, W = 1, 5, 15, 15
    OC, (KH, KW) = 8, (3, 3)
    x = Variable(rng.standard_normal((N, C, H, W)))
    W = rng.standard_normal((OC, C, KH, KW))
    y = F.conv2d_simple(x, W, b=None, stride=1, pad=1)
    y.backward()
    print(y.shape)
    print(x.grad.shape)


if __name__ == "__main__":
    main()
