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
# # A neural network from scratch
#
# On the [Linear regression from scratch](../07-linear-regression/) page, a
# linear model predicted how a patient's diabetes progresses from ten
# measurements. A linear model can only add up the features, each with its
# own weight. A neural network with a hidden layer can also bend: each
# hidden unit computes its own weighted sum, squashes it through a nonlinear
# activation, and the output adds up those squashed values.
#
# This page builds such a network by hand, in NumPy, on the same data. It
# writes out the forward pass, derives the backward pass step by step with
# the shape of every array, checks that derivation against a numerical
# gradient, trains the network, and compares it with the linear model. The
# code lives in `dltut.mlp` (multilayer perceptron); see the
# [API reference](../../reference/#dltut.mlp.train) for the details.
#
# A spoiler, so that the result does not look hidden: on this data set the
# network does not beat linear regression. The last sections show why, and
# show a problem where it clearly does.

# %%
import dataclasses

import numpy as np
from matplotlib import pyplot as plt

from dltut.activations import tanh_derivative
from dltut.data import DEFAULT_SEED, load_diabetes, train_test_split
from dltut.gradients import numerical_gradient, relative_error
from dltut.mlp import backward, forward, init_params, predict, train
from dltut.plotting import COLORS, plot_curves, use_site_style
from dltut.regression import least_squares, mean_squared_error

use_site_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The data
#
# The diabetes data set has 442 patients with ten features each (age, sex,
# body-mass index, blood pressure and six blood serum measurements). The
# target is a measure of disease progression one year later, a number
# between 25 and 346. `load_diabetes` splits the patients into 354 for
# training and 88 for testing, always the same way, and standardizes the
# features with the training set's mean and standard deviation.

# %%
data = load_diabetes()
x_train, y_train = data.x_train, data.y_train
x_test, y_test = data.x_test, data.y_test

print("x_train:", x_train.shape, " x_test:", x_test.shape)
print(f"targets: {y_train.min():.0f} to {y_train.max():.0f}")

# %% [markdown]
# The network will also see standardized *targets*: it learns
# $(y - \mu) / \sigma$, with the mean $\mu$ and standard deviation $\sigma$
# of the *training* targets, and its predictions are scaled back with
# $\hat y \sigma + \mu$. A mean squared error (MSE) on the scaled targets
# becomes one in the original units when multiplied by $\sigma^2$. Why the
# scaling matters is shown with numbers after the training section. In
# short, residuals near 150 produce gradients so large that the first
# updates push most hidden units into the flat tails of tanh.

# %%
mu, sigma = y_train.mean(), y_train.std()
t_train = (y_train - mu) / sigma
t_test = (y_test - mu) / sigma

print(f"mu = {mu:.2f}, sigma = {sigma:.2f}")

# %% [markdown]
# ## The network
#
# For a batch of $n$ patients with $d = 10$ features, a network with one
# hidden layer of $h$ units computes
#
# $$
# z_1 = X W_1 + b_1, \quad a_1 = \tanh(z_1), \quad \hat y = a_1 w_2 + b_2.
# $$
#
# Each column of $W_1$ contains the weights of one hidden unit, so each unit
# computes its own weighted sum of the features ($z_1$), then the activation
# bends it ($a_1$), and the output is a weighted sum of the hidden units plus
# a bias. Adding $b_1$ to the matrix $X W_1$ uses NumPy broadcasting: the
# same bias vector is added to every row. Here are the shapes, with
# $h = 8$:
#
# | array | meaning | shape | here |
# |---|---|---|---|
# | $X$ | features, one row per patient | $(n, d)$ | $(n, 10)$ |
# | $W_1$ | hidden-layer weights | $(d, h)$ | $(10, 8)$ |
# | $b_1$ | hidden-layer biases | $(h,)$ | $(8,)$ |
# | $z_1$, $a_1$ | hidden values before and after tanh | $(n, h)$ | $(n, 8)$ |
# | $w_2$ | output weights | $(h,)$ | $(8,)$ |
# | $b_2$ | output bias | a number | a number |
# | $\hat y$ | predictions | $(n,)$ | $(n,)$ |
#
# The activation is tanh, from the
# [Activation functions](../01-activations/) page. It is smooth, so the
# gradient check below meets no kinks, as it would with ReLU at 0. Its
# outputs are centred on 0, and its slope at 0 is 1, four times the
# sigmoid's 0.25, so gradients flowing back through it shrink less.
#
# The weights start random. If every hidden unit started with the same
# weights, every unit would receive the same gradient and they would stay
# identical forever: eight copies of one unit. `init_params` draws $W_1$
# from a normal distribution with standard deviation $1/\sqrt{d}$ and $w_2$
# with $1/\sqrt{h}$, the number of inputs of each unit (its *fan-in*). With
# standardized features, each entry of $z_1$ then has a variance of about 1,
# where tanh is curved but not yet flat. The biases start at 0.

