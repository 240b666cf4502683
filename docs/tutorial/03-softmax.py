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
# # Softmax
#
# A classifier's last layer usually produces one real number per class: a
# *score*, also called a *logit*. Scores can be any size and either sign, so
# they are not probabilities yet. Softmax turns a vector of scores into a
# probability distribution over the classes, and it does so smoothly, so that
# gradients can flow through it during training.
#
# This page starts from the softmax section of Damir Cavar's 2019 tutorial,
# keeps its example, and corrects its formula and its code. The code there
# computes the right probabilities for small scores, but it returns NaN for
# large ones, and it normalises along the wrong axis when the scores come in a
# batch. On the way you will see why the package's
# [`softmax`](../../reference/#dltut.logits.softmax) subtracts the maximum
# score, why cross-entropy wants
# [`log_softmax`](../../reference/#dltut.logits.log_softmax), and what the
# derivative of softmax looks like.

# %%
import warnings

import numpy as np
from matplotlib import pyplot as plt

from dltut import log_softmax, softmax, softmax_jacobian
from dltut.plotting import COLORS, use_site_style

use_site_style()
np.set_printoptions(precision=4, suppress=True, floatmode="fixed")

# %% [markdown]
# ## From scores to probabilities
#
# For a vector of $d$ scores $z = (z_1, \dots, z_d)$, softmax is
#
# $$
# \operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{d} e^{z_j}},
# \quad 1 \le i \le d.
# $$
#
# The exponential makes every score positive, and dividing by the sum of all
# the exponentials makes the results add up to 1. A larger score gets a larger
# share, and because the exponential grows fast, a lead of a few units in
# score becomes a large lead in probability. Note that each output depends on
# *every* score, through the denominator. Softmax is not an elementwise
# function like the ones on the [Activation functions](../01-activations/) page.
#
# The 2019 tutorial wrote the formula as
# $softmax(z_i) = \frac{e^{z_i}}{\sum_{j=1}^d}$ with $1 \leq i \geq d$. Two
# small slips crept in. The sum in the denominator has lost its summand, which
# is $e^{z_j}$. The index range should read $1 \le i \le d$, because the
# written condition $i \geq d$ leaves out every index below $d$. Its code,
# shown below, does compute the right formula.

# %% [markdown]
# ## A first example
#
# Here is the 2019 tutorial's example, with the package's `softmax`:

# %%
scores = np.array([3.0, 1.0, 0.2])
probabilities = softmax(scores)

print("probabilities:", probabilities)
# All digits of the sum, as the 2019 tutorial printed it.
print("sum:", float(probabilities.sum()))

# %% [markdown]
# The largest score, 3.0, gets about 84% of the probability, although it leads
# the next score by only 2. That is the exponential at work: class 0 is
# $e^{3} / e^{1} = e^{2} \approx 7.4$ times as likely as class 1.
#
# The 2019 tutorial printed `Sum: 0.9999999999999999`, and so does the line
# above. This is not a bug. Each probability is a quotient rounded to the
# nearest float64, and adding the three rounded values rounds once more.
# The rounding errors need not cancel, so the computed sum can land on a
# neighbour of 1. Here it lands on the largest float64 below 1, which is
# $1 - 2^{-53}$: exactly one unit in the last place (ulp) away.

# %%
# The gap between 1 and the float64 just below it.
ulp_below_one = 1.0 - np.nextafter(1.0, 0.0)
distance_in_ulps = abs(probabilities.sum() - 1.0) / ulp_below_one
print(f"1 - sum = {1.0 - probabilities.sum():.3e}")
print(f"distance from 1 in ulps: {distance_in_ulps:.0f}")

# Adding d rounded values can be off by about d rounding errors, so
# allow d ulps.
assert distance_in_ulps <= len(scores)

# %% [markdown]
# For scores this small, the formula can be typed into NumPy just as it
# reads, and that is what the 2019 code does. As a self-check, the package's
# function, which first subtracts the maximum score (more on that below), must
# agree with it. Both results are a handful of rounding steps away from the
# exact probabilities, and each probability is at most 1, so their difference
# should be within a few multiples of machine epsilon
# ($\epsilon = 2^{-52} \approx 2.2 \times 10^{-16}$).

