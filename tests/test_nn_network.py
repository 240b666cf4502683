"""Tests for `dltut.nn.network`: every parameter gradient of a two-layer network against
central differences, the parameter lists, determinism and the input checks."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from dltut.gradients import numerical_gradient, relative_error
from dltut.nn.layers import Dense
from dltut.nn.losses import MeanSquaredError, SoftmaxCrossEntropy
from dltut.nn.network import NeuralNetwork
from dltut.nn.operations import Sigmoid, Tanh

# Central differences with step 1e-6 on a loss of order 1 match the exact
# gradient to about 1e-9, so 1e-6 leaves a margin of 1000, while an error in
# one layer's backward pass is off by more than 1e-2.
GRADIENT_TOLERANCE = 1e-6


def classifier(seed: int = 0, dropout: float = 0.0) -> NeuralNetwork:
    return NeuralNetwork(
        [Dense(5, Tanh(), dropout=dropout), Dense(3)], SoftmaxCrossEntropy(), seed=seed
    )


def classification_batch(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(8, 4)), rng.integers(0, 3, size=8)


def network_gradients(network: NeuralNetwork, x, y):
    """Return the analytic and central-difference gradients of the batch loss.

    The network must already have its parameters. Each evaluation runs on a
    deep copy, so dropout draws the same masks in each.
    """
    trial = copy.deepcopy(network)
    trial.train_batch(x, y)
    analytic = trial.param_grads()

    def loss_at(point, index):
        changed = copy.deepcopy(network)
        changed.params()[index][...] = point
        return changed.train_batch(x, y)

    numerical = [
        numerical_gradient(lambda p, i=index: loss_at(p, i), param.copy())
        for index, param in enumerate(network.params())
    ]
    return analytic, numerical


def randomize_biases(network: NeuralNetwork, seed: int) -> None:
    """Give the biases nonzero values, so their gradients are tested away from 0."""
    rng = np.random.default_rng(seed)
    for param in network.params():
        if param.shape[0] == 1:
            param[...] = rng.normal(size=param.shape)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_classifier_all_parameter_gradients(seed: int):
    network = classifier(seed)
    x, labels = classification_batch(seed)
    network.forward(x)
    randomize_biases(network, seed)

    analytic, numerical = network_gradients(network, x, labels)

    assert len(analytic) == 4
    for index, (actual, expected) in enumerate(zip(analytic, numerical, strict=True)):
        assert actual.shape == expected.shape, index
        assert relative_error(actual, expected) < GRADIENT_TOLERANCE, index


@pytest.mark.parametrize("seed", [0, 1])
def test_classifier_with_dropout_gradients(seed: int):
    network = classifier(seed, dropout=0.3)
    x, labels = classification_batch(seed)
    network.forward(x)

    analytic, numerical = network_gradients(network, x, labels)

    for index, (actual, expected) in enumerate(zip(analytic, numerical, strict=True)):
        assert relative_error(actual, expected) < GRADIENT_TOLERANCE, index


@pytest.mark.parametrize("seed", [0, 1])
def test_regressor_all_parameter_gradients(seed: int):
    network = NeuralNetwork(
        [Dense(6, Sigmoid()), Dense(4, Tanh(), init="he"), Dense(1)],
        MeanSquaredError(),
        seed=seed,
    )
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(9, 3)), rng.normal(size=9)
    network.forward(x)
    randomize_biases(network, seed)

    analytic, numerical = network_gradients(network, x, y)

    assert len(analytic) == 6
    for index, (actual, expected) in enumerate(zip(analytic, numerical, strict=True)):
        assert relative_error(actual, expected) < GRADIENT_TOLERANCE, index


def test_backward_returns_input_gradient():
    network = classifier()
    x, labels = classification_batch(0)
    network.loss.forward(network.forward(x), labels)

    input_grad = network.backward(network.loss.backward())

    def loss_of_input(point):
        return copy.deepcopy(network).loss_value(point, labels)

    assert relative_error(input_grad, numerical_gradient(loss_of_input, x)) < GRADIENT_TOLERANCE


# --- parameters and training ---


def test_params_order_and_shapes():
    network = classifier()
    network.forward(np.ones((2, 4)))

    assert [p.shape for p in network.params()] == [(4, 5), (1, 5), (5, 3), (1, 3)]


def test_params_empty_before_first_forward():
    assert classifier().params() == []


def test_train_batch_does_not_change_params():
    network = classifier()
    x, labels = classification_batch(0)
    network.forward(x)
    before = [p.copy() for p in network.params()]

    network.train_batch(x, labels)

    for old, new in zip(before, network.params(), strict=True):
        np.testing.assert_array_equal(old, new)


def test_train_batch_returns_loss_value():
    network = classifier()
    x, labels = classification_batch(1)

    assert network.train_batch(x, labels) == network.loss_value(x, labels)


def test_train_batch_skips_only_the_input_gradient():
    network = classifier(dropout=0.2)
    x, labels = classification_batch(2)
    network.forward(x)
    full = copy.deepcopy(network)

    network.train_batch(x, labels)
    full.loss.forward(full.forward(x, training=True), labels)
    full.backward(full.loss.backward())

    for expected, actual in zip(full.param_grads(), network.param_grads(), strict=True):
        np.testing.assert_array_equal(actual, expected)
    assert network.layers[0].operations[0].input_grad is None
    assert full.layers[0].operations[0].input_grad is not None


def test_gradient_descent_by_hand_lowers_loss():
    # Two well separated blobs; 200 plain gradient steps must fit them.
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(-2.0, 0.5, size=(20, 2)), rng.normal(2.0, 0.5, size=(20, 2))])
    labels = np.repeat([0, 1], 20)
    network = NeuralNetwork([Dense(4, Tanh()), Dense(2)], SoftmaxCrossEntropy())
    initial = network.loss_value(x, labels)

    for _ in range(200):
        network.train_batch(x, labels)
        for param, grad in zip(network.params(), network.param_grads(), strict=True):
            param -= 0.5 * grad

    assert network.loss_value(x, labels) < initial / 10
    assert np.all(np.argmax(network.predict(x), axis=1) == labels)


# --- determinism ---


def test_same_seed_same_initial_weights():
    first, second = classifier(seed=11), classifier(seed=11)
    first.forward(np.ones((1, 4)))
    second.forward(np.ones((1, 4)))

    for a, b in zip(first.params(), second.params(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_different_seed_different_weights():
    first, second = classifier(seed=1), classifier(seed=2)
    first.forward(np.ones((1, 4)))
    second.forward(np.ones((1, 4)))

    assert not np.array_equal(first.params()[0], second.params()[0])


def test_layers_get_independent_generators():
    # Two layers of the same shape must not start from the same weights.
    network = NeuralNetwork([Dense(3), Dense(3)], MeanSquaredError())
    network.forward(np.ones((1, 3)))

    assert not np.array_equal(network.params()[0], network.params()[2])


def test_dropout_masks_reproducible_across_networks():
    first, second = classifier(seed=5, dropout=0.5), classifier(seed=5, dropout=0.5)
    x = np.ones((6, 4))

    for _ in range(3):
        np.testing.assert_array_equal(
            first.forward(x, training=True), second.forward(x, training=True)
        )


def test_predict_has_no_dropout():
    network = classifier(dropout=0.5)
    x = np.ones((6, 4))

    np.testing.assert_array_equal(network.predict(x), network.predict(x))


# --- errors ---


def test_layer_width_mismatch_names_layer_and_shapes():
    second = Dense(3)
    second.forward(np.ones((2, 7)))
    network = NeuralNetwork([Dense(10), second], SoftmaxCrossEntropy())

    with pytest.raises(
        ValueError, match=r"input has shape \(32, 10\) but layer 2's weights have shape \(7, 3\)"
    ):
        network.forward(np.ones((32, 4)))


def test_input_width_change_names_layer_1():
    network = classifier()
    network.forward(np.ones((2, 4)))

    with pytest.raises(
        ValueError, match=r"input has shape \(2, 6\) but layer 1's weights have shape \(4, 5\)"
    ):
        network.predict(np.ones((2, 6)))


def test_backward_before_forward():
    with pytest.raises(RuntimeError, match=r"layer 2\.backward called before forward"):
        classifier().backward(np.ones((2, 3)))


def test_param_grads_before_backward():
    network = classifier()
    network.forward(np.ones((2, 4)))

    with pytest.raises(RuntimeError, match="layer 1 has no parameter gradients yet"):
        network.param_grads()


def test_labels_shape_mismatch():
    with pytest.raises(ValueError, match=r"logits have shape \(3, 3\) but target has shape \(2,\)"):
        classifier().train_batch(np.ones((3, 4)), [0, 1])


@pytest.mark.parametrize("layers", [[], "Dense", None])
def test_rejects_bad_layer_list(layers):
    with pytest.raises(TypeError, match="layers must be a non-empty list"):
        NeuralNetwork(layers, MeanSquaredError())


def test_rejects_non_layer():
    with pytest.raises(TypeError, match=r"layers\[1\] must be a Layer"):
        NeuralNetwork([Dense(2), Tanh()], MeanSquaredError())


def test_rejects_non_loss():
    with pytest.raises(TypeError, match="loss must be a Loss"):
        NeuralNetwork([Dense(2)], "mse")


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (1.5, TypeError)])
def test_rejects_bad_seed(seed, error):
    with pytest.raises(error, match="seed must be a non-negative integer"):
        NeuralNetwork([Dense(2)], MeanSquaredError(), seed=seed)
