"""Tests for `dltut.regression`: the loss, its gradient, gradient descent and least squares."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dltut.data import load_diabetes
from dltut.gradients import numerical_gradient, relative_error
from dltut.regression import (
    LinearModel,
    TrainingHistory,
    fit_linear_regression,
    least_squares,
    linear_gradients,
    mean_squared_error,
)

# The MSE is a quadratic in (w, b), so central differences have no
# truncation error and only rounding remains: about eps * L / delta
# = 2.2e-16 * L / 1e-6, which is 2e-10 relative to the loss. The gradient
# can be a hundred times smaller than the loss (the largest error measured
# over 50 random cases was 2e-8), so 1e-6 leaves a margin of 50.
GRADIENT_TOLERANCE = 1e-6


def random_problem(rng, n, d):
    """Return features, targets, weights and bias of order 1 for a random problem."""
    x = rng.normal(size=(n, d))
    y = 3 * rng.normal(size=n)
    weights = rng.normal(size=d)
    bias = float(rng.normal())
    return x, y, weights, bias


def loss_of_weights(x, y, bias):
    return lambda weights: mean_squared_error(x @ weights + bias, y)


def loss_of_bias(x, y, weights):
    return lambda bias: mean_squared_error(x @ weights + bias, y)


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes()


# --- mean_squared_error ---


def test_mse_hand_checked_value():
    # (0^2 + 2^2 + 3^2) / 3 = 13 / 3
    result = mean_squared_error([1.0, 2.0, 3.0], [1.0, 0.0, 0.0])

    assert result == pytest.approx(13 / 3, rel=1e-15)


def test_mse_returns_python_float():
    assert type(mean_squared_error([1.0], [2.0])) is float


def test_mse_of_equal_arrays_is_zero():
    assert mean_squared_error([[1.5, -2.0], [3.0, 0.0]], [[1.5, -2.0], [3.0, 0.0]]) == 0.0


def test_mse_accepts_integers():
    assert mean_squared_error([1, 2], [3, 2]) == 2.0


def test_mse_large_residuals_without_overflow():
    # Each squared residual, 1e308, is near the float64 maximum, and their sum
    # overflows, but the mean is 1e308 and representable.
    predictions = np.full(1000, 1e154)

    result = mean_squared_error(predictions, np.zeros(1000))

    assert result == pytest.approx(1e308, rel=1e-12)


def test_mse_beyond_float_range_is_inf():
    # A residual of 2e308 does not even fit in float64. No warning may be raised.
    assert mean_squared_error([1e308], [-1e308]) == math.inf
    assert mean_squared_error([1e200], [0.0]) == math.inf


def test_mse_propagates_nan():
    assert math.isnan(mean_squared_error([1.0, math.nan], [1.0, 2.0]))


def test_mse_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"predictions has shape \(3,\) but targets has shape"):
        mean_squared_error([1.0, 2.0, 3.0], [[1.0, 2.0, 3.0]])


def test_mse_empty_raises():
    with pytest.raises(ValueError, match="must not be empty"):
        mean_squared_error([], [])


def test_mse_rejects_strings():
    with pytest.raises(TypeError, match="predictions"):
        mean_squared_error(["a"], [1.0])


finite_vectors = hnp.arrays(
    np.float64,
    st.integers(1, 20),
    elements=st.floats(-1e6, 1e6, allow_nan=False),
)


@given(finite_vectors, st.data())
def test_mse_matches_direct_formula(predictions, data):
    targets = data.draw(hnp.arrays(np.float64, predictions.shape, elements=st.floats(-1e6, 1e6)))

    direct = float(np.mean((predictions - targets) ** 2))

    # Scaling by the largest residual adds a few roundings of relative size eps.
    # The absolute part covers residuals below 1e-154, whose squares the
    # direct formula rounds to subnormal numbers or 0.
    result = mean_squared_error(predictions, targets)
    assert result == pytest.approx(direct, rel=1e-13, abs=1e-300)


@given(finite_vectors, st.data())
def test_mse_symmetric_and_non_negative(predictions, data):
    targets = data.draw(hnp.arrays(np.float64, predictions.shape, elements=st.floats(-1e6, 1e6)))

    forward = mean_squared_error(predictions, targets)

    assert forward >= 0.0
    assert forward == mean_squared_error(targets, predictions)


# --- linear_gradients ---


def test_gradients_hand_checked():
    # r = [0 - 1, 0 - 2]; dL/dw = (2/2) * (1 * -1 + 2 * -2) = -5;
    # dL/db = (2/2) * (-1 - 2) = -3.
    grad_weights, grad_bias = linear_gradients([[1.0], [2.0]], [1.0, 2.0], [0.0], 0.0)

    assert grad_weights.tolist() == [-5.0]
    assert grad_bias == -3.0


def test_gradients_shapes_and_types():
    rng = np.random.default_rng(1)
    x, y, weights, bias = random_problem(rng, 7, 3)

    grad_weights, grad_bias = linear_gradients(x, y, weights, bias)

    assert grad_weights.shape == (3,)
    assert grad_weights.dtype == np.float64
    assert type(grad_bias) is float


@pytest.mark.parametrize(("n", "d"), [(1, 1), (5, 3), (40, 10), (3, 8)])
def test_gradients_match_numerical_gradient(n, d):
    rng = np.random.default_rng(100 + 10 * n + d)

    for _ in range(5):
        x, y, weights, bias = random_problem(rng, n, d)

        grad_weights, grad_bias = linear_gradients(x, y, weights, bias)
        expected_weights = numerical_gradient(loss_of_weights(x, y, bias), weights)
        expected_bias = numerical_gradient(loss_of_bias(x, y, weights), np.array(bias))

        assert relative_error(grad_weights, expected_weights) < GRADIENT_TOLERANCE
        assert relative_error(grad_bias, expected_bias) < GRADIENT_TOLERANCE


@given(
    st.integers(1, 12),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
)
def test_gradients_match_numerical_gradient_property(n, d, seed):
    x, y, weights, bias = random_problem(np.random.default_rng(seed), n, d)

    grad_weights, grad_bias = linear_gradients(x, y, weights, bias)
    expected_weights = numerical_gradient(loss_of_weights(x, y, bias), weights)
    expected_bias = numerical_gradient(loss_of_bias(x, y, weights), np.array(bias))

    # The absolute part covers the rare point where the gradient is nearly
    # zero: the rounding of the loss then dominates, about 1e-10 * L.
    scale = max(1.0, mean_squared_error(x @ weights + bias, y))
    assert np.allclose(grad_weights, expected_weights, rtol=GRADIENT_TOLERANCE, atol=1e-8 * scale)
    assert np.allclose(grad_bias, expected_bias, rtol=GRADIENT_TOLERANCE, atol=1e-8 * scale)


def test_gradients_vanish_at_least_squares_solution():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(50, 4))
    y = rng.normal(size=50)
    model = least_squares(x, y)

    grad_weights, grad_bias = linear_gradients(x, y, model.weights, model.bias)

    # At the minimum the gradient is 0; what remains is rounding in sums of
    # 50 products of order 1, far below 1e-12.
    assert np.max(np.abs(grad_weights)) < 1e-12
    assert abs(grad_bias) < 1e-12


def test_gradients_column_mismatch_names_both_shapes():
    with pytest.raises(
        ValueError, match=r"x has shape \(5, 3\) but weights has shape \(4,\); x's columns"
    ):
        linear_gradients(np.zeros((5, 3)), np.zeros(5), np.zeros(4), 0.0)


def test_gradients_target_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"x has shape \(5, 3\) but y has shape \(4,\)"):
        linear_gradients(np.zeros((5, 3)), np.zeros(4), np.zeros(3), 0.0)


def test_gradients_targets_must_be_1d():
    with pytest.raises(ValueError, match=r"y has shape \(5, 1\); y must be 1-d"):
        linear_gradients(np.zeros((5, 3)), np.zeros((5, 1)), np.zeros(3), 0.0)


def test_gradients_features_must_be_2d():
    with pytest.raises(ValueError, match=r"x must be 2-d .* got shape \(5,\)"):
        linear_gradients(np.zeros(5), np.zeros(5), np.zeros(1), 0.0)


def test_gradients_weights_must_be_1d():
    with pytest.raises(ValueError, match=r"weights must be 1-d .* got shape \(3, 1\)"):
        linear_gradients(np.zeros((5, 3)), np.zeros(5), np.zeros((3, 1)), 0.0)


def test_gradients_empty_raises():
    with pytest.raises(ValueError, match="at least one example"):
        linear_gradients(np.zeros((0, 2)), np.zeros(0), np.zeros(2), 0.0)


@pytest.mark.parametrize("bias", [None, "0", True, [0.0]])
def test_gradients_bias_must_be_real_number(bias):
    with pytest.raises(TypeError, match="bias must be a real number"):
        linear_gradients(np.zeros((2, 1)), np.zeros(2), np.zeros(1), bias)


# --- LinearModel ---


def test_model_predict_hand_checked():
    model = LinearModel(weights=[2.0, -1.0], bias=0.5)

    # 2 * 1 - 1 * 1 + 0.5 = 1.5 and 2 * 0 - 1 * 3 + 0.5 = -2.5
    assert model.predict([[1.0, 1.0], [0.0, 3.0]]).tolist() == [1.5, -2.5]


def test_model_stores_float64_read_only_copy():
    weights = np.array([1.0, 2.0], dtype=np.float32)
    model = LinearModel(weights=weights, bias=1)

    weights[0] = 100.0

    assert model.weights.dtype == np.float64
    assert model.weights.tolist() == [1.0, 2.0]
    assert type(model.bias) is float
    with pytest.raises(ValueError, match="read-only"):
        model.weights[0] = 5.0


def test_model_is_frozen():
    model = LinearModel(weights=[1.0], bias=0.0)

    with pytest.raises(dataclasses.FrozenInstanceError):
        model.bias = 1.0  # type: ignore[misc]


def test_model_weights_must_be_1d():
    with pytest.raises(ValueError, match=r"weights must be 1-d .* got shape \(2, 1\)"):
        LinearModel(weights=[[1.0], [2.0]], bias=0.0)


@pytest.mark.parametrize("weights", [[1.0, math.nan], [math.inf]])
def test_model_weights_must_be_finite(weights):
    with pytest.raises(ValueError, match="weights must contain only finite numbers"):
        LinearModel(weights=weights, bias=0.0)


def test_model_bias_must_be_finite():
    with pytest.raises(ValueError, match="bias must be a finite number, got nan"):
        LinearModel(weights=[1.0], bias=math.nan)


def test_model_bias_must_be_number():
    with pytest.raises(TypeError, match="bias must be a real number, got True"):
        LinearModel(weights=[1.0], bias=True)


def test_model_predict_column_mismatch():
    model = LinearModel(weights=[1.0, 2.0], bias=0.0)

    with pytest.raises(ValueError, match=r"x has shape \(4, 3\) but weights has shape \(2,\)"):
        model.predict(np.zeros((4, 3)))


def test_model_predict_needs_2d_input():
    model = LinearModel(weights=[1.0, 2.0], bias=0.0)

    with pytest.raises(ValueError, match=r"reshape a single example with x.reshape\(1, -1\)"):
        model.predict([1.0, 2.0])


# --- least_squares ---


def test_least_squares_recovers_exact_linear_data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(30, 4))
    true_weights = np.array([1.5, -2.0, 0.0, 4.0])

    model = least_squares(x, x @ true_weights - 7.0)

    # No noise: the only error is rounding in a well-conditioned solve.
    assert np.max(np.abs(model.weights - true_weights)) < 1e-12
    assert model.bias == pytest.approx(-7.0, abs=1e-12)


def test_least_squares_matches_normal_equations():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(60, 3))
    y = rng.normal(size=60)
    design = np.column_stack([x, np.ones(60)])

    # The normal equations A^T A p = A^T y have the same solution. They
    # square the condition number of A, but that is only 1.6 for these
    # Gaussian data, so both solutions are accurate to about 1e-15.
    expected = np.linalg.solve(design.T @ design, design.T @ y)
    model = least_squares(x, y)

    assert np.max(np.abs(model.weights - expected[:3])) < 1e-12
    assert model.bias == pytest.approx(expected[3], abs=1e-12)


def test_least_squares_duplicate_column_minimum_norm():
    # y = 2 x, given twice: every w1 + w2 = 2 with b = 0 fits exactly, and the
    # smallest norm among them splits the weight equally.
    x = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])

    model = least_squares(x, [2.0, 4.0, 6.0])

    assert np.allclose(model.weights, [1.0, 1.0], rtol=0, atol=1e-12)
    assert model.bias == pytest.approx(0.0, abs=1e-12)


def test_least_squares_single_example_without_features():
    model = least_squares(np.zeros((1, 0)), [5.0])

    assert model.weights.shape == (0,)
    assert model.bias == pytest.approx(5.0, rel=1e-15)


def test_least_squares_rejects_nan():
    with pytest.raises(ValueError, match="y must contain only finite numbers"):
        least_squares([[1.0], [2.0]], [1.0, math.nan])


def test_least_squares_shape_mismatch():
    with pytest.raises(ValueError, match=r"x has shape \(3, 1\) but y has shape \(2,\)"):
        least_squares(np.zeros((3, 1)), np.zeros(2))


# --- fit_linear_regression ---


def test_fit_recovers_known_weights():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(200, 3))
    true_weights = np.array([2.0, -3.0, 0.5])
    y = x @ true_weights + 4.0

    model, history = fit_linear_regression(x, y, learning_rate=0.1, epochs=500)

    # The Hessian's eigenvalues on these data lie between 1.4 and 2.3, so
    # each epoch shrinks the error by a factor of at most 1 - 0.1 * 1.4:
    # after 500 epochs only rounding is left (measured: 1e-15).
    assert np.max(np.abs(model.weights - true_weights)) < 1e-10
    assert model.bias == pytest.approx(4.0, abs=1e-10)
    assert history.train_loss[-1] < 1e-20


def test_fit_agrees_with_least_squares_on_diabetes(diabetes):
    reference = least_squares(diabetes.x_train, diabetes.y_train)

    model, history = fit_linear_regression(
        diabetes.x_train,
        diabetes.y_train,
        learning_rate=0.1,
        epochs=20_000,
        x_test=diabetes.x_test,
        y_test=diabetes.y_test,
    )

    # The smallest eigenvalue of the Hessian on these data is 0.018, because
    # s1 is close to a weighted sum of s2, s3 and s5. Each epoch shrinks the
    # error by a factor 1 - 0.1 * 0.018, so 20000 epochs shrink it by
    # exp(-36), about 2e-16.
    # Rounding remains, of order cond(H) * eps = 436 * 2.2e-16 = 1e-13
    # (measured: 4e-14). 1e-10 leaves a margin for other BLAS libraries.
    assert relative_error(model.weights, reference.weights) < 1e-10
    assert model.bias == pytest.approx(reference.bias, rel=1e-10)
    reference_test_loss = mean_squared_error(reference.predict(diabetes.x_test), diabetes.y_test)
    assert history.test_loss is not None
    assert history.test_loss[-1] == pytest.approx(reference_test_loss, rel=1e-10)


def test_fit_history_layout(diabetes):
    model, history = fit_linear_regression(
        diabetes.x_train,
        diabetes.y_train,
        epochs=30,
        x_test=diabetes.x_test,
        y_test=diabetes.y_test,
    )

    assert isinstance(history, TrainingHistory)
    assert history.train_loss.shape == (31,)
    assert history.test_loss is not None
    assert history.test_loss.shape == (31,)
    assert not history.diverged
    # The last entries are the losses of the returned model.
    assert history.train_loss[-1] == mean_squared_error(
        model.predict(diabetes.x_train), diabetes.y_train
    )
    assert history.test_loss[-1] == mean_squared_error(
        model.predict(diabetes.x_test), diabetes.y_test
    )


def test_fit_first_entry_is_initial_loss(diabetes):
    _, history = fit_linear_regression(diabetes.x_train, diabetes.y_train, epochs=1)

    # The weights start within about 0.01 of 0 and the bias at 0, so the first
    # loss is close to the mean square of the targets.
    mean_square_target = float(np.mean(diabetes.y_train**2))
    assert history.train_loss[0] == pytest.approx(mean_square_target, rel=1e-2)


def test_fit_without_test_data_records_none(diabetes):
    _, history = fit_linear_regression(diabetes.x_train, diabetes.y_train, epochs=3)

    assert history.test_loss is None


def test_fit_loss_decreases_below_step_bound(diabetes):
    _, history = fit_linear_regression(
        diabetes.x_train, diabetes.y_train, learning_rate=0.1, epochs=2000
    )

    # With a step below 2 / lambda_max = 0.253, each step on a quadratic lowers
    # the loss. Near the minimum the loss stops changing except for rounding
    # of about eps * 2900 = 6e-13 per value.
    assert np.all(np.diff(history.train_loss) <= 1e-11)


def test_fit_is_deterministic(diabetes):
    first_model, first = fit_linear_regression(diabetes.x_train, diabetes.y_train, epochs=20)
    second_model, second = fit_linear_regression(diabetes.x_train, diabetes.y_train, epochs=20)

    assert np.array_equal(first.train_loss, second.train_loss)
    assert np.array_equal(first_model.weights, second_model.weights)


def test_fit_seed_changes_initial_weights(diabetes):
    _, first = fit_linear_regression(diabetes.x_train, diabetes.y_train, epochs=1, seed=0)
    _, second = fit_linear_regression(diabetes.x_train, diabetes.y_train, epochs=1, seed=1)

    assert first.train_loss[0] != second.train_loss[0]


def test_fit_stops_when_diverging(diabetes):
    # 10 is forty times the largest step that converges on these data.
    model, history = fit_linear_regression(
        diabetes.x_train, diabetes.y_train, learning_rate=10.0, epochs=1000
    )

    assert history.diverged
    assert 1 < len(history.train_loss) < 1001
    assert np.all(np.isfinite(history.train_loss))
    assert np.all(np.isfinite(model.weights))
    assert history.train_loss[-1] == mean_squared_error(
        model.predict(diabetes.x_train), diabetes.y_train
    )


def test_fit_huge_learning_rate_stops_after_start(diabetes):
    # The first step already overflows; pytest turns any warning into an error.
    model, history = fit_linear_regression(
        diabetes.x_train,
        diabetes.y_train,
        learning_rate=1e300,
        x_test=diabetes.x_test,
        y_test=diabetes.y_test,
    )

    assert history.diverged
    assert len(history.train_loss) == 1
    assert history.test_loss is not None
    assert len(history.test_loss) == 1
    assert np.max(np.abs(model.weights)) < 1.0


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([[1.0], [2.0]], [1e200, -1e200]),
        (np.full((2, 3), 1e308), [1e308, -1e308]),
    ],
)
def test_fit_initial_loss_overflow_raises(x, y):
    # The squared residuals exceed the float64 range; pytest turns any
    # overflow warning on the way into an error.
    with pytest.raises(ValueError, match="loss at the initial weights is not finite"):
        fit_linear_regression(x, y)


@pytest.mark.parametrize("learning_rate", [0.0, -0.1, math.inf, math.nan])
def test_fit_learning_rate_must_be_positive_finite(learning_rate):
    with pytest.raises(ValueError, match="learning_rate must be a positive finite number"):
        fit_linear_regression([[1.0], [2.0]], [1.0, 2.0], learning_rate=learning_rate)


@pytest.mark.parametrize("learning_rate", ["0.1", None, True])
def test_fit_learning_rate_must_be_number(learning_rate):
    with pytest.raises(TypeError, match="learning_rate must be a positive finite real number"):
        fit_linear_regression([[1.0], [2.0]], [1.0, 2.0], learning_rate=learning_rate)


@pytest.mark.parametrize("epochs", [0, -3])
def test_fit_epochs_must_be_positive(epochs):
    with pytest.raises(ValueError, match=f"epochs must be a positive integer, got {epochs}"):
        fit_linear_regression([[1.0], [2.0]], [1.0, 2.0], epochs=epochs)


@pytest.mark.parametrize("epochs", [2.5, "10", True])
def test_fit_epochs_must_be_integer(epochs):
    with pytest.raises(TypeError, match="epochs must be a positive integer"):
        fit_linear_regression([[1.0], [2.0]], [1.0, 2.0], epochs=epochs)


def test_fit_seed_must_be_non_negative():
    with pytest.raises(ValueError, match="seed must be a non-negative integer, got -1"):
        fit_linear_regression([[1.0], [2.0]], [1.0, 2.0], seed=-1)


@pytest.mark.parametrize("seed", [1.5, "0", None])
def test_fit_seed_must_be_integer(seed):
    with pytest.raises(TypeError, match="seed must be a non-negative integer"):
        fit_linear_regression([[1.0], [2.0]], [1.0, 2.0], seed=seed)


def test_fit_test_data_needs_both_parts():
    with pytest.raises(ValueError, match="x_test and y_test must be given together"):
        fit_linear_regression([[1.0], [2.0]], [1.0, 2.0], x_test=[[3.0]])


def test_fit_test_columns_must_match():
    with pytest.raises(
        ValueError, match=r"x_test has shape \(1, 2\) but x has shape \(2, 1\); x_test must"
    ):
        fit_linear_regression([[1.0], [2.0]], [1.0, 2.0], x_test=[[3.0, 4.0]], y_test=[5.0])


def test_fit_test_targets_must_match():
    with pytest.raises(ValueError, match=r"x_test has shape \(1, 1\) but y_test has shape \(2,\)"):
        fit_linear_regression([[1.0], [2.0]], [1.0, 2.0], x_test=[[3.0]], y_test=[5.0, 6.0])


def test_fit_empty_data_raises():
    with pytest.raises(ValueError, match="x and y must contain at least one example"):
        fit_linear_regression(np.zeros((0, 2)), np.zeros(0))


@pytest.mark.parametrize(
    ("x", "y", "name"),
    [
        ([[1.0], [math.nan]], [1.0, 2.0], "x"),
        ([[1.0], [2.0]], [math.inf, 2.0], "y"),
    ],
)
def test_fit_rejects_non_finite_data(x, y, name):
    with pytest.raises(ValueError, match=f"{name} must contain only finite numbers"):
        fit_linear_regression(x, y)


def test_fit_rejects_non_finite_test_data():
    with pytest.raises(ValueError, match="x_test must contain only finite numbers"):
        fit_linear_regression([[1.0], [2.0]], [1.0, 2.0], x_test=[[math.nan]], y_test=[1.0])


def test_fit_does_not_modify_inputs(diabetes):
    x = diabetes.x_train.copy()
    y = diabetes.y_train.copy()

    fit_linear_regression(x, y, epochs=5)

    assert np.array_equal(x, diabetes.x_train)
    assert np.array_equal(y, diabetes.y_train)
