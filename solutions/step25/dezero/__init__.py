"""DeZero as a package (step 23): `from dezero import Variable` works from any script.

The names of the book's step 23 package; importing it installs the operators on Variable.
"""

from dezero.core_simple import (
    Function,
    Variable,
    as_array,
    as_variable,
    no_grad,
    setup_variable,
    using_config,
)

__all__ = ["Function", "Variable", "as_array", "as_variable", "no_grad", "setup_variable", "using_config"]
__version__ = "0.0.13"

setup_variable()