# %%
by_hand = np.exp(scores) / np.sum(np.exp(scores))
difference = np.max(np.abs(probabilities - by_hand))
print(
    "largest difference from the formula typed in directly:",
    f"{difference:.1e}",
)

# A few rounding steps of relative size eps each, on values at most 1.
assert difference <= 4 * np.finfo(np.float64).eps

# %% [markdown]
# ## Properties
#
# Five properties of softmax come up again and again in practice:
#
# - With at least two scores, every output lies strictly between 0 and 1,
#   since an exponential is always positive and is smaller than a sum that
#   contains it and other positive terms. In float64, an output can still
#   *round* to exactly 0 or 1, as you will see in the section on log-softmax.
# - The outputs sum to 1, up to rounding.
# - The order is preserved: a larger score gives a larger probability, so the
#   most likely class is the one with the largest score.
# - Adding the same constant to every score changes nothing.
# - Multiplying the scores by a constant *does* change the result.
#
# The first three are easy to check on the example:

# %%
in_open_interval = np.all((probabilities > 0) & (probabilities < 1))
same_order = np.all(np.argsort(probabilities) == np.argsort(scores))

print("all in (0, 1):", bool(in_open_interval))
print("sum:", f"{probabilities.sum():.12f}")
print("same order as the scores:", bool(same_order))

# %% [markdown]
# ### Shifting the scores changes nothing
#
# Add the same number $c$ to every score and the probabilities stay the same.
# The differences printed below are not exactly zero because `scores + c` is
# itself rounded, and a large $c$ costs a few bits of the scores' fractional
# parts.

# %%
for shift in [-100.0, 10.0, 100.0, 1000.0]:
    change = np.max(np.abs(softmax(scores + shift) - probabilities))
    print(f"c = {shift:7.1f}: largest change {change:.1e}")

# %% [markdown]
# This is why a model's scores have no meaningful zero point: only the
# differences between them matter. The same fact makes softmax safe to
# compute, as the section on overflow shows.
#
# ### Scaling the scores: temperature
#
# Multiplying the scores is a different story. Doubling them doubles every
# difference between them, and that sharpens the distribution:

# %%
print("softmax(z):    ", softmax(scores))
print("softmax(2 * z):", softmax(2 * scores))

# %% [markdown]
# Dividing the scores by a *temperature* $T > 0$, that is computing
# $\operatorname{softmax}(z / T)$, is how language models and distillation
# methods control this. A low temperature pushes the distribution towards
# putting everything on the largest score (as $T \to 0$ it approaches a
# one-hot vector). A high temperature flattens it towards the uniform
# distribution $1/d$ (as $T \to \infty$). $T = 1$ is plain softmax.

# %%
temperatures = [0.5, 1.0, 2.0, 5.0]
by_temperature = {t: softmax(scores / t) for t in temperatures}

for t, p in by_temperature.items():
    print(f"T = {t:3.1f}: {p}")

# %%
fig, ax = plt.subplots(layout="constrained")
classes = np.arange(len(scores))
bar_width = 0.8 / len(temperatures)

for k, (t, p) in enumerate(by_temperature.items()):
    offset = (k - (len(temperatures) - 1) / 2) * bar_width
    ax.bar(
        classes + offset,
        p,
        width=bar_width,
        color=COLORS[k],
        label=f"T = {t:g}",
    )

ax.axhline(
    1 / len(scores),
    color="#555555",
    linestyle=":",
    linewidth=1.2,
    label="uniform, 1/d",
)
tick_labels = [f"class {i}\nscore {z:g}" for i, z in enumerate(scores)]
ax.set_xticks(classes, tick_labels)
ax.set_ylim(0, 1)
ax.set_title("softmax(z / T) for the scores [3.0, 1.0, 0.2]")
ax.set_xlabel("class and its score")
ax.set_ylabel("probability")
ax.legend()
plt.show()

# %% [markdown]
# ## Overflow and underflow in the naive formula
#
# The 2019 tutorial defined softmax exactly as the formula reads:

