"""Step 23: the code of steps 1-22 is now the dezero package; this script only imports it.

Run it from anywhere: the folder of this file comes first on the import path, so
`import dezero` finds the package beside it (steps/step23/dezero).
"""

import numpy as np

from dezero import Variable

if __name__ == "__main__":
    x = Variable(np.array(1.0))
    y = (x + 3) ** 2
    y.backward()

    print(y)
    print(x.grad)
