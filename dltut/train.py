"""Mini-batch training: seeded batches, a training loop and its per-epoch history.

`Trainer.fit` runs the loop that every later page uses: for each epoch, ask
the optimizer for the epoch's learning rate, shuffle the training set into
batches, and for each batch run the network's forward and backward passes
(`train_batch`) and let the optimizer update the parameters (`step`). After
each epoch it measures the loss (and, for classifiers, the accuracy) on the
whole training and test sets.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array, as_real_array
from dltut.data import DEFAULT_SEED
from dltut.metrics import accuracy, class_indices, confusion_matrix
from dltut.optim import Optimizer, Trainable

__all__ = ["History", "Trainer", "accuracy", "batches", "confusion_matrix"]


def _check_count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def batches(
    x: ArrayLike, y: ArrayLike, batch_size: int, *, rng: np.random.Generator
) -> Iterator[tuple[NDArray[Any], NDArray[Any]]]:
    """Shuffle the examples with `rng` and yield them in batches of `batch_size`.

    Parameters
    ----------
    x
        Inputs, one row per example: shape (n, ...).
    y
        Targets, one row per example: shape (n, ...).
    batch_size
        Number of examples per batch. The last batch contains the remaining
        `n % batch_size` examples when that is not 0.
    rng
        Generator that draws the order. Each call draws a new order from
        it, so successive epochs see different orders, and the same seed
        gives the same orders.

    Yields
    ------
    tuple of numpy.ndarray
        `(x_batch, y_batch)`. Each example appears in exactly one batch.

    Raises
    ------
    TypeError
        If `batch_size` is not an integer or `rng` is not a NumPy Generator.
    ValueError
        If `batch_size` is less than 1, `x` or `y` is 0-d or empty, or their
        numbers of rows differ.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.train import batches
    >>> x, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> rng = np.random.default_rng(0)
    >>> [len(y_batch) for _, y_batch in batches(x, y, 2, rng=rng)]
    [2, 2, 1]
    """
    # The checks run here, before the generator body, so that bad arguments
    # fail at the call and not at the first `next`.
    size = _check_count(batch_size, "batch_size")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator such as np.random.default_rng(0), got {rng!r}"
        )
    inputs = as_real_array(x, "x")
    targets = as_real_array(y, "y")
    if inputs.ndim == 0 or targets.ndim == 0 or len(inputs) != len(targets):
        raise ValueError(
            f"x has shape {inputs.shape} but y has shape {targets.shape}; "
            "both need the same number of rows, one per example"
        )
    if len(inputs) == 0:
        raise ValueError(f"x and y must contain at least one example, got shape {inputs.shape}")
    order = rng.permutation(len(inputs))
    return _batches_in_order(inputs, targets, order, size)


def _batches_in_order(
    inputs: NDArray[Any], targets: NDArray[Any], order: NDArray[np.intp], size: int
) -> Iterator[tuple[NDArray[Any], NDArray[Any]]]:
    for start in range(0, len(order), size):
        chosen = order[start : start + size]
        yield inputs[chosen], targets[chosen]


@dataclass
class History:
    """Measurements after each epoch of `Trainer.fit`, one list entry per epoch.

    Losses are measured on the whole set with training behaviour such as
    dropout off. Accuracies are fractions between 0 and 1, and NaN when the
    network is not a classifier; test values are NaN without a test set.
    `learning_rate` is the rate the optimizer used in the epoch.

    Examples
    --------
    >>> from dltut.train import History
    >>> history = History()
    >>> history.train_loss
    []
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)


def _is_classifier(network: Trainable) -> bool:
    """Return whether the network's loss is `SoftmaxCrossEntropy`, so accuracy is defined."""
    # Imported here so that this module does not need dltut.nn to be imported.
    from dltut.nn import SoftmaxCrossEntropy

    return isinstance(network.loss, SoftmaxCrossEntropy)


def _format_rate(rate: float) -> str:
    # Four decimals show rates down to 0.001 well; smaller ones need an exponent.
    return f"{rate:.4f}" if rate >= 1e-3 else f"{rate:.3e}"