# %%
def naive_softmax(x):
    """Return softmax as written in the 2019 tutorial.

    The maths is correct, but the code is unsafe in floating point.
    """
    return np.exp(x) / np.sum(np.exp(x), axis=0)


# %% [markdown]
# Give it the scores `[1000, 1001, 1002]`. Their probabilities are perfectly
# ordinary numbers, since by the shift property they equal those of
# `[0, 1, 2]`. Yet `naive_softmax` returns NaN. NumPy reports what went wrong
# as `RuntimeWarning`s. The cell below catches them, instead of letting them
# through to the error stream, and prints their messages.

# %%
large_scores = np.array([1000.0, 1001.0, 1002.0])

with (
    np.errstate(over="warn", invalid="warn"),
    warnings.catch_warnings(record=True) as caught,
):
    warnings.simplefilter("always")
    naive_result = naive_softmax(large_scores)

print("naive_softmax([1000, 1001, 1002]) =", naive_result)
for warning in caught:
    print(f"  caught: {warning.message}")

# %% [markdown]
# The largest float64 is about $1.8 \times 10^{308}$, so $e^{x}$ fits only
# while $x$ is below its logarithm:

# %%
largest_float = np.finfo(np.float64).max
print(f"largest float64: {largest_float:.4e}")
print(f"log of it:       {np.log(largest_float):.2f}")

# %% [markdown]
# $e^{1000}$ is far beyond that, so `np.exp` returns `inf` (the *overflow*
# warning). The sum of the exponentials is `inf` as well, and $\infty / \infty$
# is undefined, which gives NaN (the *invalid value* warning). A NaN then
# spreads to everything computed from it, such as the loss and every gradient.
#
# Scores above 700 are rare in a healthy network, but a diverging training run
# can produce them. And much of deep learning computes in float32, whose limit
# is far lower:

# %%
largest_float32 = np.finfo(np.float32).max
print(f"log of the largest float32: {np.log(largest_float32):.2f}")

# %% [markdown]
# Very negative scores fail in the mirror-image way. $e^{-1000}$ is far below
# the smallest positive float64, so it *underflows* to exactly 0. When every
# exponential is 0, the sum is 0 too, and the division is $0 / 0$:

# %%
very_negative_scores = np.array([-1000.0, -1001.0])

with (
    np.errstate(under="warn", invalid="warn"),
    warnings.catch_warnings(record=True) as caught,
):
    warnings.simplefilter("always")
    naive_result = naive_softmax(very_negative_scores)

print("naive_softmax([-1000, -1001]) =", naive_result)
for warning in caught:
    print(f"  caught: {warning.message}")

# %% [markdown]
# NumPy ignores underflow by default. The cell above turns that warning on
# only to show where the zeros come from.
#
# ### The fix: subtract the maximum
#
# The shift property states that subtracting any constant $c$ from all scores
# leaves softmax unchanged, because the factor $e^{-c}$ cancels:
#
# $$
# \frac{e^{z_i - c}}{\sum_{j=1}^{d} e^{z_j - c}}
# = \frac{e^{-c} \, e^{z_i}}{e^{-c} \sum_{j=1}^{d} e^{z_j}}
# = \operatorname{softmax}(z)_i .
# $$
#
# Choose $c = \max_j z_j$. Then every shifted score is at most 0, so no
# exponential can overflow, and the largest one is $e^{0} = 1$, so the sum is
# at least 1 and can never be 0. Exponentials of scores far below the maximum
# may still underflow to 0, but those probabilities really are smaller than
# any float64 can hold, and nothing divides by them. This is what
# `dltut.softmax` does:

# %%
print("softmax([1000, 1001, 1002]) =", softmax(large_scores))
print("softmax([-1000, -1001])     =", softmax(very_negative_scores))

# %% [markdown]
# Self-check: after the shift, `[1000, 1001, 1002]` becomes `[-2, -1, 0]`.
# The scores `[0, 1, 2]` are small enough for the naive formula, and by the
# shift property they have the same probabilities. Both computations take a
# few rounding steps on numbers at most 1, so they should agree to a few
# multiples of machine epsilon.

