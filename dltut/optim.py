r"""Optimizers that update a network's parameters from its gradients, and learning-rate schedules.

An optimizer reads the gradients that the network's backward pass stored
(`network.param_grads()`) and changes the parameters (`network.params()`)
in place. A schedule gives the learning rate of each epoch; the trainer
calls `optimizer.start_epoch(epoch)` before each epoch to apply it.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "SGD",
    "ConstantRate",
    "ExponentialDecay",
    "Optimizer",
    "SGDMomentum",
    "Schedule",
    "StepDecay",
    "Trainable",
]


@runtime_checkable
class Trainable(Protocol):
    """Protocol of the network members that the optimizers and the trainer use.

    `dltut.nn.NeuralNetwork` has these members, and any object with them can
    be trained.

    Examples
    --------
    >>> from dltut.nn import Dense, MeanSquaredError, NeuralNetwork
    >>> from dltut.optim import Trainable
    >>> network = NeuralNetwork([Dense(1)], MeanSquaredError())
    >>> all(hasattr(network, member) for member in ("params", "param_grads", "train_batch"))
    True
    """

    @property
    def loss(self) -> object:
        """The loss object that `train_batch` and `loss_value` use."""

    def params(self) -> list[NDArray[Any]]:
        """Return the parameter arrays, which the optimizer changes in place."""

    def param_grads(self) -> list[NDArray[Any]]:
        """Return the gradients of the last backward pass, in the order of `params()`."""

    def train_batch(self, x: NDArray[Any], y: NDArray[Any]) -> float:
        """Run forward and backward passes on one batch and return its loss."""

    def predict(self, x: NDArray[Any]) -> NDArray[Any]:
        """Return the network's output for `x`, with training behaviour such as dropout off."""

    def loss_value(self, x: NDArray[Any], y: NDArray[Any]) -> float:
        """Return the loss on `x` and `y` without changing any state used by training."""


