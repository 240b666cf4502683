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
# # Building blocks: operations, layers and networks
#
# The network on [A neural network from scratch](../08-neural-network/)
# was one function with one hand-derived backward pass. That works for a
# single hidden layer, but every change (another layer, ReLU in place of
# tanh, a classification loss) would mean deriving and coding the whole
# backward pass again.
#
# Deep-learning libraries avoid this by splitting a network into small
# pieces, each of which computes its own forward and backward pass. The
# chain rule then connects them, exactly as on
# [Computational graphs](../06-computational-graphs/): a piece never needs
# to know what comes before or after it. Part III builds such a library,
# `dltut.nn`, and this page introduces its four kinds of pieces:
#
# - an **operation** maps an input array to an output array, and its
#   backward pass maps the gradient of the output to the gradient of the
#   input;
# - a **layer** chains a few operations, such as a weight matrix, a bias
#   and an activation;
# - a **loss** turns the last layer's output into one number, and starts
#   the backward pass;
# - a **network** chains layers and a loss.
#
# Every backward pass is derived on the page and checked against central
# differences. The API reference documents each piece:
# [`Operation`](../../reference/#dltut.nn.base.Operation),
# [`Dense`](../../reference/#dltut.nn.layers.Dense),
# [`SoftmaxCrossEntropy`](../../reference/#dltut.nn.losses.SoftmaxCrossEntropy)
# and [`NeuralNetwork`](../../reference/#dltut.nn.network.NeuralNetwork).

# %%
import re
import textwrap

import numpy as np
from matplotlib import pyplot as plt

from dltut.activations import sigmoid_derivative
from dltut.data import DEFAULT_SEED
from dltut.gradients import numerical_gradient, relative_error
from dltut.logits import softmax
from dltut.nn import (
    BiasAdd,
    Dense,
    Dropout,
    MeanSquaredError,
    NeuralNetwork,
    ReLU,
    Sigmoid,
    SoftmaxCrossEntropy,
    Tanh,
    WeightMultiply,
)
from dltut.plotting import COLORS, use_site_style

use_site_style()
np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(DEFAULT_SEED)

# %% [markdown]
# ## Operations
#
# An operation is a function $Y = f(X)$ on arrays, with two methods:
#
# - `forward(X)` computes $Y$ and **stores** both $X$ and $Y$, because
#   the backward pass will need them;
# - `backward(G)` receives $G = \partial L / \partial Y$, the gradient of
#   the final loss $L$ with respect to the operation's output, and
#   returns $\partial L / \partial X$.
#
# The operation does not know what $L$ is. It only needs $G$ from the
# operation after it, and its own stored values. Arrays have one row per
# example, so $X$ has shape $(n, d)$: $n$ examples with $d$ features. A
# rule that helps with every derivation below: a gradient with respect to
# an array has that array's shape.
#
# Here is the sigmoid operation on three inputs:

# %%
sigmoid_op = Sigmoid()
y = sigmoid_op.forward(np.array([[-2.0, 0.0, 2.0]]))

print("stored input: ", sigmoid_op.input_)
print("stored output:", sigmoid_op.output)
print("backward(1):  ", sigmoid_op.backward(np.ones_like(y)))

