"""Tests for `dltut.optim`: SGD, momentum, learning-rate schedules and their input checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dltut.optim import (
    SGD,
    ConstantRate,
    ExponentialDecay,
    Optimizer,
    Schedule,
    SGDMomentum,
    StepDecay,
)


class FixedGradients:
    """Stand-in network whose gradients the test sets before each step."""

    loss = None

    def __init__(self, *params):
        self.parameters = [np.array(param, dtype=float) for param in params]
        self.gradients = [np.zeros_like(param) for param in self.parameters]

    def params(self):
        return self.parameters

    def param_grads(self):
        return self.gradients


class Quadratic:
    """Stand-in network for the loss 0.5 * sum(scales * w**2), whose gradient is scales * w."""

    loss = None

    def __init__(self, scales, start):
        self.scales = np.asarray(scales, dtype=float)
        self.weights = np.array(start, dtype=float)

    def params(self):
        return [self.weights]

    def param_grads(self):
        return [self.scales * self.weights]

    def loss_value(self):
        return 0.5 * float(np.sum(self.scales * self.weights**2))


# --- SGD ---


def test_sgd_two_steps_hand_checked():
    network = FixedGradients([1.0, 2.0], [[3.0]])
    network.gradients = [np.array([0.5, -1.0]), np.array([[2.0]])]
    optimizer = SGD(0.1)

    optimizer.step(network)
    assert np.allclose(network.parameters[0], [0.95, 2.1], rtol=0, atol=1e-15)
    assert np.allclose(network.parameters[1], [[2.8]], rtol=0, atol=1e-15)

    network.gradients = [np.array([-1.0, 0.0]), np.array([[-4.0]])]
    optimizer.step(network)
    assert np.allclose(network.parameters[0], [1.05, 2.1], rtol=0, atol=1e-15)
    assert np.allclose(network.parameters[1], [[3.2]], rtol=0, atol=1e-15)


def test_sgd_updates_in_place():
    network = FixedGradients([1.0, 2.0])
    network.gradients = [np.array([1.0, 1.0])]
    before = network.parameters[0]

    SGD(0.5).step(network)

    assert network.params()[0] is before
    assert before.tolist() == [0.5, 1.5]


def test_sgd_reaches_quadratic_minimum():
    network = Quadratic([1.0, 4.0], [3.0, -2.0])
    optimizer = SGD(0.2)

    for _ in range(200):
        optimizer.step(network)

    # Each step multiplies w by (1 - 0.2 * scale): 0.8 and 0.2, so after 200
    # steps the weights are below 0.8**200 * 3, about 1e-19.
    assert np.max(np.abs(network.weights)) < 1e-15


def test_sgd_with_no_parameters_does_nothing():
    network = FixedGradients()

    SGD(0.1).step(network)

    assert network.params() == []


# --- SGDMomentum ---


def test_momentum_two_steps_hand_checked():
    network = FixedGradients([1.0])
    optimizer = SGDMomentum(0.1, momentum=0.9)

    network.gradients = [np.array([2.0])]
    optimizer.step(network)
    # v = -0.1 * 2 = -0.2, w = 1 - 0.2 = 0.8
    assert network.parameters[0][0] == pytest.approx(0.8, abs=1e-15)
    assert optimizer.velocities[0][0] == pytest.approx(-0.2, abs=1e-15)

    network.gradients = [np.array([-1.0])]
    optimizer.step(network)
    # v = 0.9 * -0.2 - 0.1 * -1 = -0.08, w = 0.8 - 0.08 = 0.72
    assert network.parameters[0][0] == pytest.approx(0.72, abs=1e-15)
    assert optimizer.velocities[0][0] == pytest.approx(-0.08, abs=1e-15)


def test_momentum_zero_matches_sgd():
    rng = np.random.default_rng(5)
    start = rng.normal(size=(3, 2))
    gradients = [rng.normal(size=(3, 2)) for _ in range(4)]
    with_momentum = FixedGradients(start)
    plain = FixedGradients(start)
    momentum_optimizer = SGDMomentum(0.05, momentum=0.0)
    sgd = SGD(0.05)

    for gradient in gradients:
        with_momentum.gradients = [gradient]
        plain.gradients = [gradient]
        momentum_optimizer.step(with_momentum)
        sgd.step(plain)

    assert np.array_equal(with_momentum.parameters[0], plain.parameters[0])


def test_momentum_constant_gradient_steps_grow():
    network = FixedGradients([0.0])
    network.gradients = [np.array([1.0])]
    optimizer = SGDMomentum(0.1, momentum=0.5)
    positions = [0.0]

    for _ in range(30):
        optimizer.step(network)
        positions.append(network.parameters[0][0])

    steps = np.diff(positions)
    # The step tends to -lr / (1 - momentum) = -0.2; after 30 steps the gap
    # is 0.2 * 0.5**30, about 2e-10.
    assert steps[0] == pytest.approx(-0.1)
    assert steps[-1] == pytest.approx(-0.2, abs=1e-9)
    assert np.all(np.diff(steps) < 0)


def test_momentum_beats_sgd_on_narrow_valley():
    # A valley 100 times steeper across than along: the learning rate must
    # stay below 2 / 100 for stability, so plain SGD crawls along the
    # shallow direction, while momentum builds up speed there.
    sgd_network = Quadratic([1.0, 100.0], [1.0, 1.0])
    momentum_network = Quadratic([1.0, 100.0], [1.0, 1.0])
    sgd = SGD(0.015)
    momentum = SGDMomentum(0.015, momentum=0.9)

    for _ in range(100):
        sgd.step(sgd_network)
        momentum.step(momentum_network)

    assert momentum_network.loss_value() < 0.01 * sgd_network.loss_value()


def test_momentum_rejects_other_network():
    optimizer = SGDMomentum(0.1)
    optimizer.step(FixedGradients([1.0, 2.0]))

    with pytest.raises(ValueError, match=r"shapes \[\(3,\)\] but this optimizer's velocities"):
        optimizer.step(FixedGradients([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("momentum", [1.0, -0.1, 1.5, math.nan])
def test_momentum_out_of_range(momentum):
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        SGDMomentum(0.1, momentum=momentum)


@pytest.mark.parametrize("momentum", ["0.9", None, True])
def test_momentum_must_be_number(momentum):
    with pytest.raises(TypeError, match=r"momentum must be a number in \[0, 1\)"):
        SGDMomentum(0.1, momentum=momentum)


# --- step checks ---


def test_step_gradient_shape_mismatch():
    network = FixedGradients([1.0, 2.0], [[1.0, 2.0]])
    network.gradients = [np.zeros(2), np.zeros((2, 1))]

    with pytest.raises(
        ValueError, match=r"parameter 1 has shape \(1, 2\) but its gradient has shape \(2, 1\)"
    ):
        SGD(0.1).step(network)


def test_step_mismatch_changes_nothing():
    network = FixedGradients([1.0, 2.0], [[1.0, 2.0]])
    network.gradients = [np.ones(2), np.zeros((2, 1))]

    with pytest.raises(ValueError, match="parameter 1"):
        SGD(0.1).step(network)

    assert network.parameters[0].tolist() == [1.0, 2.0]


def test_step_gradient_count_mismatch():
    network = FixedGradients([1.0], [2.0])
    network.gradients = [np.zeros(1)]

    with pytest.raises(ValueError, match="network has 2 parameters but 1 gradients"):
        SGD(0.1).step(network)


def test_base_optimizer_has_no_update():
    network = FixedGradients([1.0])

    with pytest.raises(NotImplementedError, match="Optimizer must implement _update"):
        Optimizer(0.1).step(network)


# --- learning rate checks ---


@pytest.mark.parametrize("learning_rate", [0, -0.1, math.inf, math.nan])
def test_learning_rate_must_be_positive_finite(learning_rate):
    with pytest.raises(ValueError, match="learning_rate must be a positive finite number, got"):
        SGD(learning_rate)


@pytest.mark.parametrize("learning_rate", ["0.1", None, True, [0.1]])
def test_learning_rate_must_be_number(learning_rate):
    with pytest.raises(TypeError, match="learning_rate must be a positive finite number"):
        SGDMomentum(learning_rate)


def test_learning_rate_integer_accepted():
    assert SGD(1).learning_rate == 1.0


@pytest.mark.parametrize("schedule", [0.1, lambda epoch: 0.1, "constant"])
def test_schedule_must_be_schedule(schedule):
    with pytest.raises(TypeError, match="schedule must be a Schedule"):
        SGD(0.1, schedule=schedule)


# --- start_epoch ---


def test_start_epoch_applies_schedule():
    optimizer = SGDMomentum(0.5, schedule=StepDecay(0.1, factor=0.5, every=1))

    assert optimizer.learning_rate == 0.5
    optimizer.start_epoch(0)
    assert optimizer.learning_rate == 0.1
    optimizer.start_epoch(2)
    assert optimizer.learning_rate == 0.025


def test_start_epoch_without_schedule_keeps_rate():
    optimizer = SGD(0.3)

    optimizer.start_epoch(7)

    assert optimizer.learning_rate == 0.3


def test_start_epoch_rate_used_by_step():
    network = FixedGradients([0.0])
    network.gradients = [np.array([1.0])]
    optimizer = SGD(1.0, schedule=ConstantRate(0.25))

    optimizer.start_epoch(0)
    optimizer.step(network)

    assert network.parameters[0].tolist() == [-0.25]


@pytest.mark.parametrize(("epoch", "error"), [(-1, ValueError), (1.0, TypeError), ("1", TypeError)])
def test_start_epoch_rejects_bad_epoch(epoch, error):
    with pytest.raises(error, match="epoch must be an integer >= 0"):
        SGD(0.1).start_epoch(epoch)


# --- schedules ---


def test_constant_rate():
    schedule = ConstantRate(0.05)

    assert [schedule(epoch) for epoch in (0, 1, 1000)] == [0.05, 0.05, 0.05]


def test_exponential_decay_closed_form():
    schedule = ExponentialDecay(0.1, 0.001, epochs=5)

    # From 0.1 to 0.001 in 4 equal ratios: each epoch divides by sqrt(10).
    expected = [0.1 * 10 ** (-epoch / 2) for epoch in range(5)]
    actual = [schedule(epoch) for epoch in range(5)]
    assert np.allclose(actual, expected, rtol=1e-14, atol=0)
    assert schedule(0) == 0.1
    assert schedule(4) == 0.001


def test_exponential_decay_holds_final_rate():
    schedule = ExponentialDecay(0.1, 0.01, epochs=3)

    assert schedule(3) == 0.01
    assert schedule(50) == 0.01


def test_exponential_decay_can_grow():
    schedule = ExponentialDecay(0.01, 0.04, epochs=3)

    assert schedule(1) == pytest.approx(0.02, rel=1e-14)


@given(
    initial=st.floats(1e-4, 1.0),
    final=st.floats(1e-4, 1.0),
    epochs=st.integers(2, 50),
)
def test_exponential_decay_constant_ratio(initial, final, epochs):
    schedule = ExponentialDecay(initial, final, epochs)
    rates = np.array([schedule(epoch) for epoch in range(epochs)])

    ratios = rates[1:] / rates[:-1]
    # Each rate is computed from the closed form, so successive ratios agree
    # up to a few rounding errors of the power.
    assert np.allclose(ratios, (final / initial) ** (1 / (epochs - 1)), rtol=1e-12, atol=0)
    assert rates[0] == initial
    assert rates[-1] == final


def test_step_decay_closed_form():
    schedule = StepDecay(0.2, factor=0.1, every=3)

    actual = [schedule(epoch) for epoch in range(7)]
    expected = [0.2, 0.2, 0.2, 0.02, 0.02, 0.02, 0.002]
    assert np.allclose(actual, expected, rtol=1e-14, atol=0)


def test_step_decay_factor_one_is_constant():
    schedule = StepDecay(0.2, factor=1.0, every=1)

    assert schedule(10) == 0.2


@pytest.mark.parametrize(
    ("make_schedule", "error", "message"),
    [
        (lambda: ConstantRate(0), ValueError, "rate must be a positive finite number, got 0"),
        (lambda: ConstantRate("0.1"), TypeError, "rate must be a positive finite number"),
        (lambda: ExponentialDecay(0.1, -0.01, 5), ValueError, "final must be a positive"),
        (lambda: ExponentialDecay(math.inf, 0.01, 5), ValueError, "initial must be a positive"),
        (lambda: ExponentialDecay(0.1, 0.01, 1), ValueError, "epochs must be an integer >= 2"),
        (lambda: ExponentialDecay(0.1, 0.01, 2.5), TypeError, "epochs must be an integer >= 2"),
        (lambda: StepDecay(0.1, 1.5, 2), ValueError, r"factor must be in \(0, 1\]"),
        (lambda: StepDecay(0.1, 0.0, 2), ValueError, "factor must be a positive finite"),
        (lambda: StepDecay(0.1, 0.5, 0), ValueError, "every must be an integer >= 1"),
    ],
)
def test_schedule_arguments_checked(make_schedule, error, message):
    with pytest.raises(error, match=message):
        make_schedule()


@pytest.mark.parametrize(
    ("epoch", "error"), [(-1, ValueError), (0.5, TypeError), (True, TypeError)]
)
def test_schedule_rejects_bad_epoch(epoch, error):
    with pytest.raises(error, match="epoch must be an integer >= 0"):
        ConstantRate(0.1)(epoch)


def test_base_schedule_has_no_rate():
    with pytest.raises(NotImplementedError, match="Schedule must implement _rate"):
        Schedule()(0)


def test_schedule_repr():
    assert repr(StepDecay(0.1, 0.5, 2)) == "StepDecay(initial=0.1, factor=0.5, every=2)"
    assert repr(ExponentialDecay(0.1, 0.01, 3)) == (
        "ExponentialDecay(initial=0.1, final=0.01, epochs=3)"
    )
