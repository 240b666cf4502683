"""Tests for `dltut.activations`: values, dtype and shape rules, input checks and limits."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import expit

from dltut import (
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)

EPS64 = float(np.finfo(np.float64).eps)
EPS32 = float(np.finfo(np.float32).eps)

ALL_FUNCTIONS = [
    relu,
    relu_derivative,
    leaky_relu,
    leaky_relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
]
FLOAT_OUTPUT_FUNCTIONS = [f for f in ALL_FUNCTIONS if f is not relu]

# The elementwise functions accept every finite float64, so the property tests
# draw from the whole finite range, subnormals and +-1.8e308 included.
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
float_arrays = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
    elements=finite_floats,
)


def _function_id(func: object) -> str:
    return getattr(func, "__name__", repr(func))


# --- ReLU ---


def test_relu_float_values_match_definition():
    values = [-2.0, -0.5, 0.0, 1.5, 1e300]
    expected = [max(0.0, v) for v in values]

    # max(0, x) only selects one of its arguments, so no rounding is involved.
    np.testing.assert_array_equal(relu(np.array(values)), expected)


def test_relu_integer_input_stays_integer():
    x = np.array([-3, 0, 4], dtype=np.int32)

    result = relu(x)

    assert result.dtype == np.int32
    np.testing.assert_array_equal(result, [0, 0, 4])


def test_relu_python_int_list_stays_integer():
    result = relu([-3, 4])

    assert result.dtype.kind == "i"
    np.testing.assert_array_equal(result, [0, 4])


def test_relu_clip_method_equals_maximum():
    x = np.array([[-1.5, 0.0], [2.0, -1e308]])

    np.testing.assert_array_equal(relu(x, method="clip"), relu(x, method="maximum"))


@given(
    st.one_of(
        hnp.arrays(np.int64, hnp.array_shapes(max_dims=3, max_side=5)),
        float_arrays,
    )
)
def test_relu_clip_matches_maximum_property(x):
    clipped = relu(x, method="clip")
    maximum = relu(x, method="maximum")

    assert clipped.dtype == maximum.dtype
    np.testing.assert_array_equal(clipped, maximum)


def test_relu_unknown_method_raises():
    with pytest.raises(ValueError, match=r"method must be 'maximum' or 'clip', got 'abs'"):
        relu([1.0], method="abs")  # type: ignore[arg-type]


@given(float_arrays)
def test_relu_odd_part_is_identity(x):
    # For every x one of relu(x), relu(-x) is 0 and the other is |x|, so the
    # difference is x with no rounding.
    np.testing.assert_array_equal(relu(x) - relu(-x), x)


def test_relu_derivative_values_and_kink():
    # The derivative is 0 left of 0 and 1 right of it. At the kink the package
    # uses the subgradient 0.
    np.testing.assert_array_equal(relu_derivative([-1.0, 0.0, 2.0]), [0.0, 0.0, 1.0])


# --- Leaky ReLU ---


def test_leaky_relu_values_match_piecewise_definition():
    values = [-2.0, -1.0, 0.0, 3.0]
    expected = [v if v >= 0 else 0.2 * v for v in values]

    # Both sides do the same single multiplication 0.2 * v, so they agree exactly.
    np.testing.assert_array_equal(leaky_relu(np.array(values)), expected)


def test_leaky_relu_slope_zero_equals_relu():
    x = np.array([-3.0, -0.0, 0.5, 7.0])

    np.testing.assert_array_equal(leaky_relu(x, slope=0.0), relu(x))


def test_leaky_relu_slope_one_is_identity():
    x = np.array([-3.0, 0.0, 0.5, 7.0])

    np.testing.assert_array_equal(leaky_relu(x, slope=1.0), x)


@given(float_arrays, st.floats(min_value=0.0, max_value=1.0))
def test_leaky_relu_between_scaled_and_identity(x, slope):
    result = leaky_relu(x, slope=slope)
    scaled = slope * x

    assert np.all(result >= np.minimum(scaled, x))
    assert np.all(result <= np.maximum(scaled, x))


@given(float_arrays, st.floats(min_value=0.0, max_value=1.0))
def test_leaky_relu_matches_piecewise_property(x, slope):
    expected = np.where(x >= 0, x, slope * x)

    np.testing.assert_array_equal(leaky_relu(x, slope=slope), expected)


def test_leaky_relu_derivative_values_and_kink():
    # Slope left of 0 and at the kink, 1 right of it.
    result = leaky_relu_derivative([-3.0, 0.0, 2.0], slope=0.25)

    np.testing.assert_array_equal(result, [0.25, 0.25, 1.0])


@pytest.mark.parametrize("func", [leaky_relu, leaky_relu_derivative], ids=_function_id)
@pytest.mark.parametrize("slope", [-0.1, 1.5, math.nan, math.inf])
def test_leaky_relu_slope_out_of_range(func, slope):
    with pytest.raises(ValueError, match=r"^slope must be between 0 and 1") as excinfo:
        func([1.0], slope=slope)

    assert repr(slope) in str(excinfo.value)


@pytest.mark.parametrize("func", [leaky_relu, leaky_relu_derivative], ids=_function_id)
@pytest.mark.parametrize("slope", ["0.2", True, None, [0.2]])
def test_leaky_relu_slope_not_a_number(func, slope):
    with pytest.raises(TypeError, match=r"^slope must be a real number") as excinfo:
        func([1.0], slope=slope)

    assert repr(slope) in str(excinfo.value)


# --- Sigmoid ---


def test_sigmoid_closed_form_values():
    # sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4 and sigmoid(-ln 3) = 1 / (1 + 3) = 1/4.
    # math.log(3) carries a relative error of eps/2, and sigmoid adds about
    # 3 ulp (exp, one addition, one division), so 4 ulp is enough.
    result = sigmoid([0.0, math.log(3), -math.log(3)])

    np.testing.assert_allclose(result, [0.5, 0.75, 0.25], rtol=4 * EPS64, atol=0)


def test_sigmoid_matches_scipy_expit():
    x = np.linspace(-700.0, 700.0, 20001)

    # Each side rounds exp, one addition and one division: at most about
    # 2.5 ulp apart in the worst case, so 4 ulp.
    np.testing.assert_allclose(sigmoid(x), expit(x), rtol=4 * EPS64, atol=0)


def test_sigmoid_float32_matches_float64_reference():
    x = np.linspace(-80.0, 80.0, 2001, dtype=np.float32)

    result = sigmoid(x)

    assert result.dtype == np.float32
    # The float32 result rounds exp, one addition and one division, about
    # 2.5 float32 ulp in all. The float64 reference is exact at this scale.
    np.testing.assert_allclose(result, expit(x.astype(np.float64)), rtol=4 * EPS32, atol=0)


def test_sigmoid_far_left_tail_keeps_relative_accuracy():
    # For x = -700, sigmoid(x) = e^x / (1 + e^x) and 1 + e^x rounds to 1, so the
    # correctly rounded result is exp(-700). A form that computes 1 - something
    # would lose every digit here.
    result = float(sigmoid(-700.0))

    assert result == pytest.approx(math.exp(-700.0), rel=4 * EPS64, abs=0)


@given(float_arrays)
def test_sigmoid_in_unit_interval(x):
    result = sigmoid(x)

    assert np.all(result >= 0.0)
    assert np.all(result <= 1.0)


@given(float_arrays)
def test_sigmoid_symmetry_about_half(x):
    # Both sides are in [0, 1] with an absolute error of about 2 ulp of 1 = eps,
    # and the subtraction 1 - s adds at most eps/2. 4 eps covers the sum.
    np.testing.assert_allclose(sigmoid(-x), 1.0 - sigmoid(x), rtol=0, atol=4 * EPS64)


@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(max_dims=2, max_side=5),
        elements=st.floats(min_value=-30.0, max_value=30.0),
    )
)
def test_sigmoid_derivative_matches_central_difference(x):
    h = 1e-5
    upper = x + h
    lower = x - h
    # Dividing by the step actually taken, upper - lower, removes the error of
    # rounding x + h and x - h.
    quotient = (sigmoid(upper) - sigmoid(lower)) / (upper - lower)

    # Truncation: h^2 / 6 * max|sigmoid'''| = 1e-10 / 6 * 1/8 ~ 2e-12.
    # Rounding: two values <= 1 with about 1 eps of error each, over 2h = 2e-5,
    # ~ 2.2e-11. 1e-10 is about four times the sum.
    np.testing.assert_allclose(sigmoid_derivative(x), quotient, rtol=0, atol=1e-10)


def test_sigmoid_derivative_closed_form_values():
    # s(1 - s) with s = 1/2 at 0 and s = 3/4 at ln 3: 1/4 and 3/16.
    # math.log(3) and sigmoid bring about 4 ulp, the product about 2 more.
    result = sigmoid_derivative([0.0, math.log(3)])

    np.testing.assert_allclose(result, [0.25, 0.1875], rtol=8 * EPS64, atol=0)


# --- tanh ---


def test_tanh_closed_form_values():
    # tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 3/5, and tanh is odd. math.log(2)
    # has a relative error of eps/2, and np.tanh is accurate to about 1 ulp.
    result = tanh([0.0, math.log(2), -math.log(2)])

    np.testing.assert_allclose(result, [0.0, 0.6, -0.6], rtol=4 * EPS64, atol=0)


def test_tanh_derivative_closed_form_value():
    # 1 - tanh(ln 2)^2 = 1 - 9/25 = 16/25. The square and subtraction add
    # about 2 ulp to the 2 ulp of tanh itself.
    result = tanh_derivative([math.log(2)])

    np.testing.assert_allclose(result, [0.64], rtol=8 * EPS64, atol=0)


@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(max_dims=2, max_side=5),
        # 2x must stay finite, so |x| stays well below 9e307, half the largest float64.
        elements=st.floats(min_value=-1e300, max_value=1e300),
    )
)
def test_tanh_equals_scaled_sigmoid(x):
    expected = 2.0 * sigmoid(2.0 * x) - 1.0

    # sigmoid has an absolute error of about eps, which the factor 2 doubles.
    # The subtraction and np.tanh add about eps more, so 8 eps covers the sum.
    np.testing.assert_allclose(tanh(x), expected, rtol=0, atol=8 * EPS64)


@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(max_dims=2, max_side=5),
        elements=st.floats(min_value=-20.0, max_value=20.0),
    )
)
def test_tanh_derivative_matches_central_difference(x):
    h = 1e-5
    upper = x + h
    lower = x - h
    quotient = (tanh(upper) - tanh(lower)) / (upper - lower)

    # Truncation: h^2 / 6 * max|tanh'''| = 1e-10 / 6 * 2 ~ 3.3e-11.
    # Rounding: two values <= 1 with about eps/2 of error each, over 2e-5,
    # ~ 1.1e-11. 2e-10 is about four times the sum.
    np.testing.assert_allclose(tanh_derivative(x), quotient, rtol=0, atol=2e-10)


# --- dtype and shape rules ---


@pytest.mark.parametrize("func", ALL_FUNCTIONS, ids=_function_id)
def test_activation_float32_stays_float32(func):
    x = np.array([-1.5, 0.0, 2.0], dtype=np.float32)

    assert func(x).dtype == np.float32


@pytest.mark.parametrize("func", FLOAT_OUTPUT_FUNCTIONS, ids=_function_id)
def test_activation_integer_input_gives_float64(func):
    x = np.array([-2, 0, 3], dtype=np.int32)

    assert func(x).dtype == np.float64


@pytest.mark.parametrize("func", ALL_FUNCTIONS, ids=_function_id)
@pytest.mark.parametrize("x", [0.5, np.float32(0.5), np.array(-0.5)], ids=repr)
def test_activation_zero_d_returns_ndarray(func, x):
    result = func(x)

    assert isinstance(result, np.ndarray)
    assert result.ndim == 0


@pytest.mark.parametrize("func", ALL_FUNCTIONS, ids=_function_id)
@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4)])
def test_activation_preserves_shape(func, shape):
    x = np.linspace(-3.0, 3.0, math.prod(shape)).reshape(shape)

    assert func(x).shape == shape


@pytest.mark.parametrize("func", ALL_FUNCTIONS, ids=_function_id)
def test_activation_accepts_python_list(func):
    values = [-1.5, 0.0, 2.0]

    np.testing.assert_array_equal(func(values), func(np.array(values)))


# --- invalid input ---

BAD_INPUTS = [
    pytest.param(np.array([True, False]), "dtype bool", id="bool"),
    pytest.param(np.array([1.0 + 2.0j]), "dtype complex128", id="complex"),
    pytest.param("abc", "'abc'", id="str"),
    pytest.param(np.array([1.0, None], dtype=object), "dtype object", id="object"),
    pytest.param([[1.0, 2.0], [3.0]], "[[1.0, 2.0], [3.0]]", id="ragged"),
]


@pytest.mark.parametrize("func", ALL_FUNCTIONS, ids=_function_id)
@pytest.mark.parametrize(("x", "shown"), BAD_INPUTS)
def test_activation_rejects_non_real_input(func, x, shown):
    with pytest.raises(TypeError, match=r"^x must") as excinfo:
        func(x)

    assert shown in str(excinfo.value)


# --- large and non-finite input ---

# The true values differ from these limits by at most e^-1000 ~ 5e-435 (for
# tanh, 2e^-2000), which is below both half an ulp of 1 and the smallest
# subnormal, so a correctly rounded result equals the limit exactly.
LIMITS = [
    (sigmoid, 1000.0, 1.0),
    (sigmoid, -1000.0, 0.0),
    (sigmoid, 1e308, 1.0),
    (sigmoid, -1e308, 0.0),
    (tanh, 1000.0, 1.0),
    (tanh, -1000.0, -1.0),
    (tanh, 1e308, 1.0),
    (tanh, -1e308, -1.0),
    (sigmoid_derivative, 1000.0, 0.0),
    (sigmoid_derivative, -1000.0, 0.0),
    (sigmoid_derivative, -1e308, 0.0),
    (tanh_derivative, 1000.0, 0.0),
    (tanh_derivative, -1e308, 0.0),
]


@pytest.mark.parametrize(
    ("func", "x", "limit"),
    LIMITS,
    ids=[f"{f.__name__}({x:g})" for f, x, _ in LIMITS],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_activation_large_input_reaches_limit(func, x, limit, dtype):
    if dtype is np.float32:
        # Scale to the float32 range, where +-1e38 plays the part of +-1e308.
        x = math.copysign(min(abs(x), 1e38), x)
    value = np.array([x], dtype=dtype)

    # Underflow to 0 is the intended result in the tails, but overflow,
    # division by zero and invalid operations must not happen at all.
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        result = func(value)

    assert result[0] == limit


@pytest.mark.parametrize("func", ALL_FUNCTIONS, ids=_function_id)
@given(float_arrays)
def test_activation_finite_input_never_warns(func, x):
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        result = func(x)

    assert np.all(np.isfinite(result))


@pytest.mark.parametrize(
    "func",
    [
        relu,
        relu_derivative,
        leaky_relu,
        leaky_relu_derivative,
        sigmoid,
        sigmoid_derivative,
        tanh,
        tanh_derivative,
    ],
    ids=_function_id,
)
def test_activation_nan_propagates(func):
    result = func(np.array([np.nan, 1.0]))

    assert np.isnan(result[0])
    assert result[1] == func(np.array([1.0]))[0]


def test_relu_clip_nan_propagates():
    result = relu(np.array([np.nan, -1.0]), method="clip")

    assert np.isnan(result[0])
    assert result[1] == 0.0


@pytest.mark.parametrize("x", [-300.0, -40.0, -19.5, 19.5, 40.0, 300.0])
def test_sigmoid_derivative_accurate_in_tails(x):
    # Independent form: sigmoid'(x) = 1 / (4 cosh(x/2)^2). The textbook
    # s * (1 - s) returns 0 here because s rounds to 1 or 1 - s cancels.
    expected = 1 / (4 * math.cosh(x / 2) ** 2)

    # A few float64 roundings in each of the two formulas: 1e-14 relative.
    assert sigmoid_derivative(x) == pytest.approx(expected, rel=1e-14)
    assert expected > 0


@pytest.mark.parametrize("x", [-300.0, -40.0, -19.5, 19.5, 40.0, 300.0])
def test_tanh_derivative_accurate_in_tails(x):
    # Independent form: tanh'(x) = 1 / cosh(x)^2, while 1 - tanh(x)^2 is 0 here.
    expected = 1 / math.cosh(x) ** 2

    # A few float64 roundings in each of the two formulas: 1e-14 relative.
    assert tanh_derivative(x) == pytest.approx(expected, rel=1e-14)
    assert expected > 0
