"""Tests for `dltut.multivariate`: L = sum(sigmoid(X W)), its forward and backward pass."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dltut.gradients import numerical_gradient, relative_error
from dltut.multivariate import (
    MatmulSigmoidSumForward,
    matmul_sigmoid_sum,
    matmul_sigmoid_sum_backward,
    matmul_sigmoid_sum_forward,
    matmul_sigmoid_sum_gradients,
)

EPS64 = float(np.finfo(np.float64).eps)

# Central differences with the default step 1e-6 have a truncation error
# near 1e-12 · |L'''| and a rounding error near eps · |L| / 1e-6, which is
# about 2e-9 for the losses below (|L| <= n k = 20). Relative to gradients
# of order 0.1 to 1, that is 1e-8 or less; 1e-6 leaves a margin of 100.
GRADIENT_TOLERANCE = 1e-6


def sigmoid_reference(z):
    # The textbook form; the inputs used with it stay far from overflow.
    return 1 / (1 + np.exp(-z))


@pytest.fixture
def inputs() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    return rng.normal(size=(5, 3)), rng.normal(size=(3, 4))


# --- forward pass ---


def test_loss_hand_checked_zero_product():
    # 1 * 0.5 + 2 * (-0.25) = 0 and sigmoid(0) = 1/2.
    assert matmul_sigmoid_sum([[1.0, 2.0]], [[0.5], [-0.25]]) == 0.5


def test_loss_zero_weights_is_half_per_entry():
    # Every entry of X W is 0, so L = n k / 2 = 3 * 4 / 2.
    assert matmul_sigmoid_sum(np.ones((3, 2)), np.zeros((2, 4))) == 6.0


def test_loss_hand_checked_two_by_two():
    x = [[1.0, 0.0], [0.0, 2.0]]
    weights = [[1.0, -1.0], [0.5, 0.0]]

    # X W = [[1, -1], [1, 0]], so L = sigmoid(1) + sigmoid(-1) + sigmoid(1) + sigmoid(0)
    # = 1 + sigmoid(1) + 1/2, because sigmoid(1) + sigmoid(-1) = 1.
    expected = 1.5 + 1 / (1 + math.exp(-1.0))
    assert matmul_sigmoid_sum(x, weights) == pytest.approx(expected, rel=4 * EPS64)


def test_loss_matches_elementwise_sum(inputs):
    x, weights = inputs
    expected = 0.0
    for i in range(x.shape[0]):
        for j in range(weights.shape[1]):
            product = sum(x[i, f] * weights[f, j] for f in range(x.shape[1]))
            expected += 1 / (1 + math.exp(-product))

    # Twenty terms of size below 1, each rounded a few times; the order of
    # the sums differs, so allow 100 ulp of the total.
    assert matmul_sigmoid_sum(x, weights) == pytest.approx(expected, rel=100 * EPS64)


def test_forward_stores_each_step(inputs):
    x, weights = inputs

    forward = matmul_sigmoid_sum_forward(x, weights)

    np.testing.assert_array_equal(forward.x, x)
    np.testing.assert_array_equal(forward.weights, weights)
    np.testing.assert_array_equal(forward.products, x @ weights)
    # The package's sigmoid and the textbook form round differently.
    np.testing.assert_allclose(forward.activations, sigmoid_reference(x @ weights), rtol=4 * EPS64)
    assert forward.loss == pytest.approx(float(np.sum(forward.activations)), rel=EPS64)
    assert isinstance(forward.loss, float)


def test_forward_converts_lists_and_integers():
    forward = matmul_sigmoid_sum_forward([[1, 2]], [[0], [0]])

    assert forward.x.dtype == np.float64
    assert forward.products.shape == (1, 1)


def test_loss_huge_inputs_no_warning():
    x = np.full((2, 2), 1e200)
    weights = np.full((2, 3), 1e200)

    # The products overflow to +inf, where sigmoid is 1.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = matmul_sigmoid_sum(x, weights)
        grad_x, grad_weights = matmul_sigmoid_sum_gradients(x, -weights)

    assert loss == 6.0
    # sigmoid' vanishes at -inf, so both gradients are 0.
    np.testing.assert_array_equal(grad_x, np.zeros((2, 2)))
    np.testing.assert_array_equal(grad_weights, np.zeros((2, 3)))


# --- backward pass ---


def test_gradients_one_by_one_closed_form():
    a, b = 0.7, -1.3

    grad_x, grad_weights = matmul_sigmoid_sum_gradients([[a]], [[b]])

    # L = sigmoid(a b), so dL/da = sigmoid'(a b) b and dL/db = sigmoid'(a b) a.
    s = 1 / (1 + math.exp(-a * b))
    slope = s * (1 - s)
    np.testing.assert_allclose(grad_x, [[slope * b]], rtol=8 * EPS64)
    np.testing.assert_allclose(grad_weights, [[slope * a]], rtol=8 * EPS64)


def test_gradients_hand_checked_zero_product():
    grad_x, grad_weights = matmul_sigmoid_sum_gradients([[1.0, 2.0]], [[0.5], [-0.25]])

    # sigmoid'(0) = 1/4, so dL/dX = W^T / 4 and dL/dW = X^T / 4; all exact in binary.
    np.testing.assert_array_equal(grad_x, [[0.125, -0.0625]])
    np.testing.assert_array_equal(grad_weights, [[0.25], [0.5]])


def test_gradients_shapes(inputs):
    x, weights = inputs

    grad_x, grad_weights = matmul_sigmoid_sum_gradients(x, weights)

    assert grad_x.shape == x.shape
    assert grad_weights.shape == weights.shape


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shape", [(1, 1, 1), (5, 3, 4), (2, 6, 1), (4, 1, 3)])
def test_grad_x_matches_numerical_gradient(seed, shape):
    n, d, k = shape
    rng = np.random.default_rng(seed)
    x, weights = rng.normal(size=(n, d)), rng.normal(size=(d, k))

    grad_x, _ = matmul_sigmoid_sum_gradients(x, weights)
    numerical = numerical_gradient(lambda v: matmul_sigmoid_sum(v, weights), x)

    assert relative_error(grad_x, numerical) < GRADIENT_TOLERANCE


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shape", [(1, 1, 1), (5, 3, 4), (2, 6, 1), (4, 1, 3)])
def test_grad_weights_matches_numerical_gradient(seed, shape):
    n, d, k = shape
    rng = np.random.default_rng(seed)
    x, weights = rng.normal(size=(n, d)), rng.normal(size=(d, k))

    _, grad_weights = matmul_sigmoid_sum_gradients(x, weights)
    numerical = numerical_gradient(lambda w: matmul_sigmoid_sum(x, w), weights)

    assert relative_error(grad_weights, numerical) < GRADIENT_TOLERANCE


def test_backward_of_stored_forward_matches_gradients(inputs):
    x, weights = inputs

    from_forward = matmul_sigmoid_sum_backward(matmul_sigmoid_sum_forward(x, weights))
    direct = matmul_sigmoid_sum_gradients(x, weights)

    np.testing.assert_array_equal(from_forward[0], direct[0])
    np.testing.assert_array_equal(from_forward[1], direct[1])


def test_gradients_with_no_examples():
    grad_x, grad_weights = matmul_sigmoid_sum_gradients(np.zeros((0, 3)), np.ones((3, 2)))

    # No examples: L = 0 whatever W is, so dL/dW is 0.
    assert grad_x.shape == (0, 3)
    np.testing.assert_array_equal(grad_weights, np.zeros((3, 2)))


small_matrices = st.integers(1, 4).flatmap(
    lambda d: st.tuples(
        hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.just(d)), elements=st.floats(-5, 5)),
        hnp.arrays(np.float64, st.tuples(st.just(d), st.integers(1, 4)), elements=st.floats(-5, 5)),
    )
)


@given(small_matrices)
def test_gradients_satisfy_transpose_identity(matrices):
    x, weights = matrices

    grad_x, grad_weights = matmul_sigmoid_sum_gradients(x, weights)

    # With G = sigmoid'(X W): X^T (G W^T) = (X^T G) W^T, as matrix products associate.
    # Entries of G are at most 1/4, so each side is a sum of at most 16
    # products of size at most 5 * 5 * 5 / 4; rounding stays below 1e-12.
    np.testing.assert_allclose(x.T @ grad_x, grad_weights @ weights.T, rtol=0, atol=1e-12)


@given(small_matrices)
def test_grad_weights_is_sum_over_examples(matrices):
    x, weights = matrices

    _, grad_weights = matmul_sigmoid_sum_gradients(x, weights)
    per_example = [matmul_sigmoid_sum_gradients(row[None, :], weights)[1] for row in x]

    # L is a sum over the rows of X, so its gradient with respect to W is the
    # sum of the per-row gradients. Only the order of the additions differs.
    np.testing.assert_allclose(grad_weights, np.sum(per_example, axis=0), rtol=0, atol=1e-13)


# --- errors ---


def test_one_dimensional_x_raises():
    with pytest.raises(ValueError, match=r"x must be 2-d.*got shape \(3,\)"):
        matmul_sigmoid_sum([1.0, 2.0, 3.0], np.ones((3, 1)))


def test_one_dimensional_weights_raises():
    with pytest.raises(ValueError, match=r"weights must be 2-d.*got shape \(3,\)"):
        matmul_sigmoid_sum_gradients(np.ones((2, 3)), [1.0, 2.0, 3.0])


def test_shape_mismatch_names_both_shapes():
    message = (
        r"x has shape \(5, 3\) but weights has shape \(4, 1\); "
        r"x's columns must equal weights' rows"
    )
    with pytest.raises(ValueError, match=message):
        matmul_sigmoid_sum(np.ones((5, 3)), np.ones((4, 1)))


def test_shape_mismatch_in_gradients_raises():
    with pytest.raises(ValueError, match=r"x has shape \(2, 2\) but weights has shape \(3, 2\)"):
        matmul_sigmoid_sum_gradients(np.ones((2, 2)), np.ones((3, 2)))


def test_non_real_input_raises():
    with pytest.raises(TypeError, match="weights must contain real numbers"):
        matmul_sigmoid_sum(np.ones((1, 2)), [["a"], ["b"]])


def test_backward_wrong_type_raises():
    with pytest.raises(TypeError, match="forward must be the MatmulSigmoidSumForward"):
        matmul_sigmoid_sum_backward((np.ones((1, 1)), np.ones((1, 1))))


def test_forward_record_is_frozen(inputs):
    forward = matmul_sigmoid_sum_forward(*inputs)

    assert isinstance(forward, MatmulSigmoidSumForward)
    with pytest.raises(AttributeError):
        forward.loss = 0.0
