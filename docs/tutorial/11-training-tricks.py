# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Training tricks: initialization, momentum, learning-rate decay and dropout
#
# The [digits page](../10-digits/) trained a classifier with one fixed
# set of choices. Four of those choices have a story behind them:
#
# 1. how the starting weights are drawn (`Dense(..., init=...)`),
# 2. whether the optimizer has momentum (`SGD` or `SGDMomentum`),
# 3. whether the learning rate changes during training (a `Schedule`),
# 4. whether units are randomly switched off in training
#    (`Dense(..., dropout=...)`).
#
# This page changes one choice at a time and keeps everything else fixed:
# the same data, the same split, the same network seed and the same batch
# order. Each experiment ends with a figure of the training curves, and
# the last section collects every final test accuracy in one table.
#
# A warning before the numbers: the digits data set is small and easy.
# Some tricks that matter a lot for large networks on large data sets make
# only a small difference here, and the page points that out where it
# happens.

# %%
import numpy as np
from matplotlib import pyplot as plt
from matplotlib.ticker import MaxNLocator

from dltut.data import DEFAULT_SEED, load_digits
from dltut.nn import (
    Dense,
    Dropout,
    NeuralNetwork,
    ReLU,
    SoftmaxCrossEntropy,
    Tanh,
)
from dltut.optim import (
    SGD,
    ConstantRate,
    ExponentialDecay,
    SGDMomentum,
    StepDecay,
)
from dltut.plotting import COLORS, plot_curves, use_site_style
from dltut.train import Trainer

use_site_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The data and a helper to train one variant
#
# `load_digits` returns 1,438 training and 359 test images of 8 x 8
# pixels, scaled to [0, 1]. The inputs are standardized the same way as on
# the [digits page](../10-digits/): subtract each pixel's training mean and
# divide by its training standard deviation plus 0.1. The 0.1 matters
# because some border pixels are 0 in almost every image, so their
# standard deviation is 0 or tiny, and dividing by it alone would blow up
# the rare nonzero value.
#
# Standardized inputs rather than raw pixels, because the initialization
# argument below assumes inputs centered at 0. Raw pixels are all
# positive, with a mean near 0.3. After scaling, the inputs are centered,
# and their average variance, printed below, is well under 1: the 0.1
# shrinks the many low-variance pixels, and the pixels that never change
# have variance 0.

# %%
data = load_digits()
pixel_mean = data.x_train.mean(axis=0)
pixel_scale = data.x_train.std(axis=0) + 0.1
x_train = (data.x_train - pixel_mean) / pixel_scale
x_test = (data.x_test - pixel_mean) / pixel_scale
y_train, y_test = data.y_train, data.y_test

print("x_train:", x_train.shape, " x_test:", x_test.shape)
average_variance = x_train.var(axis=0).mean()
print(f"average pixel variance after scaling: {average_variance:.2f}")
# The text calls this "well under 1".
assert average_variance < 0.5

# %%
# Self-check: every training column is centered. The mean is computed in
# float64 from 1,438 values of size about 1, so rounding leaves far less
# than 1e-12.
largest_mean = np.abs(x_train.mean(axis=0)).max()
print(f"largest column mean of x_train: {largest_mean:.1e}")
assert largest_mean < 1e-12

# %% [markdown]
# Every experiment calls `train_variant`, which builds a fresh network
# from a list of layers, trains it with `Trainer.fit` and returns the
# `History` (per-epoch losses, accuracies and learning rates). The network
# seed and the batch-order seed are both `DEFAULT_SEED`, so two variants
# differ only in the choice under test. `results` collects the final test
# accuracy of each variant for the table at the end.

# %%
results = {}


def train_variant(name, layers, optimizer, epochs):
    network = NeuralNetwork(
        layers, SoftmaxCrossEntropy(), seed=DEFAULT_SEED
    )
    history = Trainer(network, optimizer).fit(
        x_train, y_train, epochs=epochs, x_test=x_test,
        y_test=y_test, seed=DEFAULT_SEED, verbose=False,
    )
    results[name] = history.test_accuracy[-1]
    # At most 77 characters, the width of the page's output area.
    print(
        f"{name:<22}train loss {history.train_loss[-1]:.4f}"
        f"  train acc {100 * history.train_accuracy[-1]:6.2f}%"
        f"  test acc {100 * history.test_accuracy[-1]:6.2f}%"
    )
    return network, history


