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
# # Classifying handwritten digits
#
# The [building blocks](../09-building-blocks/) page assembled
# operations, layers, losses and networks, and checked every gradient.
# This page adds the two pieces that turn gradients into learning, an
# optimizer and a training loop, and uses them on real images: 1,797 handwritten digits of 8 by 8
# pixels. The network will be an ordinary one, a hidden layer and an
# output layer with ten units, and it reaches about 97% accuracy on
# digits it has never seen.
#
# The network is the easy part. Most of this page is about doing the
# experiment honestly. The settings (layer width, activation, learning
# rate, input scaling) are chosen on a *validation* set split off the
# training data. The test set is used once, at the end, to measure the
# chosen network. A test accuracy that was also used to pick the
# settings is an optimistic estimate, because among many tries some win
# by luck on those particular test images.

# %%
import numpy as np
from matplotlib import pyplot as plt
from matplotlib.ticker import MaxNLocator

from dltut.data import DEFAULT_SEED, load_digits, stratified_split
from dltut.gradients import numerical_gradient, relative_error
from dltut.image_plots import confusion_matrix_figure, image_grid
from dltut.metrics import accuracy, confusion_matrix
from dltut.nn import (
    Dense,
    NeuralNetwork,
    ReLU,
    SoftmaxCrossEntropy,
    Tanh,
)
from dltut.optim import SGD, ExponentialDecay, SGDMomentum
from dltut.plotting import plot_curves, use_site_style
from dltut.train import Trainer

use_site_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The data
#
# The digits come with scikit-learn, so nothing is downloaded. Each
# image is 8 by 8 pixels with a gray level from 0 to 16. `load_digits`
# divides by 16, so pixels lie in $[0, 1]$, and stores each image as one
# row of 64 numbers (the image's rows one after another). It splits the
# images into 80% for training and 20% for testing, *stratified*: each
# digit makes up the same share of both sets, so the test set does not
# over-represent any digit by chance.

# %%
data = load_digits()
x_train, y_train = data.x_train, data.y_train
x_test, y_test = data.x_test, data.y_test

print("x_train:", x_train.shape, " x_test:", x_test.shape)
print(f"pixels from {x_train.min():.1f} to {x_train.max():.1f}")
print("training images per digit:", np.bincount(y_train))
print("test images per digit:    ", np.bincount(y_test))

# %% [markdown]
# Here are the first 30 training images with their labels. At this
# resolution a digit is a coarse blob of ink, and some are hard to read
# even for a person.

# %%
image_grid(
    x_train[:30],
    titles=[str(label) for label in y_train[:30]],
    title="The first 30 training images and their labels",
)
plt.show()

# %% [markdown]
# ## Scaling the inputs
#
# Pixels in $[0, 1]$ are already of a reasonable size, but the 64 inputs
# differ a lot: pixels near the center are often dark, pixels at the
# border almost never. *Standardizing* each pixel gives every input the
# same scale,
#
# $$
# x'_j = \frac{x_j - \mu_j}{\sigma_j + 0.1},
# $$
#
# where $\mu_j$ and $\sigma_j$ are the mean and standard deviation of
# pixel $j$ over the **training** images. The same numbers scale the
# validation and test images, so no information flows from them into
# training.
#
# The $0.1$ is there because some pixels are 0 in every training image,
# so $\sigma_j = 0$ and plain standardization would divide by zero.
# (That is why `dltut.data.standardize` rejects constant columns.) With
# the constant, such a pixel maps to 0, and rare pixels with a tiny
# spread are not blown up into huge values.

# %%
def scale_inputs(train, *others):
    """Standardize with the training images' statistics."""
    mean = train.mean(axis=0)
    scale = train.std(axis=0) + 0.1
    return tuple((x - mean) / scale for x in (train, *others))


never_inked = np.flatnonzero(x_train.std(axis=0) == 0)
print("pixels that are 0 in every training image:", never_inked)

# %% [markdown]
# ## The network
#
# The classifier has one hidden layer and an output layer with one unit
# per digit. The output layer has no activation: its ten outputs are
# *logits*, and `SoftmaxCrossEntropy` turns them into probabilities
# with the [softmax](../03-softmax/) and measures the cross-entropy
# against the true label. For a batch of $n$ images, the shapes are
#
# $$
# X \in \mathbb{R}^{n \times 64}
# \;\to\; H = f(X W_1 + b_1) \in \mathbb{R}^{n \times h}
# \;\to\; Z = H W_2 + b_2 \in \mathbb{R}^{n \times 10},
# $$
#
# with $h$ hidden units and activation $f$. The predicted digit is the
# column of the largest logit. A function builds the network, so that
# every experiment below starts from the same seeded weights.

