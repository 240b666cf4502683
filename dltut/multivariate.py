r"""A function of two matrices, L = sum(sigmoid(X W)), with its forward and backward pass.

This is the smallest function that has the shape of a neural network's
layer: a matrix product that combines the input features, an elementwise
activation, and a reduction to one number, as a loss does. Its backward pass
returns the gradient of that number with respect to both matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array
from dltut.activations import sigmoid, sigmoid_derivative

__all__ = [
    "MatmulSigmoidSumForward",
    "matmul_sigmoid_sum",
    "matmul_sigmoid_sum_backward",
    "matmul_sigmoid_sum_forward",
    "matmul_sigmoid_sum_gradients",
]

FloatArray = NDArray[np.floating[Any]]


@dataclass(frozen=True)
class MatmulSigmoidSumForward:
    """The values of a forward pass of L = sum(sigmoid(X W)), kept for the backward pass.

    `x` (n, d), `weights` (d, k) and `products` = X W (n, k) are what the
    backward pass needs; `activations` = sigmoid(X W) (n, k) and `loss` = L
    are kept so that every step can be shown.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.multivariate import matmul_sigmoid_sum_forward
    >>> forward = matmul_sigmoid_sum_forward(np.zeros((2, 3)), np.ones((3, 1)))
    >>> forward.products.shape, float(forward.loss)
    ((2, 1), 1.0)
    """

    x: FloatArray
    weights: FloatArray
    products: FloatArray
    activations: FloatArray
    loss: float


def _check_inputs(x: ArrayLike, weights: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert `x` and `weights` to float arrays and check that X W is defined."""
    features = as_float_array(x, "x")
    matrix = as_float_array(weights, "weights")
    if features.ndim != 2:
        raise ValueError(
            f"x must be 2-d, one row per example and one column per feature, "
            f"got shape {features.shape}"
        )
    if matrix.ndim != 2:
        raise ValueError(
            f"weights must be 2-d, one row per input feature and one column per "
            f"output feature, got shape {matrix.shape}"
        )
    if features.shape[1] != matrix.shape[0]:
        raise ValueError(
            f"x has shape {features.shape} but weights has shape {matrix.shape}; "
            "x's columns must equal weights' rows"
        )
    return features, matrix


def matmul_sigmoid_sum_forward(x: ArrayLike, weights: ArrayLike) -> MatmulSigmoidSumForward:
    r"""Run the forward pass of L = sum(sigmoid(X W)) and keep its intermediate values.

    Parameters
    ----------
    x
        Input matrix X of shape (n, d): n examples with d features each.
    weights
        Weight matrix W of shape (d, k): column j contains the weights that
        combine the d input features into output feature j.

    Returns
    -------
    MatmulSigmoidSumForward
        The inputs, the products N = X W, the activations S = sigmoid(N)
        and the loss L.

    Raises
    ------
    TypeError
        If `x` or `weights` is not real-valued.
    ValueError
        If `x` or `weights` is not 2-d, or x's columns differ from weights'
        rows.

    Notes
    -----
    The three steps and their shapes:

    $$N = X W \ (n \times k), \quad S = \sigma(N) \ (n \times k),
    \quad L = \sum_{i=1}^{n} \sum_{j=1}^{k} S_{ij}.$$

    A product that overflows float64 becomes $\pm\infty$, which the sigmoid
    maps to 1 or 0, its limit for products that large.

    Examples
    --------
    >>> from dltut.multivariate import matmul_sigmoid_sum_forward
    >>> forward = matmul_sigmoid_sum_forward([[1.0, 2.0]], [[0.5], [-0.25]])
    >>> forward.products, forward.activations, forward.loss
    (array([[0.]]), array([[0.5]]), 0.5)
    """
    features, matrix = _check_inputs(x, weights)

    # Large finite input may overflow to +-inf, which sigmoid handles.
    # NOTE: terms of one product that overflow with opposite signs give
    # inf - inf = NaN, although the exact product may be finite.
    with np.errstate(over="ignore", invalid="ignore"):
        products = features @ matrix
    activations = sigmoid(products)
    loss = float(np.sum(activations))
    return MatmulSigmoidSumForward(features, matrix, products, activations, loss)


