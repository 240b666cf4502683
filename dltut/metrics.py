"""Classification metrics: accuracy and the confusion matrix."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut.optim import Trainable

__all__ = ["accuracy", "class_indices", "confusion_matrix"]


def class_indices(labels: ArrayLike, n_classes: int, name: str = "labels") -> NDArray[np.int64]:
    """Convert integer labels of shape (n,) or one-hot rows of shape (n, c) to class indices.

    Parameters
    ----------
    labels
        Whole numbers in `[0, n_classes)`, shape (n,), or one-hot rows of
        shape (n, n_classes), whose indices are the columns of the ones.
    n_classes
        Number of classes.
    name
        Name of the argument in error messages.

    Returns
    -------
    numpy.ndarray
        int64 array of shape (n,).

    Raises
    ------
    TypeError
        If `labels` is not numeric or `n_classes` is not an integer.
    ValueError
        If `labels` has another shape, a label is not a whole number in
        `[0, n_classes)`, or a one-hot row does not contain exactly one 1.

    Examples
    --------
    >>> from dltut.metrics import class_indices
    >>> class_indices([[0, 1], [1, 0]], 2).tolist()
    [1, 0]
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral):
        raise TypeError(f"n_classes must be a positive integer, got {n_classes!r}")
    if n_classes < 1:
        raise ValueError(f"n_classes must be a positive integer, got {n_classes!r}")
    array = np.asarray(labels)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must contain numbers, got an array with dtype {array.dtype}")

    if array.ndim == 2:
        if array.shape[1] != n_classes:
            raise ValueError(
                f"{name} has shape {array.shape} but the network has {n_classes} classes; "
                f"one-hot {name} need {n_classes} columns"
            )
        is_one_hot = np.all((array == 0) | (array == 1), axis=1) & (array.sum(axis=1) == 1)
        if not np.all(is_one_hot):
            bad_rows = np.flatnonzero(~is_one_hot)[:5].tolist()
            raise ValueError(
                f"{name} rows {bad_rows} are not one-hot; each row needs exactly one 1 "
                "and zeros elsewhere"
            )
        return np.argmax(array, axis=1).astype(np.int64)

    if array.ndim != 1:
        raise ValueError(
            f"{name} must have shape (n,) or (n, {n_classes}) (one-hot), got shape {array.shape}"
        )
    invalid = array[~np.isfinite(array) | (array != np.round(array)) | (array < 0)]
    invalid = np.concatenate([invalid, array[array >= n_classes]])
    if invalid.size:
        raise ValueError(
            f"{name} must be whole numbers in [0, {n_classes}) for {n_classes} classes, "
            f"got {np.unique(invalid).tolist()}"
        )
    return array.astype(np.int64)


def confusion_matrix(
    labels: ArrayLike, predictions: ArrayLike, n_classes: int
) -> NDArray[np.int64]:
    """Count how often each true class is predicted as each class.

    Parameters
    ----------
    labels
        True classes, shape (n,), whole numbers in `[0, n_classes)`.
    predictions
        Predicted classes, shape (n,), in the same range.
    n_classes
        Number of classes.

    Returns
    -------
    numpy.ndarray
        int64 array of shape (n_classes, n_classes): entry `[i, j]` is the
        number of examples of true class `i` predicted as class `j`. The
        diagonal contains the correct predictions, and the total is n.

    Raises
    ------
    TypeError, ValueError
        If `labels` or `predictions` is not a 1-d array of whole numbers in
        `[0, n_classes)`, or their shapes differ.

    Examples
    --------
    >>> from dltut.metrics import confusion_matrix
    >>> confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2], 3)
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    """
    true = np.asarray(labels)
    predicted = np.asarray(predictions)
    if true.ndim != 1 or predicted.ndim != 1 or true.shape != predicted.shape:
        raise ValueError(
            f"labels has shape {true.shape} but predictions has shape {predicted.shape}; "
            "both must be 1-d with one class per example"
        )
    true_indices = class_indices(true, n_classes, "labels")
    predicted_indices = class_indices(predicted, n_classes, "predictions")

    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    # np.add.at counts repeated (true, predicted) pairs; counts[i, j] += 1 would count each once.
    np.add.at(counts, (true_indices, predicted_indices), 1)
    return counts


def accuracy(network: Trainable, x: ArrayLike, labels: ArrayLike) -> float:
    """Return the fraction of examples whose largest network output is at the true class.

    Parameters
    ----------
    network
        A classifier whose `predict(x)` returns scores of shape (n, c).
    x
        Inputs, shape (n, d).
    labels
        True classes, shape (n,), or one-hot rows, shape (n, c).

    Returns
    -------
    float
        Accuracy between 0 and 1.

    Raises
    ------
    ValueError
        If the network's output is not 2-d, its number of rows differs from
        the number of labels, or a label is invalid (see `class_indices`).

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.metrics import accuracy
    >>> class Network:
    ...     def predict(self, x): return x
    >>> scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    >>> accuracy(Network(), scores, [0, 1, 1])
    0.6666666666666666
    """
    scores: NDArray[Any] = np.asarray(network.predict(np.asarray(x)))
    if scores.ndim != 2:
        raise ValueError(
            f"the network's output has shape {scores.shape}; accuracy needs scores of "
            "shape (n, classes)"
        )
    true = class_indices(labels, scores.shape[1])
    if len(true) != len(scores):
        raise ValueError(
            f"the network's output has shape {scores.shape} but labels has shape "
            f"{np.shape(labels)}; both need one row per example"
        )
    return float(np.mean(np.argmax(scores, axis=1) == true))
