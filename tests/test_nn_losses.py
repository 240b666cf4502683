"""Tests for `dltut.nn.losses`: gradients against central differences, hand-checked
values, numerical safety of softmax cross-entropy and the target checks."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

from dltut.gradients import numerical_gradient, relative_error
from dltut.nn.losses import MeanSquaredError, SoftmaxCrossEntropy

# Central differences with step 1e-6 on a loss of order 1 match the exact
# gradient to about 1e-9 (rounding error eps / 1e-6 ~ 2e-10). The tolerance
# 1e-6 leaves a margin of 1000, while a missing 1/n or factor 2 is off by
# more than 1e-1.
GRADIENT_TOLERANCE = 1e-6


def loss_gradients(loss, prediction: np.ndarray, target) -> tuple[np.ndarray, np.ndarray]:
    """Return backward() and the central-difference gradient of forward(., target)."""
    loss.forward(prediction, target)
    actual = loss.backward()
    expected = numerical_gradient(lambda p: type(loss)().forward(p, target), prediction)
    return actual, expected


# --- mean squared error ---


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("shape", [(7, 1), (5, 3)])
def test_mse_gradient(seed: int, shape: tuple[int, int]):
    rng = np.random.default_rng(seed)
    prediction, target = rng.normal(size=shape), rng.normal(size=shape)

    actual, expected = loss_gradients(MeanSquaredError(), prediction, target)

    assert actual.shape == shape
    assert relative_error(actual, expected) < GRADIENT_TOLERANCE


def test_mse_hand_values():
    loss = MeanSquaredError()

    value = loss.forward([[1.0, 2.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]])

    # Squared differences 1, 4, 0, 4 over 4 entries.
    assert value == pytest.approx(9.0 / 4.0, rel=1e-15)
    np.testing.assert_allclose(loss.backward(), [[0.5, 1.0], [0.0, -1.0]], rtol=1e-15)


def test_mse_accepts_1d_target_for_one_output():
    loss = MeanSquaredError()

    value = loss.forward([[1.0], [2.0], [3.0]], [1.0, 2.0, 5.0])

    assert value == pytest.approx(4.0 / 3.0, rel=1e-15)
    assert loss.backward().shape == (3, 1)


def test_mse_shape_mismatch_names_both_shapes():
    with pytest.raises(
        ValueError, match=r"prediction has shape \(4, 2\) but target has shape \(4,\)"
    ):
        MeanSquaredError().forward(np.ones((4, 2)), np.ones(4))


def test_mse_overflow_gives_inf_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = MeanSquaredError().forward([[1e200]], [[0.0]])

    assert value == math.inf


def test_loss_rejects_1d_prediction():
    with pytest.raises(ValueError, match=r"prediction must be 2-d.*got shape \(3,\)"):
        MeanSquaredError().forward(np.ones(3), np.ones(3))


@pytest.mark.parametrize("loss_type", [MeanSquaredError, SoftmaxCrossEntropy])
def test_loss_backward_before_forward(loss_type):
    with pytest.raises(RuntimeError, match="backward called before forward"):
        loss_type().backward()


# --- softmax cross-entropy ---


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cross_entropy_gradient_with_labels(seed: int):
    rng = np.random.default_rng(seed)
    logits, labels = rng.normal(size=(6, 4)) * 2.0, rng.integers(0, 4, size=6)

    actual, expected = loss_gradients(SoftmaxCrossEntropy(), logits, labels)

    assert relative_error(actual, expected) < GRADIENT_TOLERANCE


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cross_entropy_gradient_with_one_hot(seed: int):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(6, 4))
    one_hot = np.eye(4)[rng.integers(0, 4, size=6)]

    actual, expected = loss_gradients(SoftmaxCrossEntropy(), logits, one_hot)

    assert relative_error(actual, expected) < GRADIENT_TOLERANCE


def test_cross_entropy_labels_and_one_hot_agree():
    rng = np.random.default_rng(4)
    logits, labels = rng.normal(size=(5, 3)), np.array([0, 2, 1, 1, 0])
    by_labels, by_one_hot = SoftmaxCrossEntropy(), SoftmaxCrossEntropy()

    assert by_labels.forward(logits, labels) == by_one_hot.forward(logits, np.eye(3)[labels])
    np.testing.assert_array_equal(by_labels.backward(), by_one_hot.backward())


def test_cross_entropy_gradient_matches_scipy_softmax():
    rng = np.random.default_rng(5)
    logits, labels = rng.normal(scale=3.0, size=(6, 4)), rng.integers(0, 4, size=6)
    loss = SoftmaxCrossEntropy()
    loss.forward(logits, labels)

    # (softmax(z) - one-hot) / n, with scipy's softmax as the independent
    # implementation. dltut takes exp(log_softmax(z)), whose rounding error
    # is about |log p| * eps <= 20 * 2.2e-16 relative to p <= 1, so 1e-14
    # absolute leaves a margin; a missing 1/n or one-hot is off by > 1e-2.
    expected = (scipy.special.softmax(logits, axis=1) - np.eye(4)[labels]) / 6
    np.testing.assert_allclose(loss.backward(), expected, rtol=0, atol=1e-14)


def test_cross_entropy_backward_follows_the_latest_forward():
    rng = np.random.default_rng(6)
    first, second = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    labels = np.array([0, 3, 2])
    reused, fresh = SoftmaxCrossEntropy(), SoftmaxCrossEntropy()
    reused.forward(first, labels)
    reused.backward()

    reused.forward(second, labels)
    fresh.forward(second, labels)

    np.testing.assert_array_equal(reused.backward(), fresh.backward())


def test_cross_entropy_hand_values():
    loss = SoftmaxCrossEntropy()

    # Logits [0, ln 3]: probabilities [1/4, 3/4]. Labels 1 and 0 give
    # -(ln 3/4 + ln 1/4) / 2.
    value = loss.forward([[0.0, math.log(3.0)], [0.0, math.log(3.0)]], [1, 0])

    assert value == pytest.approx(-(math.log(0.75) + math.log(0.25)) / 2, rel=1e-14)
    expected_grad = np.array([[0.25, 0.75 - 1.0], [0.25 - 1.0, 0.75]]) / 2
    np.testing.assert_allclose(loss.backward(), expected_grad, rtol=1e-14)


def test_cross_entropy_confident_wrong_is_large_finite():
    loss = SoftmaxCrossEntropy()

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = loss.forward([[1000.0, -1000.0]], [1])
        grad = loss.backward()

    # log softmax picks -2000 for the wrong class: the loss is 2000, not inf.
    assert value == pytest.approx(2000.0, rel=1e-12)
    np.testing.assert_allclose(grad, [[1.0, -1.0]])


def test_cross_entropy_confident_right_is_zero():
    value = SoftmaxCrossEntropy().forward([[1000.0, -1000.0]], [0])

    assert value == 0.0


def test_cross_entropy_accepts_float_whole_labels():
    loss = SoftmaxCrossEntropy()

    assert loss.forward(np.zeros((2, 3)), [2.0, 0.0]) == pytest.approx(math.log(3.0))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), classes=st.integers(2, 6))
def test_cross_entropy_properties(seed: int, n: int, classes: int):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, classes)) * 5.0
    labels = rng.integers(0, classes, size=n)
    loss = SoftmaxCrossEntropy()

    value = loss.forward(logits, labels)
    grad = loss.backward()
    shifted = SoftmaxCrossEntropy().forward(logits + rng.normal(size=(n, 1)) * 100, labels)

    assert value >= 0.0
    # Softmax sums to 1 and so does each one-hot row: each gradient row sums to 0.
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)
    # Softmax does not change when a constant is added to a row of logits.
    assert shifted == pytest.approx(value, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("labels", "shown"),
    [([0, 3, 1], "3"), ([-1, 0, 1], "-1"), ([0, 1.5, 2], "1.5"), ([7, 5, 7], "5, 7")],
)
def test_cross_entropy_invalid_labels_named(labels, shown: str):
    with pytest.raises(ValueError, match=rf"labels must be integers in \[0, 3\).* got {shown}$"):
        SoftmaxCrossEntropy().forward(np.zeros((3, 3)), labels)


def test_cross_entropy_label_count_mismatch():
    with pytest.raises(ValueError, match=r"logits have shape \(3, 2\) but target has shape \(4,\)"):
        SoftmaxCrossEntropy().forward(np.zeros((3, 2)), [0, 1, 1, 0])


def test_cross_entropy_invalid_one_hot():
    with pytest.raises(ValueError, match="must be one-hot"):
        SoftmaxCrossEntropy().forward(np.zeros((2, 2)), [[0.5, 0.5], [1.0, 0.0]])


def test_cross_entropy_rejects_boolean_labels():
    with pytest.raises(TypeError, match="target must contain real numbers"):
        SoftmaxCrossEntropy().forward(np.zeros((2, 2)), np.array([True, False]))
