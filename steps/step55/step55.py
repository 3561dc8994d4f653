"""Step 55: the output size of a convolution, from the sizes of input, kernel, stride and padding.

The book defines get_conv_outsize in this script; from step 56 on it also sits in
dezero.utils, where step 57's im2col and conv2d use it. One axis at a time: call it with
(H, KH, SH, PH) for the height and (W, KW, SW, PW) for the width.
"""


def get_conv_outsize(input_size: int, kernel_size: int, stride: int, pad: int) -> int:
    """Added in step 55: the output length of a convolution along one axis.

    It is the number of places the kernel fits on the input padded by pad on both sides,
    moving stride elements at a time from the first place.
    """
    # TODO(step55.1): Count the kernel's positions on the padded input, stepping by stride.
    raise NotImplementedError("TODO(step55.1): count the kernel's positions on the padded input, stepping by stride")
    # END TODO(step55.1)


def main() -> None:
    H, W = 4, 4  # input size
    KH, KW = 3, 3  # kernel size
    SH, SW = 1, 1  # stride (how far the kernel moves)
    PH, PW = 1, 1  # padding (zeros added on each side)
    OH = get_conv_outsize(H, KH, SH, PH)
    OW = get_conv_outsize(W, KW, SW, PW)
    print(OH, OW)


if __name__ == "__main__":
    main()