# %%
n_hidden = 8
params = init_params(x_train.shape[1], n_hidden, seed=DEFAULT_SEED)

for name in ("w1", "b1", "w2"):
    print(f"{name}: shape {getattr(params, name).shape}")
n_params = params.w1.size + params.b1.size + params.w2.size + 1
print("parameters in total:", n_params)

# %% [markdown]
# The network has 97 parameters, against the linear model's 11 (ten weights
# and a bias). Keep that number in mind for the comparison at the end.

# %% [markdown]
# ## The forward pass
#
# `forward` computes the predictions and returns, next to them, a *cache*
# with $X$, $z_1$ and $a_1$: the values the backward pass will need. The
# spread of $z_1$ confirms what the initialisation promised.

# %%
predictions, cache = forward(params, x_train)

print("predictions:", predictions.shape, " z1:", cache.z1.shape)
print(f"standard deviation of z1: {cache.z1.std():.3f}")
print("first five predictions:", predictions[:5])
initial_loss = mean_squared_error(predictions, t_train)
print(f"initial loss (scaled targets): {initial_loss:.4f}")

# %% [markdown]
# The untrained network's predictions are random, a few tenths on either
# side of 0, which is the mean of the scaled targets. Predicting exactly 0
# would give a loss of 1, the variance of the scaled targets. The random
# spread of the predictions adds the rest.

# %% [markdown]
# ## The backward pass
#
# The loss is the mean squared error over the batch:
#
# $$
# L = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2.
# $$
#
# In the formulas of this section, $y_i$ stands for the targets the
# network trains on. On this page those are the scaled targets, `t_train`
# in the code, so $L$ is the MSE on the scaled targets.
#
# The backward pass applies the chain rule from
# [Nested functions and the chain rule](../04-chain-rule/), starting at the
# loss and moving towards the input. Each step multiplies the gradient that
# arrives from above by a local derivative. A useful rule while deriving:
# the gradient with respect to an array always has that array's shape, and
# there is usually only one way to multiply the pieces that gives it.
#
# **1. The predictions.** Each prediction appears in one term of the sum:
#
# $$
# g_i = \frac{\partial L}{\partial \hat y_i} = \frac{2}{n} (\hat y_i - y_i),
# \qquad g \text{ has shape } (n,).
# $$
#
# **2. The output layer.** $\hat y_i = \sum_k a_{ik} w_{2,k} + b_2$, so a
# change in $w_{2,k}$ moves every prediction by $a_{ik}$ times that change,
# and a change in $b_2$ moves every prediction by the same amount. Summing
# over the patients:
#
# $$
# \frac{\partial L}{\partial w_2} = a_1^\top g \quad (h,), \qquad
# \frac{\partial L}{\partial b_2} = \sum_{i=1}^{n} g_i.
# $$
#
# **3. Back into the hidden layer.** $a_{ik}$ influences only prediction
# $i$, with weight $w_{2,k}$:
#
# $$
# \frac{\partial L}{\partial a_{ik}} = g_i \, w_{2,k},
# \qquad \text{an outer product of shape } (n, h).
# $$
#
# **4. Through tanh.** $a_{ik} = \tanh(z_{ik})$ depends on $z_{ik}$ alone,
# so this step is an elementwise product, written $\odot$:
#
# $$
# G = \frac{\partial L}{\partial z_1}
# = \frac{\partial L}{\partial a_1} \odot \tanh'(z_1),
# \qquad \tanh'(z) = 1 - \tanh^2(z), \quad (n, h).
# $$
#
# **5. The first layer.** $z_{ik} = \sum_j x_{ij} W_{1,jk} + b_{1,k}$ has the
# same form as step 2, one hidden unit per column:
#
# $$
# \frac{\partial L}{\partial W_1} = X^\top G \quad (d, h), \qquad
# \frac{\partial L}{\partial b_1} = \sum_{i=1}^{n} G_{i,:} \quad (h,).
# $$
#
# The biases collect a sum over the patients because the same bias is
# added to every row: each patient contributes its own share of the
# gradient. Here are the five steps in NumPy, on the whole training set,
# with the shape of each result:

