"""Models: a Layer that stands for a whole network (the book's dezero.models). Added in step 45."""

import dezero.functions as F
import dezero.layers as L
from dezero import utils
from dezero.layers import Layer


class Model(Layer):
    """Added in step 45: the Layer a network is written as; it can also draw itself."""

    def plot(self, *inputs, to_file: str = "model.png"):
        """Draw the graph of one forward pass on inputs into to_file (needs Graphviz's dot)."""
        y = self.forward(*inputs)
        return utils.plot_dot_graph(y, verbose=True, to_file=to_file)


class MLP(Model):
    """Added in step 45: a multi-layer perceptron, Linear layers l0, l1, ... with an activation between.

    MLP((10, 1)) is the net of step 44: Linear(10), sigmoid, Linear(1).
    """

    def __init__(self, fc_output_sizes: tuple, activation=F.sigmoid) -> None:
        super().__init__()
        self.activation = activation
        self.layers = []
        # SOLUTION(step45.3): Make a Linear layer per output size, as attributes l0, l1, ...
        for i, out_size in enumerate(fc_output_sizes):
            layer = L.Linear(out_size)
            setattr(self, "l" + str(i), layer)
            self.layers.append(layer)
        # END SOLUTION

    def forward(self, x):
        """The layers in order, the activation after every layer but the last."""
        # SOLUTION(step45.4): Apply the layers in order, with the activation after all but the last.
        for layer in self.layers[:-1]:
            x = self.activation(layer(x))
        return self.layers[-1](x)
        # END SOLUTION
