"""Tests for `dltut.data`: seeded splits, standardization and the diabetes data set."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from sklearn.datasets import load_diabetes as sklearn_load_diabetes

from dltut.data import DEFAULT_SEED, Dataset, load_diabetes, standardize, train_test_split


def numbered_examples(n, d=2):
    """Return features whose first column is the example's index, and the index as target."""
    x = np.column_stack([np.arange(n, dtype=float), np.ones((n, d - 1))])
    return x, np.arange(n, dtype=float)


# --- train_test_split ---


@pytest.mark.parametrize(
    ("n", "test_fraction", "test_count"),
    [
        (10, 0.2, 2),
        (442, 0.2, 88),  # 88.4 rounds to 88
        (100, 0.5, 50),
        (2, 0.01, 1),  # at least one test example
        (3, 0.99, 2),  # at least one training example
    ],
)
def test_split_shapes(n, test_fraction, test_count):
    x, y = numbered_examples(n, d=3)

    x_train, y_train, x_test, y_test = train_test_split(x, y, test_fraction=test_fraction)

    assert x_train.shape == (n - test_count, 3)
    assert y_train.shape == (n - test_count,)
    assert x_test.shape == (test_count, 3)
    assert y_test.shape == (test_count,)


def test_split_loses_and_duplicates_nothing():
    x, y = numbered_examples(50)

    _, y_train, _, y_test = train_test_split(x, y, seed=3)

    indices = np.concatenate([y_train, y_test])
    assert sorted(indices.tolist()) == list(range(50))


def test_split_keeps_rows_with_their_targets():
    x, y = numbered_examples(50)

    x_train, y_train, x_test, y_test = train_test_split(x, y, seed=3)

    assert np.array_equal(x_train[:, 0], y_train)
    assert np.array_equal(x_test[:, 0], y_test)


def test_split_shuffles():
    x, y = numbered_examples(50)

    _, y_train, _, _ = train_test_split(x, y)

    # A random permutation of 50 items almost never leaves the first 40 in
    # order, and with the default seed it does not.
    assert not np.array_equal(y_train, np.arange(40.0))


def test_split_same_seed_same_result():
    x, y = numbered_examples(30)

    first = train_test_split(x, y, seed=7)
    second = train_test_split(x, y, seed=7)

    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)


def test_split_default_seed_is_zero():
    x, y = numbered_examples(30)

    default = train_test_split(x, y)
    explicit = train_test_split(x, y, seed=0)

    assert DEFAULT_SEED == 0
    assert np.array_equal(default[1], explicit[1])


def test_split_different_seeds_differ():
    x, y = numbered_examples(30)

    _, first, _, _ = train_test_split(x, y, seed=1)
    _, second, _, _ = train_test_split(x, y, seed=2)

    assert not np.array_equal(first, second)


def test_split_does_not_modify_inputs():
    x, y = numbered_examples(20)
    x_before, y_before = x.copy(), y.copy()

    train_test_split(x, y)

    assert np.array_equal(x, x_before)
    assert np.array_equal(y, y_before)


def test_split_integer_input_becomes_float():
    x_train, y_train, _, _ = train_test_split([[1, 2], [3, 4], [5, 6]], [1, 2, 3])

    assert x_train.dtype == np.float64
    assert y_train.dtype == np.float64


def test_split_features_must_be_2d():
    with pytest.raises(ValueError, match=r"x must be 2-d \(examples, features\), got shape \(5,\)"):
        train_test_split(np.zeros(5), np.zeros(5))


def test_split_targets_must_be_1d():
    with pytest.raises(ValueError, match=r"y must be 1-d .* got shape \(5, 1\)"):
        train_test_split(np.zeros((5, 2)), np.zeros((5, 1)))


def test_split_lengths_must_match():
    with pytest.raises(ValueError, match=r"x of shape \(5, 2\) and y of shape \(4,\)"):
        train_test_split(np.zeros((5, 2)), np.zeros(4))


def test_split_needs_two_examples():
    with pytest.raises(ValueError, match="at least 2 examples are needed to split, got 1"):
        train_test_split(np.zeros((1, 2)), np.zeros(1))


@pytest.mark.parametrize("test_fraction", [0, 1, -0.1, 1.5, float("nan")])
def test_split_fraction_out_of_range(test_fraction):
    x, y = numbered_examples(10)

    with pytest.raises(ValueError, match="test_fraction must be between 0 and 1 \\(exclusive\\)"):
        train_test_split(x, y, test_fraction=test_fraction)


@pytest.mark.parametrize("test_fraction", ["0.2", None, True])
def test_split_fraction_must_be_number(test_fraction):
    x, y = numbered_examples(10)

    with pytest.raises(TypeError, match="test_fraction must be a number between 0 and 1"):
        train_test_split(x, y, test_fraction=test_fraction)


def test_split_rejects_strings():
    with pytest.raises(TypeError, match="x must contain real numbers"):
        train_test_split([["a", "b"], ["c", "d"]], [1.0, 2.0])


# --- standardize ---


def test_standardize_hand_checked():
    # Column means 2 and 20, population standard deviations 1 and 10.
    train, test = standardize([[1.0, 10.0], [3.0, 30.0]], [[2.0, 40.0], [5.0, 0.0]])

    assert train.tolist() == [[-1.0, -1.0], [1.0, 1.0]]
    assert test.tolist() == [[0.0, 2.0], [3.0, -2.0]]


