"""Tests for `dltut.gradients`: numerical gradients and Jacobians against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dltut.gradients import numerical_gradient, numerical_jacobian, relative_error

# Central differences are exact for polynomials of degree 2 or less, so on
# quadratic and linear functions only rounding remains: about eps * |f| / delta
# = 2.2e-16 * |f| / 1e-6, or 2e-10 relative to values of order 1. 1e-8
# leaves a margin of 50 for values up to about 10.
EXACT_FOR_QUADRATICS = 1e-8

# For smooth functions the truncation error adds delta^2 / 6 * |f'''|, about
# 2e-13 here, which is still far below the rounding error.
SMOOTH_FUNCTIONS = 1e-8


# --- numerical_gradient ---


@pytest.mark.parametrize("seed", range(5))
def test_gradient_of_quadratic_form(seed):
    rng = np.random.default_rng(seed)
    matrix = rng.normal(size=(4, 4))  # not symmetric
    x = rng.normal(size=4)

    # d/dx (x^T A x) = (A + A^T) x
    expected = (matrix + matrix.T) @ x
    result = numerical_gradient(lambda v: v @ matrix @ v, x)

    assert relative_error(result, expected) < EXACT_FOR_QUADRATICS


def test_gradient_of_sum_of_squares_hand_checked():
    result = numerical_gradient(lambda v: np.sum(v**2), np.array([1.0, -2.0, 0.5]))

    assert np.allclose(result, [2.0, -4.0, 1.0], rtol=0, atol=1e-9)


def test_gradient_keeps_input_shape():
    rng = np.random.default_rng(10)
    x = rng.normal(size=(2, 3))
    weights = rng.normal(size=(2, 3))

    # d/dx sum(W * x) = W, entry by entry, for a matrix-shaped x.
    result = numerical_gradient(lambda v: np.sum(weights * v), x)

    assert result.shape == (2, 3)
    assert relative_error(result, weights) < EXACT_FOR_QUADRATICS


def test_gradient_of_scalar_input():
    # d/dx x^3 = 3 x^2 = 12 at x = 2; a 0-d input gives a 0-d gradient.
    result = numerical_gradient(lambda v: v**3, 2.0)

    assert result.shape == ()
    # Truncation error delta^2 = 1e-12 plus rounding eps * 8 / delta = 2e-9.
    assert float(result) == pytest.approx(12.0, rel=0, abs=1e-8)


def test_gradient_accepts_output_of_size_one():
    result = numerical_gradient(lambda v: np.array([np.sum(v**2)]), np.array([3.0]))

    assert result.shape == (1,)
    assert float(result[0]) == pytest.approx(6.0, rel=0, abs=1e-8)


def test_gradient_integer_input_is_not_truncated():
    # An integer array would round x + delta back to x; the input is converted
    # to float64 first.
    result = numerical_gradient(lambda v: np.sum(v**2), np.array([1, 2]))

    assert result.dtype == np.float64
    assert np.allclose(result, [2.0, 4.0], rtol=0, atol=1e-8)


def test_gradient_float32_input_computed_in_float64():
    # Float32 numbers near 10 and 20 are about 1e-6 and 2e-6 apart, so in
    # float32 the steps x +- 1e-6 would be rounded and the quotients wrong.
    x = np.array([10.0, -20.0], dtype=np.float32)

    result = numerical_gradient(lambda v: np.sum(v**2), x)

    assert np.allclose(result, [20.0, -40.0], rtol=0, atol=1e-6)


def test_gradient_does_not_modify_input():
    x = np.array([1.0, 2.0, 3.0])

    numerical_gradient(lambda v: np.sum(v**2), x)

    assert x.tolist() == [1.0, 2.0, 3.0]


def test_gradient_survives_function_that_modifies_its_argument():
    x = np.array([1.0, 2.0])

    def sum_and_overwrite(v):
        total = np.sum(v)
        v[:] = 100.0
        return total

    result = numerical_gradient(sum_and_overwrite, x)

    assert x.tolist() == [1.0, 2.0]
    assert np.allclose(result, [1.0, 1.0], rtol=0, atol=1e-8)


def test_gradient_rejects_vector_output():
    with pytest.raises(ValueError, match=r"func must return a single number, got .* \(3,\)"):
        numerical_gradient(lambda v: v * 2, np.zeros(3))


def test_gradient_rejects_non_callable():
    with pytest.raises(TypeError, match="func must be a callable"):
        numerical_gradient(np.zeros(3), np.zeros(3))


@given(
    hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-10, 10)),
    st.data(),
)
def test_gradient_of_linear_function_property(coefficients, data):
    x = data.draw(hnp.arrays(np.float64, coefficients.shape, elements=st.floats(-10, 10)))

    result = numerical_gradient(lambda v: coefficients @ v, x)

    # |f| <= 6 * 10 * 10 = 600, so rounding contributes at most about
    # 600 * eps / delta = 1.3e-7 in absolute terms.
    assert np.allclose(result, coefficients, rtol=0, atol=1e-6)


# --- numerical_jacobian ---


def test_jacobian_of_linear_map_is_matrix():
    rng = np.random.default_rng(20)
    matrix = rng.normal(size=(3, 5))

    result = numerical_jacobian(lambda v: matrix @ v, rng.normal(size=5))

    assert result.shape == (3, 5)
    assert relative_error(result, matrix) < EXACT_FOR_QUADRATICS


def test_jacobian_of_matrix_input():
    rng = np.random.default_rng(21)
    matrix = rng.normal(size=(4, 3))
    x = rng.normal(size=(3, 2))

    # f(X) = M X: d f[i, k] / d X[j, l] = M[i, j] if k == l, else 0.
    expected = np.einsum("ij,kl->ikjl", matrix, np.eye(2))
    result = numerical_jacobian(lambda v: matrix @ v, x)

    assert result.shape == (4, 2, 3, 2)
    assert relative_error(result, expected) < EXACT_FOR_QUADRATICS


def test_jacobian_of_elementwise_function_is_diagonal():
    rng = np.random.default_rng(22)
    x = rng.normal(size=(2, 3))

    result = numerical_jacobian(np.sin, x)

    # Entry [i, j, k, l] is cos(x[i, j]) where (i, j) == (k, l), else 0.
    expected = np.zeros((2, 3, 2, 3))
    for i, j in np.ndindex(2, 3):
        expected[i, j, i, j] = np.cos(x[i, j])
    assert result.shape == (2, 3, 2, 3)
    assert relative_error(result, expected) < SMOOTH_FUNCTIONS


def test_jacobian_of_quadratic_map():
    rng = np.random.default_rng(23)
    x = rng.normal(size=3)

    # f(x) = (x0 * x1, x1^2, x0 * x2) has rows (x1, x0, 0), (0, 2 x1, 0), (x2, 0, x0).
    def products(v):
        return np.array([v[0] * v[1], v[1] ** 2, v[0] * v[2]])

    expected = np.array([[x[1], x[0], 0.0], [0.0, 2 * x[1], 0.0], [x[2], 0.0, x[0]]])
    result = numerical_jacobian(products, x)

    assert relative_error(result, expected) < EXACT_FOR_QUADRATICS


@pytest.mark.parametrize(
    ("output", "input_shape", "expected_shape"),
    [
        (lambda v: np.sum(v), (2, 3), (2, 3)),
        (lambda v: np.ones(5) * np.sum(v), (2, 3), (5, 2, 3)),
        (lambda v: v.T, (2, 3), (3, 2, 2, 3)),
        (lambda v: v * 2, (4,), (4, 4)),
    ],
)
def test_jacobian_shape_is_output_then_input(output, input_shape, expected_shape):
    result = numerical_jacobian(output, np.ones(input_shape))

    assert result.shape == expected_shape


def test_jacobian_does_not_modify_input():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])

    numerical_jacobian(lambda v: v**2, x)

    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_jacobian_step_changes_result():
    # For x^3 at 1, the central difference is 3 + delta^2 exactly in algebra.
    coarse = numerical_jacobian(lambda v: v**3, np.array([1.0]), delta=0.1)

    assert float(coarse[0, 0]) == pytest.approx(3.01, rel=1e-12)


def test_jacobian_rejects_empty_input():
    with pytest.raises(ValueError, match="x must not be empty"):
        numerical_jacobian(lambda v: v, np.zeros(0))


def test_jacobian_rejects_non_callable():
    with pytest.raises(TypeError, match=r"func must be a callable .* got 3 of type int"):
        numerical_jacobian(3, np.zeros(2))


def test_jacobian_rejects_strings():
    with pytest.raises(TypeError, match="x must contain real numbers"):
        numerical_jacobian(lambda v: v, ["a", "b"])


@pytest.mark.parametrize("delta", [0.0, -1e-6, math.inf, math.nan])
def test_jacobian_rejects_invalid_step(delta):
    with pytest.raises(ValueError, match="delta must be a positive finite number"):
        numerical_jacobian(lambda v: v, np.zeros(2), delta=delta)


@pytest.mark.parametrize("delta", ["1e-6", None, True])
def test_jacobian_rejects_step_of_wrong_type(delta):
    with pytest.raises(TypeError, match="delta must be a positive finite real number"):
        numerical_jacobian(lambda v: v, np.zeros(2), delta=delta)


def test_gradient_rejects_invalid_step():
    with pytest.raises(ValueError, match="delta must be a positive finite number"):
        numerical_gradient(lambda v: np.sum(v), np.zeros(2), delta=0.0)


# --- relative_error ---


def test_relative_error_hand_checked():
    # The largest difference, 0.002, over the largest magnitude, 2.002.
    assert relative_error([1.0, 2.0], [1.0, 2.002]) == pytest.approx(0.002 / 2.002, rel=1e-12)


def test_relative_error_identical_is_zero():
    assert relative_error([1.0, -3.0], [1.0, -3.0]) == 0.0


def test_relative_error_both_zero_is_zero():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_relative_error_against_zero_is_one():
    assert relative_error([0.0, 0.5], [0.0, 0.0]) == 1.0


def test_relative_error_uses_largest_magnitude_not_elementwise():
    # Elementwise, the first entries differ by 100%; relative to the largest
    # magnitude, 100, the difference of 1e-3 is 1e-5.
    assert relative_error([1e-3, 100.0], [0.0, 100.0]) == pytest.approx(1e-5, rel=1e-12)


def test_relative_error_scalars():
    assert relative_error(2.0, 1.0) == 0.5


def test_relative_error_returns_python_float():
    assert type(relative_error([1.0], [2.0])) is float


def test_relative_error_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"got \(2,\) and \(2, 1\)"):
        relative_error([1.0, 2.0], [[1.0], [2.0]])


vectors = hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-1e3, 1e3))


@given(vectors, st.data())
def test_relative_error_symmetric(actual, data):
    expected = data.draw(hnp.arrays(np.float64, actual.shape, elements=st.floats(-1e3, 1e3)))

    assert relative_error(actual, expected) == relative_error(expected, actual)


@given(vectors, st.data(), st.sampled_from([2.0, 1024.0]))
def test_relative_error_scale_invariant(actual, data, factor):
    expected = data.draw(hnp.arrays(np.float64, actual.shape, elements=st.floats(-1e3, 1e3)))

    # Multiplying by a power of 2 of at least 2 is exact (no underflow, and
    # no overflow for these magnitudes), so the result must not change.
    scaled = relative_error(factor * actual, factor * expected)

    assert scaled == relative_error(actual, expected)


@given(vectors, st.data())
def test_relative_error_between_zero_and_two(actual, data):
    expected = data.draw(hnp.arrays(np.float64, actual.shape, elements=st.floats(-1e3, 1e3)))

    # |a - e| <= |a| + |e| <= 2 * max(|a|, |e|).
    assert 0.0 <= relative_error(actual, expected) <= 2.0


def test_numerical_gradient_calls_func_twice_per_coordinate():
    calls = []

    def loss(values):
        calls.append(values.copy())
        return float(np.sum(values**2))

    numerical_gradient(loss, np.zeros((2, 3)))

    # One call at x to check the output, then a +h and a -h call per coordinate.
    assert len(calls) == 1 + 2 * 6