def matmul_sigmoid_sum_backward(
    forward: MatmulSigmoidSumForward,
) -> tuple[FloatArray, FloatArray]:
    r"""Compute the gradients of L = sum(sigmoid(X W)) from the values of its forward pass.

    Parameters
    ----------
    forward
        The result of `matmul_sigmoid_sum_forward`.

    Returns
    -------
    tuple of numpy.ndarray
        `(grad_x, grad_weights)`: $\partial L / \partial X$ of the shape of
        X, (n, d), and $\partial L / \partial W$ of the shape of W, (d, k).

    Raises
    ------
    TypeError
        If `forward` is not a `MatmulSigmoidSumForward`.

    Notes
    -----
    Going back through the three steps of the forward pass:

    $$\frac{\partial L}{\partial S} = \mathbf{1} \ (n \times k), \quad
    G = \frac{\partial L}{\partial N} = \sigma'(N) \odot \frac{\partial L}{\partial S}
    \ (n \times k),$$

    $$\frac{\partial L}{\partial X} = G W^{T} \ (n \times d), \quad
    \frac{\partial L}{\partial W} = X^{T} G \ (d \times k).$$

    The sigmoid acts elementwise, so its Jacobian is diagonal and its step
    is an elementwise product. The matrix formulas follow from
    $N_{ij} = \sum_{f} X_{if} W_{fj}$: $X_{if}$ affects row $i$ of N
    through the weights $W_{fj}$, and $W_{fj}$ affects column $j$ through
    the inputs $X_{if}$.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.multivariate import (
    ...     matmul_sigmoid_sum_backward,
    ...     matmul_sigmoid_sum_forward,
    ... )
    >>> forward = matmul_sigmoid_sum_forward([[1.0, 2.0]], [[0.5], [-0.25]])
    >>> grad_x, grad_weights = matmul_sigmoid_sum_backward(forward)
    >>> grad_x  # sigmoid'(0) = 0.25 times the weights
    array([[ 0.125 , -0.0625]])
    >>> grad_weights  # 0.25 times the inputs, as a column
    array([[0.25],
           [0.5 ]])
    """
    if not isinstance(forward, MatmulSigmoidSumForward):
        raise TypeError(
            "forward must be the MatmulSigmoidSumForward returned by "
            f"matmul_sigmoid_sum_forward, got {type(forward).__name__}"
        )

    # dL/dS is all ones, so dL/dN = sigmoid'(N) * 1.
    grad_products = sigmoid_derivative(forward.products)
    # The entries of grad_products are at most 0.25, so these products
    # overflow only for inputs near the float64 limit. They then become
    # +-inf (or NaN, as in the forward pass) without a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        grad_x = grad_products @ forward.weights.T
        grad_weights = forward.x.T @ grad_products
    return np.asarray(grad_x), np.asarray(grad_weights)


def matmul_sigmoid_sum(x: ArrayLike, weights: ArrayLike) -> float:
    r"""Compute L = sum(sigmoid(X W)), the sum of the sigmoid of every entry of X W.

    Parameters
    ----------
    x
        Input matrix X of shape (n, d).
    weights
        Weight matrix W of shape (d, k).

    Returns
    -------
    float
        L, a number between 0 and n k.

    Raises
    ------
    TypeError
        If `x` or `weights` is not real-valued.
    ValueError
        If `x` or `weights` is not 2-d, or x's columns differ from weights'
        rows.

    Notes
    -----
    $L = \sum_{i,j} \sigma\left(\sum_{f=1}^{d} X_{if} W_{fj}\right)$.
    See `matmul_sigmoid_sum_forward` for the steps.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.multivariate import matmul_sigmoid_sum
    >>> # With zero weights every product is 0 and every sigmoid 0.5.
    >>> matmul_sigmoid_sum(np.ones((3, 2)), np.zeros((2, 4)))
    6.0
    """
    return matmul_sigmoid_sum_forward(x, weights).loss


def matmul_sigmoid_sum_gradients(x: ArrayLike, weights: ArrayLike) -> tuple[FloatArray, FloatArray]:
    r"""Compute the gradients of L = sum(sigmoid(X W)) with respect to X and W.

    Runs `matmul_sigmoid_sum_forward` and then `matmul_sigmoid_sum_backward`.

    Parameters
    ----------
    x
        Input matrix X of shape (n, d).
    weights
        Weight matrix W of shape (d, k).

    Returns
    -------
    tuple of numpy.ndarray
        `(grad_x, grad_weights)`, of shapes (n, d) and (d, k):

        $$\frac{\partial L}{\partial X} = \sigma'(X W) \, W^{T}, \quad
        \frac{\partial L}{\partial W} = X^{T} \, \sigma'(X W).$$

    Raises
    ------
    TypeError
        If `x` or `weights` is not real-valued.
    ValueError
        If `x` or `weights` is not 2-d, or x's columns differ from weights'
        rows.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.multivariate import matmul_sigmoid_sum_gradients
    >>> rng = np.random.default_rng(0)
    >>> x, weights = rng.normal(size=(5, 3)), rng.normal(size=(3, 2))
    >>> grad_x, grad_weights = matmul_sigmoid_sum_gradients(x, weights)
    >>> grad_x.shape, grad_weights.shape
    ((5, 3), (3, 2))
    """
    return matmul_sigmoid_sum_backward(matmul_sigmoid_sum_forward(x, weights))
