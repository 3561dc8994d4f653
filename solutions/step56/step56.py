"""Step 56: convolution by the numbers, an exercise on the theory of the book's step 56.

The book's step 56 has no code: it explains convolution over channels, with many filters
and on a mini-batch, and pooling. Here you predict, without running a convolution, the
shapes that conv2d and pooling make and where each input element lands in the im2col
matrix that step 57 builds. Shapes follow DeZero: a batch x is (N, C, H, W), the filters W
of a convolution are (OC, C, KH, KW); kernel_size, stride and pad are an int or a pair
(height, width). get_conv_outsize is step 55's, now in dezero.utils.
"""

import numpy as np

from dezero.utils import get_conv_outsize, pair


def conv_output_shape(x_shape: tuple, W_shape: tuple, stride=1, pad=0) -> tuple:
    """(N, OC, OH, OW): the shape of conv2d(x, W, stride=stride, pad=pad) for these shapes.

    A ValueError naming both shapes when x and W do not agree on the number of channels C.
    """
    (SH, SW), (PH, PW) = pair(stride), pair(pad)
    # SOLUTION(step56.1): Check that x and W have the same C; return (N, OC, OH, OW).
    N, C, H, W = x_shape
    OC, WC, KH, KW = W_shape
    if C != WC:
        raise ValueError(f"x {x_shape} has {C} channels but the filters {W_shape} have {WC}")
    return N, OC, get_conv_outsize(H, KH, SH, PH), get_conv_outsize(W, KW, SW, PW)
    # END SOLUTION


def pooling_output_shape(x_shape: tuple, kernel_size, stride=1, pad=0) -> tuple:
    """(N, C, OH, OW): the shape of pooling(x, kernel_size, stride, pad) for x of x_shape."""
    (KH, KW), (SH, SW), (PH, PW) = pair(kernel_size), pair(stride), pair(pad)
    # SOLUTION(step56.2): Return the pooling's output shape: each channel is pooled alone.
    N, C, H, W = x_shape
    return N, C, get_conv_outsize(H, KH, SH, PH), get_conv_outsize(W, KW, SW, PW)
    # END SOLUTION


def im2col_shape(x_shape: tuple, kernel_size, stride=1, pad=0) -> tuple:
    """The shape of im2col(x, kernel_size, stride, pad): one row per kernel position and image."""
    (KH, KW), (SH, SW), (PH, PW) = pair(kernel_size), pair(stride), pair(pad)
    # SOLUTION(step56.3): Return (rows, columns): a row per position per image, a column per weight.
    N, C, H, W = x_shape
    OH, OW = get_conv_outsize(H, KH, SH, PH), get_conv_outsize(W, KW, SW, PW)
    return N * OH * OW, C * KH * KW
    # END SOLUTION


def im2col_source(x_shape: tuple, kernel_size, stride, pad, row: int, col: int):
    """The index (n, c, h, w) of x that im2col puts at [row, col], or None where it is padding.

    Rows run over the images, then the output rows and columns (n, oh, ow, the last fastest);
    columns run over the channels, then the kernel's rows and columns (c, kh, kw), as in the
    flattened filter W[oc].
    """
    (KH, KW), (SH, SW), (PH, PW) = pair(kernel_size), pair(stride), pair(pad)
    N, C, H, W = x_shape
    OH, OW = get_conv_outsize(H, KH, SH, PH), get_conv_outsize(W, KW, SW, PW)
    # SOLUTION(step56.4): Split row into (n, oh, ow) and col into (c, kh, kw); map to x's (h, w).
    n, oh, ow = np.unravel_index(row, (N, OH, OW))
    c, kh, kw = np.unravel_index(col, (C, KH, KW))
    h, w = oh * SH + kh - PH, ow * SW + kw - PW
    if not (0 <= h < H and 0 <= w < W):
        return None
    return int(n), int(c), int(h), int(w)
    # END SOLUTION


def numbered_im2col(x_shape: tuple, kernel_size, stride=1, pad=0) -> np.ndarray:
    """The im2col matrix of an x holding 1, 2, 3, ... in order, built from im2col_source (0: padding)."""
    rows, cols = im2col_shape(x_shape, kernel_size, stride, pad)
    table = np.zeros((rows, cols), dtype=int)
    for r in range(rows):
        for k in range(cols):
            source = im2col_source(x_shape, kernel_size, stride, pad, r, k)
            table[r, k] = 0 if source is None else np.ravel_multi_index(source, x_shape) + 1
    return table


def main() -> None:
    print("conv2d, x (1, 5, 15, 15), W (8, 5, 3, 3), pad 1:",
          conv_output_shape((1, 5, 15, 15), (8, 5, 3, 3), stride=1, pad=1))
    print("pooling 2x2, stride 2, x (1, 8, 15, 15):", pooling_output_shape((1, 8, 15, 15), 2, stride=2))
    print("im2col, x (1, 3, 7, 7), kernel 5:", im2col_shape((1, 3, 7, 7), 5))
    print("im2col, x (10, 3, 7, 7), kernel 5:", im2col_shape((10, 3, 7, 7), 5))
    print("im2col of x (1, 1, 3, 3) holding 1 to 9, kernel 2:")
    print(numbered_im2col((1, 1, 3, 3), 2))
    print("the same with stride 2 and pad 1 (0 is padding):")
    print(numbered_im2col((1, 1, 3, 3), 2, stride=2, pad=1))


if __name__ == "__main__":
    main()
