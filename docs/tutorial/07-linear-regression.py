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
# # Linear regression from scratch
#
# Linear regression is the smallest model that is trained the way a neural
# network is. It has a prediction with adjustable parameters and a loss
# that measures how wrong the predictions are. Training computes the
# gradient of that loss and takes many small steps against it. This page
# builds each piece on real medical data, derives the gradient by hand,
# and checks every step: the gradient against a numerical one, and the
# trained weights against the exact solution that linear algebra gives
# directly.
#
# The derivation uses the chain rule from
# [Nested functions and the chain rule](../04-chain-rule/) and the partial
# derivatives from [Functions of several inputs](../05-several-inputs/).
# The code lives in `dltut.regression`:
# [`mean_squared_error`](../../reference/#dltut.regression.mean_squared_error),
# [`linear_gradients`](../../reference/#dltut.regression.linear_gradients),
# [`fit_linear_regression`](../../reference/#dltut.regression.fit_linear_regression)
# and [`least_squares`](../../reference/#dltut.regression.least_squares).

# %%
import numpy as np
from matplotlib import pyplot as plt

from dltut.data import load_diabetes
from dltut.gradients import numerical_gradient, relative_error
from dltut.plotting import COLORS, plot_curves, use_site_style
from dltut.regression import (
    LinearModel,
    fit_linear_regression,
    least_squares,
    linear_gradients,
    mean_squared_error,
)

use_site_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The data
#
# Seth Weidman's *Deep Learning from Scratch* (2019), whose order Part II
# follows, fits this model to the Boston housing data. scikit-learn removed
# that data set in version 1.2, because one of its variables, `B`, was
# built on a racist assumption about house prices. This page uses another small data
# set that ships with scikit-learn, so nothing is downloaded.
#
# The *diabetes* data set describes 442 diabetes patients. For each patient
# it contains ten measurements taken at a first visit (the *baseline*):
# age, sex, body-mass index (`bmi`), average blood pressure (`bp`) and six
# blood serum measurements, `s1` to `s6`. Among those are total
# cholesterol (`s1`), LDL (`s2`) and HDL (`s3`). The target is a number
# that measures how far the disease progressed one year after the baseline
# visit, from 25 to 346. The data were published with the 2004 paper
# *Least Angle Regression* by Efron, Hastie, Johnstone and Tibshirani.
#
# [`load_diabetes`](../../reference/#dltut.data.load_diabetes) shuffles the
# patients with a fixed seed, keeps 20% of them apart as a *test set*, and
# standardizes every feature to mean 0 and standard deviation 1, using the
# means and standard deviations of the training set only. The test set
# plays the part of new patients: it is used to measure the model, never to
# train it. The targets keep their original units.

# %%
data = load_diabetes()
x_train, y_train = data.x_train, data.y_train
x_test, y_test = data.x_test, data.y_test
n, d = x_train.shape

print("training set:", x_train.shape, " test set:", x_test.shape)
print("features:", ", ".join(data.feature_names))
print(f"targets: {y_train.min():.0f} to {y_train.max():.0f},",
      f"mean {y_train.mean():.1f}, std {y_train.std():.1f}")
largest_mean = np.max(np.abs(x_train.mean(axis=0)))
largest_std_error = np.max(np.abs(x_train.std(axis=0) - 1))
print(f"training features: largest |mean| {largest_mean:.1e},",
      f"largest |std - 1| {largest_std_error:.1e}")

# %% [markdown]
# ## The model
#
# A linear model predicts the target of example $i$ as a weighted sum of
# its $d$ features plus a constant, the *bias*:
#
# $$
# \hat y_i = \sum_{j=1}^{d} w_j x_{ij} + b = x_i \cdot w + b.
# $$
#
# Stacking the $n$ examples as the rows of a matrix $X$ of shape $(n, d)$
# gives all predictions at once: $\hat y = X w + b$, where the number $b$
# is added to every entry. In NumPy that is `x @ weights + bias`, and it is
# what [`LinearModel.predict`](../../reference/#dltut.regression.LinearModel)
# computes. Each weight is the change in the prediction when its feature
# grows by one standard deviation and the other features stay the same.
# Before training, a natural guess is all weights 0 and the bias 0, which
# predicts 0 for everybody:

