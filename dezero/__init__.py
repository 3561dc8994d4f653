"""The reference DeZero: the framework as it stands after step 60 of the course.

Public names and module paths follow the book's package, so code written for it runs here.
"""

from dezero import (  # noqa: E402
    cuda,
    dataloaders,
    datasets,
    functions,
    layers,
    models,
    optimizers,
    transforms,
    utils,
)
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
from dezero.dataloaders import DataLoader, SeqDataLoader  # noqa: E402
from dezero.datasets import Dataset  # noqa: E402
from dezero.layers import Layer  # noqa: E402
from dezero.models import Model  # noqa: E402

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
    "cuda",
    "dataloaders",
    "datasets",
    "functions",
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
