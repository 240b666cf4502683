"""Tangent lines: the linear approximation of a function at one point."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array, check_callable
from dltut.calculus import Method, deriv

__all__ = ["TangentLine", "tangent_line"]


@dataclass(frozen=True)
class TangentLine:
    """Line through `(point, value)` with slope `slope`: y = value + slope * (x - point).

    Call it on an array of x values to get the points of the line.

    Examples
    --------
    >>> from dltut import TangentLine
    >>> line = TangentLine(point=1.0, value=2.0, slope=3.0)
    >>> line([0.0, 1.0, 2.0])
    array([-1.,  2.,  5.])
    """

    point: float
    value: float
    slope: float

    def __call__(self, x: ArrayLike) -> NDArray[np.floating[Any]]:
        """Evaluate the line at each element of `x`."""
        return self.value + self.slope * (as_float_array(x, "x") - self.point)


def tangent_line(
    func: Callable[[NDArray[np.floating[Any]]], ArrayLike],
    a: float,
    *,
    slope: float | None = None,
    delta: float = 0.001,
    method: Method = "central",
) -> TangentLine:
    """Build the tangent line to `func` at the point `a`.

    Parameters
    ----------
    func
        A function of one variable that acts elementwise on arrays.
    a
        The point of tangency, a finite real number.
    slope
        The derivative of `func` at `a`, if known. By default it is
        estimated with `deriv(func, a, delta, method=method)`.
    delta
        Step of that estimate.
    method
        Difference quotient of that estimate: `"central"`, `"forward"` or
        `"backward"`.

    Returns
    -------
    TangentLine
        The line, which can be called on an array of x values.

    Raises
    ------
    TypeError
        If `func` is not callable, or `a` or `slope` is not a real number.
    ValueError
        If `a`, `slope` or `func(a)` is not finite.

    Examples
    --------
    The tangent to 1/x at a = 0.4, where the exact slope is -6.25:

    >>> from dltut import tangent_line
    >>> line = tangent_line(lambda x: 1 / x, 0.4)
    >>> round(line.value, 6), round(line.slope, 3)
    (2.5, -6.25)
    >>> round(float(line(0.5)), 4)
    1.875
    """
    check_callable(func)
    if isinstance(a, bool) or not isinstance(a, numbers.Real):
        raise TypeError(f"a must be a real number, got {a!r}")
    if not math.isfinite(a):
        raise ValueError(f"a must be finite, got {a!r}")

    point = float(a)
    # A pole at `a` is reported by the ValueError below, not by a NumPy warning.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        value = float(np.asarray(func(np.asarray(point))))
    if not math.isfinite(value):
        raise ValueError(
            f"func(a) must be finite to define a tangent, got func({point!r}) = {value!r}"
        )

    if slope is None:
        slope = float(deriv(func, point, delta, method=method))
    elif isinstance(slope, bool) or not isinstance(slope, numbers.Real):
        raise TypeError(f"slope must be a real number or None, got {slope!r}")
    elif not math.isfinite(slope):
        raise ValueError(f"slope must be finite, got {slope!r}")
    return TangentLine(point=point, value=value, slope=float(slope))