# %% [markdown]
# With $G = 1$ everywhere, `backward` returns the sigmoid's own slope,
# $\sigma'(x) = \sigma(x)(1 - \sigma(x))$: 0.25 at 0 and about 0.105 at
# $\pm 2$.
#
# ### WeightMultiply: $Y = X W$
#
# `WeightMultiply` stores a weight matrix $W$ of shape $(d, k)$ and maps
# $X$ $(n, d)$ to $Y = X W$ $(n, k)$. It is a *parameterized* operation
# (`ParamOperation`): its backward pass also stores the gradient with
# respect to its parameter, in `param_grad`.
#
# Each output entry is $Y_{ij} = \sum_{m} X_{im} W_{mj}$. The entry
# $X_{im}$ appears in every $Y_{ij}$ of row $i$, with factor $W_{mj}$, so
# the chain rule sums over $j$:
#
# $$
# \frac{\partial L}{\partial X_{im}}
# = \sum_{j=1}^{k} G_{ij} W_{mj} = (G W^\top)_{im}.
# $$
#
# The weight $W_{mj}$ appears in $Y_{ij}$ of every row $i$, with factor
# $X_{im}$, so the chain rule sums over the examples:
#
# $$
# \frac{\partial L}{\partial W_{mj}}
# = \sum_{i=1}^{n} X_{im} G_{ij} = (X^\top G)_{mj}.
# $$
#
# The shapes confirm it: $G W^\top$ is $(n, k)(k, d) = (n, d)$, the shape
# of $X$, and $X^\top G$ is $(d, n)(n, k) = (d, k)$, the shape of $W$.
#
# ### BiasAdd: $Y = X + b$
#
# `BiasAdd` stores a bias row $b$ of shape $(1, k)$ and adds it to every
# row of $X$ $(n, k)$, through NumPy broadcasting. Each $Y_{ij}$ depends
# on $X_{ij}$ with slope 1, so the input gradient is $G$ itself. The bias
# $b_j$ is added to all $n$ rows, so its gradient collects the whole
# column $j$ of $G$:
#
# $$
# \frac{\partial L}{\partial X} = G, \qquad
# \frac{\partial L}{\partial b_j} = \sum_{i=1}^{n} G_{ij}.
# $$
#
# In NumPy: `np.sum(G, axis=0, keepdims=True)`, shape $(1, k)$ like $b$.
#
# ### Activations: one element at a time
#
# `Sigmoid`, `Tanh` and `ReLU` apply a function $f$ to each element:
# $Y_{ij} = f(X_{ij})$. Each output depends on a single input, so
# there is nothing to sum, and the backward pass multiplies
# elementwise ($\odot$) by the slope at the stored input:
#
# $$
# \frac{\partial L}{\partial X} = G \odot f'(X).
# $$
#
# The slopes are those of the
# [Activation functions](../01-activations/) page:
#
# $$
# \sigma'(x) = \sigma(x)\,(1 - \sigma(x)), \qquad
# \tanh'(x) = 1 - \tanh^2(x),
# $$
#
# $$
# \operatorname{relu}'(x) = 1 \text{ for } x > 0,
# \quad 0 \text{ for } x \le 0.
# $$
#
# ReLU has no derivative at 0. The library uses the slope 0 there, the
# common choice.
#
# ### Dropout
#
# `Dropout(rate)` is the one operation that behaves differently in
# training. With `training=True` it sets each element to 0 with
# probability `rate` and divides the others by $1 - \text{rate}$, so that
# every element keeps its expected value. Otherwise it passes the input
# through unchanged. The backward pass multiplies $G$ by the same mask
# and factor as the forward pass did: a dropped unit passes no gradient.

# %%
dropout_op = Dropout(0.5, seed=DEFAULT_SEED)
ones = np.ones((2, 6))

print("training:\n", dropout_op.forward(ones, training=True))
print("backward(1):\n", dropout_op.backward(ones))
print("not training:\n", dropout_op.forward(ones))

# %% [markdown]
# ### Checking the operations
#
# Every formula above can be checked the same way. Choose a fixed random
# array $R$ of the output's shape and the loss
#
# $$
# L(X) = \sum_{i,j} Y_{ij} R_{ij}, \qquad Y = f(X).
# $$
#
# Its gradient with respect to $Y$ is exactly $R$, so `backward(R)` must
# return $\partial L / \partial X$. Independently,
# [`numerical_gradient`](../../reference/#dltut.gradients.numerical_gradient)
# estimates $\partial L / \partial X$ by nudging each entry of $X$ by
# $\pm 10^{-6}$ and measuring the change of $L$, as on
# [Functions of several inputs](../05-several-inputs/). The same works for
# a parameter: hold $X$ fixed and nudge $W$ or $b$.
#
# [`relative_error`](../../reference/#dltut.gradients.relative_error)
# compares the two: the largest difference divided by the largest entry.
# Every result goes into `errors`, for the figure at the end.

