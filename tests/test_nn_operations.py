"""Tests for `dltut.nn.operations`: every backward pass against central differences,
hand-checked values, dropout's masks and the input checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dltut.gradients import numerical_gradient, relative_error
from dltut.nn.operations import (
    BiasAdd,
    Dropout,
    Linear,
    Operation,
    ReLU,
    Sigmoid,
    Tanh,
    WeightMultiply,
)

# Central differences with step 1e-6 on outputs of order 1 have a rounding
# error near eps / 1e-6 ~ 2e-10 and a truncation error near 1e-12, so they
# match an exact gradient of order 1 to about 1e-9. The tolerance 1e-6
# leaves a margin of 1000, while a wrong formula (a missing transpose or
# derivative factor) is off by more than 1e-2.
GRADIENT_TOLERANCE = 1e-6


def random_inputs(seed: int, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Return an input and an upstream gradient of `shape`, entries of order 1."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(size=shape)


def away_from_zero(x: np.ndarray) -> np.ndarray:
    """Move entries out of (-0.1, 0.1), where ReLU's kink would spoil a central difference."""
    return np.where(np.abs(x) < 0.1, np.sign(x) * 0.1 + x, x)


def check_input_gradient(make_op, x: np.ndarray, seed: int, training: bool = False) -> float:
    """Return the relative error of an operation's input gradient against central differences.

    The scalar checked is sum(output * G) for a random G, whose gradient with
    respect to the input is exactly what `backward(G)` returns. `make_op` is
    called anew for every evaluation, so dropout draws the same mask each time.
    """
    op = make_op()
    output = op.forward(x, training=training)
    upstream = np.random.default_rng(seed + 1000).normal(size=output.shape)
    actual = op.backward(upstream)

    def scalar(point):
        return np.sum(make_op().forward(point, training=training) * upstream)

    return relative_error(actual, numerical_gradient(scalar, x))


# --- gradients against central differences ---

ELEMENTWISE = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "linear": Linear,
}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_input_gradient(name: str, seed: int):
    x, _ = random_inputs(seed, (5, 4))
    x = away_from_zero(x) * 2.0

    error = check_input_gradient(ELEMENTWISE[name], x, seed)

    assert error < GRADIENT_TOLERANCE


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weight_multiply_gradients(seed: int):
    rng = np.random.default_rng(seed)
    x, weights = rng.normal(size=(6, 3)), rng.normal(size=(3, 4))
    upstream = rng.normal(size=(6, 4))
    op = WeightMultiply(weights)
    op.forward(x)
    input_grad = op.backward(upstream)

    def scalar_of_input(point):
        return np.sum(WeightMultiply(weights).forward(point) * upstream)

    def scalar_of_weights(point):
        return np.sum(WeightMultiply(point).forward(x) * upstream)

    assert relative_error(input_grad, numerical_gradient(scalar_of_input, x)) < GRADIENT_TOLERANCE
    expected = numerical_gradient(scalar_of_weights, weights)
    assert op.param_grad.shape == weights.shape
    assert relative_error(op.param_grad, expected) < GRADIENT_TOLERANCE


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bias_add_gradients(seed: int):
    rng = np.random.default_rng(seed)
    x, bias = rng.normal(size=(6, 4)), rng.normal(size=(1, 4))
    upstream = rng.normal(size=(6, 4))
    op = BiasAdd(bias)
    op.forward(x)
    input_grad = op.backward(upstream)

    def scalar_of_input(point):
        return np.sum(BiasAdd(bias).forward(point) * upstream)

    def scalar_of_bias(point):
        return np.sum(BiasAdd(point).forward(x) * upstream)

    assert relative_error(input_grad, numerical_gradient(scalar_of_input, x)) < GRADIENT_TOLERANCE
    expected = numerical_gradient(scalar_of_bias, bias)
    assert op.param_grad.shape == (1, 4)
    assert relative_error(op.param_grad, expected) < GRADIENT_TOLERANCE


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dropout_training_input_gradient(seed: int):
    x, _ = random_inputs(seed, (8, 5))

    error = check_input_gradient(lambda: Dropout(0.4, seed=seed), x, seed, training=True)

    assert error < GRADIENT_TOLERANCE


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 5),
    d=st.integers(1, 4),
    k=st.integers(1, 4),
)
def test_weight_multiply_gradients_any_shape(seed: int, n: int, d: int, k: int):
    rng = np.random.default_rng(seed)
    x, weights = rng.normal(size=(n, d)), rng.normal(size=(d, k))

    error = check_input_gradient(lambda: WeightMultiply(weights), x, seed)

    assert error < GRADIENT_TOLERANCE


