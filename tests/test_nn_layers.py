"""Tests for `dltut.nn.layers` and `dltut.nn.init`: the Dense layer's gradients against
central differences, lazy creation of its weights, the initializers' spread and the
input checks."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from dltut.gradients import numerical_gradient, relative_error
from dltut.nn.init import INITIALIZERS, get_initializer, glorot_normal, he_normal, standard_normal
from dltut.nn.layers import Dense
from dltut.nn.operations import Linear, ReLU, Sigmoid, Tanh

# As in test_nn_operations: central differences with step 1e-6 match an
# exact gradient of order 1 to about 1e-9, so 1e-6 leaves a margin of 1000
# while a wrong formula is off by more than 1e-2.
GRADIENT_TOLERANCE = 1e-6

ACTIVATIONS = {"tanh": Tanh, "sigmoid": Sigmoid, "relu": ReLU, "linear": Linear}


def built_layer(activation: str, dropout: float, seed: int) -> tuple[Dense, np.ndarray]:
    """Return a Dense layer whose weights exist, with a nonzero bias, and an input for it."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(6, 3))
    layer = Dense(4, ACTIVATIONS[activation](), dropout=dropout, seed=seed)
    layer.forward(x)  # creates the weights; not training, so no mask is drawn
    layer.params[1][...] = rng.normal(size=(1, 4))
    return layer, x


def layer_gradients(layer: Dense, x: np.ndarray, upstream: np.ndarray, training: bool):
    """Return the analytic and numerical gradients of sum(output * upstream).

    Every evaluation runs on a deep copy of `layer`, whose dropout generator
    is copied too, so each one draws the same mask.
    """

    def scalar(point, index):
        trial = copy.deepcopy(layer)
        if index is None:
            return np.sum(trial.forward(point, training=training) * upstream)
        trial.params[index][...] = point
        return np.sum(trial.forward(x, training=training) * upstream)

    trial = copy.deepcopy(layer)
    trial.forward(x, training=training)
    analytic = [trial.backward(upstream), *trial.param_grads]
    numerical = [numerical_gradient(lambda p: scalar(p, None), x)]
    for index, param in enumerate(layer.params):
        numerical.append(numerical_gradient(lambda p, i=index: scalar(p, i), param.copy()))
    return analytic, numerical


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_dense_gradients(activation: str, seed: int):
    layer, x = built_layer(activation, 0.0, seed)
    upstream = np.random.default_rng(seed + 100).normal(size=(6, 4))
    # A central difference with step 1e-6 is wrong only for pre-activations
    # within about 1e-5 of ReLU's kink at 0; these seeds have none there.
    pre_activation = x @ layer.params[0] + layer.params[1]
    assert np.min(np.abs(pre_activation)) > 1e-3

    analytic, numerical = layer_gradients(layer, x, upstream, training=False)

    names = ("input", "weights", "bias")
    for name, actual, expected in zip(names, analytic, numerical, strict=True):
        assert actual.shape == expected.shape, name
        assert relative_error(actual, expected) < GRADIENT_TOLERANCE, name


@pytest.mark.parametrize("seed", [0, 1])
def test_dense_with_dropout_gradients(seed: int):
    layer, x = built_layer("tanh", 0.5, seed)
    upstream = np.random.default_rng(seed + 100).normal(size=(6, 4))

    analytic, numerical = layer_gradients(layer, x, upstream, training=True)

    names = ("input", "weights", "bias")
    for name, actual, expected in zip(names, analytic, numerical, strict=True):
        assert relative_error(actual, expected) < GRADIENT_TOLERANCE, name


def test_dense_hand_values():
    layer = Dense(1, Tanh())
    layer.forward(np.zeros((1, 2)))
    layer.params[0][...] = [[1.0], [-1.0]]
    layer.params[1][...] = [[0.5]]

    output = layer.forward([[2.0, 1.0]])
    input_grad = layer.backward([[1.0]])

    # tanh(2 - 1 + 0.5), and backward scales W^T by tanh'(1.5) = 1 - tanh(1.5)^2.
    slope = 1.0 - math.tanh(1.5) ** 2
    np.testing.assert_allclose(output, [[math.tanh(1.5)]], rtol=1e-15)
    np.testing.assert_allclose(input_grad, [[slope, -slope]], rtol=1e-14)
    np.testing.assert_allclose(layer.param_grads[0], [[2.0 * slope], [slope]], rtol=1e-14)
    np.testing.assert_allclose(layer.param_grads[1], [[slope]], rtol=1e-14)


@pytest.mark.parametrize("dropout", [0.0, 0.4])
def test_dense_backward_params_matches_backward(dropout: float):
    layer, x = built_layer("tanh", dropout, seed=3)
    upstream = np.random.default_rng(3).normal(size=(6, 4))
    full, params_only = copy.deepcopy(layer), copy.deepcopy(layer)
    full.forward(x, training=True)
    params_only.forward(x, training=True)

    full.backward(upstream)
    params_only.backward_params(upstream)

    for expected, actual in zip(full.param_grads, params_only.param_grads, strict=True):
        np.testing.assert_array_equal(actual, expected)
    assert params_only.operations[0].input_grad is None


def test_dense_backward_params_checks_like_backward():
    layer = Dense(2)
    with pytest.raises(RuntimeError, match=r"\.backward_params called before forward"):
        layer.backward_params(np.ones((1, 2)))

    layer.forward(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"output_grad has shape \(3, 5\) but .* \(3, 2\)"):
        layer.backward_params(np.ones((3, 5)))


# --- lazy creation and seeding ---


def test_dense_params_created_on_first_forward():
    layer = Dense(5)

    assert layer.params == []
    layer.forward(np.ones((2, 3)))

    assert [p.shape for p in layer.params] == [(3, 5), (1, 5)]
    np.testing.assert_array_equal(layer.params[1], np.zeros((1, 5)))


