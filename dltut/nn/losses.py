r"""Losses: a number that measures how far a network's predictions are from the targets.

A loss's `forward(prediction, target)` returns the loss $L$ and stores what
`backward()` needs to return $\partial L / \partial \hat Y$, the gradient
with respect to the prediction, where backpropagation through the network
starts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array, as_real_array
from dltut.logits import log_softmax

__all__ = ["Loss", "MeanSquaredError", "SoftmaxCrossEntropy"]

FloatArray = NDArray[np.float64]


class Loss:
    """Base class of losses: stores prediction and target in `forward` for `backward`.

    Subclasses implement `_prepare_target(prediction, target)`, which checks
    and converts the target, `_loss()` and `_prediction_grad()`.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn import MeanSquaredError
    >>> loss = MeanSquaredError()
    >>> loss.forward(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
    2.5
    >>> loss.backward()
    array([[1.],
           [2.]])
    """

    def __init__(self) -> None:
        self.prediction: FloatArray | None = None
        self.target: FloatArray | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def forward(self, prediction: ArrayLike, target: ArrayLike) -> float:
        """Compute the loss of `prediction` against `target`, and store both for `backward`.

        Parameters
        ----------
        prediction
            The network's output, a 2-d array (n, k).
        target
            What the network should output, in the form the subclass documents.

        Returns
        -------
        float
            The loss, averaged over the examples.

        Raises
        ------
        TypeError
            If an argument is not real-valued.
        ValueError
            If the shapes do not fit together (both are named) or the target
            is invalid.
        """
        array = as_float_array(prediction, "prediction").astype(np.float64, copy=False)
        if array.ndim != 2 or array.size == 0:
            raise ValueError(
                f"prediction must be 2-d, shape (examples, outputs), and not empty, "
                f"got shape {array.shape}"
            )
        self.target = self._prepare_target(array, target)
        self.prediction = array
        return self._loss()

    def backward(self) -> FloatArray:
        r"""Return $\partial L / \partial \hat Y$ for the last `forward`, of the prediction's shape.

        Raises
        ------
        RuntimeError
            If `forward` has not been called yet.
        """
        if self.prediction is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward called before forward; "
                "call forward(prediction, target) first"
            )
        return self._prediction_grad()

    def _stored(self) -> tuple[FloatArray, FloatArray]:
        if self.prediction is None or self.target is None:
            raise RuntimeError(f"{type(self).__name__} has no prediction yet; call forward first")
        return self.prediction, self.target

    def _prepare_target(self, prediction: FloatArray, target: ArrayLike) -> FloatArray:
        raise NotImplementedError(f"{type(self).__name__} must implement _prepare_target")

    def _loss(self) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement _loss")

    def _prediction_grad(self) -> FloatArray:
        raise NotImplementedError(f"{type(self).__name__} must implement _prediction_grad")


class MeanSquaredError(Loss):
    r"""The mean squared error over all entries, for regression.

    The target has the prediction's shape (n, k); for one output, k = 1, a
    1-d target of shape (n,) is accepted too.

    Notes
    -----
    For a prediction $\hat Y$ and target $Y$ with $N = nk$ entries,

    $$L = \frac{1}{N} \sum_{i,j} (\hat Y_{ij} - Y_{ij})^2, \qquad
    \frac{\partial L}{\partial \hat Y} = \frac{2}{N} (\hat Y - Y).$$

    Predictions so far from the target that the square overflows float64
    (differences above about 1e154) give an infinite loss, without a warning.

    Examples
    --------
    >>> from dltut.nn.losses import MeanSquaredError
    >>> loss = MeanSquaredError()
    >>> loss.forward([[1.0], [3.0]], [0.0, 1.0])  # (1 + 4) / 2
    2.5
    >>> loss.backward()  # 2 (prediction - target) / 2
    array([[1.],
           [2.]])
    """

    def _prepare_target(self, prediction: FloatArray, target: ArrayLike) -> FloatArray:
        array = as_float_array(target, "target").astype(np.float64, copy=False)
        if array.shape == prediction.shape[:1] and prediction.shape[1] == 1:
            array = array.reshape(-1, 1)
        if array.shape != prediction.shape:
            raise ValueError(
                f"prediction has shape {prediction.shape} but target has shape {array.shape}; "
                "target must have the prediction's shape, or shape (n,) for one output"
            )
        return array

    def _loss(self) -> float:
        prediction, target = self._stored()
        # A diverging model can overflow the square; inf is then the honest loss.
        with np.errstate(over="ignore"):
            return float(np.mean((prediction - target) ** 2))

    def _prediction_grad(self) -> FloatArray:
        prediction, target = self._stored()
        return 2.0 * (prediction - target) / prediction.size


def _labels_to_one_hot(labels: NDArray[Any], n_classes: int) -> FloatArray:
    if labels.dtype.kind in "iu":
        # Integer labels need only a range check, which two reductions do.
        is_valid = labels.min() >= 0 and labels.max() < n_classes
    else:
        is_valid = bool(np.all((labels == np.round(labels)) & (labels >= 0) & (labels < n_classes)))
    if not is_valid:
        whole = labels == np.round(labels)
        in_range = whole & (labels >= 0) & (labels < n_classes)
        bad = np.unique(labels[~in_range])
        listed = ", ".join(f"{value:g}" for value in bad[:10])
        more = f" and {bad.size - 10} more" if bad.size > 10 else ""
        raise ValueError(
            f"labels must be integers in [0, {n_classes}) for {n_classes} classes "
            f"(the logits' columns), got {listed}{more}"
        )
    one_hot = np.zeros((labels.size, n_classes))
    one_hot[np.arange(labels.size), labels.astype(np.int64)] = 1.0
    return one_hot


class SoftmaxCrossEntropy(Loss):
    r"""Softmax followed by the cross-entropy, for classification with c classes.

    `forward(logits, target)` takes logits of shape (n, c), the network's
    raw scores, and as target either integer labels of shape (n,) in
    [0, c) or one-hot rows of shape (n, c). Raises `ValueError` for labels
    that are out of range or not whole numbers (naming them and c), and for
    one-hot rows that are not all zeros but a single 1.

    Notes
    -----
    With $p = \operatorname{softmax}(z_i)$ for the logits $z_i$ of example
    $i$ and its label $y_i$,

    $$L = -\frac{1}{n} \sum_{i=1}^{n} \log \operatorname{softmax}(z_i)_{y_i},
    \qquad \frac{\partial L}{\partial z_i} = \frac{p_i - e_{y_i}}{n},$$

    where $e_{y_i}$ is the one-hot row of the label. The log-probabilities
    come from `dltut.logits.log_softmax`, never from `np.log(softmax(z))`,
    so a confident wrong prediction gives a large finite loss: logits
    [1000, -1000] with label 1 give 2000, where the softmax route gives
    `log(0) = -inf`.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn.losses import SoftmaxCrossEntropy
    >>> loss = SoftmaxCrossEntropy()
    >>> round(loss.forward(np.zeros((2, 4)), [0, 3]), 4)  # log 4
    1.3863
    >>> loss.backward()  # (1/4 - one-hot) / 2
    array([[-0.375,  0.125,  0.125,  0.125],
           [ 0.125,  0.125,  0.125, -0.375]])
    >>> loss.forward([[1000.0, -1000.0]], [1])
    2000.0
    """

    def __init__(self) -> None:
        super().__init__()
        self._log_probabilities: NDArray[np.floating[Any]] | None = None

    def _prepare_target(self, prediction: FloatArray, target: ArrayLike) -> FloatArray:
        self._log_probabilities = None
        n, n_classes = prediction.shape
        labels = as_real_array(target, "target")
        if labels.shape == (n,):
            return _labels_to_one_hot(labels, n_classes)

        array = labels.astype(np.float64, copy=False)
        if array.shape == prediction.shape:
            is_binary = np.all((array == 0.0) | (array == 1.0))
            if not (is_binary and np.all(np.sum(array, axis=1) == 1.0)):
                raise ValueError(
                    "a target of the logits' shape must be one-hot: each row all zeros "
                    "but a single 1; pass integer labels of shape (n,) otherwise"
                )
            return array
        raise ValueError(
            f"logits have shape {prediction.shape} but target has shape {array.shape}; "
            f"target must be labels of shape ({n},) or one-hot rows of shape {prediction.shape}"
        )

    def _loss(self) -> float:
        logits, one_hot = self._stored()
        log_probabilities = log_softmax(logits, axis=1)
        # Kept for the gradient, whose softmax is exp of these.
        self._log_probabilities = log_probabilities
        # Multiplying by the one-hot rows would turn 0 * (-inf) into NaN for a
        # -inf log-probability, so the label's entry is picked out instead.
        picked = log_probabilities[one_hot == 1.0]
        return float(-np.sum(picked) / logits.shape[0])

    def _prediction_grad(self) -> FloatArray:
        logits, one_hot = self._stored()
        if self._log_probabilities is None:
            self._log_probabilities = log_softmax(logits, axis=1)
        probabilities: FloatArray = np.exp(self._log_probabilities)
        probabilities -= one_hot
        probabilities /= logits.shape[0]
        return probabilities