# %%
errors = {}


def check(label, by_hand, loss_of, point):
    """Compare a hand-written gradient with central differences."""
    estimate = numerical_gradient(loss_of, point)
    errors[label] = relative_error(by_hand, estimate)
    print(f"{label:<22} relative error {errors[label]:.1e}")


def probe_loss(make_op, x, probe):
    """Return sum(Y * probe), with Y from a new operation."""
    output = make_op().forward(x, training=True)
    return np.sum(output * probe)


x = rng.normal(size=(5, 3))
weights = rng.normal(size=(3, 4))
bias = rng.normal(size=(1, 4))
probe = rng.normal(size=(5, 4))

multiply = WeightMultiply(weights)
multiply.forward(x)
multiply.backward(probe)
check(
    "WeightMultiply, X", multiply.input_grad,
    lambda v: probe_loss(lambda: WeightMultiply(weights), v, probe), x,
)
check(
    "WeightMultiply, W", multiply.param_grad,
    lambda w: probe_loss(lambda: WeightMultiply(w), x, probe), weights,
)

x_wide = rng.normal(size=(5, 4))
add = BiasAdd(bias)
add.forward(x_wide)
add.backward(probe)
check(
    "BiasAdd, X", add.input_grad,
    lambda v: probe_loss(lambda: BiasAdd(bias), v, probe), x_wide,
)
check(
    "BiasAdd, b", add.param_grad,
    lambda b: probe_loss(lambda: BiasAdd(b), x_wide, probe), bias,
)

# %% [markdown]
# The activations and dropout need only the input gradient. The dropout
# check creates a new operation with the same seed for every call, so
# that every nudged input meets the same mask.

# %%
# A kink closer than the step 1e-6 would spoil the ReLU check.
assert np.min(np.abs(x_wide)) > 1e-3

elementwise = {
    "Sigmoid": Sigmoid,
    "Tanh": Tanh,
    "ReLU": ReLU,
    "Dropout(0.5)": lambda: Dropout(0.5, seed=DEFAULT_SEED),
}
for name, make_op in elementwise.items():
    op = make_op()
    op.forward(x_wide, training=True)
    by_hand = op.backward(probe)
    check(
        f"{name}, X", by_hand,
        lambda v, make_op=make_op: probe_loss(make_op, v, probe),
        x_wide,
    )

# %% [markdown]
# The hand-written formulas and the numerical estimates agree to
# relative errors between about $10^{-10}$ and $1.5 \times 10^{-9}$,
# the largest for the sigmoid. That is the rounding error of a central
# difference: the loss is computed to about
# $\epsilon \approx 2 \times 10^{-16}$ of its size, and dividing by the
# step $2h = 2 \times 10^{-6}$ magnifies that to about $10^{-10}$ of the
# loss's size, a little more relative to a smaller gradient. The
# truncation error, about $h^2 = 10^{-12}$ times the third derivative,
# is smaller still.
#
# How large is the error of a *wrong* formula? A classic mistake is to
# evaluate the activation's slope at the stored output instead of the
# input, $\sigma'(Y)$ in place of $\sigma'(X)$:

# %%
op = Sigmoid()
op.forward(x_wide)
wrong = probe * sigmoid_derivative(op.output)
check(
    "mistake: sigma'(Y)", wrong,
    lambda v: probe_loss(Sigmoid, v, probe), x_wide,
)

# %% [markdown]
# The mistake gives an error of about 0.5, more than eight orders of
# magnitude above the correct formulas. A tolerance of $10^{-6}$
# separates the two with a wide margin on each side:

