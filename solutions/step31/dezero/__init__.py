"""DeZero as a package (step 23): `from dezero import Variable` works from any script.

Changed in step 26: dezero.utils draws computational graphs.

The names of the book's step 23 package; importing it installs the operators on Variable.
"""

from dezero import utils  # noqa: E402  (added in step 26: get_dot_graph, plot_dot_graph)
from dezero.core_simple import (
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