# %%
untrained = LinearModel(weights=np.zeros(d), bias=0.0)
print("first five predictions:", untrained.predict(x_train[:5]))
print("first five targets:    ", y_train[:5])

# %% [markdown]
# ## The loss: mean squared error
#
# The loss condenses all errors into one number. The *mean squared error*
# averages the squared differences between predictions and targets:
#
# $$
# L(w, b) = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2
# = \frac{1}{n} \sum_{i=1}^{n} (x_i \cdot w + b - y_i)^2.
# $$
#
# Squaring makes every error count as positive and punishes large errors
# more than small ones. The loss is in squared target units, so its square
# root, the *root mean squared error* (RMSE), is easier to read: it is a
# typical size of an error, in the target's own units.
#
# For the untrained model, every prediction is 0, so the loss is the mean
# of the squared targets:

# %%
initial_loss = mean_squared_error(untrained.predict(x_train), y_train)
print(f"loss of the untrained model: {initial_loss:.1f}")
print(f"mean squared target:         {np.mean(y_train**2):.1f}")
print(f"RMSE: {np.sqrt(initial_loss):.1f}")

# %% [markdown]
# ## The gradient
#
# Training needs to know how the loss changes with each parameter. Write
# the *residual* of example $i$ as $r_i = x_i \cdot w + b - y_i$, so that
# $L = \frac{1}{n} \sum_i r_i^2$. The loss depends on $w_j$ only through
# the residuals, so the chain rule gives
#
# $$
# \frac{\partial L}{\partial w_j}
# = \frac{1}{n} \sum_{i=1}^{n} 2 r_i \frac{\partial r_i}{\partial w_j}
# = \frac{2}{n} \sum_{i=1}^{n} r_i x_{ij},
# $$
#
# because $\partial r_i / \partial w_j = x_{ij}$: the residual changes by
# the feature's value when its weight changes by one. The bias enters
# every residual with the factor 1, so
#
# $$
# \frac{\partial L}{\partial b} = \frac{2}{n} \sum_{i=1}^{n} r_i.
# $$
#
# The sum over $i$ of $r_i x_{ij}$, for every $j$ at once, is the
# matrix-vector product $X^\top r$. The whole gradient therefore takes
# three lines of NumPy, whatever the number of features:
#
# $$
# \frac{\partial L}{\partial w} = \frac{2}{n} X^\top r, \qquad
# \frac{\partial L}{\partial b} = \frac{2}{n} \sum_{i=1}^{n} r_i.
# $$
#
# Here they are, at a random point, next to
# [`linear_gradients`](../../reference/#dltut.regression.linear_gradients),
# which computes the same formulas after checking the shapes:

# %%
rng = np.random.default_rng(0)
weights = rng.normal(scale=10.0, size=d)
bias = 100.0

residuals = x_train @ weights + bias - y_train
grad_weights = 2 / n * x_train.T @ residuals
grad_bias = 2 / n * residuals.sum()

package_weights, package_bias = linear_gradients(
    x_train, y_train, weights, bias
)
print("dL/dw by hand:     ", grad_weights)
print("linear_gradients:  ", package_weights)
print(f"dL/db by hand: {grad_bias:.4f}, package: {package_bias:.4f}")

# %% [markdown]
# Self-check: a derivation is easy to get wrong by a factor of 2 or a sign,
# so compare it with
# [`numerical_gradient`](../../reference/#dltut.gradients.numerical_gradient),
# which moves each parameter by $\pm 10^{-6}$ in turn and takes central
# differences, as on the [Numerical derivatives](../02-derivatives/) page.

