"""Tests for `dltut.calculus`: difference quotients, step choice and accurate derivatives."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from dltut import complex_step_deriv, deriv, recommended_step, richardson_deriv

EPS64 = sys.float_info.epsilon
EPS32 = float(np.finfo(np.float32).eps)

METHODS = ["central", "forward", "backward"]


def cube(x):
    return x**3


def reciprocal(x):
    return 1 / x


def reciprocal_derivative(x):
    return -1 / x**2


# --- deriv: polynomials with exactly known error ---
#
# With a = 3 and h = 2^-10, every intermediate value, such as
# (3 + 2^-10)^3 = 27 + 27 * 2^-10 + 9 * 2^-20 + 2^-30, has at most 35
# significant bits, and dividing by h or 2h only changes the exponent. Float64
# arithmetic is therefore exact, and the quotients equal their algebraic
# values with no rounding at all.

DYADIC_POINT = 3.0
DYADIC_STEP = 2.0**-10


def test_deriv_square_central_exact():
    # ((a + h)^2 - (a - h)^2) / (2h) = 4ah / (2h) = 2a: no truncation error.
    result = deriv(np.square, DYADIC_POINT, DYADIC_STEP)

    assert float(result) == 2 * DYADIC_POINT


def test_deriv_square_forward_error_is_h():
    # ((a + h)^2 - a^2) / h = 2a + h.
    result = deriv(np.square, DYADIC_POINT, DYADIC_STEP, method="forward")

    assert float(result) == 2 * DYADIC_POINT + DYADIC_STEP


def test_deriv_square_backward_error_is_minus_h():
    # (a^2 - (a - h)^2) / h = 2a - h.
    result = deriv(np.square, DYADIC_POINT, DYADIC_STEP, method="backward")

    assert float(result) == 2 * DYADIC_POINT - DYADIC_STEP


def test_deriv_cube_central_error_is_h_squared():
    # ((a + h)^3 - (a - h)^3) / (2h) = (6a^2 h + 2h^3) / (2h) = 3a^2 + h^2.
    result = deriv(cube, DYADIC_POINT, DYADIC_STEP)

    assert float(result) == 3 * DYADIC_POINT**2 + DYADIC_STEP**2


def test_deriv_cube_forward_error_closed_form():
    # ((a + h)^3 - a^3) / h = 3a^2 + 3ah + h^2.
    a, h = DYADIC_POINT, DYADIC_STEP

    result = deriv(cube, a, h, method="forward")

    assert float(result) == 3 * a**2 + 3 * a * h + h**2


def test_deriv_square_central_non_dyadic_point():
    a, h = 0.7, 1e-3

    result = float(deriv(np.square, a, h))

    # The quotient is exact algebraically (see above). Rounding of a +- h and of
    # the squares adds about eps * |f'| * a / h + eps * f / h ~ 3e-13 here.
    assert result == pytest.approx(2 * a, rel=0, abs=1e-12)


def test_deriv_square_forward_non_dyadic_point():
    a, h = 0.7, 1e-3

    result = float(deriv(np.square, a, h, method="forward"))

    # The truncation error is exactly h, and the rest is rounding, ~ 3e-13 as above.
    assert result == pytest.approx(2 * a + h, rel=0, abs=1e-12)


# --- deriv: 1/x at 0.4 ---
#
# For f(x) = 1/x the quotients have closed forms:
#   central:  (1/(a+h) - 1/(a-h)) / (2h) = -1 / (a^2 - h^2)
#   forward:  (1/(a+h) - 1/a) / h       = -1 / (a (a + h))
#   backward: (1/a - 1/(a-h)) / h       = -1 / (a (a - h))
# so, with f'(a) = -1/a^2, the forward error is h / (a^2 (a + h)) ~ h / a^3
# = 0.015625 for a = 0.4 and h = 0.001, and the central error is
# -h^2 / (a^2 (a^2 - h^2)) ~ -h^2 / a^4 = -3.9e-5.
#
# Rounding: f ~ 2.5 has an error of about eps * 2.5 ~ 5.6e-16, divided by
# h = 1e-3 that is ~ 5.6e-13 per function value, plus a similar amount from
# rounding a +- h. 1e-11 is about five times the total.

QUOTIENT_ROUNDING = 1e-11


@pytest.mark.parametrize(
    ("method", "closed_form"),
    [
        ("central", lambda a, h: -1 / (a * a - h * h)),
        ("forward", lambda a, h: -1 / (a * (a + h))),
        ("backward", lambda a, h: -1 / (a * (a - h))),
    ],
)
def test_deriv_reciprocal_closed_form(method, closed_form):
    a, h = 0.4, 1e-3

    result = float(deriv(reciprocal, a, h, method=method))

    assert result == pytest.approx(closed_form(a, h), rel=0, abs=QUOTIENT_ROUNDING)


def test_deriv_reciprocal_forward_error_size():
    a, h = 0.4, 1e-3
    expected_error = h / (a**2 * (a + h))

    error = float(deriv(reciprocal, a, h, method="forward")) - (-1 / a**2)

    assert error == pytest.approx(expected_error, rel=0, abs=QUOTIENT_ROUNDING)
    # The leading term h / a^3 differs from the exact error by a factor
    # a / (a + h) = 0.9975.
    assert error == pytest.approx(h / a**3, rel=3e-3)


def test_deriv_reciprocal_central_error_size():
    a, h = 0.4, 1e-3
    expected_error = -(h**2) / (a**2 * (a**2 - h**2))

    error = float(deriv(reciprocal, a, h)) - (-1 / a**2)

    assert error == pytest.approx(expected_error, rel=0, abs=QUOTIENT_ROUNDING)


# --- deriv: arrays, broadcasting and dtypes ---


def test_deriv_elementwise_on_array():
    x = np.linspace(-3.0, 3.0, 13)
    h = 1e-3

    result = deriv(np.sin, x, h)

    assert result.shape == x.shape
    # Truncation is at most h^2 / 6 * max|sin'''| = 1.7e-7, rounding ~ eps / h = 2e-13.
    np.testing.assert_allclose(result, np.cos(x), rtol=0, atol=2e-7)


def test_deriv_preserves_two_d_shape():
    x = np.linspace(0.5, 2.0, 6).reshape(2, 3)

    result = deriv(np.log, x, 1e-4)

    assert result.shape == (2, 3)
    # Truncation h^2 / 6 * max|2 / x^3| = 1e-8 / 6 * 16 ~ 2.7e-8 at x = 0.5.
    np.testing.assert_allclose(result, 1 / x, rtol=0, atol=5e-8)


def test_deriv_array_delta_one_step_per_point():
    steps = np.array([2.0**-4, 2.0**-6, 2.0**-8])
    points = np.array([1.0, 2.0, 3.0])

    # Forward difference of x^2 is exactly 2a + h (dyadic values, see above).
    result = deriv(np.square, points, steps, method="forward")

    np.testing.assert_array_equal(result, 2 * points + steps)


def test_deriv_array_delta_broadcasts_against_points():
    points = np.array([[1.0], [2.0], [3.0]])
    steps = np.array([2.0**-2, 2.0**-4, 2.0**-6, 2.0**-8])

    result = deriv(np.square, points, steps, method="forward")

    assert result.shape == (3, 4)
    np.testing.assert_array_equal(result, 2 * points + steps)


def test_deriv_scalar_point_array_delta():
    steps = np.array([2.0**-4, 2.0**-8])

    result = deriv(np.square, DYADIC_POINT, steps, method="backward")

    np.testing.assert_array_equal(result, 2 * DYADIC_POINT - steps)


def test_deriv_zero_d_array_delta():
    result = deriv(np.square, DYADIC_POINT, np.array(DYADIC_STEP), method="forward")

    assert float(result) == 2 * DYADIC_POINT + DYADIC_STEP


def test_deriv_float32_stays_float32():
    x = np.array([0.5, 1.0], dtype=np.float32)

    result = deriv(np.sin, x, 1e-2)

    assert result.dtype == np.float32
    # float32 rounding ~ eps32 / h = 1.2e-5 per value, truncation h^2 / 6 = 1.7e-5.
    np.testing.assert_allclose(result, np.cos(x.astype(np.float64)), rtol=0, atol=1e-4)


def test_deriv_integer_points_give_float64():
    result = deriv(np.square, np.array([1, 2]), 2.0**-4)

    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, [2.0, 4.0])


# --- deriv: order of the error ---


@pytest.mark.parametrize(("method", "order"), [("forward", 1), ("backward", 1), ("central", 2)])
def test_deriv_error_order_fitted_slope(method, order):
    # For exp at 1, steps from 1e-3 to 1e-1 keep truncation (>= 4e-7 for the
    # central difference) far above rounding (~ eps * e / h <= 6e-13).
    steps = np.geomspace(1e-3, 1e-1, 9)
    points = np.full_like(steps, 1.0)
    errors = np.abs(deriv(np.exp, points, steps, method=method) - math.e)

    slope = np.polyfit(np.log(steps), np.log(errors), 1)[0]

    # The next Taylor term changes the error by a relative h / 3 (one-sided)
    # or h^2 / 20 (central), at most 0.033 at h = 0.1, which moves the fitted
    # slope by well under 0.02.
    assert slope == pytest.approx(order, abs=0.02)


@pytest.mark.parametrize(("method", "ratio"), [("forward", 2), ("backward", 2), ("central", 4)])
def test_deriv_halving_step_error_ratio(method, ratio):
    h = 1e-2
    error_h = abs(float(deriv(np.exp, 1.0, h, method=method)) - math.e)
    error_half = abs(float(deriv(np.exp, 1.0, h / 2, method=method)) - math.e)

    # One-sided: error = h/2 f'' + h^2/6 f''' + ..., so the ratio is
    # 2 (1 +- h/3) / (1 +- h/6) = 2 (1 +- 0.0017). Central: 4 (1 + 3h^2/80).
    assert error_h / error_half == pytest.approx(ratio, rel=0.005)


# --- deriv: invalid arguments ---


@pytest.mark.parametrize("func", [3.0, "sin", None])
def test_deriv_non_callable_func(func):
    with pytest.raises(TypeError, match=r"^func must be a callable") as excinfo:
        deriv(func, 1.0)

    assert repr(func) in str(excinfo.value)


@pytest.mark.parametrize("delta", [0, 0.0, -1e-3, math.inf, math.nan, np.float64(-1.0)])
def test_deriv_delta_not_positive_finite(delta):
    with pytest.raises(ValueError, match=r"^delta must be a positive finite number") as excinfo:
        deriv(np.sin, 1.0, delta)

    assert repr(delta) in str(excinfo.value)


@pytest.mark.parametrize(
    ("delta", "shown"),
    [("0.1", "'0.1'"), (True, "True"), (None, "None"), (1e-3j, "0.001j")],
    ids=["str", "bool", "None", "complex"],
)
def test_deriv_delta_wrong_type(delta, shown):
    with pytest.raises(TypeError, match=r"^delta must") as excinfo:
        deriv(np.sin, 1.0, delta)

    assert shown in str(excinfo.value)


@pytest.mark.parametrize(
    "delta",
    [[1e-3, 0.0], [1e-3, -1e-3], [1e-3, math.nan], [1e-3, math.inf]],
    ids=["zero", "negative", "nan", "inf"],
)
def test_deriv_array_delta_invalid_entry(delta):
    with pytest.raises(ValueError, match=r"^delta must .*positive finite numbers") as excinfo:
        deriv(np.sin, np.array([1.0, 2.0]), delta)

    assert repr(delta) in str(excinfo.value)


def test_deriv_array_delta_bool_dtype():
    with pytest.raises(TypeError, match=r"^delta must contain real numbers"):
        deriv(np.sin, np.array([1.0, 2.0]), np.array([True, True]))


def test_deriv_non_real_input():
    with pytest.raises(TypeError, match=r"^input_ must"):
        deriv(np.sin, "1.0")


def test_deriv_unknown_method():
    expected = r"^method must be 'central', 'forward' or 'backward'"

    with pytest.raises(ValueError, match=expected) as excinfo:
        deriv(np.sin, 1.0, method="centre")  # type: ignore[arg-type]

    assert "'centre'" in str(excinfo.value)


def test_deriv_func_wrong_shape():
    points = np.array([1.0, 2.0, 3.0])

    with pytest.raises(ValueError, match=r"^func must act elementwise") as excinfo:
        deriv(np.sum, points)

    assert "shape ()" in str(excinfo.value)


# --- recommended_step ---


def test_recommended_step_forward_is_sqrt_eps():
    # sqrt(2^-52) = 2^-26 is exact.
    result = recommended_step([0.0, 0.5, -1.0], method="forward")

    np.testing.assert_array_equal(result, np.full(3, math.sqrt(EPS64)))


def test_recommended_step_scalar_returns_ndarray():
    result = recommended_step(1.0)

    assert isinstance(result, np.ndarray)
    assert result.shape == ()


def test_recommended_step_backward_equals_forward():
    x = np.array([-3.0, 0.0, 250.0])

    np.testing.assert_array_equal(
        recommended_step(x, method="backward"), recommended_step(x, method="forward")
    )


def test_recommended_step_central_is_cbrt_eps():
    step = float(recommended_step(0.0))

    # Its cube is eps: cbrt is accurate to 1 ulp, tripled by cubing, plus 2
    # roundings in step**3, so 5 ulp.
    assert step**3 == pytest.approx(EPS64, rel=5 * EPS64)
    # Independent form: 2^(-52/3). The rounded exponent adds a relative error of
    # about 36 * ulp(1/3) ~ 3 ulp, so compare to 8 ulp.
    assert step == pytest.approx(2.0 ** (-52 / 3), rel=8 * EPS64)


@pytest.mark.parametrize("method", METHODS)
def test_recommended_step_scales_with_large_input(method):
    base = float(recommended_step(1.0, method=method))

    result = recommended_step([-100.0, 0.25, 1e6], method=method)

    # max(|x|, 1) scaling: x100, x1 (|x| < 1 uses 1), x1e6. One multiplication: 1 ulp.
    np.testing.assert_allclose(result, [100 * base, base, 1e6 * base], rtol=EPS64, atol=0)


def test_recommended_step_float32_uses_float32_eps():
    result = recommended_step(np.array([0.0, 2.0], dtype=np.float32), method="forward")

    assert result.dtype == np.float32
    # sqrt(2^-23) = 2^-11.5, which float32 sqrt rounds to within 1 float32 ulp.
    np.testing.assert_allclose(result, [math.sqrt(EPS32), 2 * math.sqrt(EPS32)], rtol=EPS32, atol=0)


def test_recommended_step_unknown_method():
    with pytest.raises(ValueError, match=r"^method must be .*got 'midpoint'"):
        recommended_step(1.0, method="midpoint")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("func", "derivative", "a"),
    [
        (np.exp, np.exp, 1.0),
        (np.sin, np.cos, 1.0),
        (np.log, reciprocal, 3.0),
        (lambda x: np.exp(x / 100), lambda x: np.exp(x / 100) / 100, 100.0),
    ],
    ids=["exp at 1", "sin at 1", "log at 3", "exp(x/100) at 100"],
)
@pytest.mark.parametrize("method", METHODS)
def test_recommended_step_near_best_error(func, derivative, a, method):
    # A single point's error is partly luck, because rounding errors can
    # cancel. The worst error over 257 nearby points measures the error a
    # step can be relied on to give.
    points = a + np.linspace(0.0, 0.01 * max(abs(a), 1.0), 257)
    exact = derivative(points)
    grid = np.geomspace(1e-12, 1e-1, 111)

    worst_on_grid = [np.max(np.abs(deriv(func, points, h, method=method) - exact)) for h in grid]
    steps = recommended_step(points, method=method)
    worst_at_recommended = np.max(np.abs(deriv(func, points, steps, method=method) - exact))

    # For these functions the estimated error bound eps |f| / h + C h^k at the
    # recommended step is within 1.25 times its minimum over h. Measured errors
    # follow the bound only roughly, so allow a factor of 4 over the best step.
    assert worst_at_recommended <= 4 * min(worst_on_grid)


# --- richardson_deriv and complex_step_deriv ---

EXP_POINTS = np.linspace(-5.0, 5.0, 101)
# The relative error is undefined where the derivative cos(x) is 0, and it grows
# without bound near those points even when the absolute error is tiny, so
# keep the points where |cos x| >= 0.1.
SIN_POINTS = EXP_POINTS[np.abs(np.cos(EXP_POINTS)) >= 0.1]
RECIPROCAL_POINTS = np.concatenate([np.linspace(-5.0, -0.5, 46), np.linspace(0.5, 5.0, 46)])
SMALL_RECIPROCAL_POINTS = np.linspace(0.05, 0.5, 46)

ACCURATE_CASES = [
    pytest.param(np.exp, np.exp, EXP_POINTS, id="exp"),
    pytest.param(np.sin, np.cos, SIN_POINTS, id="sin"),
    pytest.param(reciprocal, reciprocal_derivative, RECIPROCAL_POINTS, id="1/x"),
]

# Both methods reach about 1e-13 relative error on these functions (measured
# with NumPy 2.4 on x86-64). 1e-10 leaves room for other platforms' exp, sin
# and division, and is still over 1000 times tighter than the default central
# difference, whose relative error here is at least h^2 / 6 = 1.7e-7 (for exp).
ACCURATE_RTOL = 1e-10


@pytest.mark.parametrize(("func", "derivative", "points"), ACCURATE_CASES)
def test_richardson_deriv_relative_error(func, derivative, points):
    result = richardson_deriv(func, points)

    np.testing.assert_allclose(result, derivative(points), rtol=ACCURATE_RTOL, atol=0)


def test_richardson_deriv_reciprocal_near_pole():
    # The default step 0.1 would cross the pole at 0, so take h = a / 4.
    points = SMALL_RECIPROCAL_POINTS

    result = richardson_deriv(reciprocal, points, delta=points / 4)

    np.testing.assert_allclose(result, reciprocal_derivative(points), rtol=ACCURATE_RTOL, atol=0)


def test_richardson_deriv_beats_central_difference():
    a = 0.4
    exact = -1 / a**2

    central_error = abs(float(deriv(reciprocal, a)) - exact)
    richardson_error = abs(float(richardson_deriv(reciprocal, a, delta=0.1)) - exact)

    # Central error here is ~ h^2 / a^4 = 3.9e-5 (derived above).
    assert richardson_error < 1e-6 * central_error


@pytest.mark.parametrize("levels", [2, 12])
def test_richardson_deriv_levels_bounds_accepted(levels):
    result = float(richardson_deriv(np.exp, 0.0, levels=levels))

    # Two levels cancel the h^2 term of D(h) = f' + h^2/6 f''' + h^4/120 f^(5),
    # leaving (4 (h/2)^4 - h^4) / 360 f^(5) = -h^4/480 f^(5) ~ -2e-7 for h = 0.1.
    # Twelve levels are limited by rounding at the smallest step, h / 2^11.
    assert result == pytest.approx(1.0, rel=1e-5)


@pytest.mark.parametrize("levels", [0, 1, 13])
def test_richardson_deriv_levels_out_of_range(levels):
    with pytest.raises(ValueError, match=rf"^levels must be between 2 and 12, got {levels}$"):
        richardson_deriv(np.exp, 1.0, levels=levels)


@pytest.mark.parametrize("levels", [2.0, True, "5"])
def test_richardson_deriv_levels_wrong_type(levels):
    with pytest.raises(TypeError, match=r"^levels must be an integer") as excinfo:
        richardson_deriv(np.exp, 1.0, levels=levels)

    assert repr(levels) in str(excinfo.value)


def test_richardson_deriv_numpy_integer_levels():
    result = float(richardson_deriv(np.exp, 0.0, levels=np.int64(5)))

    assert result == pytest.approx(1.0, rel=ACCURATE_RTOL)


def test_richardson_deriv_invalid_delta():
    with pytest.raises(ValueError, match=r"^delta must be a positive finite number"):
        richardson_deriv(np.exp, 1.0, delta=-0.1)


def test_richardson_deriv_non_callable_func():
    with pytest.raises(TypeError, match=r"^func must be a callable"):
        richardson_deriv("exp", 1.0)


@pytest.mark.parametrize(("func", "derivative", "points"), ACCURATE_CASES)
def test_complex_step_deriv_relative_error(func, derivative, points):
    result = complex_step_deriv(func, points)

    np.testing.assert_allclose(result, derivative(points), rtol=ACCURATE_RTOL, atol=0)


def test_complex_step_deriv_reciprocal_near_pole():
    points = SMALL_RECIPROCAL_POINTS

    result = complex_step_deriv(reciprocal, points)

    np.testing.assert_allclose(result, reciprocal_derivative(points), rtol=ACCURATE_RTOL, atol=0)


def test_complex_step_deriv_reciprocal_at_point_four():
    # Im(1 / (a + ih)) / h = -1 / (a^2 + h^2), and h^2 = 1e-40 vanishes next to
    # a^2, so the result is -1 / 0.4^2 = -6.25 to within the rounding of 0.4.
    result = float(complex_step_deriv(reciprocal, 0.4))

    assert result == pytest.approx(-6.25, rel=4 * EPS64)


def test_complex_step_deriv_real_valued_func():
    with pytest.raises(TypeError, match=r"^func returned real values for complex input"):
        complex_step_deriv(np.abs, np.array([1.0, -2.0]))


@pytest.mark.parametrize("delta", [0.0, -1e-20, math.nan])
def test_complex_step_deriv_invalid_delta(delta):
    with pytest.raises(ValueError, match=r"^delta must be a positive finite number"):
        complex_step_deriv(np.sin, 1.0, delta)


def test_complex_step_deriv_non_callable_func():
    with pytest.raises(TypeError, match=r"^func must be a callable"):
        complex_step_deriv(None, 1.0)