class Trainer:
    """Train a network with an optimizer, one epoch at a time.

    Parameters
    ----------
    network
        The network, for example a `dltut.nn.NeuralNetwork`.
    optimizer
        The optimizer that updates the network's parameters, such as
        `dltut.optim.SGDMomentum`.

    Raises
    ------
    TypeError
        If `network` lacks a member of `dltut.optim.Trainable` or
        `optimizer` is not an `Optimizer`.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn import Dense, MeanSquaredError, NeuralNetwork
    >>> from dltut.optim import SGD
    >>> from dltut.train import Trainer
    >>> x = np.linspace(-1, 1, 8).reshape(-1, 1)
    >>> network = NeuralNetwork([Dense(1)], MeanSquaredError())
    >>> history = Trainer(network, SGD(0.1)).fit(x, 3 * x, epochs=3, verbose=False)
    >>> len(history.train_loss)
    3
    >>> bool(history.train_loss[-1] < history.train_loss[0])
    True
    """

    def __init__(self, network: Trainable, optimizer: Optimizer) -> None:
        if not isinstance(network, Trainable):
            raise TypeError(
                "network must have loss, params, param_grads, train_batch, predict and "
                f"loss_value like dltut.nn.NeuralNetwork, got {type(network).__name__}"
            )
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"optimizer must be a dltut.optim.Optimizer such as SGD, got {optimizer!r}"
            )
        self.network = network
        self.optimizer = optimizer

    def fit(
        self,
        x_train: ArrayLike,
        y_train: ArrayLike,
        *,
        epochs: int,
        batch_size: int = 32,
        x_test: ArrayLike | None = None,
        y_test: ArrayLike | None = None,
        seed: int = DEFAULT_SEED,
        verbose: bool = True,
    ) -> History:
        """Train for `epochs` epochs of mini-batch updates and return what was measured.

        Parameters
        ----------
        x_train, y_train
            Training inputs, shape (n, d), and targets: class labels of
            shape (n,) or one-hot rows for a classifier, values of shape
            (n,) or (n, k) otherwise.
        epochs
            Number of passes over the training set.
        batch_size
            Number of examples per update.
        x_test, y_test
            Optional test set, both or neither, measured after each epoch.
        seed
            Seed of the batch order. Together with the network's seed it
            fixes the result: the same seeds and data give the same weights.
        verbose
            Print one line per epoch, such as
            `epoch  3/20  loss 0.1234  train acc 97.10%  test acc 96.39%  lr 0.0500`.
            Classifiers show accuracies, other networks the test loss. The
            lines contain no times, so repeated runs print the same text.

        Returns
        -------
        History
            One entry per epoch in each list.

        Raises
        ------
        TypeError, ValueError
            If `epochs` or `batch_size` is not a positive integer, only one
            of `x_test` and `y_test` is given, `x` is not 2-d, `x` and `y`
            have different numbers of rows, or, for a classifier, a label is
            not a whole number in `[0, classes)`.
        """
        epoch_count = _check_count(epochs, "epochs")
        size = _check_count(batch_size, "batch_size")
        if (x_test is None) != (y_test is None):
            raise ValueError("x_test and y_test must be given together, or neither")
        train_set = self._check_set(x_train, y_train, "x_train", "y_train")
        test_set = None
        if x_test is not None and y_test is not None:
            test_set = self._check_set(x_test, y_test, "x_test", "y_test")
        classifier = _is_classifier(self.network)
        if classifier:
            # One prediction gives the number of classes, so that a bad label
            # fails now and not in the middle of training.
            n_classes = self.network.predict(train_set[0][:1]).shape[1]
            class_indices(train_set[1], n_classes, "y_train")
            if test_set is not None:
                class_indices(test_set[1], n_classes, "y_test")

        rng = np.random.default_rng(seed)
        history = History()
        for epoch in range(epoch_count):
            self.optimizer.start_epoch(epoch)
            for x_batch, y_batch in batches(*train_set, size, rng=rng):
                self.network.train_batch(x_batch, y_batch)
                self.optimizer.step(self.network)
            self._record(history, train_set, test_set, classifier)
            if verbose:
                line = self._progress_line(
                    history, epoch, epoch_count, classifier, has_test=test_set is not None
                )
                print(line)
        return history

    @staticmethod
    def _check_set(
        x: ArrayLike, y: ArrayLike, x_name: str, y_name: str
    ) -> tuple[NDArray[Any], NDArray[Any]]:
        inputs = as_float_array(x, x_name)
        targets = as_real_array(y, y_name)
        if inputs.ndim != 2:
            raise ValueError(f"{x_name} must be 2-d (examples, features), got shape {inputs.shape}")
        if targets.ndim == 0 or len(targets) != len(inputs):
            raise ValueError(
                f"{x_name} has shape {inputs.shape} but {y_name} has shape {targets.shape}; "
                "both need one row per example"
            )
        if len(inputs) == 0:
            raise ValueError(f"{x_name} must contain at least one example, got shape (0, ...)")
        return inputs, targets

    def _record(
        self,
        history: History,
        train_set: tuple[NDArray[Any], NDArray[Any]],
        test_set: tuple[NDArray[Any], NDArray[Any]] | None,
        classifier: bool,
    ) -> None:
        network = self.network
        history.learning_rate.append(self.optimizer.learning_rate)
        history.train_loss.append(float(network.loss_value(*train_set)))
        history.train_accuracy.append(accuracy(network, *train_set) if classifier else math.nan)
        if test_set is None:
            history.test_loss.append(math.nan)
            history.test_accuracy.append(math.nan)
            return
        history.test_loss.append(float(network.loss_value(*test_set)))
        history.test_accuracy.append(accuracy(network, *test_set) if classifier else math.nan)

    @staticmethod
    def _progress_line(
        history: History, epoch: int, epochs: int, classifier: bool, *, has_test: bool
    ) -> str:
        width = len(str(epochs))
        parts = [f"epoch {epoch + 1:>{width}}/{epochs}", f"loss {history.train_loss[-1]:.4f}"]
        if classifier:
            parts.append(f"train acc {100 * history.train_accuracy[-1]:.2f}%")
            if has_test:
                parts.append(f"test acc {100 * history.test_accuracy[-1]:.2f}%")
        elif has_test:
            parts.append(f"test loss {history.test_loss[-1]:.4f}")
        parts.append(f"lr {_format_rate(history.learning_rate[-1])}")
        return "  ".join(parts)
