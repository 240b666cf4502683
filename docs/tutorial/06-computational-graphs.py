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
# # Computational graphs
#
# The [chain rule](../04-chain-rule/) page ran a forward and a backward
# pass by hand along a chain of three functions, and
# [Functions of several inputs](../05-several-inputs/) derived the
# backward pass through a matrix product, a sigmoid and a sum by hand.
# Deriving every gradient by hand works for one model, but it is slow and
# easy to get wrong, and it has to be redone whenever the model changes.
# A *computational graph* lets the computer do the bookkeeping. Every operation records where its inputs
# came from and how to pass a gradient back to them. Then one generic
# backward pass applies the chain rule through any model built from those
# operations. This is reverse-mode automatic differentiation, the
# machinery behind PyTorch, JAX and TensorFlow.
#
# This page builds the graph of a small model with `dltut.graph`, draws
# it, walks the backward pass one step at a time with the shape of every
# gradient, and checks the result against numerical gradients. The
# module has one class,
# [`Node`](../../reference/#dltut.graph.Node), and a handful of
# operations on it; the figures come from
# [`draw_graph`](../../reference/#dltut.graph_plot.draw_graph).

# %%
import numpy as np
from matplotlib import pyplot as plt

from dltut.data import DEFAULT_SEED
from dltut.gradients import numerical_gradient, relative_error
from dltut.graph import (
    Node,
    add,
    matmul,
    mean,
    multiply,
    sigmoid,
    square,
    subtract,
    sum_all,
    topological_order,
)
from dltut.graph_plot import draw_graph
from dltut.plotting import use_site_style

use_site_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## A small model
#
# The model is one neuron with a sigmoid activation, scored by the mean
# squared error. It takes a batch $X$ of $n$ examples with $d$ features
# each, a weight matrix $W$ of shape $(d, 1)$, a bias $b$ of shape
# $(1, 1)$ and targets $y$ of shape $(n, 1)$, here labels 0 or 1:
#
# $$
# z = XW + b, \quad a = \sigma(z), \quad e = a - y,
# \quad L = \frac{1}{n} \sum_{i=1}^{n} e_i^2 .
# $$
#
# Adding $b$, of shape $(1, 1)$, to $XW$, of shape $(n, 1)$, uses NumPy
# broadcasting: the same bias is added to every example. That detail
# matters in the backward pass.
#
# A `Node` wraps a NumPy array. Each operation on nodes computes its
# result right away, as NumPy would, and returns a new node that also
# remembers its operands and the operation. The `name=` arguments only
# label the nodes for printing and drawing.

# %%
rng = np.random.default_rng(DEFAULT_SEED)
n, d = 5, 3

X = Node(rng.normal(size=(n, d)), name="X")
W = Node(rng.normal(size=(d, 1)), name="W")
b = Node(rng.normal(size=(1, 1)), name="b")
y = Node(rng.integers(0, 2, size=(n, 1)), name="y")

XW = matmul(X, W, name="XW")
z = add(XW, b, name="z")
a = sigmoid(z, name="a")
e = subtract(a, y, name="e")
e2 = square(e, name="e²")
loss = mean(e2, name="L")

print(f"loss: {float(loss.value):.4f}")

# %% [markdown]
# The operators `@`, `+`, `-`, `*` and `** 2` call the same functions,
# so the model also fits on one line. It records the same operations,
# only without names, and computes the same loss:

# %%
one_line = mean((sigmoid(X @ W + b) - y) ** 2)

print(f"loss: {float(one_line.value):.4f}")
print("operations:", [node.op for node in topological_order(one_line)])
# The same floating-point operations in the same order: equal bits.
assert one_line.value == loss.value

# %% [markdown]
# ## The forward pass records the graph
#
# Following the recorded operands back from the loss reaches every node
# that the loss depends on. `topological_order` lists them so that each
# node comes after all of its operands, its *parents*. That is an order
# in which the forward pass could have computed them.

