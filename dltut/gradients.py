"""Numerical gradients and Jacobians of functions of several inputs, and gradient checking.

These are the reference against which every hand-written backward pass in
dltut is tested: central differences, one input coordinate at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array, check_callable, check_positive_step

__all__ = ["numerical_gradient", "numerical_jacobian", "relative_error"]

FloatArray = NDArray[np.floating[Any]]


def numerical_jacobian(
    func: Callable[[FloatArray], ArrayLike], x: ArrayLike, delta: float = 1e-6
) -> FloatArray:
    r"""Estimate the Jacobian of `func` at `x` by central differences.

    Parameters
    ----------
    func
        A function from an array of the shape of `x` to an array of any
        shape (a scalar included).
    x
        The point, an array of any shape.
    delta
        Step of the central differences. The default, 1e-6, is near the
        step that balances truncation and rounding error for inputs and
        outputs of order 1 (about $\sqrt[3]{\epsilon} \approx 6 \times 10^{-6}$).

    Returns
    -------
    numpy.ndarray
        Array of shape `output.shape + x.shape`: entry `[i..., j...]` is the
        partial derivative of output `i` with respect to input `j`.

    Raises
    ------
    TypeError
        If `func` is not callable or `x` is not real-valued.
    ValueError
        If `delta` is not a positive finite number or `x` is empty.

    Notes
    -----
    Each input coordinate $x_j$ is moved by $\pm h$ in turn:

    $$J_{ij} \approx \frac{f_i(x + h e_j) - f_i(x - h e_j)}{2h},$$

    so the cost is two calls of `func` per input coordinate, plus one call
    at `x` to learn the output's shape. `func` is called on copies; `x` is
    never changed.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.gradients import numerical_jacobian
    >>> matrix = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> np.round(numerical_jacobian(lambda v: matrix @ v, np.zeros(2)), 6)
    array([[1., 2.],
           [3., 4.]])
    """
    check_callable(func)
    step = check_positive_step(delta)
    point = _checked_point(x)

    # One call to learn the output's shape; then two per input coordinate.
    output_shape = np.shape(func(point.copy()))
    return _central_differences(func, point, step, output_shape)


def _checked_point(x: ArrayLike) -> NDArray[np.float64]:
    """Return `x` as a non-empty float64 array."""
    point = as_float_array(x, "x").astype(np.float64)
    if point.size == 0:
        raise ValueError(f"x must not be empty, got an array of shape {point.shape}")
    return point


def _central_differences(
    func: Callable[[FloatArray], ArrayLike],
    point: NDArray[np.float64],
    step: float,
    output_shape: tuple[int, ...],
) -> FloatArray:
    """Return the Jacobian from two calls of `func` per coordinate of `point`."""
    jacobian = np.empty((int(np.prod(output_shape)), point.size))
    flat = point.reshape(-1)
    for j in range(point.size):
        plus, minus = flat.copy(), flat.copy()
        plus[j] += step
        minus[j] -= step
        forward = np.asarray(func(plus.reshape(point.shape)), dtype=np.float64)
        backward = np.asarray(func(minus.reshape(point.shape)), dtype=np.float64)
        jacobian[:, j] = ((forward - backward) / (2 * step)).reshape(-1)
    return jacobian.reshape(output_shape + point.shape)


def numerical_gradient(
    func: Callable[[FloatArray], ArrayLike], x: ArrayLike, delta: float = 1e-6
) -> FloatArray:
    r"""Estimate the gradient of a scalar-valued `func` at `x` by central differences.

    Parameters
    ----------
    func
        A function from an array of the shape of `x` to a single number,
        such as a loss.
    x
        The point, an array of any shape.
    delta
        Step of the central differences.

    Returns
    -------
    numpy.ndarray
        Array of the shape of `x`: $\partial f / \partial x_j$ at each
        position.

    Raises
    ------
    ValueError
        If `func` returns more than one number, or as `numerical_jacobian`.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.gradients import numerical_gradient
    >>> # f(x) = sum of squares has gradient 2x.
    >>> np.round(numerical_gradient(lambda v: np.sum(v**2), np.array([1.0, -2.0])), 6)
    array([ 2., -4.])
    """
    check_callable(func)
    step = check_positive_step(delta)
    point = _checked_point(x)

    # One call to check that the output is a single number; then two per coordinate.
    output = np.asarray(func(point.copy()))
    if output.size != 1:
        raise ValueError(
            f"func must return a single number, got an array of shape {output.shape}; "
            "use numerical_jacobian for vector-valued functions"
        )

    def scalar(value: FloatArray) -> FloatArray:
        return np.reshape(func(value), ())

    return _central_differences(scalar, point, step, ())


def relative_error(actual: ArrayLike, expected: ArrayLike) -> float:
    r"""Return the largest elementwise difference, relative to the size of the arrays.

    Parameters
    ----------
    actual, expected
        Arrays of the same shape, such as a hand-written gradient and a
        numerical one.

    Returns
    -------
    float
        $\max_i |a_i - e_i| \,/\, \max(\max_i |a_i|, \max_i |e_i|)$, or 0.0
        when both arrays are all zeros.

    Raises
    ------
    ValueError
        If the shapes differ.

    Notes
    -----
    Dividing by the largest magnitude rather than elementwise keeps entries
    near 0, where a central difference has a small absolute but a large
    relative error, from dominating the check.

    Examples
    --------
    >>> from dltut.gradients import relative_error
    >>> # The largest difference, 0.002, over the largest magnitude, 2.002:
    >>> round(relative_error([1.0, 2.0], [1.0, 2.002]), 6)
    0.000999
    """
    a = as_float_array(actual, "actual")
    e = as_float_array(expected, "expected")
    if a.shape != e.shape:
        raise ValueError(
            f"actual and expected must have the same shape, got {a.shape} and {e.shape}"
        )

    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(e), initial=0.0)))
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(a - e))) / scale
