"""Step 1: a variable is a box that holds data."""

import numpy as np


class Variable:
    """A box around an ndarray, kept in the attribute `data`.

    Added in step 1: later steps give the box a gradient and a creator.
    """

    def __init__(self, data: np.ndarray) -> None:
        # TODO(step01.1): Keep the given data in the attribute data.
        raise NotImplementedError("TODO(step01.1): keep the given data in the attribute data")
        # END TODO(step01.1)


if __name__ == "__main__":
    data = np.array(1.0)
    x = Variable(data)
    print(x.data)

    x.data = np.array(2.0)
    print(x.data)