def test_dense_default_activation_is_linear():
    layer = Dense(2)
    x = np.array([[1.0, -1.0, 2.0]])

    output = layer.forward(x)

    np.testing.assert_allclose(output, x @ layer.params[0])


def test_dense_same_seed_same_weights():
    first, second = Dense(4, seed=3), Dense(4, seed=3)
    first.forward(np.ones((1, 3)))
    second.forward(np.ones((1, 3)))

    np.testing.assert_array_equal(first.params[0], second.params[0])


def test_dense_seed_method_sets_generator():
    first, second = Dense(4, seed=3), Dense(4, seed=3)
    second.seed(np.random.default_rng(99))
    first.forward(np.ones((1, 3)))
    second.forward(np.ones((1, 3)))

    assert not np.array_equal(first.params[0], second.params[0])
    np.testing.assert_array_equal(second.params[0], glorot_normal(3, 4, np.random.default_rng(99)))


def test_dense_params_are_live_arrays():
    layer = Dense(1)
    x = np.ones((1, 2))
    layer.forward(x)

    layer.params[1][...] = 10.0

    np.testing.assert_allclose(layer.forward(x), x @ layer.params[0] + 10.0)


@pytest.mark.parametrize("name", ["glorot", "he", "standard"])
def test_dense_init_by_name(name: str):
    layer = Dense(7, init=name, seed=5)
    layer.forward(np.ones((1, 11)))

    expected = INITIALIZERS[name](11, 7, np.random.default_rng(5))

    np.testing.assert_array_equal(layer.params[0], expected)


def test_dense_dropout_only_in_training():
    layer = Dense(50, dropout=0.5, seed=0)
    x = np.ones((4, 10))

    predicted = layer.forward(x)
    trained = layer.forward(x, training=True)

    assert np.all(predicted != 0.0)
    assert np.any(trained == 0.0)


# --- errors ---


def test_dense_input_width_mismatch_names_both_shapes():
    layer = Dense(64)
    layer.forward(np.ones((32, 10)))

    with pytest.raises(
        ValueError, match=r"input has shape \(32, 12\) but Dense's weights have shape \(10, 64\)"
    ):
        layer.forward(np.ones((32, 12)))


def test_dense_rejects_1d_input():
    with pytest.raises(ValueError, match=r"input must be 2-d.*got shape \(3,\)"):
        Dense(2).forward(np.ones(3))


def test_dense_backward_before_forward():
    with pytest.raises(RuntimeError, match="backward called before forward"):
        Dense(2).backward(np.ones((1, 2)))


def test_dense_backward_shape_mismatch():
    layer = Dense(2)
    layer.forward(np.ones((3, 4)))

    with pytest.raises(ValueError, match=r"output_grad has shape \(3, 5\) but .* \(3, 2\)"):
        layer.backward(np.ones((3, 5)))


def test_dense_param_grads_before_backward():
    layer = Dense(2)
    layer.forward(np.ones((3, 4)))

    with pytest.raises(RuntimeError, match="no parameter gradients yet"):
        _ = layer.param_grads


def test_dense_unknown_init():
    with pytest.raises(ValueError, match=r"init must be one of 'glorot', 'he', 'standard'"):
        Dense(3, init="xavier")


@pytest.mark.parametrize("rate", [1.0, -0.5])
def test_dense_dropout_out_of_range(rate: float):
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        Dense(3, dropout=rate)


@pytest.mark.parametrize("neurons", [0, -1])
def test_dense_neurons_not_positive(neurons: int):
    with pytest.raises(ValueError, match="neurons must be a positive integer"):
        Dense(neurons)


def test_dense_neurons_not_integer():
    with pytest.raises(TypeError, match="neurons must be a positive integer"):
        Dense(2.5)


def test_dense_activation_not_operation():
    with pytest.raises(TypeError, match="activation must be an Operation"):
        Dense(3, np.tanh)


def test_dense_seed_rejects_integer():
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        Dense(3).seed(0)


# --- initializers ---


@pytest.mark.parametrize(
    ("initializer", "expected_std"),
    [
        (glorot_normal, math.sqrt(2.0 / (400 + 600))),
        (he_normal, math.sqrt(2.0 / 400)),
        (standard_normal, 1.0),
    ],
)
def test_initializer_spread(initializer, expected_std: float):
    weights = initializer(400, 600, np.random.default_rng(0))
    size = weights.size

    assert weights.shape == (400, 600)
    # For n normal samples, the sample standard deviation has standard error
    # sigma / sqrt(2n) and the mean sigma / sqrt(n). A bound of five standard
    # errors fails by chance with probability below 1e-6.
    assert abs(weights.std() - expected_std) < 5 * expected_std / math.sqrt(2 * size)
    assert abs(weights.mean()) < 5 * expected_std / math.sqrt(size)


def test_initializers_reproducible():
    first = he_normal(3, 4, np.random.default_rng(1))
    second = he_normal(3, 4, np.random.default_rng(1))

    np.testing.assert_array_equal(first, second)


def test_get_initializer_unknown_name():
    with pytest.raises(ValueError, match=r"init must be one of .* got 'uniform'"):
        get_initializer("uniform")


@pytest.mark.parametrize(("fan_in", "fan_out"), [(0, 3), (3, -1)])
def test_initializer_fan_not_positive(fan_in: int, fan_out: int):
    with pytest.raises(ValueError, match=r"fan_(in|out) must be a positive integer"):
        glorot_normal(fan_in, fan_out, np.random.default_rng(0))


def test_initializer_rejects_seed_as_rng():
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        he_normal(3, 4, 0)