def percent(values):
    """Turn accuracies in [0, 1] into percentages."""
    return 100 * np.asarray(values)


def integer_epochs(*axes):
    """Put ticks only at whole epochs."""
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


# %% [markdown]
# ## 1. Weight initialization
#
# ### The variance argument
#
# A dense layer with $d$ inputs (its *fan-in*) and $k$ outputs (its
# *fan-out*) computes each pre-activation as a sum of $d$ products:
#
# $$
# z_j = \sum_{i=1}^{d} x_i \, w_{ij} + b_j .
# $$
#
# Suppose the weights are drawn independently with mean 0 and variance
# $\sigma^2$, the bias starts at 0, and the inputs have mean 0 and
# variance $v$. The products are uncorrelated with mean 0, so their
# variances add up:
#
# $$
# \operatorname{Var}(z_j) = d \, \sigma^2 \, v .
# $$
#
# With $\sigma = 1$ (weights from N(0, 1), the naive choice
# `init="standard"`) the variance grows by a factor $d$ in every layer.
# For 64 inputs, the standard deviation grows 8 times. Tanh is flat beyond
# about $|z| > 3$, so most units saturate: their output is $\pm 1$ and
# their derivative $1 - \tanh^2(z)$ is nearly 0, which stops the gradient.
#
# Keeping $\operatorname{Var}(z) = v$ in the forward pass needs
# $\sigma^2 = 1/d$. The backward pass runs the same sum the other way:
# the gradient of an input, $\partial L / \partial x_i = \sum_{j=1}^{k}
# w_{ij} \, \partial L / \partial z_j$, sums $k$ terms, so keeping the
# variance of gradients needs $\sigma^2 = 1/k$. Glorot and Bengio (2010)
# take a value between the two:
#
# $$
# \sigma^2_{\text{Glorot}} = \frac{2}{d + k} .
# $$
#
# That argument treats the activation as the identity near 0, which fits
# tanh. ReLU sets about half of its inputs to 0, which halves the second
# moment $E[a^2]$ of its output. He et al. (2015) double the variance to
# make up for it:
#
# $$
# \sigma^2_{\text{He}} = \frac{2}{d} .
# $$
#
# The functions are `glorot_normal`, `he_normal` and `standard_normal` in
# [`dltut.nn.init`](../../reference/#dltut.nn.init.glorot_normal).
#
# ### What the first layer sees
#
# Here is the same tanh network (three hidden layers of 64 units) with
# each initialization, before any training. The first layer's
# pre-activations are stored by the activation operation as its input.

# %%
INITS = ("standard", "glorot", "he")


def tanh_network_layers(init):
    hidden = [Dense(64, Tanh(), init=init) for _ in range(3)]
    return [*hidden, Dense(10, init=init)]


z_stds = {}
print("init      std of pre-activations  outputs with |tanh| > 0.99")
for init in INITS:
    network = NeuralNetwork(
        tanh_network_layers(init), SoftmaxCrossEntropy(),
        seed=DEFAULT_SEED,
    )
    network.predict(x_train)
    first = network.layers[0]
    z_stds[init] = first.activation.input_.std()
    saturated = np.mean(np.abs(first.output) > 0.99)
    print(
        f"{init:<9} {z_stds[init]:22.2f}  {100 * saturated:26.1f}%"
    )
ratio = z_stds["he"] / z_stds["glorot"]
print(f"He's std / Glorot's std: {ratio:.3f}")
# sqrt((2 / 64) / (2 / 128)) = sqrt(2), up to rounding: the same seed
# draws the same normal numbers, which each scheme only scales.
assert abs(ratio - np.sqrt(2)) < 1e-12