# %%
def loss_of_weights(w):
    """Return the training loss as a function of the weights alone."""
    return mean_squared_error(x_train @ w + bias, y_train)


def loss_of_bias(b):
    """Return the training loss as a function of the bias alone."""
    return mean_squared_error(x_train @ weights + b, y_train)


numerical_weights = numerical_gradient(loss_of_weights, weights)
numerical_bias = numerical_gradient(loss_of_bias, np.array(bias))

weights_error = relative_error(grad_weights, numerical_weights)
bias_error = relative_error(grad_bias, numerical_bias)
print(f"relative error, weights: {weights_error:.1e}")
print(f"relative error, bias:    {bias_error:.1e}")

# The loss is quadratic, so central differences have no truncation
# error. Rounding remains: about eps * L / 1e-6 = 2e-6 with L near 1e4
# here, or 2e-8 relative to the largest gradient entry, about 100.
assert weights_error < 1e-6
assert bias_error < 1e-6

# %% [markdown]
# ## Gradient descent, step by step
#
# The gradient points in the direction in which the loss grows fastest.
# *Gradient descent* takes a small step the other way, scaled by the
# *learning rate* $\eta$:
#
# $$
# w \leftarrow w - \eta \frac{\partial L}{\partial w}, \qquad
# b \leftarrow b - \eta \frac{\partial L}{\partial b}.
# $$
#
# Each step here uses all training examples, so one step is one *epoch*.
# Five epochs from the untrained model, with $\eta = 0.1$:

# %%
learning_rate = 0.1
weights = np.zeros(d)
bias = 0.0
biases = [bias]
print(f"epoch 0: loss {initial_loss:8.1f}, bias {bias:6.2f}")

for epoch in range(1, 6):
    grad_weights, grad_bias = linear_gradients(
        x_train, y_train, weights, bias
    )
    weights = weights - learning_rate * grad_weights
    bias = bias - learning_rate * grad_bias
    biases.append(bias)
    loss = mean_squared_error(x_train @ weights + bias, y_train)
    print(
        f"epoch {epoch}: loss {loss:8.1f}, bias {bias:6.2f},",
        f"bmi weight {weights[2]:5.2f}",
    )

# %% [markdown]
# The loss falls fast, and the bias climbs towards the mean target,
# 151.4. It does so on a precise schedule. Every training feature has mean
# 0, so the predictions' mean is just $b$, and the bias gradient is
# $\frac{2}{n} \sum_i r_i = 2 (b - \bar y)$, where $\bar y$ is the mean
# target. Each step therefore moves $b$ a fraction $2 \eta = 0.2$ of the
# way to $\bar y$, and after $k$ steps from 0,
# $b_k = \bar y \, (1 - (1 - 2\eta)^k)$. Self-check:

# %%
mean_target = y_train.mean()
steps = np.arange(len(biases))
predicted_biases = mean_target * (1 - (1 - 2 * learning_rate) ** steps)
bias_difference = np.max(np.abs(np.array(biases) - predicted_biases))
print("biases:   ", np.array(biases))
print("formula:  ", predicted_biases)
print(f"largest difference: {bias_difference:.1e}")

# The feature means are 0 only up to rounding (below 1e-14, as printed
# above), and each step rounds numbers near 150, which costs a few eps
# times 150, about 1e-13.
assert bias_difference < 1e-12

# %% [markdown]
# ## Training
#
# [`fit_linear_regression`](../../reference/#dltut.regression.fit_linear_regression)
# runs this loop for a given number of epochs. It starts from small random
# weights (drawn with the seed 0) and records the loss on the training set
# and, if given, on the test set before the first epoch and after each
# one.

# %%
model, history = fit_linear_regression(
    x_train,
    y_train,
    learning_rate=0.1,
    epochs=1000,
    x_test=x_test,
    y_test=y_test,
)
print(f"training loss: {history.train_loss[0]:.1f} at the start,",
      f"{history.train_loss[-1]:.1f} after 1000 epochs")
