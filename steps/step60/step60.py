"""Step 60: an LSTM learns the noisy sine wave from mini-batches of parallel sequences.

SeqDataLoader reads the series at batch_size offsets at once (for 30: positions 0, 33,
66, ...), so each row of a batch continues its own stretch of the series. The LSTM keeps
one state per row. As in step 59 the loss is backpropagated and cut every 30 steps.

The book's run: 100 epochs (a few seconds). SinCurve is seeded, so runs repeat exactly.
"""

import numpy as np

import dezero
import dezero.functions as F
import dezero.layers as L
from dezero import Model, SeqDataLoader, optimizers


class BetterRNN(Model):
    """An LSTM layer (hidden_size wide) and a Linear layer that reads out the prediction."""

    def __init__(self, hidden_size: int, out_size: int) -> None:
        super().__init__()
        self.rnn = L.LSTM(hidden_size)
        self.fc = L.Linear(out_size)

    def reset_state(self) -> None:
        self.rnn.reset_state()

    def forward(self, x):
        y = self.rnn(x)
        y = self.fc(y)
        return y


def train(model, optimizer, loader, max_epoch: int, bptt_length: int = 30) -> list[float]:
    """Train on the loader's batches in order; returns the mean loss of each epoch.

    The loss is summed over bptt_length batches (and over what is left at the end of an
    epoch), backpropagated, cut with unchain_backward, and the parameters are updated.
    """
    losses = []
    for epoch in range(max_epoch):
        model.reset_state()
        loss, count = 0, 0
        for x, t in loader:
            y = model(x)
            loss += F.mean_squared_error(y, t)
            count += 1
            if count % bptt_length == 0 or count == loader.max_iter:
                model.cleargrads()
                loss.backward()
                loss.unchain_backward()
                optimizer.update()
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


def main(max_epoch: int = 100, batch_size: int = 30, hidden_size: int = 100,
         bptt_length: int = 30) -> list[float]:
    """Train as the book does, then predict cos on [0, 4 pi] and plot it if matplotlib is there."""
    np.random.seed(0)  # the initial weights
    train_set = dezero.datasets.SinCurve(train=True)
    loader = SeqDataLoader(train_set, batch_size=batch_size)
    model = BetterRNN(hidden_size, 1)
    optimizer = optimizers.Adam().setup(model)
    losses = train(model, optimizer, loader, max_epoch, bptt_length)

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