# %%
def make_network(hidden, activation):
    """Build a digits classifier with one hidden layer."""
    if activation == "relu":
        # He initialization keeps the variance of ReLU outputs steady.
        layer = Dense(hidden, ReLU(), init="he")
    else:
        layer = Dense(hidden, Tanh(), init="glorot")
    return NeuralNetwork(
        [layer, Dense(10)], SoftmaxCrossEntropy(), seed=DEFAULT_SEED
    )


network = make_network(128, "relu")
logits = network.predict(x_train[:5])
print("logits of 5 images:", logits.shape)
for name, param in zip(
    ["W1", "b1", "W2", "b2"], network.params(), strict=True
):
    print(f"{name}: {param.shape}")
count = sum(param.size for param in network.params())
print(f"parameters: {count:,}")

# %% [markdown]
# Before training, it is worth checking that the backward pass gives the
# right gradient *on this data*. The check below compares the gradient
# of every one of those parameters, computed by `train_batch`, with
# central differences of the loss on 8 training images.

# %%
batch_x, batch_y = x_train[:8], y_train[:8]
network.train_batch(batch_x, batch_y)
analytic = [grad.copy() for grad in network.param_grads()]


def loss_at(param, values):
    """Loss on the batch with `param` temporarily set to `values`."""
    saved = param.copy()
    param[...] = values
    loss = network.loss_value(batch_x, batch_y)
    param[...] = saved
    return loss


errors = []
for param, grad in zip(network.params(), analytic, strict=True):
    numerical = numerical_gradient(
        lambda values, param=param: loss_at(param, values), param
    )
    errors.append(relative_error(grad, numerical))
print("relative errors:", ", ".join(f"{e:.1e}" for e in errors))
# The errors are near 1e-9 here, so a bound of 1e-6 leaves room for
# rounding, while a wrong formula would give an error near 1.
assert max(errors) < 1e-6

# %% [markdown]
# ## From gradients to training
#
# `train_batch` computes the gradients but leaves the parameters alone.
# An **optimizer** changes them. Its `step(network)` walks through
# `network.params()` and `network.param_grads()`, which come in the
# same order, and updates each parameter array $\theta$ in place from
# its gradient $g = \partial L / \partial \theta$. Plain stochastic
# gradient descent (`SGD`) takes a step of size $\eta$, the learning
# rate, against the gradient:
#
# $$
# \theta \leftarrow \theta - \eta \, g .
# $$
#
# `SGDMomentum`, used on this page, also keeps a *velocity* $v$ per
# parameter, starting at 0, and moves along it:
# $v \leftarrow \mu v - \eta g$, then $\theta \leftarrow \theta + v$.
# With $\mu = 0.9$, steps along a direction where the gradient keeps its
# sign build up. The [training tricks](../11-training-tricks/) page
# compares the two. The cell below checks one plain SGD step against the
# formula.

# %%
network.train_batch(batch_x, batch_y)
before = [param.copy() for param in network.params()]
gradients = [grad.copy() for grad in network.param_grads()]
SGD(0.1).step(network)
step_errors = [
    np.max(np.abs(after - (old - 0.1 * grad)))
    for after, old, grad in zip(
        network.params(), before, gradients, strict=True
    )
]
print(f"largest difference from the formula: {max(step_errors):.1e}")
# The optimizer computes the same float64 expression, so at most one
# rounding step of the parameters' size (about 1) can differ.
assert max(step_errors) < 1e-15

