r"""Layers: chains of operations with their parameters, the units a network stacks.

A `Dense` (fully connected) layer with $k$ neurons computes

$$Y = f(X W + b)$$

for an input $X$ of shape (n, d), weights $W$ (d, k), a bias row $b$
(1, k) and an activation $f$, followed by dropout if it has any. Its
weights are created on the first `forward`, when the input width $d$ is
known.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array
from dltut.data import DEFAULT_SEED
from dltut.nn.init import get_initializer
from dltut.nn.operations import (
    BiasAdd,
    Dropout,
    Linear,
    Operation,
    ParamOperation,
    WeightMultiply,
)

__all__ = ["Dense", "Layer"]

FloatArray = NDArray[np.float64]


class Layer:
    """Base class of layers: runs its operations forward in order and backward in reverse.

    Subclasses create `self.operations` in `_setup(input_)`, which runs on
    the first `forward`. `name` appears in error messages; a
    `dltut.nn.network.NeuralNetwork` sets it to "layer 1", "layer 2", ...

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn import Dense, Tanh
    >>> layer = Dense(3, Tanh(), seed=0)
    >>> layer.forward(np.zeros((2, 4))).shape
    (2, 3)
    >>> [param.shape for param in layer.params]
    [(4, 3), (1, 3)]
    """

    def __init__(self) -> None:
        self.name = type(self).__name__
        self.operations: list[Operation] = []
        self.output: FloatArray | None = None
        self._is_set_up = False

    def forward(self, input_: ArrayLike, *, training: bool = False) -> FloatArray:
        """Pass `input_` through the layer's operations and return the output.

        Parameters
        ----------
        input_
            Array of shape (n, d), converted to float64.
        training
            True during training, which turns dropout on.

        Returns
        -------
        numpy.ndarray
            The layer's output.

        Raises
        ------
        TypeError
            If `input_` is not real-valued.
        ValueError
            If the input's shape does not fit the layer's parameters.
        """
        array = as_float_array(input_, "input_").astype(np.float64, copy=False)
        if not self._is_set_up:
            self._setup(array)
            self._is_set_up = True
        self._check_input(array)
        for operation in self.operations:
            array = operation.forward(array, training=training)
        self.output = array
        return array

    def backward(self, output_grad: ArrayLike) -> FloatArray:
        """Backpropagate `output_grad` through the operations and return the input gradient.

        Every `ParamOperation` stores its parameter's gradient on the way,
        which `param_grads` then returns.

        Raises
        ------
        RuntimeError
            If `forward` has not been called yet.
        ValueError
            If `output_grad`'s shape differs from the output's (both are named).
        """
        grad = self._checked_output_grad(output_grad, "backward")
        for operation in reversed(self.operations):
            grad = operation.backward(grad)
        return grad

    def backward_params(self, output_grad: ArrayLike) -> None:
        r"""Store the parameter gradients as `backward` does, but skip the input gradient.

        A network's first layer needs no gradient with respect to its
        input, the data. For a `Dense` layer, with $G$ the gradient that
        reaches its weight multiplication, this saves the product
        $\partial L / \partial X = G W^\top$: as many multiply-adds as the
        product $X^\top G$ that gives the weights' gradient.

        Raises
        ------
        RuntimeError
            If `forward` has not been called yet.
        ValueError
            If `output_grad`'s shape differs from the output's.
        """
        grad = self._checked_output_grad(output_grad, "backward_params")
        if not self.operations:
            return
        first, *rest = self.operations
        for operation in reversed(rest):
            grad = operation.backward(grad)
        first.backward_params(grad)

    def _checked_output_grad(self, output_grad: ArrayLike, method: str) -> FloatArray:
        if self.output is None:
            raise RuntimeError(f"{self.name}.{method} called before forward; call forward first")
        grad = as_float_array(output_grad, "output_grad").astype(np.float64, copy=False)
        if grad.shape != self.output.shape:
            raise ValueError(
                f"output_grad has shape {grad.shape} but the output of {self.name} has "
                f"shape {self.output.shape}; they must be equal"
            )
        return grad

    @property
    def params(self) -> list[FloatArray]:
        """The parameter arrays, in the order of the operations; empty before the first forward.

        These are the arrays the layer computes with, so an optimizer that
        changes them in place changes the layer.
        """
        return [op.param for op in self.operations if isinstance(op, ParamOperation)]

    @property
    def param_grads(self) -> list[FloatArray]:
        """The gradients of the loss with respect to `params`, in the same order and shapes.

        Raises `RuntimeError` if `backward` has not run since the parameters
        were created.
        """
        grads = []
        for op in self.operations:
            if isinstance(op, ParamOperation):
                if op.param_grad is None:
                    raise RuntimeError(
                        f"{self.name} has no parameter gradients yet; call backward first"
                    )
                grads.append(op.param_grad)
        return grads

    def seed(self, rng: np.random.Generator) -> None:
        """Use `rng` for the layer's random draws; layers without any ignore it."""

    def _setup(self, input_: FloatArray) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _setup")

    def _check_input(self, input_: FloatArray) -> None:
        """Raise `ValueError` if the layer cannot take `input_`; any shape by default."""