# %%
print(f"{'node':<4} {'operation':<9} {'parents':<8} shape")
for node in topological_order(loss):
    parents = ", ".join(parent.name for parent in node.parents)
    print(f"{node.name:<4} {node.op:<9} {parents:<8} {node.shape}")

# %% [markdown]
# The same graph as a figure. Values are boxes with their shapes, and
# operations are ellipses between their operands and their result. Each
# input sits just before the operation that uses it.

# %%
draw_graph(loss, title="Graph of the mean squared error of a neuron")
plt.show()

# %% [markdown]
# Besides its value, every result node keeps a small *backward function*.
# It maps the gradient of the loss with respect to the node's value to
# the gradients with respect to its operands, and it needs some of the
# values that the forward pass computed. Write $\bar{v}$ for
# $\partial L / \partial v$, an array of the same shape as $v$, and
# $\odot$ for elementwise multiplication. The six operations of the model
# need these rules, each a chain rule step for one operation (the add
# and the matmul have one row per operand):
#
# | operation | local rule | kept from the forward pass |
# | --- | --- | --- |
# | mean of $n$ elements | every entry of $\overline{e^2}$ is $\bar{L} / n$ | $n$ |
# | square | $\bar{e} = 2 e \odot \overline{e^2}$ | $e$ |
# | subtract | $\bar{a} = \bar{e}$ and $\bar{y} = -\bar{e}$ | nothing |
# | sigmoid | $\bar{z} = \bar{a} \odot \sigma(z) (1 - \sigma(z))$ | $z$ |
# | add | $\overline{XW} = \bar{z}$ | the shapes |
# | add, broadcast $b$ | $\bar{b} = \sum_{i=1}^{n} \bar{z}_{i}$ | the shapes |
# | matmul | $\bar{X} = \overline{XW} \, W^\top$ | $W$ |
# | matmul | $\bar{W} = X^\top \, \overline{XW}$ | $X$ |
#
# The bias row was added to all $n$ rows, so it influenced the loss
# through each of them, and its gradient is the sum over the rows. The
# matrix product needs both of its operands. This is one reason why
# training keeps every layer's input in memory until the backward pass
# is done.

# %% [markdown]
# ## The backward pass, step by step
#
# `loss.backward()` starts with $\bar{L} = 1$ and visits the nodes in
# reverse topological order. At each result node it calls the backward
# function and adds what it returns to the operands' gradients. Because
# every consumer of a node comes later in the topological order, a node's
# gradient is complete before it is passed on. Each node then stores its
# gradient in `.grad`.

# %%
loss.backward()

print(f"{'node':<4} {'value shape':<12} gradient shape")
for node in reversed(topological_order(loss)):
    print(f"{node.name:<4} {node.shape!s:<12} {node.grad.shape}")

# %% [markdown]
# Every gradient has the shape of its value. That is a good first check
# of any hand-written backward pass: $\bar{W} = X^\top \, \overline{XW}$
# multiplies $(3, 5)$ by $(5, 1)$ and gives $(3, 1)$, the shape of $W$,
# while $\overline{XW} \, X^\top$ would not even have matching inner
# dimensions.
#
# The next cell applies the rules of the table by hand, from the loss
# back to the inputs, and compares each step with the gradient that the
# graph stored.

# %%
steps = {"L": np.ones(())}
steps["e²"] = np.full(e2.shape, steps["L"] / n)
steps["e"] = 2 * e.value * steps["e²"]
steps["a"] = steps["e"]
steps["y"] = -steps["e"]
sigma = a.value
steps["z"] = steps["a"] * sigma * (1 - sigma)
steps["XW"] = steps["z"]
steps["b"] = steps["z"].sum(axis=0, keepdims=True)
steps["W"] = X.value.T @ steps["XW"]
steps["X"] = steps["XW"] @ W.value.T