# %% [markdown]
# With N(0, 1) weights, the pre-activations have a standard deviation of
# about 5, and more than half of the first layer's outputs are pinned at
# $\pm 1$. Glorot and He both keep the standard deviation below 1 and
# almost no unit saturates. He's standard deviation is $\sqrt 2 \approx
# 1.4$ times Glorot's, because its variance $2/d = 2/64$ is twice
# $2/(d + k) = 2/128$. The extra factor is meant to make up for ReLU's
# zeros, which tanh does not produce.
#
# The formula predicts these numbers, not just their order. With bias 0,
# the expected variance of $z_j$ over random weights is $\sigma^2$ times
# the sum of the inputs' second moments, $\sum_i E[x_i^2]$. The check
# below compares that prediction with the measured standard deviation.

# %%
# Self-check of Var(z) = sigma^2 * sum_i E[x_i^2] for the first layer.
# The prediction is an average over random weights, and 64 units are a
# modest sample of it, so the tolerance is 10 % of the predicted std.
second_moment_sum = np.sum(np.mean(x_train**2, axis=0))
fan_in, fan_out = x_train.shape[1], 64
weight_variance = {
    "standard": 1.0,
    "glorot": 2 / (fan_in + fan_out),
    "he": 2 / fan_in,
}
for init in INITS:
    network = NeuralNetwork(
        tanh_network_layers(init), SoftmaxCrossEntropy(),
        seed=DEFAULT_SEED,
    )
    network.predict(x_train)
    measured = network.layers[0].activation.input_.std()
    predicted = np.sqrt(weight_variance[init] * second_moment_sum)
    deviation = abs(measured - predicted) / predicted
    print(
        f"{init:<9} predicted {predicted:5.2f}"
        f"  measured {measured:5.2f}"
        f"  relative difference {deviation:.3f}"
    )
    assert deviation < 0.10

# %% [markdown]
# The relative difference is the same for all three because the same
# seed draws the same standard normal numbers, which each initializer
# only scales by its own $\sigma$.
#
# The argument is about *deep* networks, where the factor compounds from
# layer to layer. A stack of ten ReLU layers of 256 units shows it: the
# table prints the standard deviation of the activations after layers
# 1, 4, 7 and 10, for the first 500 training images. Glorot's $\sigma^2 = 2/(d + k) = 1/256$ is half of what
# ReLU needs, so the signal shrinks by about $\sqrt 2$ per layer; He's
# $2/256$ keeps it steady; N(0, 1) makes it explode.

# %%
columns = [f"layer {i}" for i in (1, 4, 7, 10)]
print(f"{'init':<9}", "  ".join(f"{c:>9}" for c in columns))
for init in INITS:
    deep = NeuralNetwork(
        [Dense(256, ReLU(), init=init) for _ in range(10)],
        SoftmaxCrossEntropy(), seed=DEFAULT_SEED,
    )
    deep.predict(x_train[:500])
    stds = [deep.layers[i].output.std() for i in (0, 3, 6, 9)]
    print(f"{init:<9}", "  ".join(f"{s:9.3g}" for s in stds))

# %% [markdown]
# ### Training with each initialization
#
# Now the three tanh networks are trained for 15 epochs with plain SGD at
# a learning rate of 0.05.

# %%
init_histories = {}
for init in INITS:
    _, init_histories[init] = train_variant(
        f"init={init}", tanh_network_layers(init), SGD(0.05),
        epochs=15,
    )

# %%
epochs_init = np.arange(1, 16)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
plot_curves(
    epochs_init,
    {init: init_histories[init].train_loss for init in INITS},
    title="Training loss by initialization", xlabel="epoch",
    ylabel="cross-entropy (training set)", logy=True, ax=ax_loss,
)
plot_curves(
    epochs_init,
    {
        init: percent(init_histories[init].test_accuracy)
        for init in INITS
    },
    title="Test accuracy by initialization", xlabel="epoch",
    ylabel="accuracy (test set, %)", ax=ax_acc,
)
integer_epochs(ax_loss, ax_acc)
fig.tight_layout()
plt.show()

