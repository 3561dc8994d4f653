"""DeZero as a package. Changed in step 32: the core is core.py, where grads are Variables.

Importing it installs the operators on Variable.
Changed in step 44: Parameter, and the layers module with Layer and Linear.
"""

from dezero import functions, layers, utils  # noqa: E402  (utils: step 26, functions: 34, layers: 44)
from dezero.core import (
    Function,
    Parameter,
    Variable,
    as_array,
    as_variable,
    no_grad,
    setup_variable,
    using_config,
)
from dezero.layers import Layer

__all__ = [
    "Function", "Layer", "Parameter", "Variable", "as_array", "as_variable", "functions", "layers",
    "no_grad", "setup_variable", "using_config", "utils",
]
__version__ = "0.0.13"

setup_variable()
