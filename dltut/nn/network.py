"""A neural network: a stack of layers and a loss, with forward and backward passes.

The network computes gradients but never changes its parameters: an
optimizer from `dltut.optim` reads `param_grads()` after `train_batch` and
updates `params()` in place.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut.data import DEFAULT_SEED
from dltut.nn.layers import Layer
from dltut.nn.losses import Loss

__all__ = ["NeuralNetwork"]

FloatArray = NDArray[np.float64]


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


class NeuralNetwork:
    """A feed-forward network: layers applied in order, then a loss.

    Parameters
    ----------
    layers
        The layers, first to last, such as `[Dense(64, Tanh()), Dense(10)]`.
        Each is named "layer 1", "layer 2", ... in error messages.
    loss
        The loss, such as `SoftmaxCrossEntropy()`.
    seed
        Seed from which every layer gets its own generator for its
        weights and dropout masks. The same seed gives the same initial
        weights and the same masks.

    Raises
    ------
    TypeError, ValueError
        If `layers` is not a non-empty list of `Layer` objects, `loss` is
        not a `Loss` or `seed` is not a non-negative integer.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn.layers import Dense
    >>> from dltut.nn.losses import SoftmaxCrossEntropy
    >>> from dltut.nn.network import NeuralNetwork
    >>> from dltut.nn.operations import Tanh
    >>> network = NeuralNetwork([Dense(5, Tanh()), Dense(3)], SoftmaxCrossEntropy())
    >>> x, labels = np.ones((4, 2)), np.array([0, 1, 2, 0])
    >>> loss = network.train_batch(x, labels)
    >>> [grad.shape for grad in network.param_grads()]
    [(2, 5), (1, 5), (5, 3), (1, 3)]
    >>> network.predict(x).shape
    (4, 3)
    """

    def __init__(self, layers: list[Layer], loss: Loss, *, seed: int = DEFAULT_SEED) -> None:
        if not isinstance(layers, (list, tuple)) or not layers:
            raise TypeError(f"layers must be a non-empty list of Layer objects, got {layers!r}")
        for index, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layers[{index}] must be a Layer such as Dense(10), "
                    f"got {layer!r} of type {type(layer).__name__}"
                )
        if not isinstance(loss, Loss):
            raise TypeError(
                f"loss must be a Loss such as SoftmaxCrossEntropy(), "
                f"got {loss!r} of type {type(loss).__name__}"
            )
        self.seed = _check_seed(seed)
        self.layers = list(layers)
        self.loss = loss

        # One independent stream per layer, so that a layer's weights do not
        # depend on how many numbers the layers before it drew.
        children = np.random.SeedSequence(self.seed).spawn(len(self.layers))
        for number, (layer, child) in enumerate(zip(self.layers, children, strict=True), start=1):
            layer.name = f"layer {number}"
            layer.seed(np.random.default_rng(child))

    def __repr__(self) -> str:
        return f"NeuralNetwork({self.layers!r}, {self.loss!r}, seed={self.seed})"

    def forward(self, x: ArrayLike, *, training: bool = False) -> FloatArray:
        """Pass `x` through every layer and return the last layer's output.

        Parameters
        ----------
        x
            Inputs, shape (n, d).
        training
            True during training, which turns dropout on.

        Raises
        ------
        TypeError, ValueError
            If `x` is not real-valued or does not fit the first layer (the
            message names the layer and both shapes).
        """
        output = np.asarray(x)
        for layer in self.layers:
            output = layer.forward(output, training=training)
        return output

    def backward(self, loss_grad: ArrayLike) -> FloatArray:
        r"""Backpropagate $\partial L / \partial \hat Y$ through the layers, last to first.

        Every layer stores its parameter gradients on the way.

        Returns
        -------
        numpy.ndarray
            The gradient with respect to the network's input.

        Raises
        ------
        RuntimeError
            If `forward` has not been called yet.
        ValueError
            If `loss_grad`'s shape differs from the output's.
        """
        grad = np.asarray(loss_grad)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def train_batch(self, x: ArrayLike, y: ArrayLike) -> float:
        """Run forward (in training mode), the loss and backward on one batch, and return the loss.

        The parameters do not change: an optimizer's `step` updates them
        from `param_grads()` afterwards. Backward stops at the first
        layer's parameters (`Layer.backward_params`), because no update
        needs the gradient with respect to the data `x`.

        Parameters
        ----------
        x
            Inputs, shape (n, d).
        y
            Targets in the form the loss takes: for `SoftmaxCrossEntropy`,
            integer labels of shape (n,) or one-hot rows; for
            `MeanSquaredError`, values of the output's shape.

        Returns
        -------
        float
            The loss on this batch, with dropout on.

        Raises
        ------
        TypeError, ValueError
            If `x` or `y` is invalid, as `forward` and the loss describe.
        """
        prediction = self.forward(x, training=True)
        loss = self.loss.forward(prediction, y)

        grad = self.loss.backward()
        first, *rest = self.layers
        for layer in reversed(rest):
            grad = layer.backward(grad)
        first.backward_params(grad)
        return loss

    def params(self) -> list[FloatArray]:
        """Return the parameter arrays of all layers, first layer first, each weights then bias.

        The arrays are the ones the network computes with, so changing them
        in place changes the network. The list is empty before the first
        forward, which creates the parameters.
        """
        return [param for layer in self.layers for param in layer.params]

    def param_grads(self) -> list[FloatArray]:
        """Return the gradients from the last backward, in the order and shapes of `params()`.

        Raises
        ------
        RuntimeError
            If backward has not run since the parameters were created.
        """
        return [grad for layer in self.layers for grad in layer.param_grads]

    def predict(self, x: ArrayLike) -> FloatArray:
        """Return the network's output for `x`, with dropout off.

        For a classifier these are logits; `np.argmax(..., axis=1)` gives the
        predicted classes.
        """
        return self.forward(x, training=False)

    def loss_value(self, x: ArrayLike, y: ArrayLike) -> float:
        """Return the loss of the predictions for `x` against `y`, with dropout off."""
        return self.loss.forward(self.predict(x), y)
