"""Step 54: dropout while training, the identity in test mode.

The book's demo: five ones through dropout, first in training (about half become 0, the
rest 2) and then inside `with test_mode():` (unchanged). Which elements drop is random;
this script seeds NumPy's global generator with 6, so it prints the same middle line every
run: the one the book shows, variable([2. 0. 2. 0. 0.]).
"""

import numpy as np

import dezero.functions as F
from dezero import test_mode


def main() -> None:
    np.random.seed(6)  # the mask comes from NumPy's global generator: seeded, it is the book's
    x = np.ones(5)
    print(x)

    y = F.dropout(x)  # training (the default): a random mask, the survivors scaled by 2
    print(y)

    with test_mode():  # testing (predicting): dropout lets x through unchanged
        y = F.dropout(x)
        print(y)


if __name__ == "__main__":
    main()