# %% [markdown]
# The N(0, 1) network starts with a training loss several times larger
# than the others and stays above them. Its test accuracy is the striking
# part: it ends up fitting almost all training images, but only about
# 70 % of the test images. A plausible reading: most first-layer units
# are saturated, pass almost no gradient and so stay close to random
# $\pm 1$ features of the pixels. The later layers can memorize the
# training images from such features, but they say little about new
# images. Glorot and He train at about the same speed. For a
# three-layer tanh network the difference between them is small; the
# choice between them matters for deep ReLU networks, as the table of
# ten layers showed.
#
# ## 2. Momentum
#
# ### The velocity update
#
# Plain SGD moves each parameter $\theta$ against its gradient:
# $\theta \leftarrow \theta - \eta \, \nabla_\theta L$. SGD with momentum
# keeps a *velocity* $v$ per parameter, starting at 0, and moves along it:
#
# $$
# v \leftarrow \mu \, v - \eta \, \nabla_\theta L, \qquad
# \theta \leftarrow \theta + v .
# $$
#
# The velocity is a decaying sum of past gradients, with weight $\mu^s$
# for the gradient $s$ steps back. Where the gradient keeps its sign, the
# steps grow towards $\eta / (1 - \mu)$ times the gradient, 10 times the
# plain step for $\mu = 0.9$. Where the gradient flips sign from step to
# step, the terms cancel and the velocity stays small.
#
# ### An ill-conditioned problem
#
# That difference matters on *ill-conditioned* problems, where the loss
# curves much more steeply in some directions than in others. Take
#
# $$
# f(\theta) = \tfrac{1}{2} \left(\theta_1^2 + 100 \, \theta_2^2\right),
# $$
#
# whose gradient is $(\theta_1, 100 \, \theta_2)$. Plain gradient
# descent multiplies $\theta_2$ by $1 - 100 \eta$ each step, which
# diverges unless $\eta < 2/100$. So the steep direction caps the learning
# rate, and with $\eta = 0.018$ the flat direction shrinks by only
# $1 - 0.018 = 0.982$ per step. Momentum lets the steps along the flat
# direction build up. Whether it also damps the steep direction is
# measured below.
#
# The library's optimizers only need an object with `params()` and
# `param_grads()`, so they can run on this function directly.


# %%
class Quadratic:
    """f(theta) = (theta_1^2 + 100 theta_2^2) / 2 as a trainable."""

    curvatures = np.array([1.0, 100.0])

    def __init__(self, start):
        self.theta = np.array(start, dtype=float)

    def params(self):
        return [self.theta]

    def param_grads(self):
        return [self.curvatures * self.theta]

    def value(self):
        return 0.5 * np.sum(self.curvatures * self.theta**2)


def descend(optimizer, steps=60, start=(-8.0, 0.9)):
    problem = Quadratic(start)
    path, values = [problem.theta.copy()], [problem.value()]
    for _ in range(steps):
        optimizer.step(problem)
        path.append(problem.theta.copy())
        values.append(problem.value())
    return np.array(path), np.array(values)


path_sgd, values_sgd = descend(SGD(0.018))
path_momentum, values_momentum = descend(
    SGDMomentum(0.018, momentum=0.9)
)
print(f"f after 60 steps: SGD {values_sgd[-1]:.2e}, "
      f"momentum {values_momentum[-1]:.2e}, ratio "
      f"{values_sgd[-1] / values_momentum[-1]:.0f}")

# %%
# Self-check: plain gradient descent on this quadratic has the closed
# form theta_t = (1 - eta * c)^t * theta_0 for curvature c. Both sides
# are a few dozen float64 multiplications, so 1e-12 (relative to the
# start) leaves room only for rounding.
steps = np.arange(61)[:, None]
closed_form = (1 - 0.018 * Quadratic.curvatures) ** steps * [-8.0, 0.9]
gap = np.abs(path_sgd - closed_form).max() / 8.0
print(f"largest difference from the closed form: {gap:.1e}")
assert gap < 1e-12