# %%
small_equivalent = naive_softmax(large_scores - 1000.0)
difference = np.max(np.abs(softmax(large_scores) - small_equivalent))
print("naive_softmax([0, 1, 2]) =", small_equivalent)
print(f"largest difference: {difference:.1e}")

# A few rounding steps of relative size eps each, on values at most 1.
assert difference <= 4 * np.finfo(np.float64).eps

# %% [markdown]
# ## Batches: which axis?
#
# In practice, scores come in batches: a 2-d array with one row per example
# and one column per class. Each example needs its own distribution over the
# classes, so every *row* must sum to 1.
#
# The 2019 code sums with `axis=0`, which runs down the columns. For a single
# vector that is the only axis, so it works. For a batch it normalises each
# class across the examples instead, which mixes examples that have nothing
# to do with each other. `dltut.softmax` takes an `axis` argument whose default,
# `axis=-1`, is the last axis, so each row of a batch is one example.

# %%
batch_scores = np.array(
    [
        [2.0, 1.0, 0.1, -1.0],
        [0.5, 2.5, 0.0, 1.0],
        [1.0, 1.0, 1.0, 1.0],
    ]
)

by_columns = naive_softmax(batch_scores)  # axis=0, as in the 2019 code
by_rows = softmax(batch_scores)  # axis=-1, the default

print("axis=0,  row sums:   ", by_columns.sum(axis=1))
print("axis=0,  column sums:", by_columns.sum(axis=0))
print("axis=-1, row sums:   ", by_rows.sum(axis=1))

# %% [markdown]
# With `axis=0`, the rows, which are the examples, do not sum to 1, so they
# are not probability distributions at all. Look at the third example too. Its
# four scores are equal, so its probabilities should be 1/4 each, as they are
# with `axis=-1`. With `axis=0` they depend on the scores of the *other*
# examples. Change the first example and the third one's "probabilities"
# change with it:

# %%
changed_batch = batch_scores.copy()
changed_batch[0] = [5.0, 5.0, 5.0, 5.0]
changed_by_columns = naive_softmax(changed_batch)
changed_by_rows = softmax(changed_batch)

print("third example, axis=0,  original batch:", by_columns[2])
print("third example, axis=0,  changed batch: ", changed_by_columns[2])
print("third example, axis=-1, changed batch: ", changed_by_rows[2])

# %% [markdown]
# The heat maps show the two results side by side. On the left each column
# sums to 1, on the right each row does.

# %%
fig, axes = plt.subplots(1, 2, figsize=(9.6, 3.6), layout="constrained")
panels = [
    (by_columns, "axis=0: columns sum to 1"),
    (by_rows, "axis=-1: rows sum to 1"),
]

for ax, (values, title) in zip(axes, panels, strict=True):
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=1)
    ax.grid(False)
    ax.set_title(title)
    ax.set_xlabel("class")
    ax.set_ylabel("example")
    ax.set_xticks(range(values.shape[1]))
    ax.set_yticks(range(values.shape[0]))
    for (row, column), value in np.ndenumerate(values):
        text_color = "white" if value > 0.6 else "black"
        ax.text(
            column,
            row,
            f"{value:.2f}",
            ha="center",
            va="center",
            color=text_color,
        )

fig.colorbar(image, ax=axes, label="probability")
plt.show()

# %% [markdown]
# ## Log-softmax
#
# Training a classifier usually minimises the *cross-entropy* loss, which for
# an example whose true class is $y$ is $-\log \operatorname{softmax}(z)_y$.
# So what the loss needs is the logarithm of a probability, not the
# probability itself.
#
# Taking `np.log` of `softmax` is the obvious way, and it breaks as soon as a
# probability underflows. With scores `[0, -1000]`, the second probability is
# $e^{-1000} / (1 + e^{-1000})$, a positive number far too small for float64.
# So softmax returns exactly 0, and its logarithm is $-\infty$:

# %%
lopsided_scores = np.array([0.0, -1000.0])

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    log_of_softmax = np.log(softmax(lopsided_scores))

print("softmax([0, -1000])         =", softmax(lopsided_scores))
print("np.log(softmax([0, -1000])) =", log_of_softmax)
for warning in caught:
    print(f"  caught: {warning.message}")