print(f"{'node':<4} {'shape':<7} relative difference from .grad")
largest = 0.0
for node in reversed(topological_order(loss)):
    difference = relative_error(steps[node.name], node.grad)
    largest = max(largest, difference)
    print(f"{node.name:<4} {node.shape!s:<7} {difference:.1e}")

# The graph computes the sigmoid's slope as exp(-|z|) / (1 + exp(-|z|))^2,
# which rounds differently from s (1 - s); everything else is the same
# arithmetic. A few rounding errors of size 1e-16 fit well within 1e-12.
assert largest < 1e-12

# %% [markdown]
# The gradients of the parameters, which a training step would use:

# %%
print("dL/dW =", W.grad.ravel())
print(f"dL/db = {b.grad.item():.4f}")

# %% [markdown]
# ## Checking against numerical gradients
#
# Agreeing with a hand derivation only shows that the graph applies the
# same rules. An independent check is
# [`numerical_gradient`](../../reference/#dltut.gradients.numerical_gradient),
# as on [Functions of several inputs](../05-several-inputs/). It moves
# one entry of an input by a small step in each direction, reruns the
# forward pass and takes the central difference. The operations accept
# plain arrays, so the forward pass can be rerun on perturbed copies
# without a backward pass.

# %%
forward_passes = 0


def model_loss(x, w, bias, target):
    """Run the forward pass on plain arrays and return the loss."""
    global forward_passes
    forward_passes += 1
    prediction = sigmoid(matmul(x, w) + bias)
    return float(mean(square(prediction - target)).value)


inputs = [X, W, b, y]
print(f"{'input':<5} {'entries':>7} {'relative error':>15}")
errors = []
for index, node in enumerate(inputs):

    def loss_of_one(value, index=index):
        arrays = [other.value for other in inputs]
        arrays[index] = value
        return model_loss(*arrays)

    estimate = numerical_gradient(loss_of_one, node.value)
    errors.append(relative_error(node.grad, estimate))
    print(f"{node.name:<5} {node.value.size:>7} {errors[-1]:>15.1e}")

digits = -np.log10(max(errors))
print(f"largest relative error {max(errors):.1e}: {digits:.1f} digits")

# A central difference with the step 1e-6 is accurate to about 1e-9
# here, limited by rounding; a wrong rule would be off by order 1.
assert max(errors) < 1e-6

# %% [markdown]
# The two methods agree to about nine digits, which is as close as a
# central difference gets.
#
# The check also shows what the graph saves. The numerical gradient needs
# two forward passes per input entry. On top of that, `numerical_gradient`
# calls the function once at the unperturbed point of each input array, to
# check that it returns a single number. The graph got every gradient from
# one forward and one backward pass:

# %%
entries = sum(node.value.size for node in inputs)
extra_passes = forward_passes - 2 * entries
print(f"input entries:             {entries}")
print(f"forward passes, numerical: {forward_passes}"
      f" = 2 x {entries} + {extra_passes}")
print("passes with the graph:     1 forward, 1 backward")

# The text above: two per entry, and one per input array for the check
# of the output.
assert extra_passes == len(inputs)

# %% [markdown]
# Each backward step does work of the same order as its forward step.
# For example, the matrix product's backward function computes two
# matrix products, each with as many multiplications as the one product
# of the forward pass. A network with a million weights needs two million
# forward passes for a numerical gradient, but still one backward pass.
# That is why training uses the graph, and numerical gradients are kept
# for checking.

# %% [markdown]
# ## A value used twice
#
# A node can be an operand of several operations, or twice of the same
# one. The smallest example is $L = \sum_j x_j x_j$, written as
# `sum_all(x * x)`. Call the product $m = x \odot x$. The sum passes
# $\bar{m} = \bar{L} \cdot 1$ back to every entry of $m$, and
# $\bar{L} = 1$, so $\bar{m}$ is all ones. The multiplication's backward
# function returns the incoming gradient times the other operand:
# $\bar{m} \odot x$ for its first operand and $\bar{m} \odot x$ for its
# second, and both are $x$. The backward pass *adds* what each use
# returns, so $\bar{x} = x + x = 2x$, the derivative of $x^2$. If the second
# contribution replaced the first instead, the result would be $x$, half
# the correct derivative.

