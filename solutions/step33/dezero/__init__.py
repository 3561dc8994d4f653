"""DeZero as a package. Changed in step 32: the core is core.py, where grads are Variables.

Importing it installs the operators on Variable.
"""

from dezero import utils  # noqa: E402  (added in step 26: get_dot_graph, plot_dot_graph)
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
    "Function", "Variable", "as_array", "as_variable", "no_grad", "setup_variable", "using_config", "utils",
]
__version__ = "0.0.13"

setup_variable()
