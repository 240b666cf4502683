"""Reference tests for `dltut.nn` against HIPS autograd: each operation, both losses and
a two-layer classifier are written again in `autograd.numpy`, and the values and the
gradients from `autograd.grad` must match dltut's forward and backward passes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from dltut.gradients import relative_error
from dltut.nn.layers import Dense
from dltut.nn.losses import MeanSquaredError, SoftmaxCrossEntropy
from dltut.nn.network import NeuralNetwork
from dltut.nn.operations import (
    BiasAdd,
    Dropout,
    Linear,
    ReLU,
    Sigmoid,
    Tanh,
    WeightMultiply,
)

autograd = pytest.importorskip(
    "autograd",
    reason="HIPS autograd is the reference implementation; install the test extra: "
    "pip install '.[test]'",
)
anp = pytest.importorskip("autograd.numpy")

# Both sides compute the same exact formulas in float64, so they differ only
# by rounding: a few units of eps = 2.2e-16 per operation, over a few dozen
# operations. The largest relative difference measured over all cases below
# was 4.1e-16, in the network's w1 gradient (NumPy 2.4.6, autograd 1.9.1,
# x86-64). The tolerance 1e-12 leaves a wide margin for other BLAS
# libraries, while any error in a formula is above 1e-3.
REFERENCE_TOLERANCE = 1e-12

Comparison = tuple[str, np.ndarray, np.ndarray]


def random_arrays(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for shape in shapes]


def elementwise_case(make_op, reference: Callable, seed: int) -> list[Comparison]:
    """Compare an operation without parameters with `reference`, its autograd version."""
    x, upstream = random_arrays(seed, (5, 4), (5, 4))
    op = make_op()
    output = op.forward(x, training=True)
    input_grad = op.backward(upstream)

    def scalar(v):
        return anp.sum(reference(op, v) * upstream)

    return [
        ("output", output, reference(op, x)),
        ("input gradient", input_grad, autograd.grad(scalar)(x)),
    ]


def weight_multiply_case(seed: int) -> list[Comparison]:
    x, weights, upstream = random_arrays(seed, (6, 3), (3, 4), (6, 4))
    op = WeightMultiply(weights)
    output = op.forward(x)
    input_grad = op.backward(upstream)

    def scalar(v, w):
        return anp.sum(anp.dot(v, w) * upstream)

    return [
        ("output", output, x @ weights),
        ("input gradient", input_grad, autograd.grad(scalar, 0)(x, weights)),
        ("weights gradient", op.param_grad, autograd.grad(scalar, 1)(x, weights)),
    ]


def bias_add_case(seed: int) -> list[Comparison]:
    x, bias, upstream = random_arrays(seed, (6, 4), (1, 4), (6, 4))
    op = BiasAdd(bias)
    output = op.forward(x)
    input_grad = op.backward(upstream)

    def scalar(v, b):
        return anp.sum((v + b) * upstream)

    return [
        ("output", output, x + bias),
        ("input gradient", input_grad, autograd.grad(scalar, 0)(x, bias)),
        ("bias gradient", op.param_grad, autograd.grad(scalar, 1)(x, bias)),
    ]


def reference_log_softmax(logits):
    shifted = logits - anp.max(logits, axis=1, keepdims=True)
    return shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))


def reference_cross_entropy(logits, one_hot):
    return -anp.sum(reference_log_softmax(logits) * one_hot) / logits.shape[0]


def mean_squared_error_case(seed: int) -> list[Comparison]:
    prediction, target = random_arrays(seed, (7, 2), (7, 2))
    loss = MeanSquaredError()
    value = loss.forward(prediction, target)

    def reference(p):
        return anp.mean((p - target) ** 2)

    return [
        ("loss", np.array(value), np.array(reference(prediction))),
        ("prediction gradient", loss.backward(), autograd.grad(reference)(prediction)),
    ]


def cross_entropy_case(seed: int) -> list[Comparison]:
    (logits,) = random_arrays(seed, (8, 5))
    logits *= 3.0
    labels = np.random.default_rng(seed + 1).integers(0, 5, size=8)
    one_hot = np.eye(5)[labels]
    loss = SoftmaxCrossEntropy()
    value = loss.forward(logits, labels)

    def reference(z):
        return reference_cross_entropy(z, one_hot)

    return [
        ("loss", np.array(value), np.array(reference(logits))),
        ("logits gradient", loss.backward(), autograd.grad(reference)(logits)),
    ]


def network_case(seed: int) -> list[Comparison]:
    """Dense tanh, then Dense linear, with softmax cross-entropy: all four gradients."""
    rng = np.random.default_rng(seed)
    x, labels = rng.normal(size=(10, 4)), rng.integers(0, 3, size=10)
    network = NeuralNetwork([Dense(6, Tanh()), Dense(3)], SoftmaxCrossEntropy(), seed=seed)
    network.forward(x)
    for param in network.params():
        param[...] = rng.normal(size=param.shape)
    value = network.train_batch(x, labels)
    params = [param.copy() for param in network.params()]
    one_hot = np.eye(3)[labels]

    def reference(weights):
        w1, b1, w2, b2 = weights
        hidden = anp.tanh(anp.dot(x, w1) + b1)
        return reference_cross_entropy(anp.dot(hidden, w2) + b2, one_hot)

    reference_grads = autograd.grad(reference)(params)
    comparisons = [("loss", np.array(value), np.array(reference(params)))]
    names = ("w1 gradient", "b1 gradient", "w2 gradient", "b2 gradient")
    for name, actual, expected in zip(names, network.param_grads(), reference_grads, strict=True):
        comparisons.append((name, actual, expected))
    return comparisons


CASES: dict[str, Callable[[int], list[Comparison]]] = {
    "weight_multiply": weight_multiply_case,
    "bias_add": bias_add_case,
    "sigmoid": lambda seed: elementwise_case(
        Sigmoid, lambda op, v: 1.0 / (1.0 + anp.exp(-v)), seed
    ),
    "tanh": lambda seed: elementwise_case(Tanh, lambda op, v: anp.tanh(v), seed),
    "relu": lambda seed: elementwise_case(ReLU, lambda op, v: anp.maximum(v, 0.0), seed),
    "linear": lambda seed: elementwise_case(Linear, lambda op, v: v, seed),
    # The reference reuses the mask that dltut drew in forward, so the check
    # covers how backward applies it, not the random draw.
    "dropout": lambda seed: elementwise_case(
        lambda: Dropout(0.4, seed=seed), lambda op, v: v * op.mask, seed
    ),
    "mean_squared_error": mean_squared_error_case,
    "softmax_cross_entropy": cross_entropy_case,
    "two_layer_network": network_case,
}

SEEDS = (0, 1, 2)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_autograd(case: str, seed: int):
    for name, actual, expected in CASES[case](seed):
        assert np.shape(actual) == np.shape(expected), name
        assert relative_error(actual, expected) < REFERENCE_TOLERANCE, name


def test_all_reference_differences_below_tolerance():
    differences = {
        (case, seed, name): relative_error(actual, expected)
        for case in CASES
        for seed in SEEDS
        for name, actual, expected in CASES[case](seed)
    }

    # Per seed: 3 comparisons for each of 2 parameter operations, 2 for each
    # of 5 other operations, 2 for each of 2 losses and 5 for the network.
    assert len(differences) == len(SEEDS) * (3 * 2 + 2 * 5 + 2 * 2 + 5)
    for key, difference in differences.items():
        assert difference < REFERENCE_TOLERANCE, key
