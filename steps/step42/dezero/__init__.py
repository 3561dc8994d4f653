"""DeZero as a package. Changed in step 32: the core is core.py, where grads are Variables.

Importing it installs the operators on Variable.
"""

from dezero import functions, utils  # noqa: E402  (utils added in step 26, functions in step 34)
from dezero.core import (
    Function,
    Variable,
    as_array,
    as_variable,
    no_grad,
    setup_variable,
    using_config,
)

__all__ = [
    "Function", "Variable", "as_array", "as_variable", "functions", "no_grad", "setup_variable",
    "using_config", "utils",
]
__version__ = "0.0.13"

setup_variable()
