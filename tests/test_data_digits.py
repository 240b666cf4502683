"""Tests for the digits data set, `stratified_split` and `one_hot` in `dltut.data`."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.datasets import load_digits as sklearn_load_digits

from dltut.data import Dataset, load_digits, one_hot, stratified_split

# --- one_hot ---


def test_one_hot_hand_checked():
    encoded = one_hot([1, 0, 3, 1], 4)

    assert encoded.tolist() == [
        [0.0, 1.0, 0.0, 0.0],
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0, 0.0],
    ]
    assert encoded.dtype == np.float64


def test_one_hot_whole_float_labels():
    assert one_hot(np.array([2.0, 0.0]), 3).tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]


def test_one_hot_empty():
    assert one_hot(np.array([], dtype=np.int64), 3).shape == (0, 3)


@given(st.lists(st.integers(0, 9), min_size=1, max_size=30))
def test_one_hot_rows_sum_to_one_at_label(labels):
    encoded = one_hot(labels, 10)

    assert np.array_equal(encoded.sum(axis=1), np.ones(len(labels)))
    assert np.array_equal(np.argmax(encoded, axis=1), labels)


def test_one_hot_label_too_large():
    with pytest.raises(
        ValueError, match=r"labels must be in \[0, 3\) for n_classes=3, got \[3, 7\]"
    ):
        one_hot([0, 3, 7, 3], 3)


def test_one_hot_negative_label():
    with pytest.raises(ValueError, match=r"got negative labels \[-1\]"):
        one_hot([0, -1], 3)


def test_one_hot_fractional_label():
    with pytest.raises(ValueError, match=r"labels must be whole numbers .* got \[1.5\]"):
        one_hot([0.0, 1.5], 3)


def test_one_hot_labels_must_be_1d():
    with pytest.raises(ValueError, match=r"labels must be 1-d .* got shape \(2, 1\)"):
        one_hot([[0], [1]], 3)


@pytest.mark.parametrize("labels", [["a", "b"], [True, False]])
def test_one_hot_labels_must_be_numbers(labels):
    with pytest.raises(TypeError, match="labels must contain integer class labels"):
        one_hot(labels, 3)


@pytest.mark.parametrize(
    ("n_classes", "error"), [(0, ValueError), (2.0, TypeError), (None, TypeError)]
)
def test_one_hot_bad_class_count(n_classes, error):
    with pytest.raises(error, match="n_classes must be a positive integer"):
        one_hot([0], n_classes)


# --- stratified_split ---


def numbered_examples(labels):
    """Return features whose only column is the example's index, with the given labels."""
    labels = np.asarray(labels)
    return np.arange(len(labels), dtype=float).reshape(-1, 1), labels


def test_stratified_split_per_class_counts():
    x, labels = numbered_examples([0] * 50 + [1] * 30 + [2] * 20)

    _, train_labels, _, test_labels = stratified_split(x, labels, test_fraction=0.2)

    assert np.bincount(test_labels).tolist() == [10, 6, 4]
    assert np.bincount(train_labels).tolist() == [40, 24, 16]


def test_stratified_split_keeps_every_example_once():
    x, labels = numbered_examples([0] * 13 + [1] * 7 + [2] * 9)

    x_train, train_labels, x_test, test_labels = stratified_split(x, labels, seed=4)

    indices = np.concatenate([x_train[:, 0], x_test[:, 0]]).astype(int)
    assert sorted(indices.tolist()) == list(range(29))
    assert np.array_equal(train_labels, labels[x_train[:, 0].astype(int)])
    assert np.array_equal(test_labels, labels[x_test[:, 0].astype(int)])


def test_stratified_split_mixes_classes():
    x, labels = numbered_examples([0] * 20 + [1] * 20)

    _, train_labels, _, _ = stratified_split(x, labels)

    # Without the final shuffle the training labels would be 16 zeros, then 16 ones.
    assert not np.array_equal(train_labels, np.sort(train_labels))


def test_stratified_split_at_least_one_per_set():
    x, labels = numbered_examples([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])

    _, train_labels, _, test_labels = stratified_split(x, labels, test_fraction=0.1)

    # Class 0 has 2 examples: round(0.2) = 0 is raised to 1 test example.
    assert np.bincount(test_labels).tolist() == [1, 1]
    assert np.bincount(train_labels).tolist() == [1, 9]