# %%
n = len(t_train)
g = 2.0 * (cache.predictions - t_train) / n
grad_b2 = g.sum()
grad_w2 = cache.a1.T @ g
grad_a1 = np.outer(g, params.w2)
grad_z1 = grad_a1 * tanh_derivative(cache.z1)
grad_w1 = cache.x.T @ grad_z1
grad_b1 = grad_z1.sum(axis=0)

steps = {
    "g": g, "dL/dw2": grad_w2, "dL/da1": grad_a1,
    "dL/dz1": grad_z1, "dL/dW1": grad_w1, "dL/db1": grad_b1,
}
for label, value in steps.items():
    print(f"{label:>7}: {value.shape}")
print(f" dL/db2: a number, {grad_b2:.4f}")

# %% [markdown]
# `tanh_derivative` computes $1 - \tanh^2$ in a form that stays accurate
# for large $|z|$, where the textbook form rounds to 0. The package's
# `backward` runs exactly these lines, so both must agree to the last few
# bits:

# %%
grads = backward(params, cache, t_train)
pairs = [
    (grads.w1, grad_w1), (grads.b1, grad_b1),
    (grads.w2, grad_w2), (grads.b2, grad_b2),
]
same = max(relative_error(a, b) for a, b in pairs)
print(f"largest relative difference from backward: {same:.1e}")

# The same operations in the same order round the same way.
assert same <= 1e-14

# %% [markdown]
# ## Checking the gradient
#
# A derivation can be wrong in ways that still produce arrays of the right
# shape: a missing factor 2, a forgotten $\tanh'$, a sum over the wrong
# axis. The reliable test is the one from the
# [Numerical derivatives](../02-derivatives/) page, extended to many inputs:
# nudge one parameter entry up and down by a step $\delta = 10^{-6}$,
# measure the change of the loss, and compare the slope with what
# `backward` returns. The function
# [`numerical_gradient`](../../reference/#dltut.gradients.numerical_gradient)
# does this for every entry of an array; its argument `delta` is the
# step. (Other pages call the step $h$, but here $h$ is already the number
# of hidden units.)
#
# The check uses 20 patients and fresh random parameters with nonzero
# biases, so that no bias gradient is 0 by accident.

# %%
rng = np.random.default_rng(DEFAULT_SEED)
check_params = dataclasses.replace(
    init_params(x_train.shape[1], n_hidden, seed=DEFAULT_SEED),
    b1=rng.normal(size=n_hidden),
    b2=float(rng.normal()),
)
x_small, t_small = x_train[:20], t_train[:20]


def loss_along(name):
    """Return the loss as a function of one parameter array."""
    shape = np.shape(getattr(check_params, name))

    def loss(value):
        changed = dataclasses.replace(
            check_params, **{name: value.reshape(shape)}
        )
        return mean_squared_error(predict(changed, x_small), t_small)

    return loss


_, small_cache = forward(check_params, x_small)
exact = backward(check_params, small_cache, t_small)

errors = {}
for name in ("w1", "b1", "w2", "b2"):
    start = np.atleast_1d(getattr(check_params, name))
    estimate = numerical_gradient(loss_along(name), start)
    by_hand = np.atleast_1d(getattr(exact, name))
    errors[name] = relative_error(by_hand, estimate)
    print(f"{name}: relative error {errors[name]:.1e}")