# %%
TOLERANCE = 1e-6
correct = {k: v for k, v in errors.items() if "mistake" not in k}
print(f"largest error of a correct formula: "
      f"{max(correct.values()):.1e}")

# Central differences agree to 1.5e-9 or better with a correct
# formula, and the wrong formula above is off by 0.5.
assert max(correct.values()) < TOLERANCE
# The range the text states for the correct formulas.
assert 1e-11 < min(correct.values())
assert max(correct.values()) < 1.5e-9
# The text relies on the mistake being over 1e8 times the worst
# correct error.
assert errors["mistake: sigma'(Y)"] > 1e8 * max(correct.values())

# %% [markdown]
# ## Layers
#
# A layer groups the operations that belong together. The fully connected
# layer `Dense(k, activation)` chains
#
# $$
# X \xrightarrow{\;W\;} X W \xrightarrow{\;b\;} X W + b
# \xrightarrow{\;f\;} f(X W + b),
# $$
#
# that is WeightMultiply, BiasAdd and the activation, followed by Dropout
# if the layer has a dropout rate. Its `forward` calls the operations'
# `forward` in order. Its `backward` calls their `backward` in reverse
# order, each passing its input gradient on as the next one's output
# gradient. The layer itself derives nothing.
#
# The layer creates its weights on the first `forward`, when it receives
# an input of width $d$. Only the number of outputs $k$ has to be given.
# The weights are random, scaled to the layer's size: Glorot
# initialization by default, see
# [`glorot_normal`](../../reference/#dltut.nn.init.glorot_normal), or
# He initialization with `init="he"`, the usual choice for ReLU. The
# bias starts at 0. Here is a ReLU layer with dropout, before and after
# its first forward:

# %%
layer = Dense(5, ReLU(), init="he", dropout=0.2, seed=DEFAULT_SEED)
print("before forward:", layer.operations)

hidden = layer.forward(x)
for operation in layer.operations:
    print(operation)
print("output shape:", hidden.shape)

# %% [markdown]
# The layer's result is exactly $f(X W + b)$, computed from its own
# parameters. Dropout is off here, because `training` is False by
# default:

# %%
w_layer, b_layer = layer.params
by_formula = np.maximum(x @ w_layer + b_layer, 0.0)
layer_difference = np.max(np.abs(hidden - by_formula))
print(f"largest difference from the formula: {layer_difference:.1e}")

# The same operations in the same order round the same way.
assert layer_difference == 0.0

# %% [markdown]
# ## Losses
#
# A loss compares the network's output $\hat Y$ with the target and
# returns one number. Its `backward()` takes no argument: it returns
# $\partial L / \partial \hat Y$, where backpropagation through the
# network starts.
#
# ### Mean squared error
#
# For regression, with $N$ entries in $\hat Y$ and the target $Y$:
#
# $$
# L = \frac{1}{N} \sum_{i,j} (\hat Y_{ij} - Y_{ij})^2, \qquad
# \frac{\partial L}{\partial \hat Y} = \frac{2}{N} (\hat Y - Y).
# $$
#
# ### Softmax cross-entropy
#
# For classification into $c$ classes, the last layer outputs $c$ raw
# scores per example, the *logits* $z_i$. The
# [Softmax](../03-softmax/) page turns them into probabilities
# $p_i = \operatorname{softmax}(z_i)$. The cross-entropy loss is the
# mean negative log-probability of each example's true class $y_i$:
#
# $$
# L = -\frac{1}{n} \sum_{i=1}^{n} \log \operatorname{softmax}(z_i)_{y_i}.
# $$
#
# `SoftmaxCrossEntropy` takes the logits and does the softmax itself,
# because the two together have a simple gradient. For one example with
# logits $z$ and label $y$, the log-probability is
#
# $$
# \log \operatorname{softmax}(z)_y = z_y - \log \sum_{j=1}^{c} e^{z_j}.
# $$
#
# Its derivative with respect to $z_k$ is $1$ if $k = y$ (from $z_y$)
# minus $e^{z_k} / \sum_j e^{z_j} = p_k$ (from the log-sum). With the
# minus sign of the loss and the mean over $n$ examples:
#
# $$
# \frac{\partial L}{\partial z_i} = \frac{p_i - e_{y_i}}{n},
# $$
#
# where $e_{y_i}$ is the *one-hot* row: 1 at the label, 0 elsewhere. The
# gradient pushes the true class's logit up and the others down, each in
# proportion to the probability it wrongly receives.
#
# Both losses are checked against central differences, with 5 examples
# and 4 outputs or classes:

# %%
prediction = rng.normal(size=(5, 4))
target = rng.normal(size=(5, 4))
labels_small = rng.integers(0, 4, size=5)

mse = MeanSquaredError()
mse.forward(prediction, target)
check(
    "MeanSquaredError", mse.backward(),
    lambda p: MeanSquaredError().forward(p, target), prediction,
)

cross_entropy = SoftmaxCrossEntropy()
cross_entropy.forward(prediction, labels_small)
check(
    "SoftmaxCrossEntropy", cross_entropy.backward(),
    lambda z: SoftmaxCrossEntropy().forward(z, labels_small),
    prediction,
)

# %% [markdown]
# ### A confident wrong prediction
#
# Why not compute `np.log(softmax(z))` directly? Take an example whose
# logits are $[1000, -1000]$ while the true class is 1. The network is
# as sure as it can be, and wrong. Softmax gives class 1 the probability
# $e^{-2000} / (1 + e^{-2000})$, far below the smallest positive float64,
# so it rounds to 0 and its logarithm is $-\infty$:

# %%
confident = np.array([[1000.0, -1000.0]])
true_class = np.array([1])

# NumPy warns about log(0), but the infinite loss is the point here.
with np.errstate(divide="ignore"):
    naive_loss = -np.log(softmax(confident, axis=1))[0, 1]
print("naive loss:  ", naive_loss)

cross_entropy = SoftmaxCrossEntropy()
print("library loss:", cross_entropy.forward(confident, true_class))
print("its gradient:", cross_entropy.backward())

# %% [markdown]
# An infinite loss gives no useful gradient: the backward pass through
# the logarithm would divide by the probability 0. The library computes
# the log-probabilities with
# [`log_softmax`](../../reference/#dltut.logits.log_softmax), which
# subtracts the log-sum-exp from the logits and never forms the tiny
# probability. The loss is then $-(-1000 - 1000) = 2000$, large and
# finite, as a very wrong prediction should cost. The gradient
# $p - e_y = [1, 0] - [0, 1]$ is bounded too: each entry of $p - e_y$
# lies in $[-1, 1]$, however wrong the prediction.

# %%
# 2000 is exact: log(1 + e^-2000) is far below float64 resolution.
assert cross_entropy.forward(confident, true_class) == 2000.0
assert np.isinf(naive_loss)

# %% [markdown]
# ## The network
#
# `NeuralNetwork(layers, loss)` chains layers and a loss. Its `forward`
# passes the input through the layers in order. Its `backward` passes the
# loss's gradient through the layers in reverse. `train_batch(x, y)` does
# both, with the loss in between, and returns the loss. It leaves out one
# product, the $G W_1^\top$ of the first layer's `WeightMultiply`: that is
# the gradient with respect to the inputs, which are data that no update
# changes. The network never changes its parameters itself. An optimizer
# does that from
# `param_grads()`: the [next page](../10-digits/) shows how, before it
# trains a network on real images.
#
# Here is a classifier with 4 inputs, a hidden layer of 6 tanh units and
# 3 classes, on a batch of 8 random examples:
#
# | array | meaning | shape |
# |---|---|---|
# | $X$ | inputs | $(8, 4)$ |
# | $W_1$, $b_1$ | hidden layer | $(4, 6)$, $(1, 6)$ |
# | $H = \tanh(X W_1 + b_1)$ | hidden values | $(8, 6)$ |
# | $W_2$, $b_2$ | output layer | $(6, 3)$, $(1, 3)$ |
# | $Z = H W_2 + b_2$ | logits | $(8, 3)$ |
#
# The output layer has no activation (`Dense(3)`), because
# `SoftmaxCrossEntropy` expects raw logits.