def test_stratified_split_labels_int64():
    x, labels = numbered_examples(np.array([0.0, 1.0, 0.0, 1.0]))

    _, train_labels, _, test_labels = stratified_split(x, labels, test_fraction=0.5)

    assert train_labels.dtype == np.int64
    assert test_labels.dtype == np.int64


def test_stratified_split_deterministic():
    x, labels = numbered_examples([0] * 10 + [1] * 10)

    first = stratified_split(x, labels, seed=3)
    second = stratified_split(x, labels, seed=3)
    other = stratified_split(x, labels, seed=4)

    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_stratified_split_class_with_one_example():
    x, labels = numbered_examples([0, 0, 1, 2, 2])

    with pytest.raises(ValueError, match=r"classes \[1\] have only 1"):
        stratified_split(x, labels)


def test_stratified_split_length_mismatch():
    with pytest.raises(ValueError, match=r"x of shape \(4, 2\) and labels of shape \(3,\)"):
        stratified_split(np.zeros((4, 2)), [0, 1, 0])


def test_stratified_split_x_must_be_2d():
    with pytest.raises(ValueError, match=r"x must be 2-d .* got shape \(4,\)"):
        stratified_split(np.zeros(4), [0, 1, 0, 1])


def test_stratified_split_bad_labels():
    with pytest.raises(ValueError, match=r"labels must be whole numbers .* got \[0.5\]"):
        stratified_split(np.zeros((4, 1)), [0, 0.5, 1, 1])


def test_stratified_split_bad_fraction():
    with pytest.raises(ValueError, match="test_fraction must be between 0 and 1"):
        stratified_split(np.zeros((4, 1)), [0, 0, 1, 1], test_fraction=1.0)


# --- load_digits ---


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_digits_sizes(digits):
    assert isinstance(digits, Dataset)
    assert len(digits.x_train) + len(digits.x_test) == 1797
    assert digits.x_train.shape[1] == 64
    assert digits.x_test.shape[1] == 64
    assert digits.y_train.shape == (len(digits.x_train),)
    assert digits.y_test.shape == (len(digits.x_test),)
    # round(0.2 * count) per class adds up to 359 of the 1,797 images.
    assert len(digits.x_test) == 359


def test_digits_pixels_in_unit_interval(digits):
    pixels = np.concatenate([digits.x_train, digits.x_test])

    assert pixels.dtype == np.float64
    assert pixels.min() == 0.0
    assert pixels.max() == 1.0


def test_digits_labels(digits):
    assert digits.y_train.dtype == np.int64
    assert digits.y_test.dtype == np.int64
    assert np.unique(digits.y_train).tolist() == list(range(10))
    assert np.unique(digits.y_test).tolist() == list(range(10))


def test_digits_stratified(digits):
    total = np.bincount(np.concatenate([digits.y_train, digits.y_test]))
    test = np.bincount(digits.y_test)

    # Each digit's test count is within one image of 20 % of its images.
    assert np.all(np.abs(test - 0.2 * total) <= 1)


def test_digits_are_sklearn_images_scaled(digits):
    raw = sklearn_load_digits()
    # Pair each image with its source by comparing whole rows.
    raw_rows = {row.tobytes(): label for row, label in zip(raw.data / 16, raw.target, strict=True)}

    for image, label in zip(digits.x_test, digits.y_test, strict=True):
        assert raw_rows[image.tobytes()] == label


def test_digits_feature_names(digits):
    assert len(digits.feature_names) == 64
    assert digits.feature_names[0] == "pixel_0_0"
    assert digits.feature_names[9] == "pixel_1_1"
    assert digits.feature_names[-1] == "pixel_7_7"


def test_digits_deterministic(digits):
    again = load_digits()

    assert np.array_equal(again.x_train, digits.x_train)
    assert np.array_equal(again.y_test, digits.y_test)


def test_digits_seed_changes_split(digits):
    other = load_digits(seed=1)

    assert not np.array_equal(other.y_test, digits.y_test)


def test_digits_test_fraction():
    half = load_digits(test_fraction=0.5)

    assert abs(len(half.x_test) - 1797 / 2) <= 5


def test_digits_downloads_nothing(monkeypatch):
    def refuse_connection(*args, **kwargs):
        raise AssertionError("load_digits tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse_connection)
    monkeypatch.setattr(socket.socket, "connect", refuse_connection)

    data = load_digits()

    assert data.x_train.shape[1] == 64