# %% [markdown]
# The relative errors are around $10^{-9}$ or smaller, which is as close as
# a central difference can get: its rounding error is about
# $\epsilon / \delta \approx 2 \times 10^{-16} / 10^{-6} = 2 \times 10^{-10}$
# relative to the loss. A wrong formula would give errors of order
# $10^{-1}$ or more, so a tolerance of $10^{-6}$ separates the two cases
# with room on both sides.

# %%
# Central differences agree to about 1e-9 here. A mistake in the
# derivation shows up as 1e-1 or more.
assert max(errors.values()) < 1e-6

# %% [markdown]
# ## Training, and when to stop
#
# Gradient descent repeats three steps: a forward pass, a backward pass, and
# an update of every parameter $\theta$ against its gradient,
# $\theta \leftarrow \theta - \eta \, \partial L / \partial \theta$, with the
# learning rate $\eta$. `train` uses all training patients in every update
# (full-batch gradient descent), so one update is one *epoch*.
#
# How many epochs? A network with 97 parameters and only a few hundred
# patients can start to memorise the noise of its training patients:
# *overfitting*. The training loss then keeps falling while the error on new
# patients rises again. The number of epochs must be chosen on patients the
# network does not train on, but *not* on the test set: a number tuned on
# the test patients would make their error an optimistic estimate.
#
# So `train_test_split` holds out 20% of the *training* patients as a
# validation set. The network trains on the remaining 283 for 3000 epochs
# while `train` records the validation loss; that loss never enters an
# update. The epoch with the lowest validation loss is the one to keep.

# %%
x_fit, t_fit, x_val, t_val = train_test_split(
    x_train, t_train, test_fraction=0.2, seed=DEFAULT_SEED
)
learning_rate = 0.05
_, search = train(
    x_fit, t_fit, n_hidden=n_hidden, learning_rate=learning_rate,
    epochs=3000, x_test=x_val, y_test=t_val,
)
best_epoch = int(np.argmin(search.test_loss))
best_val_mse = search.test_loss[best_epoch] * sigma**2

print(f"fit: {len(t_fit)} patients, validation: {len(t_val)}")
print("best epoch:", best_epoch)
print(f"validation MSE there: {best_val_mse:.0f}")
last_val_mse = search.test_loss[-1] * sigma**2
print(f"validation MSE after 3000: {last_val_mse:.0f}")

# The validation MSE of every epoch from 50 to 1000.
plateau = search.test_loss[50:1001] * sigma**2
print(f"validation MSE, epochs 50 to 1000: {plateau.min():.0f}"
      f" to {plateau.max():.0f}")

# The text relies on the validation loss rising again before the end.
assert best_epoch < 3000
# The text calls the curve flat there: its spread is under 5% of its
# lowest value.
assert plateau.max() - plateau.min() < 0.05 * plateau.min()

# %% [markdown]
# The validation curve is nearly flat from about epoch 50 to epoch 1000:
# every epoch in that range is within a few percent of the lowest value.
# Which of them comes out lowest is decided mostly by noise in the 71
# validation patients, so the chosen epoch is a reasonable choice from a
# wide, flat range rather than a sharp optimum.
#
# The final network trains on all 354 training patients for the chosen
# number of epochs, which gives it the same data as the linear model. The
# number carries over because the loss is a *mean*: its gradient, and so
# the size of each step, does not grow with the number of patients. This
# run records the test loss for the figure below, which shows it but does
# not use it for any choice.

# %%
params, history = train(
    x_train, t_train, n_hidden=n_hidden, learning_rate=learning_rate,
    epochs=best_epoch, x_test=x_test, y_test=t_test,
)
network_train_mse = mean_squared_error(
    predict(params, x_train) * sigma + mu, y_train
)
network_test_mse = mean_squared_error(
    predict(params, x_test) * sigma + mu, y_test
)

# The history is on the scaled targets, and sigma**2 converts it back.
assert np.isclose(history.test_loss[-1] * sigma**2, network_test_mse)

# %% [markdown]
# The left panel shows the search: the training loss falls for the whole
# run, while the validation loss levels off (the shaded range, epochs 50 to
# 1000) and then climbs. The right panel
# shows the final run, with the linear model's test error for reference.
# (The epoch axes are logarithmic, so that the fast early progress and the
# slow later drift both stay visible.)