# %% [markdown]
# A loss of $\infty$ gives no useful gradient, and a single such example
# makes the mean loss of the whole batch infinite. Yet the true
# log-probability is a perfectly ordinary number, very close to $-1000$. The
# fix is to take the logarithm *before* dividing, so that no tiny probability
# is ever formed:
#
# $$
# \log \operatorname{softmax}(z)_i = z_i - \log \sum_{j=1}^{d} e^{z_j}.
# $$
#
# Subtracting $m = \max_j z_j$ from every score inside the sum and adding it
# back outside gives the same value in a form that is safe to compute:
#
# $$
# \log \operatorname{softmax}(z)_i = (z_i - m) - \log \sum_{j=1}^{d} e^{z_j - m}.
# $$
#
# The term $m + \log \sum_j e^{z_j - m}$ is the *log-sum-exp* of the scores,
# computed with the same max-shift as softmax. The sum is at least 1, so its
# logarithm is finite and non-negative, and nothing is ever passed to a
# logarithm that could be 0. That is what
# [`log_softmax`](../../reference/#dltut.logits.log_softmax) computes:

# %%
print("log_softmax([0, -1000]) =", log_softmax(lopsided_scores))
loss = -log_softmax(lopsided_scores)[1]
print(f"cross-entropy if the true class is 1: {loss:.1f}")

# %% [markdown]
# The log-probability $-1000$ is correct to every printed digit: the exact
# value is $-1000 - \log(1 + e^{-1000})$, and the correction term is far below
# float64 resolution.
#
# Self-check: where nothing underflows, `np.exp(log_softmax(z))` must give
# back `softmax(z)`. The check runs on the example, on the large scores, and
# on a random batch whose log-probabilities are at most about 10 in size.
# Their rounding error is then at most about $10 \epsilon$, and taking the
# exponential multiplies that by a probability of at most 1.

# %%
rng = np.random.default_rng(0)
test_cases = {
    "[3.0, 1.0, 0.2]": scores,
    "[1000, 1001, 1002]": large_scores,
    "random 5 x 6 batch": rng.normal(scale=3.0, size=(5, 6)),
}

for name, case in test_cases.items():
    recovered = np.exp(log_softmax(case))
    difference = np.max(np.abs(recovered - softmax(case)))
    print(f"{name:>20}: largest difference {difference:.1e}")

    # Log-probabilities up to about 10 in size carry up to about 10 eps
    # of rounding error.
    assert difference <= 1e-14

# %% [markdown]
# ## The derivative of softmax
#
# Because each output depends on every score, the derivative of softmax is a
# matrix: the *Jacobian* $J$ with entries
# $J_{ij} = \partial s_i / \partial z_j$, where $s = \operatorname{softmax}(z)$.
# Write $S = \sum_{k} e^{z_k}$, so that $s_i = e^{z_i} / S$. The quotient rule,
# with $\partial e^{z_i} / \partial z_j = \delta_{ij} e^{z_i}$ (where
# $\delta_{ij}$ is 1 if $i = j$ and 0 otherwise) and
# $\partial S / \partial z_j = e^{z_j}$, gives
#
# $$
# \frac{\partial s_i}{\partial z_j}
# = \frac{\delta_{ij} e^{z_i} S - e^{z_i} e^{z_j}}{S^2}
# = s_i \delta_{ij} - s_i s_j
# = s_i (\delta_{ij} - s_j).
# $$
#
# In matrix form, $J = \operatorname{diag}(s) - s s^\top$. The diagonal entries
# $s_i (1 - s_i)$ are positive: raising a score raises its own probability.
# The off-diagonal entries $-s_i s_j$ are negative: raising one score lowers
# every other probability.
# [`softmax_jacobian`](../../reference/#dltut.logits.softmax_jacobian)
# computes this matrix for a 1-d score vector:

# %%
point = np.array([0.5, -1.0, 2.0, 0.0])
jacobian = softmax_jacobian(point)
print(jacobian)