def _positive_rate(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive finite number, got {value!r}")
    rate = float(value)
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return rate


def _check_integer(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


class Schedule:
    """Base class of learning-rate schedules: calling it with an epoch returns that epoch's rate.

    Subclasses implement `_rate(epoch)`; `__call__` checks the epoch first.
    Epochs count from 0.

    Examples
    --------
    >>> from dltut.optim import StepDecay
    >>> schedule = StepDecay(0.1, factor=0.5, every=2)
    >>> [schedule(epoch) for epoch in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    def __call__(self, epoch: int) -> float:
        """Return the learning rate of `epoch` (0 is the first epoch)."""
        return self._rate(_check_integer(epoch, "epoch", 0))

    def _rate(self, epoch: int) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement _rate(epoch)")


class ConstantRate(Schedule):
    """The same learning rate in every epoch.

    Examples
    --------
    >>> from dltut.optim import ConstantRate
    >>> ConstantRate(0.1)(0), ConstantRate(0.1)(99)
    (0.1, 0.1)
    """

    def __init__(self, rate: float) -> None:
        self.rate = _positive_rate(rate, "rate")

    def _rate(self, epoch: int) -> float:
        return self.rate

    def __repr__(self) -> str:
        return f"ConstantRate(rate={self.rate!r})"


class ExponentialDecay(Schedule):
    r"""A learning rate that changes by the same factor every epoch, from `initial` to `final`.

    Parameters
    ----------
    initial
        Rate of epoch 0.
    final
        Rate of epoch `epochs - 1` and of every later epoch.
    epochs
        Number of epochs of the decay, at least 2.

    Raises
    ------
    TypeError, ValueError
        If a rate is not a positive finite number or `epochs` is not an
        integer of at least 2.

    Notes
    -----
    For epoch $t$ and $T$ = `epochs`, the rate is

    $$\eta_t = \eta_0 \left(\frac{\eta_{\text{final}}}{\eta_0}\right)^{t / (T - 1)}
    \quad \text{for } t \le T - 1,$$

    and $\eta_{\text{final}}$ after that.

    Examples
    --------
    >>> from dltut.optim import ExponentialDecay
    >>> schedule = ExponentialDecay(0.1, 0.001, epochs=3)
    >>> [round(schedule(epoch), 6) for epoch in range(4)]
    [0.1, 0.01, 0.001, 0.001]
    """

    def __init__(self, initial: float, final: float, epochs: int) -> None:
        self.initial = _positive_rate(initial, "initial")
        self.final = _positive_rate(final, "final")
        self.epochs = _check_integer(epochs, "epochs", 2)

    def _rate(self, epoch: int) -> float:
        if epoch >= self.epochs - 1:
            return self.final
        ratio = self.final / self.initial
        return self.initial * float(ratio ** (epoch / (self.epochs - 1)))

    def __repr__(self) -> str:
        return (
            f"ExponentialDecay(initial={self.initial!r}, final={self.final!r}, "
            f"epochs={self.epochs!r})"
        )


class StepDecay(Schedule):
    r"""A learning rate multiplied by `factor` every `every` epochs.

    Parameters
    ----------
    initial
        Rate of the first `every` epochs.
    factor
        Multiplier applied at each step, in (0, 1].
    every
        Number of epochs between steps, a positive integer.

    Raises
    ------
    TypeError, ValueError
        If `initial` is not a positive finite number, `factor` is not in
        (0, 1] or `every` is not a positive integer.

    Notes
    -----
    The rate of epoch $t$ is $\eta_t = \eta_0 \, \gamma^{\lfloor t / k \rfloor}$
    with factor $\gamma$ and $k$ = `every`.

    Examples
    --------
    >>> from dltut.optim import StepDecay
    >>> schedule = StepDecay(0.1, factor=0.5, every=2)
    >>> [schedule(epoch) for epoch in range(5)]
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """

    def __init__(self, initial: float, factor: float, every: int) -> None:
        self.initial = _positive_rate(initial, "initial")
        self.factor = _positive_rate(factor, "factor")
        if self.factor > 1:
            raise ValueError(f"factor must be in (0, 1] so the rate decays, got {factor!r}")
        self.every = _check_integer(every, "every", 1)

    def _rate(self, epoch: int) -> float:
        return self.initial * self.factor ** (epoch // self.every)

    def __repr__(self) -> str:
        return f"StepDecay(initial={self.initial!r}, factor={self.factor!r}, every={self.every!r})"


class Optimizer:
    """Base class of optimizers: `step(network)` updates every parameter in place.

    Parameters
    ----------
    learning_rate
        Positive finite step size. With a `schedule`, it is the rate only
        until the first `start_epoch` call; after that the schedule sets it.
    schedule
        Optional learning-rate schedule, applied by `start_epoch`.

    Raises
    ------
    TypeError, ValueError
        If `learning_rate` is not a positive finite number or `schedule` is
        not a `Schedule`.

    Notes
    -----
    Subclasses implement `_update(index, param, grad)`, which changes
    `param` in place; `index` is the parameter's position in
    `network.params()`, for optimizers that keep state per parameter.

    Examples
    --------
    >>> from dltut.optim import SGD
    >>> optimizer = SGD(0.1)
    >>> optimizer.learning_rate
    0.1
    """

    def __init__(self, learning_rate: float, *, schedule: Schedule | None = None) -> None:
        self.learning_rate = _positive_rate(learning_rate, "learning_rate")
        if schedule is not None and not isinstance(schedule, Schedule):
            raise TypeError(
                f"schedule must be a Schedule such as ConstantRate or ExponentialDecay, "
                f"or None, got {schedule!r}"
            )
        self.schedule = schedule

    def start_epoch(self, epoch: int) -> None:
        """Set `learning_rate` to the schedule's rate for `epoch`; without a schedule, keep it."""
        epoch = _check_integer(epoch, "epoch", 0)
        if self.schedule is not None:
            self.learning_rate = self.schedule(epoch)

    def step(self, network: Trainable) -> None:
        """Update every parameter of `network` in place from the gradients of its last backward.

        Raises
        ------
        ValueError
            If the numbers of parameters and gradients differ or a gradient's
            shape differs from its parameter's.
        """
        params = network.params()
        grads = network.param_grads()
        if len(params) != len(grads):
            raise ValueError(
                f"network has {len(params)} parameters but {len(grads)} gradients; "
                "call backward (or train_batch) before step"
            )
        for index, (param, grad) in enumerate(zip(params, grads, strict=True)):
            if param.shape != grad.shape:
                raise ValueError(
                    f"parameter {index} has shape {param.shape} but its gradient has shape "
                    f"{grad.shape}; they must be equal"
                )
        for index, (param, grad) in enumerate(zip(params, grads, strict=True)):
            self._update(index, param, grad)

    def _update(self, index: int, param: NDArray[Any], grad: NDArray[Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _update")


class SGD(Optimizer):
    r"""Plain stochastic gradient descent: move each parameter against its gradient.

    Notes
    -----
    $$\theta \leftarrow \theta - \eta \, \nabla_\theta L$$

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.optim import SGD
    >>> class Network:
    ...     loss = None
    ...     weights = np.array([1.0, 2.0])
    ...     def params(self): return [self.weights]
    ...     def param_grads(self): return [np.array([10.0, -10.0])]
    >>> network = Network()
    >>> SGD(0.1).step(network)
    >>> network.weights
    array([0., 3.])
    """

    def _update(self, index: int, param: NDArray[Any], grad: NDArray[Any]) -> None:
        param -= self.learning_rate * grad


class SGDMomentum(SGD):
    r"""Stochastic gradient descent with momentum: steps follow a decaying sum of past gradients.

    Parameters
    ----------
    learning_rate
        Positive finite step size.
    momentum
        Fraction of the previous velocity kept at each step, in [0, 1).
        With 0 this is plain SGD.
    schedule
        Optional learning-rate schedule, applied by `start_epoch`.

    Raises
    ------
    TypeError, ValueError
        If `learning_rate` is invalid (see `Optimizer`) or `momentum` is not
        a number in [0, 1).

    Notes
    -----
    Each parameter $\theta$ has a velocity $v$, zero before the first step:

    $$v \leftarrow \mu v - \eta \, \nabla_\theta L, \qquad \theta \leftarrow \theta + v.$$

    Along a direction where the gradient keeps its sign, the steps grow
    towards $\eta / (1 - \mu)$ times the gradient. Where the sign flips,
    successive steps cancel. The velocities belong to one network: stepping a network
    whose parameters have other shapes raises `ValueError`.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.optim import SGDMomentum
    >>> class Network:
    ...     loss = None
    ...     weights = np.array([0.0])
    ...     def params(self): return [self.weights]
    ...     def param_grads(self): return [np.array([1.0])]
    >>> network, optimizer = Network(), SGDMomentum(0.1, momentum=0.5)
    >>> optimizer.step(network)
    >>> optimizer.step(network)
    >>> np.round(network.weights, 6)
    array([-0.25])
    """

    def __init__(
        self, learning_rate: float, *, momentum: float = 0.9, schedule: Schedule | None = None
    ) -> None:
        super().__init__(learning_rate, schedule=schedule)
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
            raise TypeError(f"momentum must be a number in [0, 1), got {momentum!r}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum: float = float(momentum)
        self.velocities: list[NDArray[np.float64]] = []

    def step(self, network: Trainable) -> None:
        """Update every parameter of `network` in place, creating zero velocities on the first call.

        Raises
        ------
        ValueError
            As `Optimizer.step`, and if the parameters' shapes differ from
            those of the network this optimizer stepped before.
        """
        shapes = [param.shape for param in network.params()]
        if not self.velocities:
            self.velocities = [np.zeros(shape) for shape in shapes]
        known_shapes = [velocity.shape for velocity in self.velocities]
        if shapes != known_shapes:
            raise ValueError(
                f"network has parameters of shapes {shapes} but this optimizer's velocities "
                f"have shapes {known_shapes}; use a new optimizer for each network"
            )
        super().step(network)

    def _update(self, index: int, param: NDArray[Any], grad: NDArray[Any]) -> None:
        velocity = self.velocities[index]
        velocity *= self.momentum
        velocity -= self.learning_rate * grad
        param += velocity