# %%
fig, (ax_path, ax_value) = plt.subplots(1, 2, figsize=(10, 4))
grid_1, grid_2 = np.meshgrid(
    np.linspace(-9, 3, 200), np.linspace(-1.2, 1.2, 200)
)
ax_path.contour(
    grid_1, grid_2, 0.5 * (grid_1**2 + 100 * grid_2**2),
    levels=np.geomspace(0.05, 80, 10), colors="0.75",
)
ax_path.plot(*path_sgd.T, ".-", color=COLORS[0], label="SGD")
ax_path.plot(
    *path_momentum.T, ".-", color=COLORS[1], label="momentum 0.9"
)
ax_path.plot(0, 0, "k*", markersize=10)
ax_path.set(
    title="60 steps on an ill-conditioned quadratic",
    xlabel=r"$\theta_1$ (curvature 1)",
    ylabel=r"$\theta_2$ (curvature 100)",
)
ax_path.legend()
plot_curves(
    np.arange(61),
    {"SGD": values_sgd, "momentum 0.9": values_momentum},
    title="Loss per step, learning rate 0.018", xlabel="step",
    ylabel=r"$f(\theta)$", logy=True, ax=ax_value,
)
fig.tight_layout()
plt.show()

# %% [markdown]
# How fast does each method shrink each direction? Plain SGD multiplies
# $\theta_i$ by $1 - \eta c_i$ per step, where $c_i$ is the curvature:
# $0.982$ in the flat direction and $1 - 1.8 = -0.8$ in the steep one,
# where it zigzags across the valley while it shrinks.
#
# With momentum, one step maps the pair $(\theta_i, v_i)$ linearly:
#
# $$
# v_i \leftarrow \mu v_i - \eta c_i \theta_i, \qquad
# \theta_i \leftarrow (1 - \eta c_i)\, \theta_i + \mu v_i .
# $$
#
# The $2 \times 2$ matrix of this map has determinant
# $\mu (1 - \eta c_i) + \mu \eta c_i = \mu$. When its two eigenvalues
# are complex, as they are here for both curvatures, they are conjugate,
# so each has magnitude $\sqrt{\mu} \approx 0.949$: both directions
# shrink by that factor per step, while they oscillate. The cell below
# computes the factors from the matrix and measures the paths.


# %%
RATE, MU = 0.018, 0.9


def momentum_matrix(curvature):
    """Matrix of one momentum step on (theta_i, v_i)."""
    return np.array([
        [1 - RATE * curvature, MU],
        [-RATE * curvature, MU],
    ])


print("shrink factor per step   flat (c = 1)   steep (c = 100)")
sgd_factors = 1 - RATE * Quadratic.curvatures
momentum_factors = [
    np.abs(np.linalg.eigvals(momentum_matrix(c))).max()
    for c in Quadratic.curvatures
]
print(f"{'SGD':<22} {sgd_factors[0]:14.3f} {sgd_factors[1]:17.3f}")
print(f"{'momentum 0.9':<22} {momentum_factors[0]:14.3f}"
      f" {momentum_factors[1]:17.3f}")
# Complex conjugate eigenvalues with product MU have magnitude
# sqrt(MU), and eigvals is accurate to rounding here.
assert np.allclose(momentum_factors, np.sqrt(MU), rtol=0, atol=1e-12)


def settled_after(path):
    """First step from which |theta_2| stays below 1/10 of its start."""
    above = np.abs(path[:, 1]) >= 0.1 * abs(path[0, 1])
    return int(np.flatnonzero(above).max()) + 1


print("\nmethod         steps where loss rose  theta_2 settled at step"
      "  final theta_1")
for name, path, values in (
    ("SGD", path_sgd, values_sgd),
    ("momentum 0.9", path_momentum, values_momentum),
):
    rises = int(np.sum(np.diff(values) > 0))
    print(
        f"{name:<13} {rises:15d} of 60 {settled_after(path):24d}"
        f" {path[-1, 0]:14.2f}"
    )

# The claims of the next paragraph.
assert settled_after(path_sgd) <= 12
assert settled_after(path_momentum) >= 4 * settled_after(path_sgd)
assert np.sum(np.diff(values_momentum) > 0) >= 25
assert abs(path_sgd[-1, 0]) > 10 * abs(path_momentum[-1, 0])

# %%
# Self-check: the matrix model reproduces the library's momentum path.
# Both are 60 steps of the same float64 arithmetic in a different
# order, so 1e-12 (relative to the start) leaves room only for rounding.
modelled = np.empty_like(path_momentum)
for i, curvature in enumerate(Quadratic.curvatures):
    state = np.array([path_momentum[0, i], 0.0])
    for t in range(61):
        modelled[t, i] = state[0]
        state = momentum_matrix(curvature) @ state