def test_gradient_check_detects_wrong_derivative():
    x, upstream = random_inputs(0, (5, 4))
    op = Sigmoid()
    output = op.forward(x)
    # A common slip: sigma(x) in place of sigma(x) (1 - sigma(x)).
    wrong = upstream * output

    def scalar(point):
        return np.sum(Sigmoid().forward(point) * upstream)

    assert relative_error(wrong, numerical_gradient(scalar, x)) > 1e-2


# --- hand-checked values ---


def test_weight_multiply_hand_values():
    op = WeightMultiply([[1.0, 0.0], [2.0, -1.0]])

    output = op.forward([[1.0, 3.0]])
    input_grad = op.backward([[1.0, 1.0]])

    # [1, 3] @ [[1, 0], [2, -1]] = [1 + 6, -3]
    np.testing.assert_array_equal(output, [[7.0, -3.0]])
    # G W^T = [1, 1] @ [[1, 2], [0, -1]] = [1, 1]
    np.testing.assert_array_equal(input_grad, [[1.0, 1.0]])
    # X^T G = [[1], [3]] @ [[1, 1]]
    np.testing.assert_array_equal(op.param_grad, [[1.0, 1.0], [3.0, 3.0]])


def test_bias_add_sums_gradient_over_rows():
    op = BiasAdd([[1.0, 2.0]])
    op.forward(np.zeros((3, 2)))

    op.backward([[1.0, 0.0], [2.0, 0.0], [3.0, 1.0]])

    np.testing.assert_array_equal(op.param_grad, [[6.0, 1.0]])


def test_activation_hand_values():
    sigmoid, tanh, relu = Sigmoid(), Tanh(), ReLU()

    np.testing.assert_allclose(sigmoid.forward([[0.0]]), [[0.5]])
    np.testing.assert_allclose(sigmoid.backward([[1.0]]), [[0.25]])
    np.testing.assert_allclose(tanh.forward([[0.0]]), [[0.0]])
    np.testing.assert_allclose(tanh.backward([[3.0]]), [[3.0]])
    np.testing.assert_array_equal(relu.forward([[-2.0, 0.0, 2.0]]), [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(relu.backward([[7.0, 7.0, 7.0]]), [[0.0, 0.0, 7.0]])


def test_linear_is_identity():
    op = Linear()
    x = np.array([[1.5, -2.0]])

    np.testing.assert_array_equal(op.forward(x), x)
    np.testing.assert_array_equal(op.backward([[3.0, 4.0]]), [[3.0, 4.0]])


def test_sigmoid_backward_large_input_no_warning():
    op = Sigmoid()
    op.forward([[-800.0, 800.0]])

    grad = op.backward([[1.0, 1.0]])

    assert np.all(np.isfinite(grad))


def test_backward_params_stores_param_grad_without_input_grad():
    rng = np.random.default_rng(7)
    x, weights, upstream = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
    full, params_only = WeightMultiply(weights), WeightMultiply(weights)
    full.forward(x)
    params_only.forward(x)

    full.backward(upstream)
    params_only.backward_params(upstream)

    # X^T G by hand, an independent formula for the same gradient.
    np.testing.assert_allclose(params_only.param_grad, x.T @ upstream, rtol=1e-14)
    np.testing.assert_array_equal(params_only.param_grad, full.param_grad)
    assert params_only.input_grad is None


def test_backward_params_checks_like_backward():
    op = WeightMultiply(np.ones((3, 2)))
    with pytest.raises(RuntimeError, match=r"\.backward_params called before forward"):
        op.backward_params(np.ones((1, 2)))

    op.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"output_grad has shape \(4, 3\) but .* \(4, 2\)"):
        op.backward_params(np.ones((4, 3)))


# --- dropout ---


def test_dropout_identity_when_not_training():
    op = Dropout(0.5, seed=0)
    x = np.arange(6.0).reshape(2, 3)

    np.testing.assert_array_equal(op.forward(x), x)
    np.testing.assert_array_equal(op.backward(np.ones((2, 3))), np.ones((2, 3)))


def test_dropout_drops_expected_fraction():
    rate, size = 0.3, 100_000
    op = Dropout(rate, seed=1)

    output = op.forward(np.ones((1, size)), training=True)

    dropped = np.mean(output == 0.0)
    # The dropped count is binomial: standard error sqrt(p (1 - p) / size) ~ 0.0014.
    standard_error = np.sqrt(rate * (1 - rate) / size)
    assert abs(dropped - rate) < 5 * standard_error
    np.testing.assert_allclose(output[output != 0.0], 1.0 / (1.0 - rate))


def test_dropout_keeps_mean():
    op = Dropout(0.5, seed=2)

    output = op.forward(np.ones((200, 500)), training=True)

    # Each entry is 0 or 2 with equal probability: mean 1, standard deviation 1,
    # so the mean of 100,000 entries has standard error 0.003.
    assert abs(float(output.mean()) - 1.0) < 5 * 0.003


def test_dropout_backward_uses_forward_mask():
    op = Dropout(0.5, seed=3)
    output = op.forward(np.ones((4, 6)), training=True)

    grad = op.backward(np.ones((4, 6)))

    np.testing.assert_array_equal(grad, output)


def test_dropout_masks_reproducible():
    first, second = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    x = np.ones((3, 10))

    masks_first = [first.forward(x, training=True) for _ in range(3)]
    masks_second = [second.forward(x, training=True) for _ in range(3)]

    for a, b in zip(masks_first, masks_second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(masks_first[0], masks_first[1])


def test_dropout_rate_zero_is_identity_in_training():
    x = np.random.default_rng(0).normal(size=(3, 4))

    np.testing.assert_array_equal(Dropout(0.0).forward(x, training=True), x)


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, float("nan")])
def test_dropout_rate_out_of_range(rate: float):
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        Dropout(rate)