# %%
linear = least_squares(x_train, y_train)
linear_test_mse = mean_squared_error(linear.predict(x_test), y_test)

fig, (left, right) = plt.subplots(
    1, 2, figsize=(8.0, 3.4), layout="constrained"
)
epochs = np.arange(len(search.train_loss))
plot_curves(
    epochs[1:],
    {
        f"training ({len(t_fit)})": search.train_loss[1:] * sigma**2,
        f"validation ({len(t_val)})": search.test_loss[1:] * sigma**2,
    },
    title="Choosing the number of epochs",
    xlabel="epoch", ylabel="MSE", ax=left, logx=True,
)
left.axvline(best_epoch, color=COLORS[6], linestyle=":", linewidth=1)
# The flat stretch of the validation curve, epochs 50 to 1000.
left.axvspan(50, 1000, color=COLORS[6], alpha=0.08, linewidth=0)
left.annotate(
    f"lowest validation\nloss: epoch {best_epoch}",
    xy=(best_epoch, best_val_mse), xytext=(8, 1300),
    arrowprops={"arrowstyle": "->"},
)

final_epochs = np.arange(len(history.train_loss))
plot_curves(
    final_epochs[1:],
    {
        f"training ({len(t_train)})": history.train_loss[1:] * sigma**2,
        f"test ({len(t_test)})": history.test_loss[1:] * sigma**2,
    },
    title="The final network",
    xlabel="epoch", ylabel="MSE", ax=right, logx=True,
)
right.axhline(
    linear_test_mse, color=COLORS[2], linestyle="--",
    label="linear model, test",
)
right.legend()
left.set_ylim(1000, 7000)
right.set_ylim(1000, 7000)
plt.show()

# %% [markdown]
# The test curve on the right reaches its lowest point before the chosen
# epoch:

# %%
test_curve_best = int(np.argmin(history.test_loss))
test_curve_min = history.test_loss[test_curve_best] * sigma**2
print(f"lowest test MSE: {test_curve_min:.0f},"
      f" at epoch {test_curve_best}")
print(f"test MSE at the chosen epoch {best_epoch}:"
      f" {network_test_mse:.0f}")

# %% [markdown]
# Stopping there would make the network look better, and that is exactly
# the trap. That epoch was found by looking at the test patients, so its
# test error would no longer estimate the error on new patients. The
# validation set picked its epoch without that knowledge. That the two
# curves disagree about the best epoch shows how noisy a loss measured on
# fewer than a hundred patients is.

# %% [markdown]
# ## Why the targets were scaled
#
# Here is the same training run on the raw targets, 25 to 346, with the
# same learning rate and number of epochs. The first residuals are now
# around 150 rather than around 1, and the first gradients are about that
# much larger.

# %%
raw_params, raw_history = train(
    x_train, y_train, n_hidden=n_hidden, learning_rate=learning_rate,
    epochs=best_epoch,
)
raw_test_mse = mean_squared_error(predict(raw_params, x_test), y_test)


def saturated_share(targets, epochs):
    """Return the share of hidden values with |z1| > 3 once trained."""
    trained, _ = train(
        x_train, targets, n_hidden=n_hidden,
        learning_rate=learning_rate, epochs=epochs,
    )
    return np.mean(np.abs(forward(trained, x_train)[1].z1) > 3)


early_epochs = 5
print(f"share of hidden values with |z1| > 3, after"
      f" {early_epochs} and {best_epoch} epochs:")
shares = {}
for label, targets in (("scaled", t_train), ("raw", y_train)):
    shares[label] = [saturated_share(targets, e)
                     for e in (early_epochs, best_epoch)]
    print(f"{label:>6} targets: {shares[label][0]:4.0%}"
          f"  {shares[label][1]:4.0%}")
print(f"test MSE with raw targets: {raw_test_mse:.0f}")

# The text below relies on the raw run saturating early and doing worse.
assert min(shares["raw"]) > 0.9
assert max(shares["scaled"]) < 0.1
assert raw_test_mse > network_test_mse

