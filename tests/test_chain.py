"""Tests for `dltut.chain`: composing functions and differentiating by the chain rule."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dltut.activations import (
    leaky_relu,
    leaky_relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from dltut.calculus import deriv
from dltut.chain import chain, chain_derivative
from dltut.gradients import relative_error

EPS64 = float(np.finfo(np.float64).eps)


def add_one(x):
    return x + 1


def double(x):
    return 2 * x


def double_x(x):
    return 2 * x


def twice(x):
    return 2 * np.ones_like(x)


def sigmoid_of_square_derivative(x):
    # d/dx sigmoid(x^2) = sigmoid(x^2) (1 - sigmoid(x^2)) * 2x, written out by hand.
    s = 1 / (1 + np.exp(-(x**2)))
    return s * (1 - s) * 2 * x


@pytest.fixture
def points() -> np.ndarray:
    return np.random.default_rng(20240401).uniform(-3, 3, size=50)


# --- chain ---


def test_chain_applies_first_function_first():
    composed = chain(add_one, double, np.square)

    # ((1 + 1) * 2)^2 = 16, whereas the reverse order gives (1^2 * 2) + 1 = 3.
    assert float(composed(1.0)) == 16.0
    assert float(chain(np.square, double, add_one)(1.0)) == 3.0


def test_chain_matches_nested_calls(points):
    composed = chain(np.square, sigmoid, np.sin)

    # Both sides run the same operations on the same values.
    np.testing.assert_array_equal(composed(points), np.sin(sigmoid(np.square(points))))


def test_chain_single_function_is_that_function(points):
    np.testing.assert_array_equal(chain(tanh)(points), tanh(points))


def test_chain_accepts_lists_and_keeps_shape():
    composed = chain(add_one, double)

    result = composed([[1, 2], [3, 4]])

    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, [[4.0, 6.0], [8.0, 10.0]])


def test_chain_repr_names_functions():
    assert repr(chain(np.square, sigmoid)) == "chain(square, sigmoid)"


def test_chain_without_functions_raises():
    with pytest.raises(ValueError, match="at least one function"):
        chain()


def test_chain_non_callable_raises():
    with pytest.raises(TypeError, match=r"functions\[1\] must be a callable"):
        chain(np.square, 3.0)


def test_chain_list_argument_raises_with_hint():
    with pytest.raises(TypeError, match=r"chain\(f1, f2\) rather than chain\(\[f1, f2\]\)"):
        chain([np.square, sigmoid])


def test_chain_rejects_non_real_input():
    with pytest.raises(TypeError, match="x must contain real numbers"):
        chain(np.square)(["a", "b"])


# --- chain_derivative against closed forms ---


def test_chain_derivative_sigmoid_of_square_closed_form(points):
    result = chain_derivative([np.square, sigmoid], [double_x, sigmoid_derivative], points)

    # The hand-written s (1 - s) loses digits where s is near 1: at
    # x = 3, 1 - s is about 1.2e-4, so its relative error grows to about
    # eps / 1.2e-4 = 2e-12. The package's sigmoid' has no such cancellation.
    expected = sigmoid_of_square_derivative(points)
    np.testing.assert_allclose(result, expected, rtol=1e-11, atol=0)


def test_chain_derivative_sin_of_exp_closed_form(points):
    result = chain_derivative([np.exp, np.sin], [np.exp, np.cos], points)

    # d/dx sin(e^x) = cos(e^x) e^x. Both sides multiply the same two
    # floats, in the other order, so they agree to 1 ulp.
    np.testing.assert_allclose(result, np.cos(np.exp(points)) * np.exp(points), rtol=2 * EPS64)


def test_chain_derivative_three_functions_closed_form(points):
    functions = [leaky_relu, np.square, sigmoid]
    derivatives = [leaky_relu_derivative, double_x, sigmoid_derivative]

    result = chain_derivative(functions, derivatives, points)

    # d/dx sigmoid(u^2) with u = leaky_relu(x): sigmoid'(u^2) * 2u * u',
    # where u' is 1 for x > 0 and 0.2 for x < 0.
    u = np.where(points > 0, points, 0.2 * points)
    s = 1 / (1 + np.exp(-(u**2)))
    expected = s * (1 - s) * 2 * u * np.where(points > 0, 1.0, 0.2)
    # As above, s (1 - s) by hand loses up to 4 digits for |u| near 3.
    np.testing.assert_allclose(result, expected, rtol=1e-11, atol=0)


def test_chain_derivative_hand_checked_value():
    # At x = 0.5 the derivative of tanh(2x) is (1 - tanh(1)^2) * 2, and
    # 1 - tanh(1)^2 = sech(1)^2 = 0.419974341614026 (to 15 digits).
    result = chain_derivative([double, tanh], [twice, tanh_derivative], 0.5)

    assert result.shape == ()
    assert float(result) == pytest.approx(2 * 0.419974341614026, rel=1e-14)


def test_chain_derivative_single_function(points):
    result = chain_derivative([np.sin], [np.cos], points)

    np.testing.assert_array_equal(result, np.cos(points))


def test_chain_derivative_keeps_shape():
    x = np.linspace(-1, 1, 12).reshape(3, 4)

    result = chain_derivative([np.square, sigmoid], [double_x, sigmoid_derivative], x)

    assert result.shape == (3, 4)


# --- chain_derivative against numerical derivatives ---


def test_chain_derivative_matches_deriv_of_chain(points):
    functions = [np.square, sigmoid, np.sin]
    derivatives = [double_x, sigmoid_derivative, np.cos]

    by_chain_rule = chain_derivative(functions, derivatives, points)
    numerical = deriv(chain(*functions), points, 1e-4)

    # The central difference's error is about h^2 / 6 * |f'''|. With
    # h = 1e-4 and |f'''| of order 10 on [-3, 3], that is near 1e-8, and
    # rounding adds about eps / h = 2e-12. 1e-6 leaves a wide margin.
    assert relative_error(by_chain_rule, numerical) < 1e-6


def test_chain_derivative_three_functions_matches_deriv(points):
    functions = [leaky_relu, np.square, sigmoid]
    derivatives = [leaky_relu_derivative, double_x, sigmoid_derivative]
    # Points within h of the kink of Leaky ReLU at 0 straddle it, where
    # the central difference is only first-order accurate.
    away_from_kink = points[np.abs(points) > 1e-3]

    by_chain_rule = chain_derivative(functions, derivatives, away_from_kink)
    numerical = deriv(chain(*functions), away_from_kink, 1e-4)

    # Same reasoning as above; each piece of the composition is smooth.
    assert relative_error(by_chain_rule, numerical) < 1e-6


def test_chain_derivative_estimated_matches_closed_form(points):
    result = chain_derivative([np.square, sigmoid], None, points)

    # Each local derivative is a central difference with h = 1e-3. For
    # x^2 it is exact up to rounding. For the sigmoid the error is at most
    # h^2 / 6 * max |sigmoid'''| = 1e-6 / 6 * 1/8 = 2e-8, and the factor
    # |2x| <= 6 makes that 1.3e-7 at most. 1e-5 leaves a wide margin.
    assert relative_error(result, sigmoid_of_square_derivative(points)) < 1e-5


def test_chain_derivative_none_entry_estimates_that_one(points):
    exact = chain_derivative([np.square, sigmoid], [double_x, sigmoid_derivative], points)

    mixed = chain_derivative([np.square, sigmoid], [double_x, None], points, delta=1e-4)

    # Only sigmoid' is estimated; with h = 1e-4 its error is below
    # h^2 / 6 * 1/8 = 2e-10, and rounding adds about eps / h = 2e-12.
    assert relative_error(mixed, exact) < 1e-8


# Slopes of at least 1e-3 in size (or 0) keep the product of up to six of
# them far from the subnormal range, where relative rounding is larger.
slopes_strategy = st.floats(min_value=-3, max_value=3).filter(lambda a: a == 0 or abs(a) >= 1e-3)


@given(
    slopes=st.lists(slopes_strategy, min_size=1, max_size=6),
    x=hnp.arrays(np.float64, st.integers(1, 5), elements=st.floats(-10, 10)),
)
def test_chain_derivative_affine_is_product_of_slopes(slopes, x):
    functions = [lambda v, a=a: a * v + 1.0 for a in slopes]
    derivatives = [lambda v, a=a: np.full_like(v, a) for a in slopes]

    result = chain_derivative(functions, derivatives, x)

    # The derivative of a chain of affine maps a_k v + 1 is the product
    # of the slopes at every point. math.prod multiplies in another order,
    # so the two differ by at most one rounding per factor.
    expected = math.prod(slopes)
    np.testing.assert_allclose(result, np.full(x.shape, expected), rtol=8 * EPS64, atol=0)


# --- chain_derivative errors ---


def test_chain_derivative_length_mismatch_raises():
    with pytest.raises(ValueError, match="got 2 functions but 3 derivatives"):
        chain_derivative([np.square, sigmoid], [double_x, sigmoid_derivative, np.cos], 1.0)


def test_chain_derivative_empty_raises():
    with pytest.raises(ValueError, match="at least one function"):
        chain_derivative([], [], 1.0)


def test_chain_derivative_single_callable_raises():
    with pytest.raises(TypeError, match="functions must be a sequence of callables"):
        chain_derivative(np.square, [double_x], 1.0)


def test_chain_derivative_derivatives_not_sequence_raises():
    with pytest.raises(TypeError, match="derivatives must be a sequence"):
        chain_derivative([np.square], double_x, 1.0)


def test_chain_derivative_non_callable_derivative_raises():
    with pytest.raises(TypeError, match=r"derivatives\[1\] must be a callable"):
        chain_derivative([np.square, sigmoid], [double_x, 0.25], 1.0)


def test_chain_derivative_non_elementwise_function_raises():
    with pytest.raises(ValueError, match=r"functions\[0\] must act elementwise"):
        chain_derivative([np.sum, np.sin], [np.ones_like, np.cos], np.ones(3))


def test_chain_derivative_non_elementwise_derivative_raises():
    with pytest.raises(ValueError, match=r"derivatives\[0\] must act elementwise"):
        chain_derivative([np.square], [lambda x: 2.0], np.ones(3))


def test_chain_derivative_bad_delta_raises():
    with pytest.raises(ValueError, match="delta must be a positive finite number"):
        chain_derivative([np.square], None, 1.0, delta=0.0)
