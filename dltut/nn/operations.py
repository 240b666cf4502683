r"""Operations: the smallest pieces of a network, each with a forward and a backward pass.

An operation maps an input array to an output array, and its `forward`
stores both. Its `backward` then applies the chain rule: it turns the
gradient of the loss with respect to the output, $\partial L / \partial Y$,
into the gradient with respect to the input, $\partial L / \partial X$. An operation with a
parameter (`ParamOperation`) also computes $\partial L / \partial W$ for its
parameter $W$. A `dltut.nn.layers.Dense` layer chains several operations.

Arrays are float64 and 2-d, shape (n, k): one row per example.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut.activations import (
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from dltut.data import DEFAULT_SEED
from dltut.nn.base import Operation, ParamOperation

__all__ = [
    "BiasAdd",
    "Dropout",
    "Linear",
    "Operation",
    "ParamOperation",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "WeightMultiply",
]

FloatArray = NDArray[np.float64]


def _float64(array: NDArray[Any]) -> FloatArray:
    """Type the result of NumPy arithmetic, which the stubs leave as Any, as float64."""
    return np.asarray(array, dtype=np.float64)


class WeightMultiply(ParamOperation):
    r"""Multiply the input (n, d) by a weight matrix (d, k): $Y = X W$.

    Raises `ValueError` if `weights` is not 2-d, or if an input is not 2-d
    or its columns differ from the weights' rows (both shapes are named).

    Notes
    -----
    Each $Y_{ij} = \sum_m X_{im} W_{mj}$, so with $G = \partial L / \partial Y$:

    $$\frac{\partial L}{\partial X} = G W^\top, \qquad
    \frac{\partial L}{\partial W} = X^\top G.$$

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn.operations import WeightMultiply
    >>> op = WeightMultiply(np.array([[1.0], [2.0]]))
    >>> op.forward(np.array([[3.0, 4.0]]))
    array([[11.]])
    >>> op.backward(np.array([[1.0]]))
    array([[1., 2.]])
    >>> op.param_grad
    array([[3.],
           [4.]])
    """

    def __init__(self, weights: ArrayLike) -> None:
        super().__init__(weights, "weights")
        if self.param.ndim != 2:
            raise ValueError(
                f"weights must be 2-d, shape (inputs, outputs), got shape {self.param.shape}"
            )

    def _check_input(self, input_: FloatArray) -> None:
        if input_.ndim != 2 or input_.shape[1] != self.param.shape[0]:
            raise ValueError(
                f"input has shape {input_.shape} but weights has shape {self.param.shape}; "
                f"the input must be 2-d with {self.param.shape[0]} columns (weights' rows)"
            )

    def _output(self, training: bool) -> FloatArray:
        return _float64(self._require_input() @ self.param)

    def _input_grad(self, output_grad: FloatArray) -> FloatArray:
        return _float64(output_grad @ self.param.T)

    def _param_grad(self, output_grad: FloatArray) -> FloatArray:
        return _float64(self._require_input().T @ output_grad)


class BiasAdd(ParamOperation):
    r"""Add a bias row of shape (1, k) to every row of the input (n, k): $Y = X + \mathbf{1} b$.

    Raises `ValueError` if `bias` does not have shape (1, k), or if an input
    is not 2-d with k columns.

    Notes
    -----
    Each bias entry $b_j$ is added to every row, so its gradient sums the
    column of $G = \partial L / \partial Y$:

    $$\frac{\partial L}{\partial X} = G, \qquad
    \frac{\partial L}{\partial b_j} = \sum_{i=1}^{n} G_{ij}.$$

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn.operations import BiasAdd
    >>> op = BiasAdd(np.array([[0.5, -0.5]]))
    >>> op.forward(np.zeros((3, 2)))
    array([[ 0.5, -0.5],
           [ 0.5, -0.5],
           [ 0.5, -0.5]])
    >>> _ = op.backward(np.ones((3, 2)))
    >>> op.param_grad
    array([[3., 3.]])
    """

    def __init__(self, bias: ArrayLike) -> None:
        super().__init__(bias, "bias")
        if self.param.ndim != 2 or self.param.shape[0] != 1:
            raise ValueError(f"bias must have shape (1, k), got shape {self.param.shape}")

    def _check_input(self, input_: FloatArray) -> None:
        if input_.ndim != 2 or input_.shape[1] != self.param.shape[1]:
            raise ValueError(
                f"input has shape {input_.shape} but bias has shape {self.param.shape}; "
                f"the input must be 2-d with {self.param.shape[1]} columns (bias' columns)"
            )

    def _output(self, training: bool) -> FloatArray:
        return _float64(self._require_input() + self.param)

    def _input_grad(self, output_grad: FloatArray) -> FloatArray:
        # No operation changes a gradient in place, so passing it on without a copy is safe.
        return output_grad

    def _param_grad(self, output_grad: FloatArray) -> FloatArray:
        return _float64(output_grad.sum(axis=0, keepdims=True))


class Sigmoid(Operation):
    r"""Apply the logistic sigmoid $\sigma(x) = 1 / (1 + e^{-x})$ to each element.

    Notes
    -----
    $\partial L / \partial X = G \odot \sigma'(X)$ with
    $\sigma'(x) = \sigma(x)(1 - \sigma(x))$, computed by
    `dltut.activations.sigmoid_derivative`, which stays accurate where
    $\sigma$ rounds to 1.

    Examples
    --------
    >>> from dltut.nn.operations import Sigmoid
    >>> op = Sigmoid()
    >>> op.forward([[0.0]]), op.backward([[1.0]])
    (array([[0.5]]), array([[0.25]]))
    """

    def _output(self, training: bool) -> FloatArray:
        return np.asarray(sigmoid(self._require_input()), dtype=np.float64)

    def _input_grad(self, output_grad: FloatArray) -> FloatArray:
        return _float64(output_grad * sigmoid_derivative(self._require_input()))


class Tanh(Operation):
    r"""Apply the hyperbolic tangent to each element.

    Notes
    -----
    $\partial L / \partial X = G \odot (1 - \tanh^2 X)$, computed by
    `dltut.activations.tanh_derivative`.

    Examples
    --------
    >>> from dltut.nn.operations import Tanh
    >>> op = Tanh()
    >>> op.forward([[0.0]]), op.backward([[2.0]])
    (array([[0.]]), array([[2.]]))
    """

    def _output(self, training: bool) -> FloatArray:
        return np.asarray(tanh(self._require_input()), dtype=np.float64)

    def _input_grad(self, output_grad: FloatArray) -> FloatArray:
        return _float64(output_grad * tanh_derivative(self._require_input()))


class ReLU(Operation):
    r"""Apply the rectified linear unit $\max(0, x)$ to each element.

    Notes
    -----
    $\partial L / \partial X = G \odot \mathbb{1}[X > 0]$: the gradient
    passes where the input was positive and is 0 elsewhere, at 0 included
    (the slope that `dltut.activations.relu_derivative` uses there).

    Examples
    --------
    >>> from dltut.nn.operations import ReLU
    >>> op = ReLU()
    >>> op.forward([[-1.0, 2.0]]), op.backward([[5.0, 5.0]])
    (array([[0., 2.]]), array([[0., 5.]]))
    """

    def _output(self, training: bool) -> FloatArray:
        return np.asarray(relu(self._require_input()), dtype=np.float64)

    def _input_grad(self, output_grad: FloatArray) -> FloatArray:
        return _float64(output_grad * relu_derivative(self._require_input()))


class Linear(Operation):
    r"""Pass the input through unchanged: the activation of a layer without one.

    Notes
    -----
    $Y = X$, so $\partial L / \partial X = G$.

    Examples
    --------
    >>> from dltut.nn.operations import Linear
    >>> Linear().forward([[1.0, -2.0]])
    array([[ 1., -2.]])
    """

    def _output(self, training: bool) -> FloatArray:
        # Arrays flow through a network without being changed in place, so no copy is needed.
        return self._require_input()

    def _input_grad(self, output_grad: FloatArray) -> FloatArray:
        return output_grad


def _check_rate(rate: Any) -> float:
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
        raise TypeError(f"rate must be a real number in [0, 1), got {rate!r}")
    value = float(rate)
    if not 0.0 <= value < 1.0:
        raise ValueError(
            f"rate must be in [0, 1), got {rate!r}; it is the probability of dropping a unit"
        )
    return value


class Dropout(Operation):
    r"""Inverted dropout: in training, zero each unit with probability `rate` and rescale the rest.

    Parameters
    ----------
    rate
        Probability $p$ of dropping a unit, in [0, 1).
    seed
        Seed of the generator that draws the masks. The generator advances
        with every training forward pass, so the masks differ from call to
        call but the sequence of masks is the same for the same seed.

    Raises
    ------
    TypeError, ValueError
        If `rate` is not a number in [0, 1) or `seed` is not a valid seed.

    Notes
    -----
    In training, a mask $M$ has entries 1 with probability $1 - p$ and 0
    otherwise, and

    $$Y = \frac{X \odot M}{1 - p}, \qquad
    \frac{\partial L}{\partial X} = \frac{G \odot M}{1 - p}.$$

    Dividing by $1 - p$ keeps the expected value of each unit equal to its
    input, so at prediction time (`training=False`) the operation is the
    identity and needs no rescaling.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn.operations import Dropout
    >>> op = Dropout(0.5, seed=0)
    >>> y = op.forward(np.ones((2, 4)), training=True)
    >>> sorted(set(y.ravel().tolist()))  # dropped units are 0, kept ones doubled
    [0.0, 2.0]
    >>> op.forward(np.ones((1, 3)))  # identity outside training
    array([[1., 1., 1.]])
    """

    def __init__(self, rate: float, seed: int = DEFAULT_SEED) -> None:
        super().__init__()
        self.rate = _check_rate(rate)
        self._rng = np.random.default_rng(seed)
        self.mask: FloatArray | None = None

    def __repr__(self) -> str:
        return f"Dropout(rate={self.rate})"

    def _output(self, training: bool) -> FloatArray:
        input_ = self._require_input()
        if not training or self.rate == 0.0:
            self.mask = None
            return np.array(input_, dtype=np.float64)
        keep = self._rng.random(input_.shape) >= self.rate
        self.mask = keep.astype(np.float64) / (1.0 - self.rate)
        return _float64(input_ * self.mask)

    def _input_grad(self, output_grad: FloatArray) -> FloatArray:
        if self.mask is None:
            return np.array(output_grad, dtype=np.float64)
        return _float64(output_grad * self.mask)