# %% [markdown]
# On [A neural network from scratch](../08-neural-network/), every
# update used the gradient over all training examples (full-batch
# gradient descent). Here each update uses a **mini-batch**: a small
# random subset of the training examples, 32 on this page. Its gradient
# is a noisy estimate of the full one, but costs a fraction of the work,
# so the network gets many updates for one pass over the data. One such
# pass is an **epoch**: the training set is shuffled, cut into
# mini-batches, and every mini-batch gives one update.
#
# `Trainer(network, optimizer).fit(x, y, epochs=...)` runs that loop.
# In each epoch it
#
# 1. sets the epoch's learning rate from the optimizer's schedule, if
#    it has one (`optimizer.start_epoch(epoch)`);
# 2. shuffles the training set with a seeded generator and, for each
#    mini-batch, calls `network.train_batch` (forward, loss, backward)
#    and then `optimizer.step(network)`;
# 3. measures the loss and accuracy on the whole training set, and on
#    the test set if one is given, with dropout off, and appends them
#    to the returned `History`;
# 4. prints one line with those numbers, if `verbose` is true.

# %% [markdown]
# ## Choosing the settings on a validation set
#
# Which hidden width, activation, input scaling and learning rate should
# the network use? Rather than guess, the page tries a few of them.
# Every run uses the same recipe otherwise: 40 epochs of mini-batches of
# 32 images, SGD with momentum 0.9, and a learning rate that decays
# geometrically from its initial value to a tenth of it.
#
# The runs are judged on a validation set: 20% of the *training* images,
# split off stratified by digit. The networks are trained on the other
# 80% and never see the validation images, and the test set plays no
# part at all.

# %%
fit_x, fit_y, val_x, val_y = stratified_split(
    x_train, y_train, test_fraction=0.2, seed=DEFAULT_SEED
)
print("fit:", fit_x.shape, " validation:", val_x.shape)

EPOCHS = 40


def train_network(hidden, activation, rate, x, y, **fit_options):
    """Train a network with the page's recipe and given settings."""
    model = make_network(hidden, activation)
    decay = ExponentialDecay(rate, rate / 10, EPOCHS)
    optimizer = SGDMomentum(rate, momentum=0.9, schedule=decay)
    history = Trainer(model, optimizer).fit(
        x, y, epochs=EPOCHS, batch_size=32, **fit_options
    )
    return model, history


def validate(hidden, activation, standardized, rate):
    """Train on the fit set and measure on the validation set."""
    if standardized:
        inputs, val_inputs = scale_inputs(fit_x, val_x)
    else:
        inputs, val_inputs = fit_x, val_x
    model, _ = train_network(
        hidden, activation, rate, inputs, fit_y, verbose=False
    )
    return {
        "hidden": hidden,
        "activation": activation,
        "standardized": standardized,
        "rate": rate,
        "accuracy": accuracy(model, val_inputs, val_y),
        "loss": model.loss_value(val_inputs, val_y),
    }


def show(rows):
    """Print one line per run."""
    print("hidden  activation  inputs        rate  val acc  val loss")
    for row in rows:
        inputs = "standardized" if row["standardized"] else "raw"
        print(
            f"{row['hidden']:>6}  {row['activation']:<10}  "
            f"{inputs:<12}  {row['rate']:.2f}  "
            f"{100 * row['accuracy']:6.2f}%  {row['loss']:.4f}"
        )


def pick_best(rows):
    """Pick the highest validation accuracy, then the lowest loss."""
    return max(rows, key=lambda row: (row["accuracy"], -row["loss"]))


# %% [markdown]
# Each run trains a network for 40 epochs. Two widths, two
# activations, two input scalings and three learning rates make 24
# combinations, so to keep the page quick the search goes in two stages.
# The first stage compares the network and its input at a learning rate
# of 0.02: 64 or 128 hidden units, tanh (with Glorot initialization) or
# ReLU (with He initialization), and raw or standardized pixels. The
# second stage tries two more rates for the best of these. For the
# standardized runs, the statistics come from the 80% used for fitting.

# %%
WIDTHS, ACTIVATIONS = (64, 128), ("tanh", "relu")
SCALINGS = (False, True)
FIRST_RATE, OTHER_RATES = 0.02, (0.01, 0.05)
all_combinations = (
    len(WIDTHS) * len(ACTIVATIONS) * len(SCALINGS)
    * (1 + len(OTHER_RATES))
)
runs = len(WIDTHS) * len(ACTIVATIONS) * len(SCALINGS) + len(OTHER_RATES)
print(f"all combinations: {all_combinations}, runs here: {runs}")

# %%
stage_one = [
    validate(hidden, activation, standardized, FIRST_RATE)
    for standardized in SCALINGS
    for hidden in WIDTHS
    for activation in ACTIVATIONS
]
show(stage_one)

