"""Softmax and log-softmax: turning a vector of scores (logits) into probabilities.

Unlike the activations in `dltut.activations`, these functions act on a whole
vector at once: each output depends on every score along `axis`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array, check_axis

__all__ = ["log_softmax", "softmax", "softmax_jacobian"]


def _checked_scores(x: ArrayLike, axis: int) -> tuple[NDArray[np.floating[Any]], int]:
    """Return the scores as a float array and `axis` as a non-negative index."""
    scores = as_float_array(x, "x")
    if scores.ndim == 0:
        raise ValueError("x must have at least one dimension, got a 0-d value; pass [x] instead")
    if scores.size == 0:
        raise ValueError(f"x must not be empty, got an array of shape {scores.shape}")
    return scores, check_axis(axis, scores.ndim)


def _subtract(
    scores: NDArray[np.floating[Any]],
    maximum: NDArray[np.floating[Any]],
    out: NDArray[np.floating[Any]] | None = None,
) -> NDArray[np.floating[Any]]:
    """Subtract the maximum along an axis, as `np.subtract`, without a warning.

    Softmax is unchanged when the same constant is subtracted from every
    score, and after subtracting the maximum the largest exponent is
    exp(0) = 1, so `np.exp` cannot overflow. Scores more than about 1.8e308
    below the maximum overflow to -inf here, and their exponential is 0
    either way. A +inf score gives inf - inf = NaN, the documented result,
    so neither case needs a warning.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        shifted: NDArray[np.floating[Any]] = np.subtract(scores, maximum, out=out)
    return shifted


def softmax(x: ArrayLike, axis: int = -1) -> NDArray[np.floating[Any]]:
    r"""Compute the softmax of the scores `x` along `axis`.

    Parameters
    ----------
    x
        Scores (logits): a list or array of real numbers with at least one
        dimension. Integer input is converted to float64.
    axis
        Axis along which the probabilities sum to 1. The default, the last
        axis, treats each row of a 2-d batch as one example.

    Returns
    -------
    numpy.ndarray
        Array of the shape of `x` with values in [0, 1] that sum to 1 along
        `axis`. Float input keeps its dtype.

    Raises
    ------
    TypeError
        If `x` is not real-valued or `axis` is not an integer.
    ValueError
        If `x` is 0-d or empty, or `axis` is out of range.

    Notes
    -----
    For scores $z_1, \dots, z_d$,

    $$\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{d} e^{z_j}},
    \qquad 1 \le i \le d.$$

    Computing this as written overflows: in float64, `np.exp(z)` is `inf` for
    z above about 709.78, and `inf / inf` is NaN. Because
    softmax(z) = softmax(z - c) for every constant c, this function
    subtracts max(z) first, so the largest exponent is exp(0) = 1 and the sum
    is at least 1. The result is finite for every finite input. NaN in the
    input gives NaN in its slice of the output, and so does `+inf`, whose
    shifted value is `inf - inf`.

    Examples
    --------
    The example from Cavar's 2019 tutorial:

    >>> import numpy as np
    >>> from dltut import softmax
    >>> p = softmax([3.0, 1.0, 0.2])
    >>> np.round(p, 4)
    array([0.836 , 0.1131, 0.0508])
    >>> float(np.round(p.sum(), 12))
    1.0

    Large scores do not overflow:

    >>> np.round(softmax([1000.0, 1001.0, 1002.0]), 4)
    array([0.09  , 0.2447, 0.6652])

    Each row of a batch is one example:

    >>> np.round(softmax([[1.0, 1.0], [0.0, 2.0]]), 4)
    array([[0.5   , 0.5   ],
           [0.1192, 0.8808]])
    """
    scores, axis = _checked_scores(x, axis)

    # Every full-size step writes into one new array: a fresh array per step
    # costs more in memory mapping than the arithmetic itself.
    out = _subtract(scores, np.max(scores, axis=axis, keepdims=True))
    np.exp(out, out=out)
    out /= np.sum(out, axis=axis, keepdims=True)
    return out


def log_softmax(x: ArrayLike, axis: int = -1) -> NDArray[np.floating[Any]]:
    r"""Compute the logarithm of the softmax of `x` along `axis`, without taking log(0).

    Parameters
    ----------
    x
        Scores (logits): a list or array of real numbers with at least one
        dimension.
    axis
        Axis along which the softmax is taken.

    Returns
    -------
    numpy.ndarray
        Array of the shape of `x` with values <= 0; `np.exp` of it sums to 1
        along `axis`.

    Raises
    ------
    TypeError
        If `x` is not real-valued or `axis` is not an integer.
    ValueError
        If `x` is 0-d or empty, or `axis` is out of range.

    Notes
    -----
    With $m = \max_j z_j$,

    $$\log \operatorname{softmax}(z)_i = (z_i - m) - \log \sum_{j} e^{z_j - m}.$$

    The sum is at least 1, so its logarithm is finite, and a score far below
    the others gets a large negative log-probability instead of the
    `log(0) = -inf` that `np.log(softmax(z))` gives.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut import log_softmax
    >>> np.round(log_softmax([3.0, 1.0, 0.2]), 4)
    array([-0.1791, -2.1791, -2.9791])
    >>> log_softmax([0.0, -1000.0])
    array([    0., -1000.])
    """
    scores, axis = _checked_scores(x, axis)
    maximum = np.max(scores, axis=axis, keepdims=True)

    # One new array contains the exponentials, which are only summed, and then
    # the result. Shifting the scores a second time costs less than a second
    # full-size array, and gives the same numbers. (Taking the log of the
    # exponentials instead would turn scores whose exp underflows into -inf.)
    out = _subtract(scores, maximum)
    np.exp(out, out=out)
    log_sum = np.log(np.sum(out, axis=axis, keepdims=True))
    _subtract(scores, maximum, out=out)
    out -= log_sum
    return out


def softmax_jacobian(x: ArrayLike) -> NDArray[np.floating[Any]]:
    r"""Compute the Jacobian matrix of softmax at the score vector `x`.

    Parameters
    ----------
    x
        A 1-d vector of d scores.

    Returns
    -------
    numpy.ndarray
        A d-by-d matrix J with J[i, j] = d softmax(x)_i / d x_j.

    Raises
    ------
    ValueError
        If `x` is not a non-empty 1-d vector.

    Notes
    -----
    With $s = \operatorname{softmax}(x)$,
    $\partial s_i / \partial x_j = s_i (\delta_{ij} - s_j)$, so
    $J = \operatorname{diag}(s) - s s^\top$, a symmetric matrix. Every
    column of J sums to 0 because the outputs always sum to 1, and every row
    sums to 0 because adding the same constant to all scores leaves softmax
    unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut import softmax_jacobian
    >>> softmax_jacobian([0.0, 0.0])
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    scores = as_float_array(x, "x")
    if scores.ndim != 1:
        raise ValueError(f"x must be a 1-d vector of scores, got an array of shape {scores.shape}")

    s = softmax(scores)
    return np.diag(s) - np.outer(s, s)