# %% [markdown]
# Where $|z| > 3$, $\tanh'(z) < 0.01$: such a unit is almost flat, barely
# passes gradients back, and acts like a step from $-1$ to $+1$. With raw
# targets, the first five large updates already push nearly every hidden
# value there. They stay there until the end of training, and the network
# ends up worse on the test patients than with scaled targets. Scaling keeps the residuals, the gradients and the hidden values
# of order 1, where one learning rate suits every parameter.

# %% [markdown]
# ## Network against linear regression
#
# Here are the headline numbers. The linear model is fitted in closed form
# by [`least_squares`](../../reference/#dltut.regression.least_squares) on
# the same 354 training patients. RMSE, the square root of the MSE, is in
# the units of the target.

# %%
linear_train_mse = mean_squared_error(
    linear.predict(x_train), y_train
)
rows = [
    ("training mean",
     mean_squared_error(np.full(len(y_train), mu), y_train),
     mean_squared_error(np.full(len(y_test), mu), y_test)),
    ("linear regression", linear_train_mse, linear_test_mse),
    (f"network, h = {n_hidden}", network_train_mse, network_test_mse),
]
# The text below relies on this ordering.
assert network_train_mse < linear_train_mse
assert network_test_mse > linear_test_mse

print(f"{'model':<20}{'train MSE':>10}{'test MSE':>10}"
      f"{'test RMSE':>11}")
for label, train_mse, test_mse in rows:
    print(f"{label:<20}{train_mse:>10.0f}{test_mse:>10.0f}"
          f"{np.sqrt(test_mse):>11.1f}")

# %% [markdown]
# The first row predicts every patient's target as the mean of the training
# targets, the baseline that any model must beat. Both models remove about
# half of its error. The network fits its training patients better than
# the linear model, and predicts the test patients slightly worse.
#
# Is that difference real? Each test patient gives one squared error per
# model, so the difference of the two MSEs is the mean of 88 per-patient
# differences. The standard error of that mean estimates how much it would
# move with another 88 patients.

# %%
network_errors = (predict(params, x_test) * sigma + mu - y_test) ** 2
linear_errors = (linear.predict(x_test) - y_test) ** 2
difference = network_errors - linear_errors
standard_error = difference.std(ddof=1) / np.sqrt(len(difference))
print(f"test MSE, network minus linear: {difference.mean():.0f}"
      f" +- {standard_error:.0f} (one standard error)")
print(f"as a share of the linear model's test MSE:"
      f" {difference.mean() / linear_test_mse:.1%}"
      f" +- {standard_error / linear_test_mse:.1%}")

# The same differences, averaged two ways.
gap = network_test_mse - linear_test_mse
assert np.isclose(difference.mean(), gap)
# The text below says "around 10%" and "about 7%".
assert 0.08 < gap / linear_test_mse < 0.12
assert 0.05 < standard_error / linear_test_mse < 0.09
# The text below relies on the gap being within two standard errors.
assert abs(gap) < 2 * standard_error

# %% [markdown]
# The network's test MSE is around 10% higher than the linear model's, and
# one standard error is about 7%. The gap is under two standard errors, so
# with 88 test patients the two models cannot be distinguished with
# confidence.
#
# The validation set is a second, smaller sample, and it points the other
# way. One caution before comparing: the network's validation MSE at the
# chosen epoch is biased in the network's favour, because that epoch is
# the minimum over 3000 epochs measured on these same 71 patients. A fairer
# figure is the whole plateau from epoch 50 to 1000, printed above, against
# the linear model fitted on the same 283 patients:

# %%
linear_fit = least_squares(x_fit, t_fit * sigma + mu)
linear_val_mse = mean_squared_error(
    linear_fit.predict(x_val), t_val * sigma + mu
)
print(f"validation MSE, linear: {linear_val_mse:.0f}")
print(f"validation MSE, network, epochs 50 to 1000:"
      f" {plateau.min():.0f} to {plateau.max():.0f}")
print(f"  (at the chosen epoch {best_epoch}, biased low:"
      f" {best_val_mse:.0f})")

# The text below relies on the linear model being worse than the network
# at every epoch of the plateau, not only at the chosen one.
assert linear_val_mse > plateau.max()