# %% [markdown]
# The validation set has only 287 images, so one image is worth 0.35
# percentage points, and differences of one or two images are noise.
# The evidence for a choice is better read from matched pairs: two runs
# that differ in that choice only. The cell below compares them. In
# every pair, ReLU is at least as accurate as tanh and standardized
# inputs at least as accurate as raw ones, and the validation loss is
# lower for ReLU and for standardized inputs in every pair. The two best
# runs use ReLU on standardized inputs.

# %%
def describe(row, key):
    """Name a run's settings other than row[key]."""
    parts = [f"{row['hidden']} units"]
    if key != "activation":
        parts.append(row["activation"])
    if key != "standardized":
        parts.append("standardized" if row["standardized"] else "raw")
    return ", ".join(parts)


def compare_pairs(key, worse, better, title):
    """Print runs that differ only in row[key], and check the claim."""
    print(title)
    pairs = 0
    for row in stage_one:
        if row[key] != better:
            continue
        match = next(
            other for other in stage_one
            if other[key] == worse
            and describe(other, key) == describe(row, key)
        )
        gain = 100 * (row["accuracy"] - match["accuracy"])
        change = row["loss"] - match["loss"]
        print(
            f"  {describe(row, key):<23}  accuracy {gain:+5.2f} points"
            f"  loss {change:+.4f}"
        )
        # The claims of the text above, for every pair.
        assert row["accuracy"] >= match["accuracy"]
        assert row["loss"] < match["loss"]
        pairs += 1
    assert pairs == 4


compare_pairs("activation", "tanh", "relu", "relu minus tanh:")
compare_pairs(
    "standardized", False, True, "standardized minus raw:"
)

best = pick_best(stage_one)
ranked = sorted(
    stage_one, key=lambda row: (row["accuracy"], -row["loss"])
)
assert all(
    row["activation"] == "relu" and row["standardized"]
    for row in ranked[-2:]
)

# %% [markdown]
# The rule for picking was fixed before looking: the highest validation
# accuracy, and among equal accuracies the lowest validation loss.

# %% [markdown]
# The second stage keeps that network and input and tries a smaller and
# a larger learning rate. Below, the rule prefers the higher accuracy
# even where the validation loss is higher, and a lead of one
# validation image is partly luck, so a neighboring setting would have
# been about as good a choice.

# %%
stage_two = [
    validate(best["hidden"], best["activation"], True, rate)
    for rate in OTHER_RATES
]
show([best, *stage_two])
best = pick_best([best, *stage_two])
print(
    f"chosen: {best['hidden']} {best['activation']} units, "
    f"{'standardized' if best['standardized'] else 'raw'} inputs, "
    f"learning rate {best['rate']:.2f}"
)
print(f"validation accuracy {100 * best['accuracy']:.2f}%")

# %% [markdown]
# ## Training the chosen network
#
# With the settings fixed, the validation set has done its job, so the
# final network trains on all 1,438 training images. The input scaling
# is recomputed from them, and the test images are scaled with the same
# numbers.
#
# `Trainer.fit` also measures the test set after every epoch, which is
# only for the curves below: the number of epochs was fixed at 40 in
# advance and is not chosen from these lines.

# %%
if best["standardized"]:
    train_inputs, test_inputs = scale_inputs(x_train, x_test)
else:
    train_inputs, test_inputs = x_train, x_test

network, history = train_network(
    best["hidden"],
    best["activation"],
    best["rate"],
    train_inputs,
    y_train,
    x_test=test_inputs,
    y_test=y_test,
    verbose=True,
)

# %% [markdown]
# Each line shows, after the epoch, the loss on the whole training set
# and the accuracy on the training and test sets, then the learning rate
# that the epoch used.
#
# ## Training curves

# %%
epochs = np.arange(1, EPOCHS + 1)
fig, (left, right) = plt.subplots(
    1, 2, figsize=(9.6, 3.8), layout="constrained"
)
plot_curves(
    epochs,
    {"train": history.train_loss, "test": history.test_loss},
    title="Cross-entropy loss",
    xlabel="epoch",
    ylabel="loss (log scale)",
    styles={"test": "--"},
    logy=True,
    ax=left,
)
plot_curves(
    epochs,
    {
        "train": 100 * np.array(history.train_accuracy),
        "test": 100 * np.array(history.test_accuracy),
    },
    title="Accuracy",
    xlabel="epoch",
    ylabel="accuracy (%)",
    styles={"test": "--"},
    ax=right,
)
right.set_ylim(90, 100.5)
for ax in (left, right):
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
plt.show()