gap = np.abs(path_momentum - modelled).max() / 8.0
print(f"largest difference from the matrix model: {gap:.1e}")
assert gap < 1e-12

# %% [markdown]
# So momentum does not damp the steep direction better. It damps it
# worse. Plain SGD zigzags there with the factor $-0.8$, and $\theta_2$
# *settles* (its size stays below a tenth of its start) within about a
# dozen steps. Then it
# crawls along the flat direction at $0.982$ per step.
#
# Momentum wins through the flat direction: $0.949$ per step in place
# of $0.982$, so after 60 steps $\theta_1$ is more than ten times
# closer to 0 and $f$ is far lower. It pays in the steep direction, where the
# oscillation dies out at $0.949$ per step in place of $0.8$, so it takes
# four times as many steps to settle, and the loss rises on almost half
# of the steps. Momentum trades a monotone descent for speed along the
# flat direction, which is where plain SGD is slowest.
#
# ### On the digits
#
# The digits network is tanh with two hidden layers of 64 units and
# Glorot initialization. Three runs: plain SGD and SGD with momentum 0.9
# at the same learning rate 0.01, and plain SGD at 0.1, ten times larger,
# which is the step size momentum reaches along a steady gradient.


# %%
def small_tanh_layers():
    hidden = [Dense(64, Tanh()) for _ in range(2)]
    return [*hidden, Dense(10)]


momentum_runs = {
    "SGD, lr 0.01": SGD(0.01),
    "momentum 0.9, lr 0.01": SGDMomentum(0.01, momentum=0.9),
    "SGD, lr 0.1": SGD(0.1),
}
momentum_histories = {}
for name, optimizer in momentum_runs.items():
    _, momentum_histories[name] = train_variant(
        name, small_tanh_layers(), optimizer, epochs=15
    )

# %%
epochs_momentum = np.arange(1, 16)
ax = plot_curves(
    epochs_momentum,
    {
        name: history.train_loss
        for name, history in momentum_histories.items()
    },
    title="Training loss: SGD and momentum", xlabel="epoch",
    ylabel="cross-entropy (training set)", logy=True,
    # Dotted, because it nearly covers the momentum curve; dashed
    # lines on these pages mean test-set curves.
    styles={"SGD, lr 0.1": ":"},
)
integer_epochs(ax)
plt.show()

# %% [markdown]
# At the same learning rate, momentum trains far faster than plain SGD.
# But plain SGD with a ten times larger rate follows almost the same
# curve. This loss is not badly conditioned enough for the effect of the
# quadratic example to show: a larger plain step is stable here, so
# momentum mainly acts as a larger learning rate. On harder problems,
# where the steepest direction caps the rate as in the quadratic, that
# is no longer true, which is why plain SGD is rarely used without
# momentum.
#
# ## 3. Learning-rate schedules
#
# A large learning rate makes fast progress early but keeps bouncing
# around a minimum later, because every mini-batch gradient is a noisy
# estimate of the full one. A *schedule* starts large and shrinks the
# rate. `dltut.optim` has two that decay, and the trainer calls
# `optimizer.start_epoch(epoch)` to apply them before each epoch
# (epochs count from 0):
#
# $$
# \eta_t^{\text{exp}} = \eta_0 \left(
# \frac{\eta_{\text{final}}}{\eta_0}\right)^{t / (T - 1)},
# \qquad
# \eta_t^{\text{step}} = \eta_0 \, \gamma^{\lfloor t / k \rfloor} .
# $$
#
# `ExponentialDecay(initial, final, epochs)` shrinks the rate by the same
# factor every epoch, from $\eta_0$ at epoch 0 to $\eta_{\text{final}}$
# at epoch $T - 1$. `StepDecay(initial, factor, every)` multiplies it by
# $\gamma$ every $k$ epochs.
#
# The experiment uses momentum 0.9 with a deliberately large starting
# rate of 0.5, where a constant rate is unstable, and trains for 15
# epochs with each schedule. The step decay multiplies the rate by 0.3
# every 4 epochs.

