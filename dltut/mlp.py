r"""A neural network with one hidden layer for regression, trained by gradient descent.

The forward and backward passes are written out by hand, with no automatic
differentiation, so that each step of backpropagation can be read and checked
against `dltut.gradients.numerical_gradient`. For $n$ examples with $d$
features and $h$ hidden units:

$$z_1 = X W_1 + b_1, \quad a_1 = \tanh(z_1), \quad \hat y = a_1 w_2 + b_2,$$

with $X$ of shape (n, d), $W_1$ (d, h), $b_1$ (h,), $z_1$ and $a_1$ (n, h),
$w_2$ (h,), $b_2$ a number and $\hat y$ (n,). The loss is the mean squared
error $L = \frac{1}{n} \sum_i (\hat y_i - y_i)^2$.

The hidden layer uses tanh because it is smooth, so a gradient check meets no
kinks as it would with ReLU. Its outputs are centred on 0, and its slope at 0
is 1 where the sigmoid's is 0.25, so the gradients reaching $W_1$ are not
shrunk fourfold.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array, check_positive_step
from dltut.activations import tanh, tanh_derivative
from dltut.data import DEFAULT_SEED
from dltut.regression import TrainingHistory, mean_squared_error

__all__ = [
    "ForwardCache",
    "MLPGradients",
    "MLPParams",
    "backward",
    "forward",
    "init_params",
    "predict",
    "train",
]

FloatArray = NDArray[np.float64]


def _check_count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _finite_float64(value: ArrayLike, name: str) -> FloatArray:
    array = as_float_array(value, name).astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers, got NaN or infinity")
    return array


def _check_features(x: ArrayLike, name: str) -> FloatArray:
    array = _finite_float64(x, name)
    if array.ndim != 2 or array.size == 0:
        raise ValueError(
            f"{name} must be 2-d (examples, features) with at least one of each, "
            f"got shape {array.shape}"
        )
    return array


def _check_targets(y: ArrayLike, name: str, x: FloatArray, x_name: str) -> FloatArray:
    array = _finite_float64(y, name)
    if array.shape != (x.shape[0],):
        raise ValueError(
            f"{x_name} has shape {x.shape} but {name} has shape {array.shape}; "
            f"{name} must be 1-d with one target per row of {x_name}"
        )
    return array


@dataclass(frozen=True, eq=False)
class MLPParams:
    """Weights and biases of the network: `w1` (d, h), `b1` (h,), `w2` (h,) and the number `b2`.

    The arrays are stored as read-only float64 copies, so parameters cannot
    change after they are made. A `ValueError` names the first shape that
    does not fit, or a value that is not finite, and a `TypeError` a value
    that is not real-valued.

    Examples
    --------
    >>> from dltut.mlp import MLPParams
    >>> params = MLPParams(w1=[[1.0, 2.0]], b1=[0.0, 0.0], w2=[1.0, -1.0], b2=0.5)
    >>> params.w1.shape, params.w1.flags.writeable, params.b2
    ((1, 2), False, 0.5)
    """

    w1: FloatArray
    b1: FloatArray
    w2: FloatArray
    b2: float

    def __post_init__(self) -> None:
        w1 = _finite_float64(self.w1, "w1")
        b1 = _finite_float64(self.b1, "b1")
        w2 = _finite_float64(self.w2, "w2")
        b2 = _finite_float64(self.b2, "b2")
        if w1.ndim != 2 or w1.size == 0:
            raise ValueError(f"w1 must be 2-d with shape (d, h), d, h >= 1, got {w1.shape}")
        for name, array in (("b1", b1), ("w2", w2)):
            if array.shape != (w1.shape[1],):
                raise ValueError(
                    f"w1 has shape {w1.shape} but {name} has shape {array.shape}; "
                    f"{name} needs one entry per hidden unit (column of w1)"
                )
        if b2.shape != ():
            raise ValueError(f"b2 must be a single number, got an array of shape {b2.shape}")

        for array in (w1, b1, w2):
            array.flags.writeable = False
        # The dataclass is frozen, so the converted values are set around its __setattr__.
        object.__setattr__(self, "w1", w1)
        object.__setattr__(self, "b1", b1)
        object.__setattr__(self, "w2", w2)
        object.__setattr__(self, "b2", float(b2))


@dataclass(frozen=True, eq=False)
class MLPGradients:
    """Gradients of the loss, each with the shape of the `MLPParams` field of the same name.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.mlp import backward, forward, init_params
    >>> params = init_params(3, 4)
    >>> _, cache = forward(params, np.ones((5, 3)))
    >>> grads = backward(params, cache, np.zeros(5))
    >>> grads.w1.shape, grads.b1.shape, grads.w2.shape, type(grads.b2).__name__
    ((3, 4), (4,), (4,), 'float')
    """

    w1: FloatArray
    b1: FloatArray
    w2: FloatArray
    b2: float


@dataclass(frozen=True, eq=False)
class ForwardCache:
    """Values of the forward pass that `backward` reuses: `x`, `z1`, `a1` and `predictions`.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.mlp import forward, init_params
    >>> _, cache = forward(init_params(3, 4), np.ones((5, 3)))
    >>> cache.x.shape, cache.z1.shape, cache.a1.shape, cache.predictions.shape
    ((5, 3), (5, 4), (5, 4), (5,))
    """

    x: FloatArray
    z1: FloatArray
    a1: FloatArray
    predictions: FloatArray


def init_params(n_inputs: int, n_hidden: int, *, seed: int = DEFAULT_SEED) -> MLPParams:
    r"""Draw random weights scaled by their fan-in, with zero biases.

    Parameters
    ----------
    n_inputs
        Number of features $d$.
    n_hidden
        Number of hidden units $h$.
    seed
        Seed of the generator that draws the weights, a non-negative integer.

    Returns
    -------
    MLPParams
        `w1` normal with standard deviation $1/\sqrt{d}$, `w2` normal with
        standard deviation $1/\sqrt{h}$, `b1` zeros and `b2` 0.

    Raises
    ------
    TypeError, ValueError
        If `n_inputs` or `n_hidden` is not a positive integer, or `seed` is
        not a non-negative integer.

    Notes
    -----
    With standardized features, each entry of $z_1$ then has variance about
    1, so tanh starts on its curved part rather than its flat tails. Random
    weights break the symmetry between hidden units: with equal weights, all
    units would get equal gradients and stay copies of each other.

    Examples
    --------
    >>> from dltut.mlp import init_params
    >>> params = init_params(3, 4)
    >>> params.w1.shape, params.b1.shape, params.w2.shape, params.b2
    ((3, 4), (4,), (4,), 0.0)
    """
    inputs = _check_count(n_inputs, "n_inputs")
    hidden = _check_count(n_hidden, "n_hidden")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")

    rng = np.random.default_rng(int(seed))
    w1 = rng.normal(0.0, 1.0 / math.sqrt(inputs), size=(inputs, hidden))
    w2 = rng.normal(0.0, 1.0 / math.sqrt(hidden), size=hidden)
    return MLPParams(w1=w1, b1=np.zeros(hidden), w2=w2, b2=0.0)


def _forward(params: MLPParams, x: FloatArray) -> ForwardCache:
    z1 = x @ params.w1 + params.b1
    a1 = np.asarray(tanh(z1), dtype=np.float64)
    predictions = a1 @ params.w2 + params.b2
    return ForwardCache(x=x, z1=z1, a1=a1, predictions=predictions)


def forward(params: MLPParams, x: ArrayLike) -> tuple[FloatArray, ForwardCache]:
    """Compute the network's predictions and keep what the backward pass needs.

    Parameters
    ----------
    params
        The network's parameters.
    x
        Features, shape (n, d), finite.

    Returns
    -------
    tuple of (numpy.ndarray, ForwardCache)
        Predictions of shape (n,), and the values `backward` needs.

    Raises
    ------
    ValueError
        If `x` is not 2-d and finite, or its columns differ from `w1`'s rows.
    FloatingPointError
        If $X W_1$ overflows float64, which takes entries near 1e300.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.mlp import MLPParams, forward
    >>> params = MLPParams(w1=[[1.0, -1.0]], b1=[0.0, 0.0], w2=[2.0, 1.0], b2=0.5)
    >>> predictions, cache = forward(params, [[0.0], [1.0]])
    >>> np.round(predictions, 4)  # 2 tanh(x) + tanh(-x) + 0.5 = tanh(x) + 0.5
    array([0.5   , 1.2616])
    """
    features = _check_features(x, "x")
    if features.shape[1] != params.w1.shape[0]:
        raise ValueError(
            f"x has shape {features.shape} but w1 has shape {params.w1.shape}; "
            "x's columns must equal w1's rows"
        )
    # An overflow would reach the predictions as NaN, so raise where it starts.
    with np.errstate(over="raise", invalid="raise"):
        cache = _forward(params, features)
    return cache.predictions, cache


def predict(params: MLPParams, x: ArrayLike) -> FloatArray:
    """Return the network's predictions for `x`, shape (n,), as `forward` computes them.

    Examples
    --------
    >>> from dltut.mlp import init_params, predict
    >>> predict(init_params(2, 3), [[0.0, 0.0]])  # zero biases, and tanh(0) = 0
    array([0.])
    """
    return forward(params, x)[0]


def _backward(params: MLPParams, cache: ForwardCache, y: FloatArray) -> MLPGradients:
    grad_predictions = 2.0 * (cache.predictions - y) / len(y)
    grad_b2 = float(np.sum(grad_predictions))
    grad_w2 = cache.a1.T @ grad_predictions
    grad_a1 = np.outer(grad_predictions, params.w2)
    grad_z1 = grad_a1 * tanh_derivative(cache.z1)
    grad_w1 = cache.x.T @ grad_z1
    grad_b1 = np.sum(grad_z1, axis=0)
    return MLPGradients(w1=grad_w1, b1=grad_b1, w2=grad_w2, b2=grad_b2)


def backward(params: MLPParams, cache: ForwardCache, y: ArrayLike) -> MLPGradients:
    r"""Compute the gradients of the mean squared error by backpropagation.

    Parameters
    ----------
    params
        The parameters that `forward` used.
    cache
        What `forward` returned for the examples.
    y
        Targets, shape (n,).

    Returns
    -------
    MLPGradients
        $\partial L / \partial \theta$ for each parameter $\theta$, in its shape.

    Raises
    ------
    ValueError
        If `y` does not have one finite target per example, or `cache` has
        a different number of hidden units than `params`.

    Notes
    -----
    With the residuals $r = \hat y - y$, the chain rule, applied from the
    loss back towards the input, gives (shapes on the right):

    - $g = \partial L / \partial \hat y = 2 r / n$, (n,)
    - $\partial L / \partial b_2 = \sum_i g_i$, a number
    - $\partial L / \partial w_2 = a_1^\top g$, (h,)
    - $\partial L / \partial a_1 = g \, w_2^\top$, an outer product, (n, h)
    - $\partial L / \partial z_1 = \partial L / \partial a_1 \odot \tanh'(z_1)$, (n, h)
    - $\partial L / \partial W_1 = X^\top \, \partial L / \partial z_1$, (d, h)
    - $\partial L / \partial b_1$ = column sums of $\partial L / \partial z_1$, (h,)

    Every example adds its own term to the loss, which is why the bias
    gradients sum over the rows. $\tanh'$ is `tanh_derivative`, which stays
    accurate where $1 - \tanh^2$ would round to 0.

    Examples
    --------
    >>> from dltut.mlp import MLPParams, backward, forward
    >>> params = MLPParams(w1=[[1.0]], b1=[0.0], w2=[1.0], b2=0.0)
    >>> _, cache = forward(params, [[0.0]])
    >>> backward(params, cache, [1.0]).b2  # 2 (0 - 1) / 1
    -2.0
    """
    targets = _check_targets(y, "y", cache.x, "cache.x")
    if cache.a1.shape[1] != params.w2.shape[0]:
        raise ValueError(
            f"cache.a1 has shape {cache.a1.shape} but w2 has shape {params.w2.shape}; "
            "pass the cache that forward returned for these params"
        )
    return _backward(params, cache, targets)


def _gradient_step(
    params: MLPParams, grads: MLPGradients, learning_rate: float
) -> MLPParams | None:
    """Return the parameters after one update, or None if one of them is no longer finite."""
    w1 = params.w1 - learning_rate * grads.w1
    b1 = params.b1 - learning_rate * grads.b1
    w2 = params.w2 - learning_rate * grads.w2
    b2 = params.b2 - learning_rate * grads.b2
    if not all(np.all(np.isfinite(array)) for array in (w1, b1, w2, b2)):
        return None
    return MLPParams(w1=w1, b1=b1, w2=w2, b2=b2)


def train(
    x: ArrayLike,
    y: ArrayLike,
    *,
    n_hidden: int = 8,
    learning_rate: float = 0.05,
    epochs: int = 1000,
    seed: int = DEFAULT_SEED,
    x_test: ArrayLike | None = None,
    y_test: ArrayLike | None = None,
) -> tuple[MLPParams, TrainingHistory]:
    r"""Train a network by full-batch gradient descent on the mean squared error.

    Parameters
    ----------
    x
        Training features, shape (n, d). Standardize them first.
    y
        Training targets, shape (n,). The default learning rate suits
        targets of order 1: standardize them too, and scale predictions back.
    n_hidden
        Number of hidden units $h$.
    learning_rate
        Step size $\eta$ of each update
        $\theta \leftarrow \theta - \eta \, \partial L / \partial \theta$.
    epochs
        Number of updates. Each one uses all training examples.
    seed
        Seed of `init_params`, the only random step.
    x_test, y_test
        Optional held-out examples, such as a validation or test set, given
        together. Their loss is recorded but never used for an update.

    Returns
    -------
    tuple of (MLPParams, dltut.regression.TrainingHistory)
        The final parameters and the losses, `epochs + 1` of each: entry 0
        at the initial parameters, entry k after k updates. If training
        diverged, it stopped at the last parameters with finite losses and
        `history.diverged` is True.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid: shapes that do not fit (both are named),
        empty or non-finite data, `n_hidden` or `epochs` not a positive
        integer, a learning rate that is not positive and finite, only one
        of `x_test` and `y_test`, or data so large that the initial loss
        overflows float64.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.mlp import train
    >>> x = np.linspace(-2, 2, 20).reshape(-1, 1)
    >>> params, history = train(x, np.sin(x[:, 0]), n_hidden=4, epochs=500)
    >>> len(history.train_loss), bool(history.train_loss[-1] < history.train_loss[0] / 10)
    (501, True)
    """
    features = _check_features(x, "x")
    targets = _check_targets(y, "y", features, "x")
    hidden = _check_count(n_hidden, "n_hidden")
    rate = check_positive_step(learning_rate, "learning_rate")
    n_epochs = _check_count(epochs, "epochs")
    if (x_test is None) != (y_test is None):
        raise ValueError("x_test and y_test must be given together, or both left out")
    held_out: tuple[FloatArray, FloatArray] | None = None
    if x_test is not None and y_test is not None:
        test_features = _check_features(x_test, "x_test")
        if test_features.shape[1] != features.shape[1]:
            raise ValueError(
                f"x has shape {features.shape} but x_test has shape {test_features.shape}; "
                "x_test must have the same columns as x"
            )
        held_out = (test_features, _check_targets(y_test, "y_test", test_features, "x_test"))

    def measure(params: MLPParams) -> tuple[ForwardCache, list[float]]:
        cache = _forward(params, features)
        losses = [mean_squared_error(cache.predictions, targets)]
        if held_out is not None:
            test_predictions = _forward(params, held_out[0]).predictions
            losses.append(mean_squared_error(test_predictions, held_out[1]))
        return cache, losses

    params = init_params(features.shape[1], hidden, seed=seed)
    try:
        with np.errstate(over="raise", invalid="raise"):
            cache, losses = measure(params)
    except FloatingPointError as error:
        raise ValueError(
            f"x or x_test is too large for float64 ({error}); standardize it"
        ) from error
    if not all(math.isfinite(loss) for loss in losses):
        raise ValueError(
            "the loss at the initial parameters is not finite because y or y_test is too "
            "large to square in float64; standardize the targets"
        )

    history = [losses]
    diverged = False
    for _ in range(n_epochs):
        # A diverging run grows the parameters without bound. Overflow to inf
        # or NaN is expected there and detected below, so NumPy's warnings
        # about it would only repeat that.
        with np.errstate(over="ignore", invalid="ignore"):
            updated = _gradient_step(params, _backward(params, cache, targets), rate)
            if updated is not None:
                new_cache, new_losses = measure(updated)
        if updated is None or not all(math.isfinite(loss) for loss in new_losses):
            diverged = True
            break
        params, cache = updated, new_cache
        history.append(new_losses)

    recorded = np.array(history)
    test_loss = recorded[:, 1] if held_out is not None else None
    return params, TrainingHistory(recorded[:, 0], test_loss, diverged)