@pytest.mark.parametrize("rate", ["0.5", True, None])
def test_dropout_rate_not_a_number(rate):
    with pytest.raises(TypeError, match="rate must be a real number"):
        Dropout(rate)


# --- errors ---

ALL_OPERATIONS = {
    "weight_multiply": lambda: WeightMultiply(np.ones((2, 2))),
    "bias_add": lambda: BiasAdd(np.ones((1, 2))),
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "linear": Linear,
    "dropout": lambda: Dropout(0.5),
}


@pytest.mark.parametrize("name", sorted(ALL_OPERATIONS))
def test_backward_before_forward(name: str):
    op: Operation = ALL_OPERATIONS[name]()

    with pytest.raises(RuntimeError, match="backward called before forward"):
        op.backward(np.ones((3, 2)))


@pytest.mark.parametrize("name", sorted(ALL_OPERATIONS))
def test_backward_shape_mismatch_names_both_shapes(name: str):
    op: Operation = ALL_OPERATIONS[name]()
    op.forward(np.ones((3, 2)))

    with pytest.raises(ValueError, match=r"output_grad has shape \(3, 5\) but .* \(3, 2\)"):
        op.backward(np.ones((3, 5)))


def test_weight_multiply_input_width_mismatch():
    op = WeightMultiply(np.ones((4, 2)))

    message = r"input has shape \(5, 3\) but weights has shape \(4, 2\)"
    with pytest.raises(ValueError, match=message):
        op.forward(np.ones((5, 3)))


def test_weight_multiply_rejects_1d_weights():
    with pytest.raises(ValueError, match=r"weights must be 2-d.*\(3,\)"):
        WeightMultiply(np.ones(3))


def test_bias_add_rejects_1d_bias():
    with pytest.raises(ValueError, match=r"bias must have shape \(1, k\), got shape \(3,\)"):
        BiasAdd(np.ones(3))


def test_bias_add_input_width_mismatch():
    op = BiasAdd(np.ones((1, 2)))

    with pytest.raises(ValueError, match=r"input has shape \(4, 3\) but bias has shape \(1, 2\)"):
        op.forward(np.ones((4, 3)))


def test_forward_rejects_strings():
    with pytest.raises(TypeError, match="input_ must contain real numbers"):
        Tanh().forward(np.array([["a"]]))


def test_param_copied_from_argument():
    weights = np.ones((2, 2))
    op = WeightMultiply(weights)

    op.param[0, 0] = 5.0

    assert weights[0, 0] == 1.0