# %%
EPOCHS = 15
schedules = {
    "constant": ConstantRate(0.5),
    "exponential decay": ExponentialDecay(0.5, 0.005, EPOCHS),
    "step decay": StepDecay(0.5, factor=0.3, every=4),
}
schedule_histories = {}
for name, schedule in schedules.items():
    _, schedule_histories[name] = train_variant(
        name, small_tanh_layers(),
        SGDMomentum(0.5, schedule=schedule), epochs=EPOCHS,
    )

# %%
# Self-check: the trainer used the schedule's rate in every epoch. The
# History stores the optimizer's rate, which the schedule sets, so the
# two must agree exactly.
for name, schedule in schedules.items():
    expected = [schedule(epoch) for epoch in range(EPOCHS)]
    assert schedule_histories[name].learning_rate == expected
ratios = np.diff(np.log(schedule_histories["exponential decay"]
                        .learning_rate))
print(f"exponential decay: rate ratio per epoch "
      f"{np.exp(ratios.mean()):.4f} (spread {np.ptp(ratios):.1e})")
assert np.ptp(ratios) < 1e-12  # a constant factor up to rounding

# %%
epochs_schedule = np.arange(1, EPOCHS + 1)
fig, axes = plt.subplot_mosaic(
    [["rate", "rate"], ["loss", "acc"]], figsize=(8, 6.5),
    layout="constrained",
)
ax_rate, ax_loss, ax_acc = axes["rate"], axes["loss"], axes["acc"]
plot_curves(
    epochs_schedule,
    {n: h.learning_rate for n, h in schedule_histories.items()},
    title="Learning rate per epoch", xlabel="epoch",
    ylabel="learning rate", logy=True, ax=ax_rate,
)
plot_curves(
    epochs_schedule,
    {n: h.train_loss for n, h in schedule_histories.items()},
    title="Training loss", xlabel="epoch",
    ylabel="cross-entropy (training set)", logy=True, ax=ax_loss,
)
plot_curves(
    epochs_schedule,
    {
        n: percent(h.test_accuracy)
        for n, h in schedule_histories.items()
    },
    title="Test accuracy", xlabel="epoch",
    ylabel="accuracy (test set, %)", ax=ax_acc,
)
integer_epochs(ax_rate, ax_loss, ax_acc)
# The top panel's legend names the colors of all three.
ax_loss.get_legend().remove()
ax_acc.get_legend().remove()
plt.show()

# %% [markdown]
# With the constant rate of 0.5 (an effective step of 5 with momentum
# 0.9), the loss jumps up and down and the network never settles. Both
# decays start from the same rate and reach a low training loss once the
# rate has shrunk.
#
# To be fair to the constant rate: a well-chosen constant rate does
# about as well on this data. Plain SGD at 0.1 in the momentum section
# ended within a few test images of the best schedule, without any
# schedule at all. Here a schedule is
# insurance against a starting rate that is too large, and a way to get
# fast early progress and a quiet finish from one setting. On long
# training runs of large networks, decaying the rate is standard
# practice.
#
# ## 4. Dropout
#
# ### Inverted dropout
#
# A network with many more parameters than training examples can
# memorize the training set: training accuracy reaches 100 % while the
# test accuracy stops improving. Dropout fights this by switching off
# random units during training, so no unit can rely on a particular
# other unit being present. In training, a mask $M$ has entries 1 with
# probability $1 - p$ and 0 with probability $p$, and
#
# $$
# y = \frac{x \odot M}{1 - p} .
# $$
#
# Dividing by $1 - p$ (the *inverted* form) keeps the expected value of
# every unit equal to its input: $E[y] = x (1 - p) / (1 - p) = x$. So
# at prediction time dropout is simply switched off, with no rescaling.
# The backward pass multiplies the gradient by the same mask and factor.
# `Dense(..., dropout=p)` appends a `Dropout` operation after the
# activation.

# %%
# Self-check of the inverted-dropout formula on 100,000 units of value 1:
# about p of them are 0 and the mean stays 1. The standard error of the
# mean is sqrt(p / (1 - p) / 100000) = 0.002 for p = 0.3, so 0.01 is
# five standard errors.
dropout = Dropout(0.3, seed=DEFAULT_SEED)
dropped = dropout.forward(np.ones((1000, 100)), training=True)
print(f"fraction zeroed {np.mean(dropped == 0):.4f}, "
      f"mean {dropped.mean():.4f}, kept units are "
      f"{dropped.max():.4f} = 1 / (1 - 0.3)")