# %%
network = NeuralNetwork(
    [Dense(6, Tanh()), Dense(3)],
    SoftmaxCrossEntropy(),
    seed=DEFAULT_SEED,
)
x_batch = rng.normal(size=(8, 4))
labels = rng.integers(0, 3, size=8)

loss = network.train_batch(x_batch, labels)
print(f"loss: {loss:.4f}  (log 3 = {np.log(3):.4f})")

# The text below relies on the loss being a little above log 3.
assert np.log(3) < loss < np.log(3) + 0.5

names = ["W1", "b1", "W2", "b2"]
pairs = zip(
    names, network.params(), network.param_grads(), strict=True
)
for name, param, grad in pairs:
    print(f"{name}: parameter {param.shape}, gradient {grad.shape}")

# %% [markdown]
# Guessing each of the three classes with probability 1/3 would give
# the loss $\log 3 \approx 1.10$. The untrained network does a little
# worse: its random weights give logits of order 1, which favor some
# class at random, not always the true one.
#
# `params()` returns the arrays the network computes with, in a fixed
# order: layer by layer, weights then bias. `param_grads()` returns their
# gradients in the same order. The `seed` sets every layer's initial
# weights, so two networks built with the same seed start identical:

# %%
twin = NeuralNetwork(
    [Dense(6, Tanh()), Dense(3)],
    SoftmaxCrossEntropy(),
    seed=DEFAULT_SEED,
)
twin.forward(x_batch)
same_start = all(
    np.array_equal(a, b)
    for a, b in zip(network.params(), twin.params(), strict=True)
)
print("same seed, same initial weights:", same_start)
assert same_start

# %% [markdown]
# ### Checking the whole network
#
# The last check covers everything at once: the loss's gradient, both
# layers, and the way the layers hand gradients to each other. For each
# parameter array, the loss of the whole network becomes a function of
# that array alone: write the nudged values into the parameter, compute
# the loss, and put the old values back, so the network ends the check
# with the parameters it started with.

# %%
by_hand = [grad.copy() for grad in network.param_grads()]
before_check = [param.copy() for param in network.params()]


def loss_along(param):
    """Return the network's loss as a function of one parameter."""

    def loss_of(value):
        saved = param.copy()
        param[...] = value
        try:
            return network.loss_value(x_batch, labels)
        finally:
            param[...] = saved

    return loss_of


pairs = zip(names, network.params(), by_hand, strict=True)
for name, param, grad in pairs:
    check(f"network {name}", grad, loss_along(param), param.copy())

unchanged = all(
    np.array_equal(a, b)
    for a, b in zip(network.params(), before_check, strict=True)
)
assert unchanged

network_errors = [errors[f"network {name}"] for name in names]
# As for the single operations: 1e-9 or better when the backward pass
# is right, and far above the tolerance when a step is wrong, like the
# mistake above.
assert max(network_errors) < TOLERANCE

# %% [markdown]
# All four parameter gradients of the two-layer network agree with the
# numerical estimates to the same accuracy as the single operations.
# Nothing in the network's backward pass was derived for this network:
# it came from the pieces' rules, chained.
#
# The figure collects every check on this page. Each bar is one relative
# error, on a logarithmic scale. The pink bar at the bottom is the
# deliberate mistake, and the dashed line is the tolerance.

