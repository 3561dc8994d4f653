"""The reference DeZero: the framework as it stands after step 60 of the course.

Public names and module paths follow the book's package, so code written for it runs here.
"""

from dezero import cuda, functions, layers, models, optimizers, utils  # noqa: E402
from dezero.core import (
    Config,
    Function,
    Parameter,
    Variable,
    as_array,
    as_variable,
    no_grad,
    setup_variable,
    test_mode,
    using_config,
)
from dezero.layers import Layer  # noqa: E402
from dezero.models import Model  # noqa: E402

__all__ = [
    "Config",
    "Function",
    "Layer",
    "Model",
    "Parameter",
    "Variable",
    "as_array",
    "as_variable",
    "cuda",
    "functions",
    "layers",
    "models",
    "optimizers",
    "no_grad",
    "setup_variable",
    "test_mode",
    "using_config",
    "utils",
]
__version__ = "0.0.13"

setup_variable()