# %% [markdown]
# After a few epochs the network classifies every training image
# correctly, and from then on the training loss keeps falling only
# because the network grows more confident. The test loss levels off
# near 0.1, far above the training loss, and the test accuracy stays
# below 100%. That gap between training and test is the price of
# learning from 1,438 examples. The
# [training tricks](../11-training-tricks/) page looks at ways to narrow
# it.
#
# ## Measuring on the test set
#
# Now, once, the number this page is about: the accuracy of the chosen
# network on the 359 test images.

# %%
test_accuracy = accuracy(network, test_inputs, y_test)
predicted = np.argmax(network.predict(test_inputs), axis=1)
wrong = np.flatnonzero(predicted != y_test)
print(f"test accuracy: {100 * test_accuracy:.2f}%")
print(f"misclassified: {wrong.size} of {y_test.size} test images")
# The result the settings were chosen to reach.
assert test_accuracy >= 0.97
# fit's last test measurement is the same network on the same images.
assert history.test_accuracy[-1] == test_accuracy

# %% [markdown]
# ## The confusion matrix
#
# One accuracy hides *which* digits go wrong. A confusion matrix counts,
# for every true digit (row), how often the network predicted each digit
# (column). Correct predictions sit on the diagonal, so the accuracy is
# the diagonal's sum divided by the total, which the next cell checks.

# %%
matrix = confusion_matrix(y_test, predicted, 10)
from_matrix = np.trace(matrix) / matrix.sum()
print(f"accuracy from the matrix: {100 * from_matrix:.2f}%")
# Both count the same correct predictions, so they agree exactly.
assert from_matrix == test_accuracy

confusion_matrix_figure(
    matrix, title="Test images: true against predicted digit"
)
plt.show()

# %%
off_diagonal = matrix - np.diag(np.diag(matrix))
true_digit, guessed = np.unravel_index(
    np.argmax(off_diagonal), matrix.shape
)
print(
    f"most frequent mistake: {true_digit} read as {guessed}, "
    f"{off_diagonal[true_digit, guessed]} times"
)

# %% [markdown]
# ## The misclassified digits
#
# The mistakes themselves are the most instructive. Below is every
# misclassified test image, drawn from the original pixels (the network
# saw the standardized ones), titled with the true and predicted digit.

# %%
image_grid(
    x_test[wrong],
    titles=[
        f"true {y_test[i]} / pred. {predicted[i]}" for i in wrong
    ],
    columns=5,
    ax_size=1.5,
    title="Misclassified test images",
)
plt.show()

# %% [markdown]
# Some of these are hard to read for a person too: at 8 by 8 pixels, an
# 8 with a thin upper loop is not far from a 1 or a 6. Others are clear
# to us but drawn in a style that is rare in the training set. The
# network also does not know that neighboring pixels belong together:
# to it, the 64 inputs are an unordered list. Convolutional networks
# build that knowledge in, and more training data would help with the
# rare styles.
#
# ## Summary
#
# - The digits data set has 1,797 images of 8 by 8 pixels. A stratified
#   split gives 1,438 training and 359 test images with every digit in
#   the same proportion.
# - A network with one hidden layer, trained with SGD and momentum,
#   classifies about 97% of the test images correctly.
# - The settings were chosen on a validation set split off the training
#   data. The test set was measured once, for the final number; the
#   per-epoch test values only draw the curves.
# - Standardizing each pixel with the training statistics helped, with a
#   small constant added to the standard deviation because some pixels
#   never change.
# - The confusion matrix and the misclassified images show *which*
#   digits fail, which one accuracy figure cannot.
#
# The same network, built in PyTorch and in scikit-learn from the same
# initial weights, reaches the same test accuracy. The
# [Benchmarks](../../benchmarks/) page compares how long an epoch takes in
# each.
#
# The [next page](../11-training-tricks/) takes the training itself
# apart: initialization, learning-rate schedules, momentum and dropout.
# The functions used here are documented in the
# [API reference](../../reference/#dltut.image_plots.image_grid).
