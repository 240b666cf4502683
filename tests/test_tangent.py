"""Tests for `dltut.tangent`: the TangentLine value object and tangent_line."""

from __future__ import annotations

import dataclasses
import math
import sys
import warnings

import numpy as np
import pytest

from dltut import TangentLine, tangent_line

EPS64 = sys.float_info.epsilon


def reciprocal(x):
    return 1 / x


# --- TangentLine ---


def test_tangent_line_object_evaluates_line():
    line = TangentLine(point=1.0, value=2.0, slope=3.0)

    # y = 2 + 3 (x - 1) at x = 0, 1, 2: -1, 2, 5. Small integers, so exact.
    np.testing.assert_array_equal(line([0.0, 1.0, 2.0]), [-1.0, 2.0, 5.0])


def test_tangent_line_object_passes_through_point():
    line = TangentLine(point=0.4, value=2.5, slope=-6.25)

    # x - point is exactly 0 at the point, so the value comes back unchanged.
    assert float(line(0.4)) == 2.5


def test_tangent_line_object_keeps_array_shape():
    line = TangentLine(point=0.0, value=1.0, slope=0.5)
    x = np.arange(6.0).reshape(2, 3)

    result = line(x)

    assert result.shape == (2, 3)
    np.testing.assert_array_equal(result, 1.0 + 0.5 * x)


def test_tangent_line_object_is_frozen():
    line = TangentLine(point=0.0, value=1.0, slope=0.5)

    with pytest.raises(dataclasses.FrozenInstanceError):
        line.slope = 2.0  # type: ignore[misc]


def test_tangent_line_object_rejects_non_real_x():
    line = TangentLine(point=0.0, value=1.0, slope=0.5)

    with pytest.raises(TypeError, match=r"^x must"):
        line(["a"])


# --- tangent_line: 1/x at 0.4 ---


def test_tangent_line_reciprocal_value():
    line = tangent_line(reciprocal, 0.4)

    assert line.point == 0.4
    # 1 / 0.4 = 2.5, up to the rounding of 0.4 and of the division: 1 ulp each.
    assert line.value == pytest.approx(2.5, rel=2 * EPS64)


def test_tangent_line_reciprocal_slope_within_bound():
    a, h = 0.4, 1e-3

    line = tangent_line(reciprocal, a, delta=h)

    # Central difference truncation: h^2 / 6 * max|f'''| on [a - h, a + h], and
    # f'''(x) = -6 / x^4 is largest at a - h, so the bound is h^2 / (a - h)^4
    # = 3.95e-5. Rounding (~ 1e-12) is far below it.
    bound = h**2 / (a - h) ** 4
    assert abs(line.slope - (-6.25)) <= bound


def test_tangent_line_reciprocal_slope_closed_form():
    a, h = 0.4, 1e-3

    line = tangent_line(reciprocal, a, delta=h)

    # The central quotient of 1/x is -1 / (a^2 - h^2). Rounding of the two
    # function values (~ 2.5 eps each) over h adds ~ 1e-12, so allow 1e-11.
    assert line.slope == pytest.approx(-1 / (a * a - h * h), rel=0, abs=1e-11)


def test_tangent_line_reciprocal_evaluates_line():
    line = tangent_line(reciprocal, 0.4, slope=-6.25)

    # 2.5 - 6.25 * (0.5 - 0.4) = 1.875. 0.5 - 0.4 is not exact in binary,
    # so allow a few ulp.
    assert float(line(0.5)) == pytest.approx(1.875, rel=4 * EPS64)


def test_tangent_line_touches_function_to_second_order():
    a = 0.4
    line = tangent_line(reciprocal, a, slope=-1 / a**2)

    for t in [1e-2, 1e-3]:
        gap = reciprocal(a + t) - float(line(a + t))
        # 1/(a + t) - (1/a - t/a^2) = t^2 / (a^2 (a + t)), exactly.
        expected_gap = t**2 / (a**2 * (a + t))
        # The gap is a difference of two values near 2.5, so it carries an
        # absolute rounding error of a few ulp of 2.5, ~ 2e-15.
        assert gap == pytest.approx(expected_gap, rel=0, abs=1e-14)


# --- tangent_line: slope and method options ---


def test_tangent_line_explicit_slope_used_as_is():
    calls = []

    def counted_reciprocal(x):
        calls.append(np.copy(x))
        return 1 / x

    line = tangent_line(counted_reciprocal, 0.4, slope=-6.25)

    assert line.slope == -6.25
    # Only func(a) is needed, so no difference quotient is evaluated.
    assert len(calls) == 1


