"""Activation functions and their derivatives.

Each function takes a real number or an array of any shape and returns a NumPy
array of the same shape, elementwise. A 0-d input gives a 0-d array; call
`float()` on it to get a Python number. Float input keeps its dtype (float32
stays float32); integer input gives float64, except for `relu`, which keeps
integers as integers because its output is always one of its inputs or 0.

Softmax and log-softmax live in `dltut.logits`, because they act on a whole
vector of scores rather than on each element alone.
"""

from __future__ import annotations

import numbers
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array, as_real_array

__all__ = [
    "leaky_relu",
    "leaky_relu_derivative",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
]


def relu(x: ArrayLike, *, method: Literal["maximum", "clip"] = "maximum") -> NDArray[Any]:
    """Apply the rectified linear unit, max(0, x), to each element.

    Parameters
    ----------
    x
        Real number or array of real numbers.
    method
        `"maximum"` computes `np.maximum(x, 0)`; `"clip"` computes
        `np.clip(x, 0, None)`, ReLU seen as a function that clips its input
        from below at 0. Both give the same values.

    Returns
    -------
    numpy.ndarray
        Array of the shape of `x`. Integer input stays integer, float input
        keeps its dtype.

    Raises
    ------
    TypeError
        If `x` is not real-valued.
    ValueError
        If `method` is not one of the two names above.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut import relu
    >>> relu(np.array([-2.0, -0.5, 0.0, 1.5]))
    array([0. , 0. , 0. , 1.5])
    >>> relu([-3, 4])
    array([0, 4])
    >>> bool(np.array_equal(relu([-1.0, 2.0], method="clip"), relu([-1.0, 2.0])))
    True
    """
    array = as_real_array(x, "x")
    zero = np.zeros((), dtype=array.dtype)

    if method == "maximum":
        return np.asarray(np.maximum(array, zero))
    if method == "clip":
        return np.asarray(np.clip(array, zero, None))
    raise ValueError(f"method must be 'maximum' or 'clip', got {method!r}")


def relu_derivative(x: ArrayLike) -> NDArray[np.floating[Any]]:
    """Return the derivative of ReLU at each element: 1 where x > 0, else 0.

    ReLU has no derivative at 0 (its slope jumps from 0 to 1 there). Like most
    deep-learning libraries, this function uses 0 at that point, which is a
    valid subgradient.

    Parameters
    ----------
    x
        Real number or array of real numbers.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of `x`, with values 0.0 or 1.0, and NaN
        where `x` is NaN.

    Examples
    --------
    >>> from dltut import relu_derivative
    >>> relu_derivative([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """
    array = as_float_array(x, "x")

    # NaN > 0 is False, so NaN is put back explicitly to propagate.
    slopes = np.asarray(array > 0).astype(array.dtype)
    return np.asarray(np.where(np.isnan(array), array, slopes))


def _check_slope(slope: Any) -> float:
    """Return `slope` as a float after checking that 0 <= slope <= 1."""
    if isinstance(slope, bool) or not isinstance(slope, numbers.Real):
        raise TypeError(f"slope must be a real number between 0 and 1, got {slope!r}")

    value = float(slope)
    # The maximum form below equals the piecewise definition only in this range:
    # for a slope above 1 it would pick slope * x for positive x.
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"slope must be between 0 and 1 (inclusive), got {slope!r}")
    return value


def leaky_relu(x: ArrayLike, *, slope: float = 0.2) -> NDArray[np.floating[Any]]:
    """Apply Leaky ReLU to each element: x for x >= 0, slope * x otherwise.

    Parameters
    ----------
    x
        Real number or array of real numbers.
    slope
        Slope for negative input, between 0 and 1. The default 0.2 is the
        value used by Weidman (2019); many libraries default to 0.01.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of `x`.

    Raises
    ------
    TypeError
        If `x` is not real-valued or `slope` is not a real number.
    ValueError
        If `slope` is outside [0, 1].

    Notes
    -----
    For 0 <= slope <= 1, the piecewise definition equals
    `np.maximum(slope * x, x)`: for x >= 0, x is the larger of the two, and
    for x < 0, slope * x is. This is the form used here. A slope of 0 gives
    ReLU.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut import leaky_relu
    >>> leaky_relu(np.array([-2.0, -1.0, 0.0, 3.0]))
    array([-0.4, -0.2,  0. ,  3. ])
    >>> leaky_relu([-10, 10], slope=0.01)
    array([-0.1, 10. ])
    """
    slope = _check_slope(slope)
    array = as_float_array(x, "x")

    # Casting the slope to the input's dtype keeps float32 input in float32,
    # also for 0-d input under NumPy 1.x promotion rules.
    scaled = np.asarray(slope, dtype=array.dtype) * array
    return np.asarray(np.maximum(scaled, array))