def test_standardize_uses_training_statistics():
    rng = np.random.default_rng(11)
    train = rng.normal(loc=5.0, scale=3.0, size=(100, 4))
    test = rng.normal(loc=5.0, scale=3.0, size=(30, 4))

    scaled_train, scaled_test = standardize(train, test)

    expected_test = (test - train.mean(axis=0)) / train.std(axis=0)
    assert np.allclose(scaled_test, expected_test, rtol=1e-14, atol=1e-14)
    # Rounding in the mean of 100 values of order 1 stays far below 1e-12.
    assert np.max(np.abs(scaled_train.mean(axis=0))) < 1e-12
    assert np.allclose(scaled_train.std(axis=0), 1.0, rtol=0, atol=1e-12)
    # The test set keeps its own mean, which differs from the training mean
    # by sampling noise of order 3 / sqrt(30) / 3 = 0.18 after scaling.
    assert np.all(np.abs(scaled_test.mean(axis=0)) > 1e-3)


def test_standardize_without_others_returns_one_array():
    result = standardize([[1.0], [3.0]])

    assert isinstance(result, tuple)
    assert len(result) == 1
    assert result[0].tolist() == [[-1.0], [1.0]]


def test_standardize_several_others():
    _, first, second = standardize([[0.0], [2.0]], [[1.0]], [[3.0], [5.0]])

    assert first.tolist() == [[0.0]]
    assert second.tolist() == [[2.0], [4.0]]


def test_standardize_does_not_modify_inputs():
    train = np.array([[1.0, 10.0], [3.0, 30.0]])
    test = np.array([[2.0, 40.0]])

    standardize(train, test)

    assert train.tolist() == [[1.0, 10.0], [3.0, 30.0]]
    assert test.tolist() == [[2.0, 40.0]]


def test_standardize_constant_column_raises():
    train = np.array([[1.0, 5.0, 2.0], [2.0, 5.0, 2.0]])

    with pytest.raises(ValueError, match=r"train has constant columns \[1, 2\]"):
        standardize(train)


def test_standardize_train_must_be_2d():
    with pytest.raises(ValueError, match=r"train must be 2-d .* got shape \(3,\)"):
        standardize([1.0, 2.0, 3.0])


def test_standardize_other_columns_must_match():
    with pytest.raises(
        ValueError, match=r"others\[1\] must have shape \(m, 2\) like train, got shape \(1, 3\)"
    ):
        standardize([[1.0, 2.0], [3.0, 5.0]], [[1.0, 2.0]], [[1.0, 2.0, 3.0]])


def test_standardize_other_must_be_2d():
    with pytest.raises(
        ValueError, match=r"others\[0\] must have shape \(m, 2\) .* got shape \(2,\)"
    ):
        standardize([[1.0, 2.0], [3.0, 5.0]], [1.0, 2.0])


def test_standardize_rejects_strings_in_others():
    with pytest.raises(TypeError, match=r"others\[0\] must contain real numbers"):
        standardize([[1.0], [2.0]], [["a"]])


# --- load_diabetes ---


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes()


def test_diabetes_shapes(diabetes):
    assert isinstance(diabetes, Dataset)
    assert diabetes.x_train.shape == (354, 10)
    assert diabetes.y_train.shape == (354,)
    assert diabetes.x_test.shape == (88, 10)
    assert diabetes.y_test.shape == (88,)


def test_diabetes_feature_names(diabetes):
    expected = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")

    assert diabetes.feature_names == expected


def test_diabetes_training_features_standardized(diabetes):
    assert np.max(np.abs(diabetes.x_train.mean(axis=0))) < 1e-12
    assert np.max(np.abs(diabetes.x_train.std(axis=0) - 1.0)) < 1e-12


def test_diabetes_test_features_keep_own_mean(diabetes):
    assert np.max(np.abs(diabetes.x_test.mean(axis=0))) > 1e-3


def test_diabetes_targets_in_documented_range(diabetes):
    targets = np.concatenate([diabetes.y_train, diabetes.y_test])

    assert targets.min() == 25.0
    assert targets.max() == 346.0


def test_diabetes_split_keeps_every_patient(diabetes):
    raw = sklearn_load_diabetes(scaled=False)
    targets = np.concatenate([diabetes.y_train, diabetes.y_test])

    # Targets repeat between patients, so compare them as sorted lists.
    assert np.array_equal(np.sort(targets), np.sort(raw.target))


def test_diabetes_features_are_scaled_raw_features(diabetes):
    raw = sklearn_load_diabetes(scaled=False)
    order = np.random.default_rng(DEFAULT_SEED).permutation(442)
    train_rows = raw.data[order[88:]]

    expected = (train_rows - train_rows.mean(axis=0)) / train_rows.std(axis=0)

    assert np.allclose(diabetes.x_train, expected, rtol=0, atol=1e-12)
    assert np.array_equal(diabetes.y_train, raw.target[order[88:]])


def test_diabetes_is_deterministic(diabetes):
    again = load_diabetes()

    assert np.array_equal(again.x_train, diabetes.x_train)
    assert np.array_equal(again.y_test, diabetes.y_test)


def test_diabetes_seed_changes_split(diabetes):
    other = load_diabetes(seed=1)

    assert not np.array_equal(other.y_test, diabetes.y_test)


def test_diabetes_test_fraction():
    half = load_diabetes(test_fraction=0.5)

    assert half.x_train.shape == (221, 10)
    assert half.x_test.shape == (221, 10)


def test_diabetes_bad_test_fraction():
    with pytest.raises(ValueError, match="test_fraction must be between 0 and 1"):
        load_diabetes(test_fraction=1.0)


def test_diabetes_downloads_nothing(monkeypatch):
    def refuse_connection(*args, **kwargs):
        raise AssertionError("load_diabetes tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse_connection)
    monkeypatch.setattr(socket.socket, "connect", refuse_connection)

    data = load_diabetes()

    assert data.x_train.shape == (354, 10)
