"""The reference DeZero: the framework as it stands after step 60 of the course.

Public names and module paths follow the book's package, so code written for it runs here.
The package always runs on the full core (`dezero.core`: grads are Variables); the book's
simple core of steps 23-32 is the module `dezero.core_simple`, which steps 28 and 29 import
when `is_simple_core` is False, as it is here.
"""

is_simple_core = False  # the book's switch; the reference has the full core only

from dezero import (  # noqa: E402
    core_simple,
    cuda,
    dataloaders,
    datasets,
    functions,
    functions_conv,
    layers,
    models,
    optimizers,
    transforms,
    utils,
)
from dezero.core import (  # noqa: E402
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
from dezero.dataloaders import DataLoader, SeqDataLoader  # noqa: E402
from dezero.datasets import Dataset  # noqa: E402
from dezero.layers import Layer  # noqa: E402
from dezero.models import Model  # noqa: E402

cuda.Variable = Variable  # type: ignore[attr-defined]  # the official dezero.cuda re-exports it; core imports cuda

__all__ = [
    "Config",
    "DataLoader",
    "Dataset",
    "Function",
    "Layer",
    "Model",
    "Parameter",
    "SeqDataLoader",
    "Variable",
    "as_array",
    "as_variable",
    "core_simple",
    "cuda",
    "dataloaders",
    "datasets",
    "functions",
    "functions_conv",
    "is_simple_core",
    "layers",
    "models",
    "optimizers",
    "no_grad",
    "setup_variable",
    "test_mode",
    "transforms",
    "using_config",
    "utils",
]
__version__ = "0.0.13"

setup_variable()