# %%
x = Node([1.0, -2.0, 3.0], name="x")
squares = sum_all(multiply(x, x, name="x·x"), name="L")
squares.backward()

print("x      =", x.value)
print("x.grad =", x.grad)

# The upstream gradient is exactly 1, so each use contributes exactly x,
# and x + x equals 2x exactly in floating point.
assert np.array_equal(x.grad, 2 * x.value)

# %% [markdown]
# The figure shows both uses as separate arrows into the multiplication.
# In a network, the same thing happens when one weight matrix is applied
# at several places, for example at every time step of a recurrent
# network. Its gradient is then the sum over all the places.

# %%
draw_graph(squares, title="x used twice: L = sum(x * x)")
plt.show()

# %% [markdown]
# Gradients also add when the uses are different operations. Here $x$
# feeds both a square and a sigmoid, so its gradient is the sum of the
# two local slopes, $2x + \sigma(x)(1 - \sigma(x))$:

# %%
two_paths = sum_all(square(x) + sigmoid(x))
two_paths.backward()

s = 1 / (1 + np.exp(-x.value))
expected = 2 * x.value + s * (1 - s)
print("x.grad   =", x.grad)
print("expected =", expected)

# Two formulas for the sigmoid's slope differ by rounding only.
assert relative_error(x.grad, expected) < 1e-14

# %% [markdown]
# `backward()` set `x.grad` afresh, so it contains this graph's gradient,
# not the sum with the one from `squares` above. Each call starts every
# node of its graph at zero, so calling it twice gives the same
# gradients, and gradients add up only within one backward pass.

# %% [markdown]
# ## Why libraries work this way
#
# PyTorch's autograd works on the same principle. Its
# [notes on autograd mechanics](https://pytorch.org/docs/stable/notes/autograd.html)
# describe a graph that is recorded while the forward pass runs, with
# each result tensor pointing to the function that made it (its
# `grad_fn`), and rebuilt from scratch at every iteration. Because the
# graph is whatever the code actually ran, ordinary Python `if`
# statements and loops can change the model from one batch to the next.
# The backward pass then follows the recorded graph in reverse, as
# `Node.backward` does.
#
# Three differences from `dltut.graph` matter in practice. PyTorch's
# `backward` adds to the `.grad` of the leaf tensors, which is why
# training loops zero the gradients before each step. By default, it
# frees the values that the graph's operations saved for their backward
# functions once a backward pass has used them. A second `backward`
# through the same graph then raises an error if any operation saved
# values, as products and activations do, unless the first call passed
# `retain_graph=True`. And it keeps `.grad` only on leaf tensors,
# such as the parameters. `dltut.graph` keeps everything, because this
# page wants to print every intermediate gradient.

# %% [markdown]
# ## Summary
#
# - A computational graph records, for every value, the operation and
#   the operands that produced it. Running the forward pass builds it.
# - Each operation has a local backward rule that maps its output's
#   gradient to its operands' gradients, using values kept from the
#   forward pass.
# - The backward pass visits the nodes in reverse topological order,
#   starting from $\bar{L} = 1$. Every gradient has the shape of its
#   value, and an operand that broadcasting repeated gets the sum over
#   the repeats.
# - A value used more than once receives the sum of the gradients from
#   all its uses.
# - One backward pass gives the gradient with respect to every input,
#   where a numerical gradient needs two forward passes per entry.
#
# **Next:** [Linear regression from scratch](../07-linear-regression/)
# trains a model with gradients like these. **Back:**
# [Functions of several inputs](../05-several-inputs/).
