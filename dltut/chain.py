r"""Nested functions and their derivatives by the chain rule.

`chain` composes functions of one variable in the order a forward pass
applies them. `chain_derivative` differentiates such a composition the way
backpropagation does. It stores the value each function receives on the way
forward, then multiplies the local derivatives on the way back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import (
    as_float_array,
    check_callable,
    check_elementwise,
    check_positive_step,
)
from dltut.calculus import deriv

__all__ = ["chain", "chain_derivative"]

FloatArray = NDArray[np.floating[Any]]
Function = Callable[[FloatArray], ArrayLike]


def _function_name(func: Any) -> str:
    """Return the name a reader knows `func` by, for a repr or an error message."""
    return str(getattr(func, "__name__", None) or repr(func))


def _check_functions(functions: Sequence[Any], name: str) -> None:
    """Raise `TypeError` unless every entry of `functions` is callable."""
    for index, func in enumerate(functions):
        if isinstance(func, (list, tuple)):
            raise TypeError(
                f"{name}[{index}] is a {type(func).__name__}, not a callable; "
                "pass the functions themselves, for example chain(f1, f2) rather "
                "than chain([f1, f2])"
            )
        check_callable(func, f"{name}[{index}]")


class _Chain:
    """A composition of elementwise functions, applied first to last."""

    def __init__(self, functions: tuple[Function, ...]) -> None:
        self.functions = functions

    def __call__(self, x: ArrayLike) -> FloatArray:
        value: ArrayLike = as_float_array(x, "x")
        for func in self.functions:
            value = func(np.asarray(value))
        return np.asarray(value)

    def __repr__(self) -> str:
        names = ", ".join(_function_name(func) for func in self.functions)
        return f"chain({names})"


def chain(*functions: Function) -> Callable[[ArrayLike], FloatArray]:
    r"""Compose functions so that the first one given is applied first.

    Parameters
    ----------
    *functions
        One or more functions, each taking an array and returning an array.
        They are applied in the order given, as in a forward pass: the input
        goes into the first function, and each output goes into the next.

    Returns
    -------
    callable
        The composition. It converts its input to a float array, so that it
        can be called on numbers and lists, and returns a NumPy array.

    Raises
    ------
    TypeError
        If an argument is not callable.
    ValueError
        If no function is given.

    Notes
    -----
    `chain(f1, f2, f3)(x)` equals $f_3(f_2(f_1(x)))$, which is written
    $(f_3 \circ f_2 \circ f_1)(x)$ in mathematics. The order of the
    arguments is the reverse of the order in that formula, because code
    lists the steps in the order they run.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.activations import sigmoid
    >>> from dltut.chain import chain
    >>> square_then_sigmoid = chain(np.square, sigmoid)
    >>> square_then_sigmoid
    chain(square, sigmoid)
    >>> np.round(square_then_sigmoid([0.0, 1.0, 2.0]), 4)
    array([0.5   , 0.7311, 0.982 ])
    >>> np.round(chain(sigmoid, np.square)([0.0, 1.0, 2.0]), 4)
    array([0.25  , 0.5344, 0.7758])
    """
    if not functions:
        raise ValueError("chain needs at least one function, got none")
    _check_functions(functions, "functions")
    return _Chain(tuple(functions))


def _evaluate(func: Function, value: FloatArray, name: str) -> FloatArray:
    """Call `func` on `value` and check that it acted elementwise."""
    result = as_float_array(func(value), f"the output of {name}")
    check_elementwise(result, value, name)
    return result


def chain_derivative(
    functions: Sequence[Function],
    derivatives: Sequence[Function | None] | None,
    input_: ArrayLike,
    *,
    delta: float = 0.001,
) -> FloatArray:
    r"""Compute the derivative of a chain of functions at each element by the chain rule.

    Parameters
    ----------
    functions
        The functions of the chain, in the order they are applied, as for
        `chain`. Each must act elementwise on an array.
    derivatives
        The derivative of each function, in the same order, each acting
        elementwise. `None` in place of the sequence, or in place of one
        entry, estimates that derivative with `dltut.calculus.deriv`.
    input_
        Point or array of points at which to differentiate.
    delta
        Step of the central differences used for the derivatives that are
        estimated. It is ignored when every derivative is given.

    Returns
    -------
    numpy.ndarray
        Float array of the shape of `input_`.

    Raises
    ------
    TypeError
        If `functions` or `derivatives` is not a sequence, an entry is not
        callable, or `input_` is not real-valued.
    ValueError
        If `functions` is empty, the two sequences differ in length, a
        function or derivative does not return an array of its input's shape,
        or `delta` is not a positive finite number. The output of the last
        function is not needed, so its shape is checked only when its
        derivative is estimated.

    Notes
    -----
    Write $u_0 = x$ and $u_k = f_k(u_{k-1})$ for the value after the $k$-th
    of $n$ functions. The chain rule gives

    $$\frac{d u_n}{d x} = f_n'(u_{n-1}) \cdot f_{n-1}'(u_{n-2}) \cdots f_1'(u_0),$$

    for three functions $(f_3 \circ f_2 \circ f_1)'(x) =
    f_3'(f_2(f_1(x))) \cdot f_2'(f_1(x)) \cdot f_1'(x)$. Each factor needs
    only its own function's derivative and the value that function
    received. So the forward pass stores $u_0, \dots, u_{n-1}$, and the
    backward pass multiplies the factors from the last function to the
    first, as backpropagation does.

    Examples
    --------
    The derivative of sigmoid(x^2) is sigmoid'(x^2) * 2x; at x = 1 that is
    0.1966 * 2:

    >>> import numpy as np
    >>> from dltut.activations import sigmoid, sigmoid_derivative
    >>> from dltut.chain import chain_derivative
    >>> functions = [np.square, sigmoid]
    >>> derivatives = [lambda x: 2 * x, sigmoid_derivative]
    >>> np.round(chain_derivative(functions, derivatives, [0.0, 1.0]), 4)
    array([0.    , 0.3932])

    Leaving out the derivatives estimates them numerically:

    >>> np.round(chain_derivative(functions, None, [0.0, 1.0]), 4)
    array([0.    , 0.3932])
    """
    if callable(functions) or not isinstance(functions, Sequence):
        raise TypeError(
            "functions must be a sequence of callables, such as [f1, f2], "
            f"got {_function_name(functions)} of type {type(functions).__name__}"
        )
    if not functions:
        raise ValueError("functions must contain at least one function, got an empty sequence")
    _check_functions(functions, "functions")

    if derivatives is None:
        derivatives = [None] * len(functions)
    elif callable(derivatives) or not isinstance(derivatives, Sequence):
        raise TypeError(
            "derivatives must be a sequence of callables (or None entries), such as "
            f"[df1, df2], or None, got {_function_name(derivatives)} "
            f"of type {type(derivatives).__name__}"
        )
    if len(derivatives) != len(functions):
        raise ValueError(
            f"got {len(functions)} functions but {len(derivatives)} derivatives; "
            "give one derivative (or None) per function"
        )
    for index, derivative in enumerate(derivatives):
        if derivative is not None:
            check_callable(derivative, f"derivatives[{index}]")
    step = check_positive_step(delta)

    # Forward pass: inputs[k] is the value that functions[k] receives.
    inputs = [as_float_array(input_, "input_")]
    for index, func in enumerate(functions[:-1]):
        inputs.append(_evaluate(func, inputs[-1], f"functions[{index}]"))

    # Backward pass: multiply the local derivatives from the last function to the first.
    result = np.ones_like(inputs[0])
    for index in reversed(range(len(functions))):
        derivative = derivatives[index]
        if derivative is None:
            local = deriv(functions[index], inputs[index], step)
        else:
            local = _evaluate(derivative, inputs[index], f"derivatives[{index}]")
        result = result * local
    return np.asarray(result)