print(f"test loss:     {history.test_loss[0]:.1f} at the start,",
      f"{history.test_loss[-1]:.1f} after 1000 epochs")

# %% [markdown]
# The training loss falls by a factor of ten in all. The first epoch
# accounts for a factor of about 1.6 of that:

# %%
train_loss = np.asarray(history.train_loss)
print(f"epoch 0 to 1000: loss / {train_loss[0] / train_loss[-1]:.1f}")
print(f"epoch 0 to 1:    loss / {train_loss[0] / train_loss[1]:.1f}")
print(f"epoch 1 to 1000: loss / {train_loss[1] / train_loss[-1]:.1f}")

# %% [markdown]
# Both axes of the figure are logarithmic. The curves start after the
# first epoch, because 0 has no place on a log axis, so the figure shows
# the remaining factor of about 6. Almost all of it happens in the first
# few dozen epochs, which a linear epoch axis would squeeze into its left
# edge.

# %%
epochs = np.arange(1, len(history.train_loss))
ax = plot_curves(
    epochs,
    {
        "training set": history.train_loss[1:],
        "test set": history.test_loss[1:],
    },
    title="Loss during gradient descent (learning rate 0.1)",
    xlabel="epoch",
    ylabel="mean squared error",
    styles={"test set": "--"},
    logx=True,
    logy=True,
)
plt.show()

# %% [markdown]
# The test loss ends up close to the training loss, so the model does not
# *overfit*: it does as well on patients that it has not seen as on those
# it was trained on. (Here the test loss is even a little lower. With 88
# test patients that is chance, depending on which patients the shuffle
# put into the test set.) A model with only 11 parameters, trained on 354
# examples, has little room to memorize them.

# %% [markdown]
# ## Comparison with the exact solution
#
# Linear regression is one of the few models whose best parameters can be
# computed directly. Append a column of ones to $X$, so that
# $A = [X, 1]$ and the parameters are $p = (w, b)$. The gradient of
# $L = \frac{1}{n} \lVert A p - y \rVert^2$ is
# $\frac{2}{n} A^\top (A p - y)$. At the minimum it is zero, which gives
# the *normal equations*
#
# $$
# A^\top A \, p = A^\top y.
# $$
#
# [`least_squares`](../../reference/#dltut.regression.least_squares) solves
# this problem with `numpy.linalg.lstsq`, which works on $A$ itself rather
# than on $A^\top A$ and so loses fewer digits to rounding. The table
# compares its weights with those of gradient descent after 1000 epochs,
# and after 20000 epochs:

# %%
exact = least_squares(x_train, y_train)
long_model, long_history = fit_linear_regression(
    x_train,
    y_train,
    learning_rate=0.1,
    epochs=20_000,
    x_test=x_test,
    y_test=y_test,
)

print(f"{'':>5} {'1000 epochs':>12} {'20000 epochs':>13}",
      f"{'lstsq':>10}")
rows = zip(
    data.feature_names,
    model.weights,
    long_model.weights,
    exact.weights,
    strict=True,
)
for name, short, long, reference in rows:
    print(f"{name:>5} {short:12.4f} {long:13.4f} {reference:10.4f}")
print(f"{'bias':>5} {model.bias:12.4f} {long_model.bias:13.4f}",
      f"{exact.bias:10.4f}")

# %% [markdown]
# After 20000 epochs the two methods agree to every printed digit. After
# 1000 epochs, though, some weights are still far from the exact ones,
# `s1`, `s2` and `s3` above all, while the training loss is already
# within one unit of its minimum:

# %%
minimum_loss = mean_squared_error(exact.predict(x_train), y_train)
print(f"minimum training loss (lstsq): {minimum_loss:.2f}")
print(f"after 1000 epochs:             {history.train_loss[-1]:.2f}")