def leaky_relu_derivative(x: ArrayLike, *, slope: float = 0.2) -> NDArray[np.floating[Any]]:
    """Return the derivative of Leaky ReLU at each element: 1 where x > 0, else `slope`.

    At 0, where the function has a kink, the value `slope` is used, which is
    the convention that matches `relu_derivative` when slope is 0.

    Parameters
    ----------
    x
        Real number or array of real numbers.
    slope
        Slope for negative input, between 0 and 1.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of `x`, with NaN where `x` is NaN.

    Examples
    --------
    >>> from dltut import leaky_relu_derivative
    >>> leaky_relu_derivative([-3.0, 0.0, 2.0])
    array([0.2, 0.2, 1. ])
    """
    slope = _check_slope(slope)
    array = as_float_array(x, "x")

    one = np.ones((), dtype=array.dtype)
    slopes = np.where(array > 0, one, np.asarray(slope, dtype=array.dtype))
    return np.asarray(np.where(np.isnan(array), array, slopes))


def sigmoid(x: ArrayLike) -> NDArray[np.floating[Any]]:
    """Apply the logistic sigmoid, 1 / (1 + exp(-x)), to each element.

    Parameters
    ----------
    x
        Real number or array of real numbers.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of `x`, with values in [0, 1].

    Notes
    -----
    The textbook form overflows in `exp(-x)` for x below about -709 (in
    float64). This function computes `e = exp(-|x|)`, which never overflows,
    and returns `1 / (1 + e)` for x >= 0 and `e / (1 + e)` for x < 0; both
    are algebraically equal to the textbook form.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut import sigmoid
    >>> sigmoid([0.0])
    array([0.5])
    >>> np.round(sigmoid([-1000.0, -1.0, 1.0, 1000.0]), 4)
    array([0.    , 0.2689, 0.7311, 1.    ])
    """
    array = as_float_array(x, "x")

    exp_neg_abs = np.exp(-np.abs(array))
    positive = 1 / (1 + exp_neg_abs)
    negative = exp_neg_abs / (1 + exp_neg_abs)
    return np.asarray(np.where(array >= 0, positive, negative))


def sigmoid_derivative(x: ArrayLike) -> NDArray[np.floating[Any]]:
    r"""Return the derivative of the sigmoid at each element: s(x) * (1 - s(x)).

    Parameters
    ----------
    x
        Real number or array of real numbers.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of `x`, with values in [0, 0.25]. It is
        0 only where the true value underflows float64 (|x| > 745).

    Notes
    -----
    For large x, s(x) rounds to 1 and `s * (1 - s)` returns 0 although the
    true value, about $e^{-x}$, is still a normal float. With
    $e = e^{-|x|}$, the same derivative is $e / (1 + e)^2$, which has no
    cancellation and no overflow; the derivative is even, so $|x|$ is
    enough.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut import sigmoid_derivative
    >>> sigmoid_derivative([0.0])
    array([0.25])
    >>> bool(sigmoid_derivative(40.0) > 0)
    True
    """
    exp_neg_abs = np.exp(-np.abs(as_float_array(x, "x")))
    return np.asarray(exp_neg_abs / (1 + exp_neg_abs) ** 2)


def tanh(x: ArrayLike) -> NDArray[np.floating[Any]]:
    """Apply the hyperbolic tangent to each element.

    Parameters
    ----------
    x
        Real number or array of real numbers.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of `x`, with values in [-1, 1].

    Notes
    -----
    tanh(x) = (e^x - e^-x) / (e^x + e^-x) = 2 * sigmoid(2x) - 1. This
    function calls `np.tanh`, which is accurate and does not overflow.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut import tanh
    >>> np.round(tanh([-1.0, 0.0, 1.0]), 4)
    array([-0.7616,  0.    ,  0.7616])
    """
    return np.asarray(np.tanh(as_float_array(x, "x")))


def tanh_derivative(x: ArrayLike) -> NDArray[np.floating[Any]]:
    r"""Return the derivative of tanh at each element: 1 - tanh(x)^2.

    Parameters
    ----------
    x
        Real number or array of real numbers.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of `x`, with values in [0, 1]. It is 0
        only where the true value underflows float64 (|x| > 372).

    Notes
    -----
    `1 - tanh(x)**2` returns 0 once tanh(x) rounds to 1, near |x| = 19,
    although the true value is still a normal float. With
    $e = e^{-2|x|}$, the same derivative is $4e / (1 + e)^2$, which has no
    cancellation and no overflow.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut import tanh_derivative
    >>> tanh_derivative([0.0])
    array([1.])
    >>> bool(tanh_derivative(20.0) > 0)
    True
    """
    # Squaring exp(-|x|) rather than computing exp(-2|x|) avoids an overflow in 2|x|.
    exp_neg_2abs = np.exp(-np.abs(as_float_array(x, "x"))) ** 2
    return np.asarray(4 * exp_neg_2abs / (1 + exp_neg_2abs) ** 2)