def _check_neurons(neurons: Any) -> int:
    if isinstance(neurons, bool) or not isinstance(neurons, numbers.Integral):
        raise TypeError(f"neurons must be a positive integer, got {neurons!r}")
    if neurons < 1:
        raise ValueError(f"neurons must be a positive integer, got {neurons!r}")
    return int(neurons)


class Dense(Layer):
    r"""A fully connected layer: weights, a bias, an activation, then optional dropout.

    Parameters
    ----------
    neurons
        Number of outputs $k$.
    activation
        An operation applied after the bias, such as `Tanh()`. None means
        `Linear()`, no activation. Give each layer its own instance, because
        an operation stores its last input.
    init
        How the weights are drawn on the first forward: "glorot"
        (`glorot_normal`, the default), "he" (`he_normal`, for ReLU) or
        "standard" (N(0, 1)). The bias starts at 0.
    dropout
        Dropout rate in [0, 1); 0 adds no dropout.
    seed
        Seed of the generator that draws the weights and the dropout masks,
        used unless `seed(rng)` gives the layer another generator. A network
        gives each of its layers one. Without either, `DEFAULT_SEED` is used.

    Raises
    ------
    TypeError, ValueError
        If `neurons` is not a positive integer, `activation` is not an
        `Operation`, `init` is not one of the names above or `dropout` is
        outside [0, 1).

    Notes
    -----
    The operations are $Z = X W$, $A = Z + b$, $Y = f(A)$ and, with dropout,
    $Y' = Y \odot M / (1 - p)$. Backward runs them in reverse, each turning
    the gradient of its output into the gradient of its input:

    $$\frac{\partial L}{\partial A} = \frac{\partial L}{\partial Y} \odot f'(A),
    \quad \frac{\partial L}{\partial b} = \mathbf{1}^\top \frac{\partial L}{\partial A},$$

    $$\frac{\partial L}{\partial W} = X^\top \frac{\partial L}{\partial A},
    \quad \frac{\partial L}{\partial X} = \frac{\partial L}{\partial A} W^\top.$$

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.nn.layers import Dense
    >>> from dltut.nn.operations import Tanh
    >>> layer = Dense(4, Tanh(), seed=0)
    >>> layer.forward(np.ones((5, 3))).shape
    (5, 4)
    >>> [p.shape for p in layer.params]  # weights, then bias
    [(3, 4), (1, 4)]
    """

    def __init__(
        self,
        neurons: int,
        activation: Operation | None = None,
        *,
        init: str = "glorot",
        dropout: float = 0.0,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self.neurons = _check_neurons(neurons)
        if activation is None:
            activation = Linear()
        if not isinstance(activation, Operation):
            raise TypeError(
                f"activation must be an Operation such as Tanh() or None, "
                f"got {activation!r} of type {type(activation).__name__}"
            )
        self.activation = activation
        self.init = init
        self._initializer = get_initializer(init)
        # Creating the operation checks the rate now rather than on the first forward.
        self.dropout = Dropout(dropout).rate
        self._weight_op: WeightMultiply | None = None
        self._rng = np.random.default_rng(DEFAULT_SEED if seed is None else seed)

    def __repr__(self) -> str:
        return (
            f"Dense({self.neurons}, {self.activation!r}, init={self.init!r}, "
            f"dropout={self.dropout})"
        )

    def seed(self, rng: np.random.Generator) -> None:
        """Use `rng` to draw the weights and dropout masks from now on.

        Weights that already exist keep their values.

        Raises
        ------
        TypeError
            If `rng` is not a `numpy.random.Generator`.
        """
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"rng must be a numpy.random.Generator, such as np.random.default_rng(0), "
                f"got {type(rng).__name__}"
            )
        self._rng = rng

    def _setup(self, input_: FloatArray) -> None:
        if input_.ndim != 2 or input_.shape[1] == 0:
            raise ValueError(
                f"input must be 2-d, shape (examples, features) with at least one feature, "
                f"got shape {input_.shape}"
            )
        weights = self._initializer(input_.shape[1], self.neurons, self._rng)
        self._weight_op = WeightMultiply(weights)
        self.operations = [
            self._weight_op,
            BiasAdd(np.zeros((1, self.neurons))),
            self.activation,
        ]
        if self.dropout > 0.0:
            # Drawn after the weights, so the masks depend only on the layer's generator.
            mask_seed = int(self._rng.integers(2**63))
            self.operations.append(Dropout(self.dropout, seed=mask_seed))

    def _check_input(self, input_: FloatArray) -> None:
        weights = self._weight_op
        if weights is None:
            return
        rows = weights.param.shape[0]
        if input_.ndim != 2 or input_.shape[1] != rows:
            raise ValueError(
                f"input has shape {input_.shape} but {self.name}'s weights have shape "
                f"{weights.param.shape}; the input must be 2-d with {rows} columns "
                "(the weights' rows), the width of the first input the layer saw"
            )