# %% [markdown]
# Why do some weights converge so slowly, when the loss hardly changes any
# more?
#
# $L$ is an exact quadratic function of $p$, a bowl. Its matrix of second
# derivatives, the Hessian $H = \frac{2}{n} A^\top A$, is the same
# everywhere, and along each eigenvector of $H$ the curvature of the bowl
# is the corresponding eigenvalue. Since the gradient is $H (p - p^*)$, where $p^*$ is
# the exact solution, one step of gradient descent gives
# $p - p^* \leftarrow (I - \eta H)(p - p^*)$: along the eigenvector with
# eigenvalue $\lambda$, the remaining error shrinks by the factor
# $1 - \eta \lambda$ per epoch.

# %%
design = np.column_stack([x_train, np.ones(n)])
hessian = 2 / n * design.T @ design
eigenvalues, eigenvectors = np.linalg.eigh(hessian)
smallest, largest = eigenvalues[0], eigenvalues[-1]
print(f"eigenvalues of H: {smallest:.4f} to {largest:.4f}")
print(f"slowest factor per epoch: {1 - learning_rate * smallest:.5f}")
for count in (1000, 20_000):
    remaining = (1 - learning_rate * smallest) ** count
    print(f"  after {count:>5} epochs: {remaining:.1e}")

# The direction of the smallest eigenvalue, over the weights and the
# bias (the last entry).
flat_direction = eigenvectors[:, 0]
print("flattest direction:")
for name, entry in zip(
    (*data.feature_names, "bias"), flat_direction, strict=True
):
    print(f"  {name:>4} {entry:7.3f}")

# %% [markdown]
# The flattest direction moves mostly the weights of `s1`, `s2`, `s3`
# and `s5`. Total cholesterol (`s1`) is made up largely of LDL (`s2`) and
# HDL (`s3`), with a part that follows the triglycerides (`s5`), so `s1`
# is close to a weighted sum of the other three. Raising the weight of
# `s1` and lowering theirs by matching amounts therefore changes the
# predictions very little. Along that direction the bowl is almost flat,
# so the gradient is small and the steps are short. After 1000 epochs
# about 16% of the initial error in that direction remains, and the table
# shows it. After 20000 epochs the factor is $2 \times 10^{-16}$, at the
# level of rounding error.
#
# Self-check: after 20000 epochs the weights, the bias and the test loss
# of gradient descent must agree with the exact solution to better than
# $10^{-10}$, relative to their size.

# %%
exact_test_loss = mean_squared_error(exact.predict(x_test), y_test)
differences = {
    "weights": relative_error(long_model.weights, exact.weights),
    "bias": relative_error(long_model.bias, exact.bias),
    "test loss": relative_error(
        long_history.test_loss[-1], exact_test_loss
    ),
}
for name, difference in differences.items():
    print(f"relative difference, {name}: {difference:.1e}")

# The slowest error factor above is below 1e-15 after 20000 epochs,
# so only rounding remains: about cond(H) * eps, which is 1e-13 for a
# condition number near 440. 1e-10 leaves a wide margin.
for difference in differences.values():
    assert difference < 1e-10

# %% [markdown]
# ## How good is the model?
#
# The test set measures the model trained for 20000 epochs on patients
# that it has not seen. To judge the numbers, compare them with a
# *baseline* that ignores the features: predict the mean target of the
# training set for everybody. (The test set's own mean would use the test
# targets, which a real prediction cannot know.)

# %%
test_predictions = long_model.predict(x_test)
test_mse = mean_squared_error(test_predictions, y_test)
baseline_predictions = np.full_like(y_test, y_train.mean())
baseline_mse = mean_squared_error(baseline_predictions, y_test)

print(f"linear model: test MSE {test_mse:7.1f},",
      f"RMSE {np.sqrt(test_mse):5.1f}")
