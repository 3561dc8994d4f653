"""Step 59: a recurrent network learns to continue a noisy sine wave.

The model reads the series one value at a time and predicts the next one. Its loss is
summed over 30 steps, then backpropagated, then the graph is cut (truncated BPTT): the
hidden state carries on, but the next backward stops there.

The book trains for 100 epochs (about 13 s); the demo trains for 30 by default (say
main(max_epoch=100) for the book's run). SinCurve is seeded, so runs repeat exactly.
"""

import numpy as np

import dezero
import dezero.functions as F
import dezero.layers as L
from dezero import Model, optimizers


class SimpleRNN(Model):
    """An RNN layer (tanh, hidden_size wide) and a Linear layer that reads out the prediction."""

    def __init__(self, hidden_size: int, out_size: int) -> None:
        super().__init__()
        self.rnn = L.RNN(hidden_size)
        self.fc = L.Linear(out_size)

    def reset_state(self) -> None:
        self.rnn.reset_state()

    def forward(self, x):
        h = self.rnn(x)
        y = self.fc(h)
        return y


def train(model, optimizer, dataset, max_epoch: int, bptt_length: int = 30) -> list[float]:
    """Train on the series in order, one value at a time; returns the mean loss of each epoch.

    The loss is summed over bptt_length steps (and over what is left at the end of the
    series), backpropagated, cut with unchain_backward, and the parameters are updated.
    """
    seqlen = len(dataset)
    losses = []
    for epoch in range(max_epoch):
        model.reset_state()
        loss, count = 0, 0
        for x, t in dataset:
            x = x.reshape(1, 1)
            y = model(x)
            loss += F.mean_squared_error(y, t)
            count += 1
            # SOLUTION(step59.6): Every bptt_length steps and at the end: backprop, cut, update.
            if count % bptt_length == 0 or count == seqlen:
                model.cleargrads()
                loss.backward()
                loss.unchain_backward()
                optimizer.update()
            # END SOLUTION
        avg_loss = loss.data.item() / count
        losses.append(avg_loss)
        print(f"| epoch {epoch + 1} | loss {avg_loss:.6f}")
    return losses


def predict(model, xs: np.ndarray) -> list[float]:
    """The model's one-step-ahead predictions along xs, with the state reset first."""
    model.reset_state()
    pred = []
    with dezero.no_grad():
        for x in xs:
            y = model(np.array(x).reshape(1, 1))
            pred.append(y.data.item())  # y is (1, 1): float() of it fails on numpy 2
    return pred


def main(max_epoch: int = 30, hidden_size: int = 100, bptt_length: int = 30) -> list[float]:
    """Train as the book does (fewer epochs by default), then predict cos on [0, 4 pi]."""
    np.random.seed(0)  # the initial weights
    train_set = dezero.datasets.SinCurve(train=True)
    model = SimpleRNN(hidden_size, 1)
    optimizer = optimizers.Adam().setup(model)
    losses = train(model, optimizer, train_set, max_epoch, bptt_length)

    xs = np.cos(np.linspace(0, 4 * np.pi, 1000))
    pred = predict(model, xs)
    error = np.mean((np.array(pred[:-1]) - xs[1:]) ** 2)
    print(f"mean squared error of the next-value prediction on cos: {error:.6f}")
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib is not installed: no plot)")
        return losses
    plt.plot(np.arange(len(xs)), xs, label="y=cos(x)")
    plt.plot(np.arange(len(xs)), pred, label="predict")
    plt.xlabel("x")
    plt.ylabel("y")
    plt.legend()
    plt.show()
    return losses


if __name__ == "__main__":
    main()