# %% [markdown]
# To check the formula, build the Jacobian numerically, one column at a time.
# Column $j$ is the derivative of the whole output vector with respect to
# $z_j$. A central difference, as on the
# [Numerical derivatives](../02-derivatives/) page, estimates it by nudging
# $z_j$ up and down by a step $h$, which means adding $\pm h$ times the $j$-th
# unit vector (a row of `np.eye`) to $z$.

# %%
step = 1e-6
numerical_jacobian = np.empty((len(point), len(point)))

for j, unit_vector in enumerate(np.eye(len(point))):
    forward = softmax(point + step * unit_vector)
    backward = softmax(point - step * unit_vector)
    numerical_jacobian[:, j] = (forward - backward) / (2 * step)

difference = np.max(np.abs(numerical_jacobian - jacobian))
print(
    "largest difference from the central-difference Jacobian:",
    f"{difference:.1e}",
)

# With h = 1e-6, rounding contributes about eps / h = 2e-10 and
# truncation about h**2 = 1e-12.
assert difference <= 1e-8

# %% [markdown]
# Every row of $J$ sums to 0. Row $i$ sums the changes of $s_i$ when each
# score in turn moves, and moving all scores together is a shift, which
# changes nothing: $\sum_j s_i(\delta_{ij} - s_j) = s_i - s_i \sum_j s_j = 0$.
# The columns sum to 0 as well, because the outputs always sum to 1, so their
# total cannot change. ($J$ is symmetric, so the two statements agree.)

# %%
row_sums = jacobian.sum(axis=1)
column_sums = jacobian.sum(axis=0)
with np.printoptions(formatter={"float": "{:.1e}".format}):
    print("row sums:   ", row_sums)
    print("column sums:", column_sums)

# Each entry is at most 1/4 in size, so the sum of d of them is within
# a few eps of 0.
sum_tolerance = len(point) * np.finfo(np.float64).eps
assert np.max(np.abs(row_sums)) <= sum_tolerance
assert np.max(np.abs(column_sums)) <= sum_tolerance

# %% [markdown]
# This Jacobian is rarely built in full when training. Combined with the
# cross-entropy loss $L = -\log s_y$, the chain rule collapses it to a simple
# gradient: $\partial L / \partial z_j = s_j - \delta_{yj}$, the predicted
# probabilities minus the one-hot vector of the true class. The cell below
# confirms it for the true class $y = 2$, by multiplying the gradient of $L$
# with respect to $s$, which is $-1/s_y$ in position $y$ and 0 elsewhere, by
# $J$.

# %%
true_class = 2
s = softmax(point)
gradient_wrt_probabilities = np.zeros_like(s)
gradient_wrt_probabilities[true_class] = -1.0 / s[true_class]

gradient_by_chain_rule = gradient_wrt_probabilities @ jacobian
gradient_by_formula = s - np.eye(len(point))[true_class]

print("chain rule:  ", gradient_by_chain_rule)
print("s - one_hot: ", gradient_by_formula)

# Both are a few rounding steps away from the same values, all at most
# 1 in size.
gradient_difference = gradient_by_chain_rule - gradient_by_formula
eps = np.finfo(np.float64).eps
assert np.max(np.abs(gradient_difference)) <= 8 * eps

# %% [markdown]
# ## Next steps
#
# You now have a softmax that is safe for any finite scores, takes the class
# axis as an argument, and has a log-softmax partner for the loss. Its Jacobian
# and the short gradient $s - \text{one-hot}(y)$ are what backpropagation
# sends back through the last layer of a classifier.
#
# - The [Activation functions](../01-activations/) page covers the
#   elementwise functions used in the hidden layers: ReLU, sigmoid, tanh.
# - The [Numerical derivatives](../02-derivatives/) page covers the central
#   difference used above and how the choice of its step trades truncation
#   error against rounding error.
# - The [API reference](../../reference/) documents
#   [`softmax`](../../reference/#dltut.logits.softmax),
#   [`log_softmax`](../../reference/#dltut.logits.log_softmax) and
#   [`softmax_jacobian`](../../reference/#dltut.logits.softmax_jacobian),
#   including how they treat NaN and infinite scores.
# - The [Benchmarks](../../benchmarks/) page times these functions against
#   SciPy and PyTorch on a large batch, and shows where the time goes.