# %%
fig, ax = plt.subplots(figsize=(7.5, 5.0), layout="constrained")
checks = list(errors)
colors = [
    COLORS[3] if "mistake" in label else COLORS[0] for label in checks
]
ax.barh(checks, [errors[label] for label in checks], color=colors)
ax.axvline(
    TOLERANCE, color=COLORS[1], linestyle="--",
    label=f"tolerance {TOLERANCE:.0e}",
)
ax.set_xscale("log")
# Bars on a log scale start at the left edge, so fix it well below
# every error rather than let Matplotlib pick it.
ax.set_xlim(1e-12, 1.0)
ax.set_axisbelow(True)
ax.invert_yaxis()
ax.set_title("Hand-written gradients against central differences")
ax.set_xlabel("relative error")
ax.set_ylabel("gradient checked")
ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# ## Errors for common mistakes
#
# Mistakes in wiring pieces together usually show up as a wrong order of
# calls or as arrays whose shapes do not fit. The library checks both at
# the point where they happen and raises an error that names the piece
# and the shapes. Here are the messages for the most common cases.

# %%
def show_error(action):
    """Run action and print the error it raises."""
    try:
        action()
    except (RuntimeError, ValueError) as error:
        message = f"{type(error).__name__}: {error}"
        # Keep shapes such as (4, 6) on one line: join them with NUL
        # while wrapping, then turn it back into a space.
        joined = re.sub(r", (?=\d)", ",\0", message)
        wrapped = textwrap.fill(joined, 72, subsequent_indent="    ")
        print(wrapped.replace("\0", " "))
    else:
        raise AssertionError("expected an error")


# %% [markdown]
# **Backward before forward.** An operation's backward pass needs the
# input that `forward` stores, so it cannot run first:

# %%
show_error(lambda: Tanh().backward(np.ones((2, 3))))

# %% [markdown]
# **Layers whose shapes do not fit.** When operations are chained by
# hand, the output width of one must equal the input width of the next.
# Here the first weight matrix produces 6 columns, and the second expects
# 5:

# %%
first = WeightMultiply(rng.normal(size=(4, 6)))
second = WeightMultiply(rng.normal(size=(5, 3)))
show_error(lambda: second.forward(first.forward(x_batch)))

# %% [markdown]
# A `Dense` layer cannot get this wrong inside a network, because it
# sizes its weights from the first input it receives. But after that first
# forward its weights are fixed, so data with a different number of
# features fails at the first layer:

# %%
show_error(lambda: network.forward(rng.normal(size=(8, 5))))

# %% [markdown]
# **A gradient of the wrong shape.** `backward` checks that the gradient
# it receives has the shape of the output it produced:

# %%
network.forward(x_batch)
show_error(lambda: network.backward(np.ones((8, 2))))

# %% [markdown]
# **Labels that do not fit the logits.** With 3 classes, the labels must
# be 0, 1 or 2:

# %%
show_error(lambda: network.loss_value(x_batch, labels + 1))

# %% [markdown]
# ## Summary
#
# - An **operation** stores its input and output in `forward`. Its
#   `backward` maps $\partial L / \partial Y$ to
#   $\partial L / \partial X$, and a parameterized operation also stores
#   the gradient of its parameter.
# - The rules: WeightMultiply gives $G W^\top$ and $X^\top G$, BiasAdd
#   gives $G$ and the column sums of $G$, an activation gives
#   $G \odot f'(X)$, and dropout reuses its mask.
# - A **Dense layer** chains WeightMultiply, BiasAdd, an activation and
#   optional dropout, and creates its weights on the first forward.
# - **Softmax cross-entropy** takes logits, computes the loss through
#   `log_softmax`, and has the gradient $(p - e_y) / n$. A confident
#   wrong prediction costs a large finite loss, never $\infty$.
# - A **network** chains layers forward and backward. Its gradients agree
#   with central differences to $10^{-9}$ or better, without any
#   derivation specific to the network.
#
# **Next:** [Classifying handwritten digits](../10-digits/) trains such a
# network on real images. **Back:**
# [A neural network from scratch](../08-neural-network/).
