r"""Weight initialization: random starting weights scaled so that signals keep their size.

A layer with $d$ inputs (its fan-in) and $k$ outputs (its fan-out) sums $d$
products per output. With inputs of variance 1 and weights of variance
$\sigma^2$, each sum has variance $d \sigma^2$, so weights drawn from
N(0, 1) make each layer's outputs $\sqrt d$ times larger than its inputs,
and saturate tanh and sigmoid units. The scaled initializations below choose
$\sigma$ to keep the variance near 1.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["INITIALIZERS", "get_initializer", "glorot_normal", "he_normal", "standard_normal"]

FloatArray = NDArray[np.float64]


def _check_fans(fan_in: Any, fan_out: Any, rng: Any) -> tuple[int, int]:
    for name, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be a positive integer, got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator, such as np.random.default_rng(0), "
            f"got {type(rng).__name__}"
        )
    return int(fan_in), int(fan_out)


def standard_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> FloatArray:
    """Draw a (fan_in, fan_out) weight matrix from N(0, 1), ignoring the layer's size.

    This is the naive choice that the scaled initializations improve on.

    Parameters
    ----------
    fan_in, fan_out
        Number of inputs and outputs of the layer, positive integers.
    rng
        The generator that draws the weights.

    Returns
    -------
    numpy.ndarray
        Array of shape (fan_in, fan_out).

    Raises
    ------
    TypeError, ValueError
        If a fan is not a positive integer or `rng` is not a Generator.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn.init import standard_normal
    >>> standard_normal(3, 2, np.random.default_rng(0)).shape
    (3, 2)
    """
    rows, columns = _check_fans(fan_in, fan_out, rng)
    return rng.standard_normal((rows, columns))


def glorot_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> FloatArray:
    r"""Draw a (fan_in, fan_out) weight matrix with Glorot (Xavier) scaling, for tanh or sigmoid.

    Parameters
    ----------
    fan_in, fan_out
        Number of inputs and outputs of the layer, positive integers.
    rng
        The generator that draws the weights.

    Returns
    -------
    numpy.ndarray
        Array of shape (fan_in, fan_out) from a normal distribution with
        mean 0 and standard deviation $\sqrt{2 / (\text{fan\_in} + \text{fan\_out})}$.

    Raises
    ------
    TypeError, ValueError
        If a fan is not a positive integer or `rng` is not a Generator.

    Notes
    -----
    The forward pass keeps its variance when $\text{fan\_in}\,\sigma^2 = 1$
    and the backward pass keeps its variance when $\text{fan\_out}\,\sigma^2 = 1$.
    Glorot and Bengio (2010) take the compromise
    $\sigma^2 = 2 / (\text{fan\_in} + \text{fan\_out})$.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn.init import glorot_normal
    >>> weights = glorot_normal(300, 500, np.random.default_rng(0))
    >>> round(float(weights.std()), 3)  # sqrt(2 / 800) = 0.05
    0.05
    """
    rows, columns = _check_fans(fan_in, fan_out, rng)
    return rng.normal(0.0, math.sqrt(2.0 / (rows + columns)), size=(rows, columns))


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> FloatArray:
    r"""Draw a (fan_in, fan_out) weight matrix with He (Kaiming) scaling, for ReLU.

    Parameters
    ----------
    fan_in, fan_out
        Number of inputs and outputs of the layer, positive integers.
    rng
        The generator that draws the weights.

    Returns
    -------
    numpy.ndarray
        Array of shape (fan_in, fan_out) from a normal distribution with
        mean 0 and standard deviation $\sqrt{2 / \text{fan\_in}}$.

    Raises
    ------
    TypeError, ValueError
        If a fan is not a positive integer or `rng` is not a Generator.

    Notes
    -----
    ReLU zeroes about half of its inputs, which halves the second moment of
    the signal. He et al. (2015) double the variance to make up for it:
    $\sigma^2 = 2 / \text{fan\_in}$.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn.init import he_normal
    >>> weights = he_normal(200, 500, np.random.default_rng(0))
    >>> round(float(weights.std()), 2)  # sqrt(2 / 200) = 0.1
    0.1
    """
    rows, columns = _check_fans(fan_in, fan_out, rng)
    return rng.normal(0.0, math.sqrt(2.0 / rows), size=(rows, columns))


Initializer = Callable[[int, int, np.random.Generator], FloatArray]

#: The initializers by the name that `Dense(init=...)` accepts.
INITIALIZERS: dict[str, Initializer] = {
    "glorot": glorot_normal,
    "he": he_normal,
    "standard": standard_normal,
}


def get_initializer(name: str) -> Initializer:
    """Return the initializer called `name`: "glorot", "he" or "standard".

    Raises
    ------
    ValueError
        If `name` is not one of these names.

    Examples
    --------
    >>> from dltut.nn.init import get_initializer
    >>> get_initializer("he").__name__
    'he_normal'
    """
    if not isinstance(name, str) or name not in INITIALIZERS:
        valid = ", ".join(repr(key) for key in INITIALIZERS)
        raise ValueError(f"init must be one of {valid}, got {name!r}")
    return INITIALIZERS[name]
