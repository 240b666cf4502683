"""Tests for `dltut.mlp`: the hand-written backward pass against numerical gradients, training
on a nonlinear problem, determinism and input checks."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dltut.gradients import numerical_gradient, relative_error
from dltut.mlp import MLPGradients, MLPParams, backward, forward, init_params, predict, train
from dltut.regression import mean_squared_error

PARAMETER_NAMES = ("w1", "b1", "w2", "b2")

# Central differences with step 1e-6 on a loss of order 1 carry a rounding
# error near eps / 1e-6 ~ 2e-10 and a truncation error near 1e-12. On
# gradients of order 0.1 to 1 they therefore agree with the exact gradient
# to about 1e-9. A tolerance of 1e-6 leaves a margin of 1000, while a wrong
# formula (a missing factor 2 or tanh') is off by 1e-1 or more.
GRADIENT_TOLERANCE = 1e-6


def random_problem(seed: int, n: int = 7, d: int = 3, h: int = 5):
    """Return random parameters (nonzero biases), features and targets of order 1."""
    rng = np.random.default_rng(seed)
    params = MLPParams(
        w1=rng.normal(size=(d, h)),
        b1=rng.normal(size=h),
        w2=rng.normal(size=h),
        b2=float(rng.normal()),
    )
    return params, rng.normal(size=(n, d)), rng.normal(size=n)


def loss_of(params: MLPParams, x, y) -> float:
    return mean_squared_error(predict(params, x), y)


def loss_along(params: MLPParams, name: str, x, y):
    """Return the loss as a function of one parameter, the others held fixed."""
    shape = np.shape(getattr(params, name))

    def loss_at(value):
        changed = dataclasses.replace(params, **{name: np.reshape(value, shape)})
        return loss_of(changed, x, y)

    return loss_at


def numerical_gradients(params: MLPParams, x, y) -> dict[str, np.ndarray]:
    """Estimate dL/dparameter for each parameter by central differences."""
    return {
        name: numerical_gradient(
            loss_along(params, name, x, y), np.atleast_1d(getattr(params, name))
        )
        for name in PARAMETER_NAMES
    }


def analytic_gradients(params: MLPParams, x, y) -> dict[str, np.ndarray]:
    _, cache = forward(params, x)
    grads = backward(params, cache, y)
    return {name: np.atleast_1d(getattr(grads, name)) for name in PARAMETER_NAMES}


def sine_problem():
    x = np.linspace(-3.0, 3.0, 50).reshape(-1, 1)
    return x, np.sin(x[:, 0])


# --- gradients ---


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("name", PARAMETER_NAMES)
def test_backward_matches_numerical_gradient(seed: int, name: str):
    params, x, y = random_problem(seed)

    actual = analytic_gradients(params, x, y)[name]
    expected = numerical_gradients(params, x, y)[name]

    assert actual.shape == expected.shape
    assert relative_error(actual, expected) < GRADIENT_TOLERANCE


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 6),
    d=st.integers(1, 4),
    h=st.integers(1, 5),
)
def test_backward_matches_numerical_gradient_any_shape(seed: int, n: int, d: int, h: int):
    params, x, y = random_problem(seed, n, d, h)

    actual = analytic_gradients(params, x, y)
    expected = numerical_gradients(params, x, y)

    for name in PARAMETER_NAMES:
        # A generated problem can have a gradient near 0, where the central
        # difference's absolute rounding error (about eps * loss / 1e-6, near
        # 1e-10 here) dominates the relative one; 1e-8 absolute still exposes
        # a wrong formula, which is off by the size of the gradient itself.
        difference = np.max(np.abs(actual[name] - expected[name]))
        relative = relative_error(actual[name], expected[name])
        assert relative < GRADIENT_TOLERANCE or difference < 1e-8, name


def test_gradient_check_detects_missing_tanh_derivative():
    params, x, y = random_problem(0)
    _, cache = forward(params, x)
    grad_predictions = 2.0 * (cache.predictions - y) / len(y)
    # Backpropagating through the hidden layer as if it were linear.
    wrong_grad_w1 = x.T @ np.outer(grad_predictions, params.w2)

    expected = numerical_gradients(params, x, y)["w1"]

    assert relative_error(wrong_grad_w1, expected) > 1e-2


def test_backward_hand_computed_values():
    # z1 = 2x = [0, atanh(0.5)], so a1 = [0, 0.5] and the predictions are
    # 3 a1 + 1 = [1, 2.5]. With y = [1, 2] the residuals are [0, 0.5].
    x1 = math.atanh(0.5) / 2
    params = MLPParams(w1=[[2.0]], b1=[0.0], w2=[3.0], b2=1.0)
    x = np.array([[0.0], [x1]])
    y = np.array([1.0, 2.0])

    predictions, cache = forward(params, x)
    grads = backward(params, cache, y)

    # L = (0^2 + 0.5^2) / 2 and g = 2 r / n = [0, 0.5], so dL/dz1 =
    # g w2 (1 - a1^2) = [0, 0.5 * 3 * 0.75] = [0, 1.125]. Each value takes a
    # few roundings, hence the tolerance of 1e-14.
    np.testing.assert_allclose(predictions, [1.0, 2.5], rtol=1e-14)
    assert mean_squared_error(predictions, y) == pytest.approx(0.125, rel=1e-14)
    assert grads.b2 == pytest.approx(0.5, rel=1e-14)
    np.testing.assert_allclose(grads.w2, [0.25], rtol=1e-14)
    np.testing.assert_allclose(grads.b1, [1.125], rtol=1e-14)
    np.testing.assert_allclose(grads.w1, [[x1 * 1.125]], rtol=1e-14)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6))
def test_backward_batch_is_mean_of_examples(seed: int, n: int):
    params, x, y = random_problem(seed, n)

    batch = analytic_gradients(params, x, y)
    single = [analytic_gradients(params, x[i : i + 1], y[i : i + 1]) for i in range(n)]

    # L is the mean of the per-example losses, so its gradient is the mean of
    # theirs. Both sides sum at most 6 terms in another order, which changes
    # the result by a few ulp of the largest term.
    for name in PARAMETER_NAMES:
        terms = np.array([gradient[name] for gradient in single])
        scale = max(1.0, float(np.max(np.abs(terms))))
        np.testing.assert_allclose(batch[name], terms.mean(axis=0), rtol=0, atol=1e-13 * scale)


def test_backward_returns_parameter_shapes():
    params, x, y = random_problem(0, n=7, d=3, h=5)
    _, cache = forward(params, x)

    grads = backward(params, cache, y)

    assert isinstance(grads, MLPGradients)
    assert grads.w1.shape == (3, 5)
    assert grads.b1.shape == (5,)
    assert grads.w2.shape == (5,)
    assert isinstance(grads.b2, float)


# --- forward and parameters ---


def test_forward_matches_formula():
    params, x, _ = random_problem(4)

    predictions, cache = forward(params, x)

    # The same three operations, written out: identical rounding.
    expected = np.tanh(x @ params.w1 + params.b1) @ params.w2 + params.b2
    np.testing.assert_allclose(predictions, expected, rtol=1e-15)
    np.testing.assert_array_equal(cache.predictions, predictions)
    assert cache.z1.shape == cache.a1.shape == (7, 5)


def test_init_params_shapes_and_biases():
    params = init_params(3, 4)

    assert params.w1.shape == (3, 4)
    assert params.w2.shape == (4,)
    np.testing.assert_array_equal(params.b1, np.zeros(4))
    assert params.b2 == 0.0
    assert params.w1.dtype == params.w2.dtype == np.float64


def test_init_params_weight_scale():
    params = init_params(400, 500, seed=1)

    # The sample standard deviation of N values is within about 1 / sqrt(2N)
    # of the true one, relatively: 0.0016 for w1's 200000 entries and 0.032
    # for w2's 500. The tolerances are over 4 times that.
    assert np.std(params.w1) == pytest.approx(1 / math.sqrt(400), rel=0.01)
    assert np.std(params.w2) == pytest.approx(1 / math.sqrt(500), rel=0.15)
    assert abs(np.mean(params.w1)) < 0.01 / math.sqrt(400)


def test_init_params_seed_changes_weights():
    first = init_params(3, 4, seed=0)
    again = init_params(3, 4, seed=0)
    other = init_params(3, 4, seed=1)

    np.testing.assert_array_equal(first.w1, again.w1)
    assert not np.array_equal(first.w1, other.w1)


def test_params_are_read_only():
    params = init_params(2, 3)

    with pytest.raises(ValueError, match="read-only"):
        params.w1[0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.b2 = 1.0


def test_params_copy_their_input():
    w1 = np.ones((2, 3))

    params = MLPParams(w1=w1, b1=np.zeros(3), w2=np.ones(3), b2=0.0)
    w1[0, 0] = 5.0

    assert params.w1[0, 0] == 1.0


# --- training ---


def test_train_fits_sine_better_than_linear_model():
    x, y = sine_problem()
    design = np.column_stack([x, np.ones(len(x))])
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    linear_mse = float(np.mean((design @ coefficients - y) ** 2))

    _, history = train(x, y, n_hidden=8, learning_rate=0.1, epochs=2000)

    # A line through sin on [-3, 3] leaves an MSE near 0.18, and no line
    # can do better. Eight tanh units can bend to follow the curve.
    assert linear_mse > 0.1
    assert history.train_loss[-1] < 0.1 * linear_mse
    assert not history.diverged


def test_train_loss_never_increases_with_small_step():
    x, y = sine_problem()

    _, history = train(x, y, n_hidden=8, learning_rate=0.05, epochs=500)

    # Gradient descent on a smooth loss decreases it at every step when the
    # step is small enough, and 0.05 is well below that limit here.
    assert np.all(np.diff(history.train_loss) <= 0)


def test_train_history_matches_final_params():
    x, y = sine_problem()
    x_test = np.array([[-2.5], [0.3], [1.7]])
    y_test = np.sin(x_test[:, 0])

    params, history = train(x, y, epochs=50, x_test=x_test, y_test=y_test)

    assert history.train_loss.shape == (51,)
    assert history.test_loss is not None
    assert history.test_loss.shape == (51,)
    assert history.train_loss[-1] == pytest.approx(loss_of(params, x, y), rel=1e-12)
    assert history.test_loss[-1] == pytest.approx(loss_of(params, x_test, y_test), rel=1e-12)


def test_train_initial_loss_uses_init_params():
    x, y = sine_problem()

    _, history = train(x, y, n_hidden=3, epochs=1, seed=5)

    assert history.train_loss[0] == pytest.approx(loss_of(init_params(1, 3, seed=5), x, y))


def test_train_without_test_data_has_no_test_loss():
    x, y = sine_problem()

    _, history = train(x, y, epochs=3)

    assert history.test_loss is None


def test_train_is_deterministic():
    x, y = sine_problem()

    first, first_history = train(x, y, epochs=100, seed=3)
    second, second_history = train(x, y, epochs=100, seed=3)

    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    np.testing.assert_array_equal(first_history.train_loss, second_history.train_loss)


def test_train_seed_changes_result():
    x, y = sine_problem()

    first, _ = train(x, y, epochs=10, seed=0)
    second, _ = train(x, y, epochs=10, seed=1)

    assert not np.array_equal(first.w1, second.w1)


def test_train_test_data_does_not_change_training():
    x, y = sine_problem()

    alone, _ = train(x, y, epochs=100)
    watched, _ = train(x, y, epochs=100, x_test=x[:5] + 0.1, y_test=y[:5])

    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(getattr(alone, name), getattr(watched, name))


def test_train_divergence_stops_at_last_finite_params():
    x, y = sine_problem()

    params, history = train(x, y, learning_rate=1e3, epochs=200)

    # A step of 1e3 overshoots further each epoch until float64 overflows.
    assert history.diverged
    assert len(history.train_loss) < 201
    assert np.all(np.isfinite(params.w1))
    assert history.train_loss[-1] == pytest.approx(loss_of(params, x, y), rel=1e-12)


# --- input checks ---


def test_forward_rejects_wrong_column_count():
    params = init_params(4, 2)

    with pytest.raises(ValueError, match=r"x has shape \(5, 3\) but w1 has shape \(4, 2\)"):
        forward(params, np.zeros((5, 3)))


def test_forward_overflow_raises():
    params = MLPParams(w1=[[2.0]], b1=[0.0], w2=[1.0], b2=0.0)

    with pytest.raises(FloatingPointError, match="overflow"):
        forward(params, [[1e308]])


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros(5), r"x must be 2-d .* got shape \(5,\)"),
        (np.zeros((0, 2)), r"at least one of each, got shape \(0, 2\)"),
        (np.zeros((3, 0)), r"at least one of each, got shape \(3, 0\)"),
        ([[1.0, np.nan]], "x must contain only finite numbers"),
        ([[1.0, np.inf]], "x must contain only finite numbers"),
    ],
)
def test_forward_rejects_bad_x(x, message: str):
    with pytest.raises(ValueError, match=message):
        forward(init_params(2, 3), x)


def test_forward_rejects_text():
    with pytest.raises(TypeError, match="x must contain real numbers"):
        forward(init_params(1, 3), [["a"]])


def test_backward_rejects_wrong_target_count():
    params, x, _ = random_problem(0, n=5, d=2)
    _, cache = forward(params, x)

    with pytest.raises(ValueError, match=r"cache.x has shape \(5, 2\) but y has shape \(4,\)"):
        backward(params, cache, np.zeros(4))


def test_backward_rejects_cache_of_other_network():
    params, x, y = random_problem(0, h=5)
    _, cache = forward(params, x)

    with pytest.raises(ValueError, match=r"cache.a1 has shape \(7, 5\) but w2 has shape \(2,\)"):
        backward(init_params(3, 2), cache, y)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"w1": np.ones(3)}, r"w1 must be 2-d .* got \(3,\)"),
        ({"b1": np.zeros(4)}, r"w1 has shape \(2, 3\) but b1 has shape \(4,\)"),
        ({"w2": np.ones((3, 1))}, r"w1 has shape \(2, 3\) but w2 has shape \(3, 1\)"),
        ({"b2": np.zeros(1)}, r"b2 must be a single number, .* shape \(1,\)"),
        ({"b2": math.nan}, "b2 must contain only finite numbers"),
    ],
)
def test_params_reject_bad_fields(fields: dict[str, object], message: str):
    valid = {"w1": np.ones((2, 3)), "b1": np.zeros(3), "w2": np.ones(3), "b2": 0.0}

    with pytest.raises(ValueError, match=message):
        MLPParams(**{**valid, **fields})


def test_train_rejects_wrong_target_shape():
    with pytest.raises(ValueError, match=r"x has shape \(5, 2\) but y has shape \(4,\)"):
        train(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"x has shape \(5, 2\) but y has shape \(5, 1\)"):
        train(np.zeros((5, 2)), np.zeros((5, 1)))


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("n_hidden", 0, ValueError),
        ("n_hidden", -3, ValueError),
        ("n_hidden", 2.5, TypeError),
        ("n_hidden", True, TypeError),
        ("epochs", 0, ValueError),
        ("epochs", 10.0, TypeError),
        ("learning_rate", 0.0, ValueError),
        ("learning_rate", -0.1, ValueError),
        ("learning_rate", math.nan, ValueError),
        ("learning_rate", math.inf, ValueError),
        ("learning_rate", "fast", TypeError),
        ("seed", -1, ValueError),
        ("seed", 1.5, TypeError),
    ],
)
def test_train_rejects_bad_settings(name: str, value: object, error: type[Exception]):
    x, y = sine_problem()

    with pytest.raises(error, match=f"{name} must be a positive|{name} must be a non-negative"):
        train(x, y, **{name: value})


def test_train_rejects_half_of_test_data():
    x, y = sine_problem()

    with pytest.raises(ValueError, match="x_test and y_test must be given together"):
        train(x, y, x_test=x)
    with pytest.raises(ValueError, match="x_test and y_test must be given together"):
        train(x, y, y_test=y)


def test_train_rejects_test_data_with_other_columns():
    x, y = sine_problem()

    with pytest.raises(ValueError, match=r"x has shape \(50, 1\) but x_test has shape \(3, 2\)"):
        train(x, y, x_test=np.zeros((3, 2)), y_test=np.zeros(3))
    with pytest.raises(ValueError, match=r"x_test has shape \(3, 1\) but y_test has shape \(2,\)"):
        train(x, y, x_test=np.zeros((3, 1)), y_test=np.zeros(2))


def test_train_rejects_non_finite_targets():
    x, y = sine_problem()
    y[3] = math.nan

    with pytest.raises(ValueError, match="y must contain only finite numbers"):
        train(x, y)


def test_train_rejects_features_that_overflow():
    # With one input, seed 0 draws a hidden weight of 1.304, and 1.7e308
    # times that weight is beyond float64 (max 1.8e308).
    x = np.array([[1.7e308], [-1.7e308]])

    with pytest.raises(ValueError, match="x or x_test is too large for float64"):
        train(x, np.zeros(2))


def test_train_rejects_targets_too_large_to_square():
    x, _ = sine_problem()

    # The predictions start near 0, so the residuals are near 1e200 and their
    # squares, near 1e400, are beyond float64.
    with pytest.raises(ValueError, match=r"not finite .* standardize the targets"):
        train(x, np.full(len(x), 1e200))