# %% [markdown]
# On 71 validation patients the network looks better at every epoch of
# the plateau, not only at the one picked on them, and on 88 test patients
# it looks worse. Differences of this size are noise in the choice of
# patients. Three reasons why the hidden layer does not pay off here:
#
# - **Little curvature to find.** The linear model already captures most of
#   what these ten features can predict: it halves the baseline's error.
#   The network, which could bend, found no curvature that holds up on new
#   patients. Much of the remaining error is variation between patients
#   that ten numbers do not explain.
# - **Little data for many parameters.** 97 parameters learned from 354
#   patients have more room to follow noise than 11 do. Early stopping
#   limits that, but cannot create information that the data lacks.
# - **A small test set.** With 88 patients, one standard error of the
#   difference in MSE is about 7% of the linear model's MSE, so a gap of
#   around 10% is not conclusive.
#
# None of this means the network is broken. The next section gives it a
# problem where a straight line cannot follow the data.

# %% [markdown]
# ## A curved problem
#
# Here 100 points follow $y = \sin(x)$ on $[-3, 3]$ with a little noise
# (standard deviation 0.1). The same `train` fits a network with the same
# eight hidden units, and `least_squares` fits a line. Both are scored
# against the noiseless curve on a fine grid.

# %%
rng = np.random.default_rng(DEFAULT_SEED)
x_wave = np.sort(rng.uniform(-3.0, 3.0, size=100)).reshape(-1, 1)
y_wave = np.sin(x_wave[:, 0]) + rng.normal(0.0, 0.1, size=100)
wave_params, wave_history = train(
    x_wave, y_wave, n_hidden=n_hidden, learning_rate=0.1, epochs=2000
)
wave_line = least_squares(x_wave, y_wave)

grid = np.linspace(-3.0, 3.0, 301).reshape(-1, 1)
truth = np.sin(grid[:, 0])
wave_network_mse = mean_squared_error(predict(wave_params, grid), truth)
wave_linear_mse = mean_squared_error(wave_line.predict(grid), truth)
print(f"MSE against sin(x), network: {wave_network_mse:.4f}")
print(f"MSE against sin(x), line:    {wave_linear_mse:.4f}")

# The text below relies on the network doing far better than the line.
assert wave_network_mse < 0.1 * wave_linear_mse

# %%
fig, ax = plt.subplots()
ax.plot(x_wave[:, 0], y_wave, "o", color=COLORS[5], markersize=4,
        label="noisy samples")
plot_curves(
    grid[:, 0],
    {
        "sin(x)": truth,
        f"network, {n_hidden} tanh units": predict(wave_params, grid),
        "least-squares line": wave_line.predict(grid),
    },
    styles={"sin(x)": ":", "least-squares line": "--"},
    title="A curve that a line cannot follow",
    xlabel="x", ylabel="y", ax=ax,
)
plt.show()

# %% [markdown]
# Eight tanh units are enough to follow the wave, and the network's error
# against the true curve is a small fraction of the line's. The hidden
# layer adds what the diabetes data did not need: the ability to bend.

# %% [markdown]
# ## Summary
#
# - A one-hidden-layer network is $\hat y = \tanh(X W_1 + b_1) \, w_2 + b_2$.
#   Its weights start random, scaled by $1/\sqrt{\text{fan-in}}$, so that
#   hidden units differ and tanh starts on its curved part.
# - Backpropagation is the chain rule applied from the loss back to the
#   input. Every gradient has the shape of its parameter, and the bias
#   gradients sum over the examples.
# - A numerical gradient check catches derivation mistakes. Here the hand
#   derivation agrees with central differences to about $10^{-9}$.
# - Choose the number of epochs on a validation set split off the training
#   data, never on the test set.
# - On the diabetes data, the network and linear regression have test errors
#   that 88 test patients cannot distinguish, and the linear model is
#   simpler. A
#   network earns its extra parameters where the data is not linear.
#
# To explore further, change `n_hidden` to 2 or 64 and watch the
# validation curve, or replace tanh by ReLU in a copy of `forward` and
# `backward` and see what the gradient check reports near the kink.
