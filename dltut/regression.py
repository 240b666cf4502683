r"""Linear regression trained by full-batch gradient descent on the mean squared error.

The model predicts $\hat y = X w + b$. Each piece of the training is a
function of its own, so that it can be tested and shown alone. They are the
loss (`mean_squared_error`), its gradient (`linear_gradients`), the loop
(`fit_linear_regression`) and the closed-form solution that the loop should
reach (`least_squares`).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array, check_positive_step
from dltut.data import DEFAULT_SEED

__all__ = [
    "LinearModel",
    "TrainingHistory",
    "fit_linear_regression",
    "least_squares",
    "linear_gradients",
    "mean_squared_error",
]

FloatArray = NDArray[np.float64]

# Standard deviation of the random initial weights: small enough that the
# first predictions are close to the bias, but not all equal.
_INITIAL_WEIGHT_SCALE = 0.01


def _check_real_scalar(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    return float(value)


def _check_features(x: ArrayLike, name: str, features: int | None = None) -> FloatArray:
    """Convert `x` to a float64 array of shape (n, d), with d = `features` if given."""
    array = as_float_array(x, name).astype(np.float64)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-d (examples, features), got shape {array.shape}; "
            "reshape a single example with x.reshape(1, -1)"
        )
    if features is not None and array.shape[1] != features:
        raise ValueError(
            f"{name} has shape {array.shape} but weights has shape ({features},); "
            f"{name}'s columns must equal the length of weights"
        )
    return array


def _check_examples(
    x: ArrayLike, y: ArrayLike, x_name: str = "x", y_name: str = "y"
) -> tuple[FloatArray, FloatArray]:
    """Convert features and targets to float64 and check that they describe the same examples."""
    features = _check_features(x, x_name)
    targets = as_float_array(y, y_name).astype(np.float64)
    if targets.ndim != 1 or len(targets) != len(features):
        raise ValueError(
            f"{x_name} has shape {features.shape} but {y_name} has shape {targets.shape}; "
            f"{y_name} must be 1-d with one target per row of {x_name}"
        )
    if len(features) == 0:
        raise ValueError(f"{x_name} and {y_name} must contain at least one example, got none")
    return features, targets


def _check_finite(array: FloatArray, name: str) -> None:
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers, got NaN or infinity")


@dataclass(frozen=True, eq=False)
class LinearModel:
    r"""Weights and bias of a linear model, $\hat y = x \cdot w + b$.

    `weights` is stored as a read-only float64 copy of shape (d,), so a
    model cannot change after it is made. Models compare by identity,
    because `==` on arrays is elementwise.

    Raises
    ------
    TypeError
        If `weights` or `bias` is not real-valued.
    ValueError
        If `weights` is not 1-d or either is not finite.

    Examples
    --------
    >>> from dltut.regression import LinearModel
    >>> model = LinearModel(weights=[2.0, -1.0], bias=0.5)
    >>> model.predict([[1.0, 1.0], [0.0, 3.0]])
    array([ 1.5, -2.5])
    """

    weights: FloatArray
    bias: float

    def __post_init__(self) -> None:
        weights = as_float_array(self.weights, "weights").astype(np.float64)
        if weights.ndim != 1:
            raise ValueError(f"weights must be 1-d (one per feature), got shape {weights.shape}")
        _check_finite(weights, "weights")
        bias = _check_real_scalar(self.bias, "bias")
        if not math.isfinite(bias):
            raise ValueError(f"bias must be a finite number, got {bias!r}")

        weights.flags.writeable = False
        # The dataclass is frozen, so the converted values are set around its __setattr__.
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "bias", bias)

    def predict(self, x: ArrayLike) -> FloatArray:
        r"""Compute the prediction $x_i \cdot w + b$ for each row of `x`.

        Parameters
        ----------
        x
            Features, shape (n, d), where d is the length of `weights`.

        Returns
        -------
        numpy.ndarray
            Predictions, shape (n,).

        Raises
        ------
        ValueError
            If `x` is not 2-d or its column count is not d.

        Examples
        --------
        >>> from dltut.regression import LinearModel
        >>> LinearModel(weights=[3.0], bias=1.0).predict([[0.0], [2.0]])
        array([1., 7.])
        """
        features = _check_features(x, "x", len(self.weights))
        return np.asarray(features @ self.weights + self.bias, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class TrainingHistory:
    """Losses recorded by `fit_linear_regression`, one entry per epoch plus the start.

    `train_loss[k]` is the mean squared error on the training data after
    `k` epochs, so entry 0 is measured at the initial weights. `test_loss`
    has the same layout for the test data, or is None when no test data was
    given. `diverged` is True when training stopped early because a loss or
    a parameter was no longer finite. The losses then end at the last
    finite ones.

    Examples
    --------
    >>> from dltut.regression import fit_linear_regression
    >>> _, history = fit_linear_regression([[0.0], [1.0]], [1.0, 3.0], epochs=5)
    >>> len(history.train_loss), history.test_loss, history.diverged
    (6, None, False)
    """

    train_loss: FloatArray
    test_loss: FloatArray | None
    diverged: bool


def mean_squared_error(predictions: ArrayLike, targets: ArrayLike) -> float:
    r"""Compute the mean squared error between predictions and targets.

    Parameters
    ----------
    predictions, targets
        Arrays of the same shape, with at least one element.

    Returns
    -------
    float
        $\frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2$. It is `inf` when the
        exact value exceeds the float64 range, and NaN when an input is NaN.

    Raises
    ------
    TypeError
        If an input is not real-valued.
    ValueError
        If the shapes differ or the arrays are empty.

    Notes
    -----
    The residuals are divided by their largest magnitude $s$ before they are
    squared, and the mean is multiplied by $s^2$ at the end. Squaring
    residuals near $10^{154}$ directly would overflow float64 even when
    their mean square is representable.

    Examples
    --------
    >>> from dltut.regression import mean_squared_error
    >>> # (0^2 + 2^2 + 3^2) / 3
    >>> round(mean_squared_error([1.0, 2.0, 3.0], [1.0, 0.0, 0.0]), 4)
    4.3333
    """
    predicted = as_float_array(predictions, "predictions").astype(np.float64)
    actual = as_float_array(targets, "targets").astype(np.float64)
    if predicted.shape != actual.shape:
        raise ValueError(
            f"predictions has shape {predicted.shape} but targets has shape {actual.shape}; "
            "they must have the same shape"
        )
    if predicted.size == 0:
        raise ValueError("predictions and targets must not be empty, got arrays of size 0")

    # Halving both before subtracting keeps the difference of two finite
    # float64 values finite, so no overflow warning can occur.
    half_residuals = predicted / 2 - actual / 2
    scale = float(np.max(np.abs(half_residuals)))
    if math.isnan(scale):
        return math.nan
    if scale == 0.0:
        return 0.0
    if math.isinf(scale):
        return math.inf
    mean_square = float(np.mean(np.square(half_residuals / scale)))
    # Python float multiplication returns inf on overflow, without a warning.
    return 4.0 * scale * scale * mean_square


def linear_gradients(
    x: ArrayLike, y: ArrayLike, weights: ArrayLike, bias: float
) -> tuple[FloatArray, float]:
    r"""Compute the gradient of the mean squared error with respect to the weights and the bias.

    Parameters
    ----------
    x
        Features, shape (n, d).
    y
        Targets, shape (n,).
    weights
        Weights, shape (d,).
    bias
        Bias, a real number.

    Returns
    -------
    tuple of (numpy.ndarray, float)
        $\partial L / \partial w$, shape (d,), and $\partial L / \partial b$.

    Raises
    ------
    TypeError
        If an input is not real-valued.
    ValueError
        If the shapes do not fit together or there are no examples.

    Notes
    -----
    With the residuals $r = X w + b - y$ and the loss
    $L = \frac{1}{n} \sum_{i=1}^{n} r_i^2$, the chain rule gives

    $$\frac{\partial L}{\partial w} = \frac{2}{n} X^\top r, \qquad
    \frac{\partial L}{\partial b} = \frac{2}{n} \sum_{i=1}^{n} r_i.$$

    Examples
    --------
    >>> from dltut.regression import linear_gradients
    >>> # r = [0 - 1, 0 - 2], so dL/dw = (1 * -1 + 2 * -2) and dL/db = -1 - 2.
    >>> grad_weights, grad_bias = linear_gradients([[1.0], [2.0]], [1.0, 2.0], [0.0], 0.0)
    >>> grad_weights, grad_bias
    (array([-5.]), -3.0)
    """
    features, targets = _check_examples(x, y)
    parameters = as_float_array(weights, "weights").astype(np.float64)
    if parameters.ndim != 1:
        raise ValueError(f"weights must be 1-d (one per feature), got shape {parameters.shape}")
    _check_features(features, "x", len(parameters))
    offset = _check_real_scalar(bias, "bias")
    return _gradients(features, targets, parameters, offset)


def _gradients(
    x: FloatArray, y: FloatArray, weights: FloatArray, bias: float
) -> tuple[FloatArray, float]:
    # Multiplying by 2/n before the sums rather than after keeps their partial
    # sums up to n times smaller, which matters only near the float64 limit.
    scaled_residuals = (2.0 / len(y)) * (x @ weights + bias - y)
    return x.T @ scaled_residuals, float(np.sum(scaled_residuals))


def _check_integer(value: Any, name: str, minimum: int, description: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a {description} integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be a {description} integer, got {value!r}")
    return int(value)


def _check_test_data(
    x_test: ArrayLike | None, y_test: ArrayLike | None, train_shape: tuple[int, ...]
) -> tuple[FloatArray, FloatArray] | None:
    """Check and convert the optional test data, or return None when neither part is given."""
    if x_test is None and y_test is None:
        return None
    if x_test is None or y_test is None:
        raise ValueError("x_test and y_test must be given together, or both left out")
    features, targets = _check_examples(x_test, y_test, "x_test", "y_test")
    if features.shape[1] != train_shape[1]:
        raise ValueError(
            f"x_test has shape {features.shape} but x has shape {train_shape}; "
            "x_test must have the same columns as x"
        )
    _check_finite(features, "x_test")
    _check_finite(targets, "y_test")
    return features, targets


def fit_linear_regression(
    x: ArrayLike,
    y: ArrayLike,
    *,
    learning_rate: float = 0.1,
    epochs: int = 1000,
    seed: int = DEFAULT_SEED,
    x_test: ArrayLike | None = None,
    y_test: ArrayLike | None = None,
) -> tuple[LinearModel, TrainingHistory]:
    r"""Fit a linear model by full-batch gradient descent on the mean squared error.

    Parameters
    ----------
    x
        Training features, shape (n, d). Gradient descent converges much
        faster when each column is standardized (see `dltut.data.standardize`).
    y
        Training targets, shape (n,).
    learning_rate
        Step size $\eta$ of each update, a positive finite number.
    epochs
        Number of updates. Each epoch uses all n examples once.
    seed
        Seed of the random initial weights.
    x_test, y_test
        Optional test data, shapes (m, d) and (m,), whose loss is recorded
        after every epoch. It does not influence the training.

    Returns
    -------
    tuple of (LinearModel, TrainingHistory)
        The model after the last epoch (or, if training diverged, after the
        last epoch with a finite loss) and the losses along the way.

    Raises
    ------
    TypeError
        If an input has the wrong type.
    ValueError
        If a shape does not fit, there are no examples, the data is not
        finite, only one of `x_test` and `y_test` is given, or
        `learning_rate` or `epochs` is not positive.

    Notes
    -----
    The weights start from a normal distribution with standard deviation
    0.01 and the bias from 0. Each epoch computes the gradient of
    `linear_gradients` on all examples and takes the step

    $$w \leftarrow w - \eta \frac{\partial L}{\partial w}, \qquad
    b \leftarrow b - \eta \frac{\partial L}{\partial b}.$$

    The loss is a quadratic with Hessian $H = \frac{2}{n} A^\top A$, where
    $A = [X, 1]$. The steps converge when $\eta < 2 / \lambda_{\max}(H)$
    and move away from the minimum, by a growing amount each epoch, when
    $\eta$ is larger. Training stops early, with `history.diverged` set,
    as soon as a loss or a parameter is no longer finite.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.regression import fit_linear_regression
    >>> x = np.array([[-1.0], [0.0], [1.0]])
    >>> model, history = fit_linear_regression(x, 2 * x[:, 0] + 1, epochs=200)
    >>> np.round(model.weights, 4), round(model.bias, 4)
    (array([2.]), 1.0)
    >>> bool(history.train_loss[-1] < 1e-12)
    True
    """
    features, targets = _check_examples(x, y)
    _check_finite(features, "x")
    _check_finite(targets, "y")
    test_data = _check_test_data(x_test, y_test, features.shape)
    step = check_positive_step(learning_rate, "learning_rate")
    epoch_count = _check_integer(epochs, "epochs", 1, "positive")
    rng = np.random.default_rng(_check_integer(seed, "seed", 0, "non-negative"))

    weights = rng.normal(scale=_INITIAL_WEIGHT_SCALE, size=int(features.shape[1]))
    bias = 0.0

    def losses(at_weights: FloatArray, at_bias: float) -> list[float]:
        measured = [mean_squared_error(features @ at_weights + at_bias, targets)]
        if test_data is not None:
            test_features, test_targets = test_data
            measured.append(mean_squared_error(test_features @ at_weights + at_bias, test_targets))
        return measured

    # Data near the float64 limit can overflow in the first loss. That case
    # is reported by the ValueError below rather than by NumPy warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        initial = losses(weights, bias)
    if not all(math.isfinite(loss) for loss in initial):
        raise ValueError(
            "the loss at the initial weights is not finite because the data is too large "
            "to square in float64; standardize x and scale y"
        )
    history = [initial]
    diverged = False
    for _ in range(epoch_count):
        # A diverging run grows the parameters without bound. Overflow to
        # inf or NaN is expected there and detected below, so NumPy's
        # warnings about it would only repeat that.
        with np.errstate(over="ignore", invalid="ignore"):
            grad_weights, grad_bias = _gradients(features, targets, weights, bias)
            new_weights = weights - step * grad_weights
            new_bias = bias - step * grad_bias
            new_losses = losses(new_weights, new_bias)
        finite = np.all(np.isfinite(new_weights)) and math.isfinite(new_bias)
        if not (finite and all(math.isfinite(loss) for loss in new_losses)):
            diverged = True
            break
        weights, bias = new_weights, new_bias
        history.append(new_losses)

    recorded = np.array(history)
    test_loss = recorded[:, 1] if test_data is not None else None
    model = LinearModel(weights=weights, bias=bias)
    return model, TrainingHistory(recorded[:, 0], test_loss, diverged)


def least_squares(x: ArrayLike, y: ArrayLike) -> LinearModel:
    r"""Solve linear regression in closed form with `numpy.linalg.lstsq`.

    Parameters
    ----------
    x
        Features, shape (n, d).
    y
        Targets, shape (n,).

    Returns
    -------
    LinearModel
        The weights and bias that minimize the mean squared error on
        `(x, y)`. When several do, because columns of $[X, 1]$ are linearly
        dependent or n < d + 1, it is the one with the smallest norm of
        $(w, b)$.

    Raises
    ------
    TypeError
        If an input is not real-valued.
    ValueError
        If the shapes do not fit, there are no examples or the data is not
        finite.

    Notes
    -----
    A column of ones, appended to $X$, carries the bias: the solution of
    $\min_{w, b} \lVert [X, 1] \, (w, b) - y \rVert^2$ is the reference
    that gradient descent should approach.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.regression import least_squares
    >>> x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 3.0]])
    >>> model = least_squares(x, x @ [2.0, -1.0] + 0.5)
    >>> np.round(model.weights, 6), round(model.bias, 6)
    (array([ 2., -1.]), 0.5)
    """
    features, targets = _check_examples(x, y)
    _check_finite(features, "x")
    _check_finite(targets, "y")

    design = np.column_stack([features, np.ones(len(features))])
    solution = np.linalg.lstsq(design, targets, rcond=None)[0]
    return LinearModel(
        weights=np.asarray(solution[:-1], dtype=np.float64), bias=float(solution[-1])
    )
