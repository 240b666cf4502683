"""Tests for `dltut.logits`: softmax, log-softmax and the softmax Jacobian."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dltut import log_softmax, softmax, softmax_jacobian

EPS64 = float(np.finfo(np.float64).eps)
EPS32 = float(np.finfo(np.float32).eps)

# Scores are bounded by 1e6 in magnitude, so the rounding of x + c in the
# shift-invariance test stays near ulp(2e6) ~ 5e-10. Scores near the float64
# limit have their own tests below.
SCORE_BOUND = 1e6
scores = st.floats(min_value=-SCORE_BOUND, max_value=SCORE_BOUND)
MAX_ROW_LENGTH = 8
score_batches = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=MAX_ROW_LENGTH),
    elements=scores,
)

# Each probability carries about 3 ulp (exp, the sum's share, the division),
# and a row sum of d <= 8 terms adds up to d - 1 roundings. 4 * 8 ulp covers
# both with a margin.
SUM_TOLERANCE = 4 * MAX_ROW_LENGTH * EPS64

BOTH = [softmax, log_softmax]


def _function_id(func: object) -> str:
    return getattr(func, "__name__", repr(func))


# --- fixed examples ---


def test_softmax_textbook_example_matches_scipy():
    x = [3.0, 1.0, 0.2]

    # Both compute exp(x - max) / sum with the same three terms, so they can
    # differ only by the order of the sum, about 2 ulp.
    np.testing.assert_allclose(softmax(x), scipy.special.softmax(x), rtol=4 * EPS64, atol=0)


def test_softmax_textbook_example_closed_form():
    exponentials = [math.exp(3.0), math.exp(1.0), math.exp(0.2)]
    total = math.fsum(exponentials)
    expected = [e / total for e in exponentials]

    # math.exp and np.exp each round to about 1 ulp, and the sum and the
    # division add 2 more. 8 ulp leaves a margin.
    np.testing.assert_allclose(softmax([3.0, 1.0, 0.2]), expected, rtol=8 * EPS64, atol=0)


def test_softmax_textbook_example_rounded_values():
    # Four-decimal values e^3, e, e^0.2 normalised by hand:
    # 20.0855 / 24.0255 = 0.8360, 2.7183 / 24.0255 = 0.1131, 1.2214 / 24.0255 = 0.0508.
    # The expected values are rounded to 4 decimals, hence 5e-5.
    np.testing.assert_allclose(softmax([3.0, 1.0, 0.2]), [0.8360, 0.1131, 0.0508], atol=5e-5)


def test_softmax_large_scores_no_overflow():
    # softmax is unchanged by subtracting 1000, so softmax([1000, 1001, 1002])
    # = softmax([0, 1, 2]) = [1, e, e^2] / (1 + e + e^2).
    terms = [1.0, math.e, math.e**2]
    total = math.fsum(terms)
    expected = [t / total for t in terms]

    result = softmax([1000.0, 1001.0, 1002.0])

    # math.e**2 and the three divisions round to about 3 ulp on each side, so allow 8.
    np.testing.assert_allclose(result, expected, rtol=8 * EPS64, atol=0)


def test_softmax_large_scores_rounded_values():
    # 1 / 11.1073 = 0.0900, 2.7183 / 11.1073 = 0.2447, 7.3891 / 11.1073 = 0.6652,
    # rounded to 4 decimals, hence 5e-5.
    result = softmax([1000.0, 1001.0, 1002.0])

    np.testing.assert_allclose(result, [0.0900, 0.2447, 0.6652], atol=5e-5)


def test_softmax_equal_scores_uniform():
    # Equal scores give exp(0) = 1 for every term, so each probability is
    # exactly 1 / 4 (a power of two).
    np.testing.assert_array_equal(softmax([7.0, 7.0, 7.0, 7.0]), [0.25, 0.25, 0.25, 0.25])


def test_log_softmax_textbook_example_matches_scipy():
    x = [3.0, 1.0, 0.2]

    # Values are of order 1 to 3, and both sides round a log and a subtraction.
    np.testing.assert_allclose(
        log_softmax(x), scipy.special.log_softmax(x), rtol=4 * EPS64, atol=4 * EPS64
    )


def test_log_softmax_tiny_probability_exact():
    # log_softmax([0, -1000]) = [-log(1 + e^-1000), -1000 - log(1 + e^-1000)].
    # log(1 + e^-1000) ~ 5e-435 is far below half an ulp of 1 and of 1000,
    # so the correctly rounded result is [0, -1000]. The absolute tolerance is
    # 1000 eps, about two ulp of 1000.
    result = log_softmax([0.0, -1000.0])

    np.testing.assert_allclose(result, [0.0, -1000.0], rtol=0, atol=1000 * EPS64)


def test_log_softmax_very_negative_scores_finite():
    x = np.array([0.0, -1e5, -1e300])

    result = log_softmax(x)

    assert np.all(np.isfinite(result))
    # As above, log(1 + e^-1e5 + e^-1e300) rounds to 0, so the result is x
    # itself up to 1 ulp of each value.
    np.testing.assert_allclose(result, x, rtol=EPS64, atol=0)


def test_log_of_softmax_gives_minus_infinity():
    # The reason log_softmax exists: the probability e^-1000 underflows to 0,
    # and its logarithm becomes -inf.
    with np.errstate(divide="ignore"):
        naive = np.log(softmax([0.0, -1000.0]))

    assert naive[1] == -np.inf
    assert np.isfinite(log_softmax([0.0, -1000.0])[1])


# --- batches, axes and dtypes ---


@pytest.fixture
def batch() -> np.ndarray:
    return np.random.default_rng(20190601).normal(scale=3.0, size=(4, 5))


def test_softmax_batch_last_axis(batch):
    expected = scipy.special.softmax(batch, axis=-1)

    # Five terms per row: about 3 ulp per probability plus the order of the sum.
    np.testing.assert_allclose(softmax(batch), expected, rtol=8 * EPS64, atol=0)


def test_softmax_batch_axis_zero(batch):
    expected = scipy.special.softmax(batch, axis=0)

    result = softmax(batch, axis=0)

    np.testing.assert_allclose(result, expected, rtol=8 * EPS64, atol=0)
    np.testing.assert_allclose(result.sum(axis=0), np.ones(5), rtol=0, atol=SUM_TOLERANCE)


def test_softmax_three_d_middle_axis():
    x = np.random.default_rng(7).normal(size=(2, 3, 4))
    expected = scipy.special.softmax(x, axis=1)

    result = softmax(x, axis=1)

    assert result.shape == x.shape
    np.testing.assert_allclose(result, expected, rtol=8 * EPS64, atol=0)


def test_softmax_negative_axis_same_as_positive(batch):
    np.testing.assert_array_equal(softmax(batch, axis=-2), softmax(batch, axis=0))


def test_log_softmax_batch_axis_zero(batch):
    expected = scipy.special.log_softmax(batch, axis=0)

    # Values up to about 20 in magnitude: a few ulp of 20 absolute.
    np.testing.assert_allclose(log_softmax(batch, axis=0), expected, rtol=0, atol=1e-13)


@pytest.mark.parametrize("func", BOTH, ids=_function_id)
def test_softmax_float32_stays_float32(func):
    x = np.array([3.0, 1.0, 0.2], dtype=np.float32)
    reference = {softmax: scipy.special.softmax, log_softmax: scipy.special.log_softmax}[func]

    result = func(x)

    assert result.dtype == np.float32
    # float32 arithmetic with about 4 roundings per value, against a float64
    # reference: 8 float32 ulp, relative, or absolute for values near 0.
    np.testing.assert_allclose(
        result, reference(x.astype(np.float64)), rtol=8 * EPS32, atol=8 * EPS32
    )


@pytest.mark.parametrize("func", BOTH, ids=_function_id)
def test_softmax_integer_scores_give_float64(func):
    result = func(np.array([1, 2, 3], dtype=np.int32))

    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, func(np.array([1.0, 2.0, 3.0])))


@pytest.mark.parametrize("func", BOTH, ids=_function_id)
def test_softmax_accepts_nested_lists(func):
    rows = [[1.0, 2.0], [0.5, -0.5]]

    np.testing.assert_array_equal(func(rows), func(np.array(rows)))


# --- invalid input ---


@pytest.mark.parametrize("func", BOTH, ids=_function_id)
@pytest.mark.parametrize("empty", [[], np.zeros((2, 0))], ids=["shape (0,)", "shape (2, 0)"])
def test_softmax_empty_input_raises(func, empty):
    shape = np.shape(empty)

    with pytest.raises(ValueError, match=r"^x must not be empty") as excinfo:
        func(empty)

    assert str(shape) in str(excinfo.value)


@pytest.mark.parametrize("func", BOTH, ids=_function_id)
def test_softmax_zero_d_input_raises(func):
    with pytest.raises(ValueError, match=r"^x must have at least one dimension"):
        func(3.0)


@pytest.mark.parametrize("func", BOTH, ids=_function_id)
@pytest.mark.parametrize("axis", [1, -2, 5])
def test_softmax_axis_out_of_range(func, axis):
    with pytest.raises(ValueError, match=rf"^axis={axis} is out of range") as excinfo:
        func([1.0, 2.0], axis=axis)

    assert "between -1 and 0" in str(excinfo.value)


@pytest.mark.parametrize("func", BOTH, ids=_function_id)
@pytest.mark.parametrize("axis", [1.0, True, "0", None])
def test_softmax_non_integer_axis(func, axis):
    with pytest.raises(TypeError, match=r"^axis must be an integer") as excinfo:
        func([1.0, 2.0], axis=axis)

    assert repr(axis) in str(excinfo.value)


@pytest.mark.parametrize("func", [*BOTH, softmax_jacobian], ids=_function_id)
@pytest.mark.parametrize(
    ("x", "shown"),
    [
        pytest.param(["a", "b"], "['a', 'b']", id="str"),
        pytest.param([1.0 + 1.0j, 2.0], "dtype complex128", id="complex"),
        pytest.param([True, False], "dtype bool", id="bool"),
        pytest.param([{}, 1.0], "dtype object", id="object"),
    ],
)
def test_softmax_non_numeric_input(func, x, shown):
    with pytest.raises(TypeError, match=r"^x must") as excinfo:
        func(x)

    assert shown in str(excinfo.value)


# --- non-finite and extreme input ---


@pytest.mark.parametrize("func", BOTH, ids=_function_id)
def test_softmax_nan_only_in_its_row(func):
    x = np.array([[np.nan, 1.0, 2.0], [1.0, 2.0, 3.0]])

    result = func(x)

    assert np.all(np.isnan(result[0]))
    # The second row goes through the same operations alone, so it is unchanged.
    np.testing.assert_array_equal(result[1], func(x[1]))


@pytest.mark.parametrize("func", BOTH, ids=_function_id)
def test_softmax_nan_only_in_its_column(func):
    x = np.array([[np.nan, 1.0], [2.0, 3.0]])

    result = func(x, axis=0)

    assert np.all(np.isnan(result[:, 0]))
    np.testing.assert_array_equal(result[:, 1], func(x[:, 1]))


def test_softmax_very_negative_score_underflows_to_zero():
    # e^-1e5 underflows, so the probability is exactly 0 while the others stay
    # exact: softmax([0, 0, -1e5]) = [1/2, 1/2, 0].
    result = softmax([0.0, 0.0, -1e5])

    np.testing.assert_array_equal(result, [0.5, 0.5, 0.0])


def test_softmax_huge_score_range_no_warning():
    # Both scores are finite, and the exact result is [1, e^-2e308], which
    # rounds to [1, 0].
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = softmax([1e308, -1e308])

    np.testing.assert_array_equal(result, [1.0, 0.0])


def test_log_softmax_huge_score_range_no_warning():
    # The exact result is [0, -2e308]. -2e308 is below the most negative
    # float64 (-1.8e308), so it rounds to -inf.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = log_softmax([1e308, -1e308])

    np.testing.assert_array_equal(result, [0.0, -np.inf])


# --- properties ---


@given(score_batches)
def test_softmax_rows_sum_to_one(x):
    row_sums = softmax(x).sum(axis=-1)

    np.testing.assert_allclose(row_sums, np.ones(x.shape[0]), rtol=0, atol=SUM_TOLERANCE)


@given(score_batches)
def test_softmax_columns_sum_to_one(x):
    column_sums = softmax(x, axis=0).sum(axis=0)

    np.testing.assert_allclose(column_sums, np.ones(x.shape[1]), rtol=0, atol=SUM_TOLERANCE)


@given(score_batches)
def test_softmax_values_in_unit_interval(x):
    result = softmax(x)

    assert np.all(result >= 0.0)
    assert np.all(result <= 1.0)


@given(score_batches, st.data())
def test_softmax_invariant_to_row_constant(x, data):
    shifts = data.draw(
        hnp.arrays(np.float64, (x.shape[0], 1), elements=scores),
        label="shifts",
    )

    shifted = softmax(x + shifts)

    # Rounding x + c moves each score by up to ulp(2e6) / 2 ~ 2.3e-10. Since
    # d log s_i = dz_i - sum_j s_j dz_j, each probability moves by a relative
    # error of at most twice that, ~ 4.7e-10, which rtol 1e-9 covers. The tiny
    # atol absorbs subnormal results, which have fewer significant bits.
    np.testing.assert_allclose(shifted, softmax(x), rtol=1e-9, atol=1e-300)


@given(score_batches)
def test_softmax_preserves_order(x):
    result = softmax(x)

    for scores_row, probabilities in zip(x, result, strict=True):
        order = np.argsort(scores_row, kind="stable")
        sorted_probabilities = probabilities[order]
        # Rounding and underflow can merge neighbours but never reverse them.
        assert np.all(np.diff(sorted_probabilities) >= 0.0)


@given(score_batches)
def test_softmax_equal_scores_equal_probabilities(x):
    x = x.copy()
    x[:, -1] = x[:, 0]

    result = softmax(x)

    # Equal scores go through identical operations.
    np.testing.assert_array_equal(result[:, -1], result[:, 0])


@given(score_batches)
def test_softmax_matches_scipy_property(x):
    expected = scipy.special.softmax(x, axis=-1)

    # About 3 ulp per probability plus the order of a sum of up to 8 terms.
    np.testing.assert_allclose(softmax(x), expected, rtol=SUM_TOLERANCE, atol=1e-300)


@given(score_batches)
def test_log_softmax_exp_equals_softmax(x):
    # Where exp does not underflow, |log p| <= 745, so log_softmax carries an
    # absolute error of a few ulp(745) ~ 1.1e-13 each, which exp turns into the
    # same relative error. rtol 1e-12 leaves a margin, and atol covers subnormals.
    np.testing.assert_allclose(np.exp(log_softmax(x)), softmax(x), rtol=1e-12, atol=1e-300)


@given(score_batches)
def test_log_softmax_non_positive(x):
    assert np.all(log_softmax(x) <= 0.0)


@given(score_batches)
def test_log_softmax_matches_scipy_property(x):
    expected = scipy.special.log_softmax(x, axis=-1)

    # Values go down to about -2e6, so compare relatively, with an absolute
    # floor of a few eps for values near 0.
    np.testing.assert_allclose(log_softmax(x), expected, rtol=4 * EPS64, atol=16 * EPS64)


# --- Jacobian ---


def test_softmax_jacobian_two_equal_scores():
    # s = [1/2, 1/2]: diag(s) - s s^T = [[1/4, -1/4], [-1/4, 1/4]], all exact.
    expected = [[0.25, -0.25], [-0.25, 0.25]]

    np.testing.assert_array_equal(softmax_jacobian([0.0, 0.0]), expected)


def test_softmax_jacobian_matches_closed_form():
    x = np.array([3.0, 1.0, 0.2, -1.5])
    s = scipy.special.softmax(x)
    expected = np.diag(s) - np.outer(s, s)

    # Entries are at most 1/4 in magnitude. s is within a few ulp of scipy's,
    # and each entry adds one product and one subtraction.
    np.testing.assert_allclose(softmax_jacobian(x), expected, rtol=0, atol=8 * EPS64)


def test_softmax_jacobian_matches_numerical_jacobian():
    x = np.array([3.0, 1.0, 0.2, -1.5])
    h = 1e-6
    numerical = np.empty((x.size, x.size))
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        numerical[:, j] = (softmax(x + step) - softmax(x - step)) / (2 * h)

    # Truncation: h^2 / 6 times third derivatives of order 1, ~ 1e-13.
    # Rounding: about eps / h ~ 2e-10 per entry. 2e-9 is ten times that.
    np.testing.assert_allclose(softmax_jacobian(x), numerical, rtol=0, atol=2e-9)


@given(hnp.arrays(np.float64, st.integers(1, MAX_ROW_LENGTH), elements=scores))
def test_softmax_jacobian_rows_sum_to_zero(x):
    jacobian = softmax_jacobian(x)

    # Row i sums s_i * (1 - sum_j s_j), so the sum is 0 up to the rounding of
    # d products of size <= 1/4 each and of the sum of s.
    np.testing.assert_allclose(jacobian.sum(axis=1), 0.0, rtol=0, atol=SUM_TOLERANCE)


@given(hnp.arrays(np.float64, st.integers(1, MAX_ROW_LENGTH), elements=scores))
def test_softmax_jacobian_symmetric(x):
    jacobian = softmax_jacobian(x)

    # J[i, j] = -s_i s_j off the diagonal, and the products commute exactly.
    np.testing.assert_array_equal(jacobian, jacobian.T)


@pytest.mark.parametrize(
    "x",
    [5.0, [[1.0, 2.0], [3.0, 4.0]], np.zeros((2, 2, 2))],
    ids=["0-d", "2-d", "3-d"],
)
def test_softmax_jacobian_rejects_non_vector(x):
    shape = np.shape(x)

    with pytest.raises(ValueError, match=r"^x must be a 1-d vector") as excinfo:
        softmax_jacobian(x)

    assert str(shape) in str(excinfo.value)


def test_softmax_jacobian_rejects_empty_vector():
    with pytest.raises(ValueError, match=r"^x must not be empty"):
        softmax_jacobian([])
