"""Input checks shared by the public functions.

Every public function converts its input here, at the boundary, so that a
bad argument fails early with a message that names the argument, shows the
value and states what would be valid.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "as_float_array",
    "as_real_array",
    "check_axis",
    "check_callable",
    "check_elementwise",
    "check_positive_step",
]


def _describe(value: Any) -> str:
    """Return a short `repr` of `value` for an error message."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


def as_real_array(x: ArrayLike, name: str) -> NDArray[Any]:
    """Convert `x` to an array of real numbers, keeping an integer or float dtype.

    Raises `TypeError` for input that is not real-valued: strings, objects,
    booleans and complex numbers. Booleans are rejected because a mask passed
    by mistake would otherwise be read as the numbers 0 and 1.
    """
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be a real number or an array of real numbers, "
            f"got {_describe(x)} ({error})"
        ) from error

    kind = array.dtype.kind
    if kind not in "iuf":
        raise TypeError(
            f"{name} must contain real numbers (integer or float dtype), "
            f"got {_describe(x)} with dtype {array.dtype}"
        )
    return array


def as_float_array(x: ArrayLike, name: str) -> NDArray[np.floating[Any]]:
    """Convert `x` to a float array: float input keeps its dtype, integers become float64."""
    array = as_real_array(x, name)
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    return array


def check_axis(axis: int, ndim: int, name: str = "axis") -> int:
    """Return `axis` as a non-negative index into `ndim` dimensions."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_describe(axis)}")

    if not -ndim <= axis < ndim:
        valid = f"between {-ndim} and {ndim - 1}" if ndim else "none (the input is 0-d)"
        raise ValueError(
            f"{name}={axis} is out of range for an input with {ndim} dimension(s); "
            f"valid values: {valid}"
        )
    return int(axis) % ndim


def check_callable(func: Any, name: str = "func") -> None:
    """Raise `TypeError` unless `func` can be called."""
    if not callable(func):
        raise TypeError(
            f"{name} must be a callable that maps an array to an array, "
            f"got {_describe(func)} of type {type(func).__name__}"
        )


def check_elementwise(result: NDArray[Any], x: NDArray[Any], name: str) -> None:
    """Raise `ValueError` unless `result`, what `name` returned for `x`, has the shape of `x`."""
    if result.shape != x.shape:
        raise ValueError(
            f"{name} must act elementwise, returning an array of its input's shape; "
            f"it returned shape {result.shape} for input of shape {x.shape}"
        )


def check_positive_step(delta: Any, name: str = "delta") -> float:
    """Return `delta` as a float after checking that it is a positive finite number."""
    if isinstance(delta, bool) or not isinstance(delta, numbers.Real):
        raise TypeError(f"{name} must be a positive finite real number, got {_describe(delta)}")

    value = float(delta)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {_describe(delta)}")
    return value
