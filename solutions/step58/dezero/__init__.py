"""DeZero as a package. Changed in step 32: the core is core.py, where grads are Variables.

Importing it installs the operators on Variable.
Changed in step 44: Parameter, and the layers module with Layer and Linear.
Changed in step 45: the models module with Model and MLP.
Changed in step 46: the optimizers module (SGD, MomentumSGD, AdaGrad, AdaDelta, Adam, hooks).
Changed in step 48: the datasets module (get_spiral). Changed in step 49: Dataset.
Changed in step 50: the dataloaders module (DataLoader).
Changed in step 51: the transforms module. Changed in step 52: the cuda module.
Changed in step 53: Layer.save_weights and Layer.load_weights (in layers).
Changed in step 54: Config.train and test_mode (and F.dropout).
Changed in step 56: utils.get_conv_outsize (step 55's) and utils.pair.
Changed in step 57: the functions_conv module (conv2d, pooling, ...) and layers.Conv2d.
Changed in step 58: models.VGG16.
"""

# utils: step 26, functions: 34, layers: 44, models: 45, optimizers: 46, datasets: 48,
# dataloaders: 50, transforms: 51, cuda: 52, functions_conv: 57
from dezero import (  # noqa: E402
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
from dezero.dataloaders import DataLoader
from dezero.datasets import Dataset
from dezero.layers import Layer
from dezero.models import Model

__all__ = [
    "Config", "DataLoader", "Dataset", "Function", "Layer", "Model", "Parameter", "Variable", "as_array",
    "as_variable", "cuda", "dataloaders", "datasets", "functions", "functions_conv", "layers", "models",
    "no_grad", "optimizers", "setup_variable", "test_mode", "transforms", "using_config", "utils",
]
__version__ = "0.0.13"

setup_variable()