print(f"baseline:     test MSE {baseline_mse:7.1f},",
      f"RMSE {np.sqrt(baseline_mse):5.1f}")
print(f"the model's MSE is {test_mse / baseline_mse:.0%}",
      "of the baseline's")

# %% [markdown]
# A typical error of the linear model is about 53 units of disease
# progression, against about 77 for the baseline: the ten measurements
# explain about half of the variation between patients. The figure shows
# what that looks like. Each dot is a test patient; a perfect model would
# put every dot on the dashed diagonal.

# %%
fig, ax = plt.subplots(figsize=(5.2, 5.2), layout="constrained")
ax.scatter(y_test, test_predictions, s=18, color=COLORS[0],
           label="test patients")
limits = (0, 360)
ax.plot(limits, limits, "--", color=COLORS[6], linewidth=1.2,
        label="perfect prediction")
ax.axhline(y_train.mean(), color=COLORS[1], linestyle=":",
           label="baseline (training mean)")
ax.set_xlim(limits)
ax.set_ylim(limits)
ax.set_aspect("equal")
ax.set_title("Predicted and actual progression, test set")
ax.set_xlabel("actual disease progression")
ax.set_ylabel("predicted disease progression")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# The dots follow the diagonal, but loosely, and they lean towards the
# mean: the model underestimates the patients who progressed most and
# overestimates those who progressed least. A straight line in ten
# measurements cannot capture everything that drives the disease.

# %% [markdown]
# ## How the learning rate matters
#
# The factor $1 - \eta \lambda$ also limits how large $\eta$ may be. If
# $\eta \lambda > 2$ for some eigenvalue, the factor is below $-1$: each
# step overshoots the minimum by more than the error it had, and the error
# grows geometrically. Gradient descent on this loss therefore converges
# from every starting point exactly when
#
# $$
# \eta < \frac{2}{\lambda_{\max}}.
# $$

# %%
largest_rate = 2 / largest
print(f"largest eigenvalue: {largest:.4f}")
print(f"learning rates below {largest_rate:.4f} converge")

# %% [markdown]
# The figure trains for 100 epochs with learning rates on both sides of
# that limit. The left panel shows the four rates below the limit. It plots
# how far the loss still is above its minimum, $L - L_{\min}$, on a log
# axis. The losses themselves all end within about 16% of $L_{\min}$,
# where a plot of the loss would squeeze them together. The right panel
# shows the losses for the rates just below and just above the limit.

# %%
rates = [0.01, 0.05, 0.1, 0.25, 0.26]
curves = {}
for rate in rates:
    _, rate_history = fit_linear_regression(
        x_train, y_train, learning_rate=rate, epochs=100
    )
    curves[f"rate {rate:g}"] = np.asarray(rate_history.train_loss)
below_limit = {
    label: losses - minimum_loss
    for label, losses in curves.items()
    if label != "rate 0.26"
}

fig, (left, right) = plt.subplots(
    1, 2, figsize=(8.0, 3.4), layout="constrained"
)
plot_curves(
    np.arange(101),
    below_limit,
    title="Below the limit",
    xlabel="epoch",
    ylabel="loss minus its minimum",
    logy=True,
    ax=left,
)
# Same colour for rate 0.25 as on the left; 0.26 in black, dashed.
right.plot(curves["rate 0.25"], color=COLORS[3], label="rate 0.25")
right.plot(curves["rate 0.26"], "--", color=COLORS[6],
           label="rate 0.26")
right.set_yscale("log")
right.set_title("Either side of the limit")
right.set_xlabel("epoch")
right.set_ylabel("mean squared error")
right.legend()
plt.show()