def test_tangent_line_integer_slope_becomes_float():
    line = tangent_line(np.square, 3.0, slope=6)

    assert isinstance(line.slope, float)
    assert line.slope == 6.0


def test_tangent_line_forward_method_closed_form():
    a, h = 0.4, 1e-3

    line = tangent_line(reciprocal, a, delta=h, method="forward")

    # Forward quotient of 1/x: -1 / (a (a + h)) = -6.2344..., with rounding ~ 1e-12.
    assert line.slope == pytest.approx(-1 / (a * (a + h)), rel=0, abs=1e-11)


def test_tangent_line_backward_method_closed_form():
    a, h = 0.4, 1e-3

    line = tangent_line(reciprocal, a, delta=h, method="backward")

    # Backward quotient of 1/x: -1 / (a (a - h)).
    assert line.slope == pytest.approx(-1 / (a * (a - h)), rel=0, abs=1e-11)


def test_tangent_line_unknown_method():
    with pytest.raises(ValueError, match=r"^method must be"):
        tangent_line(reciprocal, 0.4, method="sideways")  # type: ignore[arg-type]


def test_tangent_line_invalid_delta():
    with pytest.raises(ValueError, match=r"^delta must be a positive finite number"):
        tangent_line(reciprocal, 0.4, delta=0.0)


def test_tangent_line_numpy_scalar_point():
    line = tangent_line(np.square, np.float32(1.5), slope=3.0)

    assert isinstance(line.point, float)
    assert line.point == 1.5
    assert line.value == 2.25


def test_tangent_line_integer_point():
    line = tangent_line(np.square, 3)

    assert line.point == 3.0
    assert line.value == 9.0


# --- tangent_line: invalid arguments ---


@pytest.mark.parametrize("a", [math.nan, math.inf, -math.inf])
def test_tangent_line_non_finite_point(a):
    with pytest.raises(ValueError, match=r"^a must be finite") as excinfo:
        tangent_line(reciprocal, a)

    assert repr(a) in str(excinfo.value)


@pytest.mark.parametrize("a", ["0.4", True, None, [0.4], np.array([0.4]), 0.4 + 0j])
def test_tangent_line_point_not_real(a):
    with pytest.raises(TypeError, match=r"^a must be a real number") as excinfo:
        tangent_line(reciprocal, a)

    assert repr(a) in str(excinfo.value)


@pytest.mark.parametrize("func", [2.5, "1/x", None])
def test_tangent_line_non_callable_func(func):
    with pytest.raises(TypeError, match=r"^func must be a callable") as excinfo:
        tangent_line(func, 0.4)

    assert repr(func) in str(excinfo.value)


@pytest.mark.parametrize(
    ("func", "a"),
    [
        (lambda x: x * np.nan, 0.0),
        (lambda x: np.full_like(x, np.inf), 0.0),
        # exp(800) overflows float64, so -exp(800) is -inf.
        (lambda x: -np.exp(x), 800.0),
    ],
    ids=["nan", "inf", "overflow to -inf"],
)
def test_tangent_line_func_value_not_finite(func, a):
    with np.errstate(over="ignore"), pytest.raises(ValueError, match=r"^func\(a\) must be finite"):
        tangent_line(func, a)


@pytest.mark.filterwarnings("ignore:divide by zero encountered:RuntimeWarning")
def test_tangent_line_at_pole_raises():
    # The package calls func on a 0-d NumPy array, so 1 / x at 0 is NumPy's
    # division, which gives inf with a RuntimeWarning instead of raising
    # ZeroDivisionError. The inf is then rejected.
    with pytest.raises(ValueError, match=r"^func\(a\) must be finite") as excinfo:
        tangent_line(reciprocal, 0.0)

    assert "func(0.0) = inf" in str(excinfo.value)


def test_tangent_line_at_pole_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^func\(a\) must be finite"):
            tangent_line(reciprocal, 0.0)


@pytest.mark.parametrize("slope", ["abc", True, [1.0]])
def test_tangent_line_non_numeric_slope(slope):
    with pytest.raises(TypeError, match="slope must be a real number"):
        tangent_line(reciprocal, 0.4, slope=slope)


@pytest.mark.parametrize("slope", [float("nan"), float("inf"), -float("inf")])
def test_tangent_line_non_finite_slope(slope):
    with pytest.raises(ValueError, match=r"slope must be finite, got (nan|inf|-inf)"):
        tangent_line(reciprocal, 0.4, slope=slope)


def test_tangent_line_func_exception_propagates():
    # A func written with Python floats raises its own error at a pole, and the
    # package passes it on unchanged.
    def python_reciprocal(x):
        return 1.0 / float(x)

    with pytest.raises(ZeroDivisionError):
        tangent_line(python_reciprocal, 0.0)