assert abs(np.mean(dropped == 0) - 0.3) < 0.01
assert abs(dropped.mean() - 1.0) < 0.01
identity = dropout.forward(np.ones((2, 3)), training=False)
assert np.array_equal(identity, np.ones((2, 3)))

# %% [markdown]
# ### A network large enough to overfit
#
# The network for this experiment is deliberately large: two ReLU layers
# of 256 units with He initialization, about 85,000 parameters for 1,438
# training images. It is trained for 15 epochs with momentum 0.9 at a
# learning rate of 0.01, once without dropout and once with dropout 0.3
# after each hidden layer.


# %%
def large_relu_layers(rate):
    hidden = [
        Dense(256, ReLU(), init="he", dropout=rate) for _ in range(2)
    ]
    return [*hidden, Dense(10, init="he")]


dropout_histories = {}
for rate in (0.0, 0.3):
    network, dropout_histories[rate] = train_variant(
        f"dropout {rate}", large_relu_layers(rate),
        SGDMomentum(0.01), epochs=15,
    )
parameter_count = sum(param.size for param in network.params())
print(f"parameters: {parameter_count:,}")

# %%
epochs_dropout = np.arange(1, 16)
fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(10, 4))
# One color per dropout rate, solid for the training set and dashed
# for the test set, as on the digits page.
for color, (rate, history) in zip(
    COLORS, dropout_histories.items(), strict=False
):
    for part, style in (("train", "-"), ("test", "--")):
        label = f"dropout {rate}, {part}"
        accuracy = percent(getattr(history, f"{part}_accuracy"))
        loss = getattr(history, f"{part}_loss")
        ax_acc.plot(epochs_dropout, accuracy, style, color=color,
                    label=label)
        ax_loss.plot(epochs_dropout, loss, style, color=color,
                     label=label)
ax_acc.set(title="Training and test accuracy", xlabel="epoch",
           ylabel="accuracy (%)")
ax_loss.set(title="Training and test loss", xlabel="epoch",
            ylabel="cross-entropy", yscale="log")
ax_acc.legend()
ax_loss.legend()
integer_epochs(ax_acc, ax_loss)
fig.tight_layout()
plt.show()

# %%
for rate, history in dropout_histories.items():
    gap = history.train_accuracy[-1] - history.test_accuracy[-1]
    print(f"dropout {rate}: train - test accuracy gap "
          f"{100 * gap:.2f} percentage points")

# %% [markdown]
# Without dropout the network fits the training set perfectly and its
# training loss keeps falling towards 0, while the test loss levels off
# far above it: that gap is overfitting. Dropout narrows the accuracy gap
# a little and changes the test accuracy by only a few images. It does
# not stop the memorization either: measured without dropout, as the
# trainer measures it, the training loss falls just as fast. The test set has
# 359 images, so one image is 0.28 percentage points, and a difference of
# two or three images could come from a different seed as easily as from
# dropout. Honestly stated: on this small, clean data set, dropout is not
# needed. It earns its place on larger networks trained for longer, where
# memorization is a real risk.
#
# ## All variants
#
# Every run on this page used the same data, split, network seed and
# batch order, so the differences below come from the one choice each row
# changes. Accuracies are on the 359 test images after the last epoch.

# %%
print(f"{'variant':<24} {'test accuracy':>13}")
for name, test_accuracy in results.items():
    print(f"{name:<24} {100 * test_accuracy:12.2f}%")

# %% [markdown]
# The one trick that changed the outcome by a wide margin here is the
# scaled initialization: N(0, 1) weights saturate tanh and cost about a
# quarter of the test accuracy after 15 epochs. Momentum and the
# schedules change the *speed* of training and its stability at large
# learning rates more than the final accuracy. Dropout is a regularizer
# for a problem this data set barely has.
#
# The [API reference](../../reference/#dltut.optim.SGDMomentum) documents
# every option used here.