# %% [markdown]
# - With $\eta = 0.01$ the steps are too short: after 100 epochs the loss is
#   still falling at a steady rate, several hundred above its minimum.
# - $\eta = 0.05$ and $\eta = 0.1$ come within about 30 of the minimum,
#   1% of it, in a few dozen epochs. What remains lies along the flat
#   direction of the previous section and takes thousands of epochs.
# - $\eta = 0.25$ is just below the limit. The steepest direction's factor
#   is close to $-1$, so the parameters jump from one side of the bowl to
#   the other, and the loss settles slowly: after a fast first drop, its
#   distance to the minimum shrinks along a straight line on the log axis,
#   by about 5% per epoch. That is the factor $(1 - \eta \lambda_{\max})^2$,
#   squared because the loss is quadratic in the error.
# - $\eta = 0.26$ is just above the limit, and the loss grows without
#   bound.
#
# Self-check: the four rates below the limit end with a lower loss than
# they started with, and the one above ends with a higher loss. The cell
# also prints $L - L_{\min}$ after 50 and 100 epochs and checks the
# numbers that the list above quotes.

# %%
print(f"{'rate':>4} {'final / initial':>15}",
      f"{'L - L_min, epoch 50':>19} {'epoch 100':>9}")
for rate, losses in zip(rates, curves.values(), strict=True):
    ratio = losses[-1] / losses[0]
    excess = losses - minimum_loss
    print(f"{rate:4g} {ratio:15.4f} {excess[50]:19.3g}",
          f"{excess[100]:9.3g}")
    # Below the limit, every step on a quadratic lowers the loss.
    assert (ratio < 1) == (rate < largest_rate)

steep_factor = (1 - 0.25 * largest) ** 2
measured_factor = (
    below_limit["rate 0.25"][60] / below_limit["rate 0.25"][40]
) ** (1 / 20)
print("rate 0.25, shrink factor per epoch:",
      f"predicted {steep_factor:.3f},",
      f"measured from epoch 40 to 60: {measured_factor:.3f}")
final_spread = max(below_limit[label][-1] for label in below_limit)
print(f"largest final L - L_min below the limit: {final_spread:.0f}",
      f"({final_spread / minimum_loss:.0%} of L_min)")

# The list above: 0.01 still hundreds above the minimum, 0.05 and 0.1
# within 1.5% of it after 50 epochs, 0.25 shrinking by about 5% per epoch.
assert below_limit["rate 0.01"][-1] > 100
for label in ("rate 0.05", "rate 0.1"):
    assert below_limit[label][50] < 0.015 * minimum_loss
assert abs(measured_factor - steep_factor) < 0.01
assert final_spread < 0.17 * minimum_loss

# %% [markdown]
# A larger rate diverges faster, until the loss no longer fits in a
# float64. `fit_linear_regression` then stops, keeps the last parameters
# whose loss was finite, and sets `history.diverged`, instead of
# returning infinite or NaN weights:

# %%
_, diverging = fit_linear_regression(
    x_train, y_train, learning_rate=1.0, epochs=1000
)
print("diverged:", diverging.diverged)
print("epochs completed:", len(diverging.train_loss) - 1)
print(f"last finite loss: {diverging.train_loss[-1]:.1e}")

# %% [markdown]
# ## Summary
#
# - A linear model predicts $\hat y = X w + b$; the mean squared error
#   measures its errors; the chain rule gives the gradient
#   $\frac{2}{n} X^\top r$ for the weights and $\frac{2}{n} \sum_i r_i$
#   for the bias.
# - Gradient descent with the learning rate 0.1 reaches the exact
#   least-squares solution on the diabetes data, to better than $10^{-10}$,
#   but needs thousands of epochs for the directions in which correlated
#   features make the loss nearly flat.
# - Learning rates above $2 / \lambda_{\max}$ of the Hessian make the loss
#   grow without bound.
# - On the test set, the model's RMSE is about 53, against 77 for always
#   predicting the mean.
#
# A linear model can only draw a flat surface through the data. The next
# page, [A neural network from scratch](../08-neural-network/), puts a
# nonlinear layer in front of it and trains both with the same recipe: a
# loss, its gradient by the chain rule, and gradient descent.
