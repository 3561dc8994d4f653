"""DeZero as a package. Changed in step 32: the core is core.py, where grads are Variables.

Importing it installs the operators on Variable.
Changed in step 44: Parameter, and the layers module with Layer and Linear.
Changed in step 45: the models module with Model and MLP.
Changed in step 46: the optimizers module (SGD, MomentumSGD, AdaGrad, AdaDelta, Adam, hooks).
"""

# utils: step 26, functions: 34, layers: 44, models: 45, optimizers: 46
from dezero import functions, layers, models, optimizers, utils  # noqa: E402
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
from dezero.models import Model

__all__ = [
    "Function", "Layer", "Model", "Parameter", "Variable", "as_array", "as_variable", "functions",
    "layers", "models", "no_grad", "optimizers", "setup_variable", "using_config", "utils",
]
__version__ = "0.0.13"

setup_variable()
