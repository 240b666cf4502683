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
# # Functions of several inputs
#
# A loss depends on many numbers at once: every input feature of every
# example, and every weight of the network. The chain rule of
# [Nested functions and the chain rule](../04-chain-rule/) was about
# functions of one variable. This page extends it to functions of vectors
# and matrices, in four steps:
#
# 1. partial derivatives and the gradient of a function with one output,
# 2. the Jacobian of a function with several outputs,
# 3. matrix multiplication as the way a layer combines input features,
# 4. the backward pass through a matrix product, a sigmoid and a sum: the
#    function $L = \sum \sigma(X W)$, derived by hand, with the shape of
#    every intermediate result, and checked numerically.
#
# The numerical tools come from `dltut.gradients`
# ([`numerical_gradient`](../../reference/#dltut.gradients.numerical_gradient),
# [`numerical_jacobian`](../../reference/#dltut.gradients.numerical_jacobian),
# [`relative_error`](../../reference/#dltut.gradients.relative_error)). The
# function $L$ and its gradients come from `dltut.multivariate`; see
# [its API reference](../../reference/#dltut.multivariate.matmul_sigmoid_sum_gradients).

# %%
import numpy as np
from matplotlib import pyplot as plt

from dltut.activations import sigmoid, sigmoid_derivative
from dltut.data import DEFAULT_SEED
from dltut.gradients import (
    numerical_gradient,
    numerical_jacobian,
    relative_error,
)
from dltut.multivariate import (
    matmul_sigmoid_sum,
    matmul_sigmoid_sum_forward,
    matmul_sigmoid_sum_gradients,
)
from dltut.plotting import COLORS, plot_curves, use_site_style
from dltut.tangent import TangentLine

use_site_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## Partial derivatives and the gradient
#
# Take a function of two inputs, a bowl that is elongated and rotated, so
# that its axes are not the coordinate axes:
#
# $$
# f(x_1, x_2) = x_1^2 + x_1 x_2 + 3 x_2^2.
# $$
#
# Its *partial derivative* with respect to $x_1$ is the ordinary derivative
# in $x_1$ while $x_2$ is held fixed, and the other way round for $x_2$:
#
# $$
# \frac{\partial f}{\partial x_1} = 2 x_1 + x_2,
# \qquad
# \frac{\partial f}{\partial x_2} = x_1 + 6 x_2.
# $$
#
# As a limit, the partial derivative with respect to $x_j$ moves only the
# $j$-th input. With $e_j$ the vector that is 1 at position $j$ and 0
# elsewhere,
#
# $$
# \frac{\partial f}{\partial x_j}(a)
# = \lim_{h \to 0} \frac{f(a + h e_j) - f(a)}{h}.
# $$
#
# The *gradient* $\nabla f$ collects all partial derivatives in an array of
# the input's shape. `numerical_gradient` estimates it by a central
# difference in each coordinate in turn, so it costs two evaluations of $f$
# per input.


# %%
def bowl(v):
    """Return x1^2 + x1 x2 + 3 x2^2, with x1 and x2 on the last axis."""
    x1, x2 = v[..., 0], v[..., 1]
    return x1**2 + x1 * x2 + 3 * x2**2


def bowl_gradient(v):
    """Return the gradient (2 x1 + x2, x1 + 6 x2) of `bowl`."""
    x1, x2 = v[..., 0], v[..., 1]
    return np.stack([2 * x1 + x2, x1 + 6 * x2], axis=-1)


a = np.array([1.0, 0.5])
by_hand = bowl_gradient(a)
estimated = numerical_gradient(bowl, a)
gradient_error = relative_error(by_hand, estimated)

print("gradient by hand:     ", by_hand)
print("numerical_gradient:   ", estimated)
print(f"relative error:        {gradient_error:.1e}")

# A central difference is exact for a quadratic, so only rounding is
# left: about eps * |f| / h = 2.2e-16 * 2 / 1e-6 = 4e-10, relative to
# a gradient of size 4. 1e-8 leaves a margin.
assert gradient_error < 1e-8

# %% [markdown]
# The gradient is the best linear approximation of $f$ near $a$: for a small
# step $\Delta$ in any direction,
#
# $$
# f(a + \Delta) \approx f(a) + \nabla f(a) \cdot \Delta.
# $$
#
# The error of this approximation shrinks like $|\Delta|^2$. For this
# quadratic it is exactly $\Delta_1^2 + \Delta_1 \Delta_2 + 3 \Delta_2^2$,
# so a step ten times shorter gives an error a hundred times smaller:

# %%
direction = np.array([0.6, -0.8])
for size in [1e-1, 1e-2, 1e-3]:
    step = size * direction
    actual = bowl(a + step) - bowl(a)
    linear = by_hand @ step
    print(
        f"|step| = {size:.0e}: change {actual:+.6f},"
        f" gradient predicts {linear:+.6f},"
        f" error {actual - linear:.1e}"
    )
    # The error is the quadratic part, which is bowl(step) itself. The
    # subtraction bowl(a + step) - bowl(a) loses about eps * 2 = 4e-16.
    assert abs((actual - linear) - bowl(step)) < 1e-14

# %% [markdown]
# The gradient points in the direction in which $f$ rises fastest, and it
# is perpendicular to the contour lines, along which $f$ does not change at
# all. Gradient descent, the training method of the later pages, steps
# against it. The figure draws the contour lines of the bowl and the
# gradient at a grid of points, each arrow scaled down to a twentieth of
# its length.

# %%
grid = np.linspace(-2, 2, 201)
x1_grid, x2_grid = np.meshgrid(grid, grid)
points = np.stack([x1_grid, x2_grid], axis=-1)

# A sparse grid, so that the arrows stay clear of the contour labels.
arrow_grid = np.linspace(-1.5, 1.5, 4)
arrow_x1, arrow_x2 = np.meshgrid(arrow_grid, arrow_grid)
arrows = bowl_gradient(np.stack([arrow_x1, arrow_x2], axis=-1))

fig, ax = plt.subplots(figsize=(6.0, 5.2), layout="constrained")
contours = ax.contour(
    x1_grid,
    x2_grid,
    bowl(points),
    levels=[0.25, 1, 2, 4, 7, 11],
    colors=COLORS[0],
    linewidths=1.2,
)
ax.clabel(contours, fontsize="small", fmt="%g")
ax.quiver(
    arrow_x1,
    arrow_x2,
    arrows[..., 0],
    arrows[..., 1],
    color=COLORS[1],
    angles="xy",
    scale_units="xy",
    scale=20,
    width=0.005,
)
gradient_at_a = bowl_gradient(a)
ax.quiver(
    a[0],
    a[1],
    gradient_at_a[0],
    gradient_at_a[1],
    color="black",
    angles="xy",
    scale_units="xy",
    scale=20,
    width=0.007,
)
ax.plot([a[0]], [a[1]], "o", color="black")
ax.annotate(
    "a = (1, 0.5)", a, xytext=(6, -14), textcoords="offset points"
)
ax.set_aspect("equal")
ax.set_title("Contours of f and its gradient (arrows)")
ax.set_xlabel("x₁")
ax.set_ylabel("x₂")
plt.show()

# %% [markdown]
# The black arrow is the gradient $(2.5, 4)$ at $a$. The bowl is steeper
# along $x_2$ (the factor 3), so the arrows are longer where $|x_2|$ is
# large.
# Every arrow is perpendicular to the contour line through its starting
# point, which is visible where that point lies on one of the drawn lines.
#
# ## The Jacobian of a vector function
#
# A function with $p$ inputs and $m$ outputs has a partial derivative for
# every pair of output and input. Arranged as an $m \times p$ matrix, they
# form the *Jacobian*:
#
# $$
# J_{ij} = \frac{\partial f_i}{\partial x_j},
# \qquad 1 \le i \le m, \quad 1 \le j \le p.
# $$
#
# Row $i$ is the gradient of output $i$. `numerical_jacobian` returns an
# array of shape `output.shape + x.shape`, which for vectors is this
# $m \times p$ matrix.
#
# **A matrix times a vector.** For $f(x) = W x$ with $W$ of shape
# $m \times p$, output $i$ is $\sum_{j} W_{ij} x_j$, and its partial
# derivative with respect to $x_j$ is $W_{ij}$. The Jacobian is $W$ itself,
# at every point $x$.
#
# **An elementwise function.** For $f(x) = \sigma(x)$, applied to each
# element, output $i$ depends on $x_i$ alone. Every partial derivative with
# $i \ne j$ is 0, and the Jacobian is diagonal:
#
# $$
# J = \operatorname{diag}\bigl(\sigma'(x_1), \dots, \sigma'(x_p)\bigr).
# $$

# %%
rng = np.random.default_rng(DEFAULT_SEED)
# W maps p = 2 inputs to m = 3 outputs.
weights_mp = rng.normal(size=(3, 2))
x_point = rng.normal(size=2)
# A point for the elementwise sigmoid, with 4 inputs and 4 outputs.
z_point = rng.normal(size=4)

jacobian_linear = numerical_jacobian(lambda v: weights_mp @ v, x_point)
jacobian_sigmoid = numerical_jacobian(sigmoid, z_point)

print("Jacobian of x -> W x, shape", jacobian_linear.shape)
print(jacobian_linear)
print("W:")
print(weights_mp)
print()
print(
    "Jacobian of the elementwise sigmoid, shape", jacobian_sigmoid.shape
)
print(jacobian_sigmoid)
print("sigmoid'(z):", sigmoid_derivative(z_point))

linear_error = relative_error(jacobian_linear, weights_mp)
sigmoid_error = relative_error(
    jacobian_sigmoid, np.diag(sigmoid_derivative(z_point))
)
print(f"relative errors: {linear_error:.1e} and {sigmoid_error:.1e}")

# W x is linear, so its central differences have no truncation error;
# the sigmoid's is about h^2 / 6 * 1/8 = 2e-14. Rounding adds about
# eps / h = 2e-10 in both, so 1e-8 leaves a margin.
assert linear_error < 1e-8
assert sigmoid_error < 1e-8

# %% [markdown]
# The zeros off the diagonal matter for backpropagation. Multiplying a
# vector by a diagonal matrix is the same as multiplying it elementwise by
# the diagonal. So the backward pass through an elementwise function is an
# elementwise product with its derivative, and the $p \times p$ matrix is
# never built.
#
# For functions of vectors, the chain rule multiplies Jacobians: the
# Jacobian of $g(f(x))$ is $J_g(f(x)) \, J_f(x)$, a matrix product in the
# same order as the product of derivatives on the previous page. For
# $\sigma(W x)$ that is $\operatorname{diag}(\sigma'(W x)) \, W$, which is
# $W$ with row $i$ multiplied by $\sigma'((W x)_i)$:

# %%
composed = numerical_jacobian(
    lambda v: sigmoid(weights_mp @ v), x_point
)
by_chain_rule = (
    sigmoid_derivative(weights_mp @ x_point)[:, None] * weights_mp
)
composed_error = relative_error(composed, by_chain_rule)
print(f"relative error of the chain rule: {composed_error:.1e}")

# As above: truncation below 1e-13, rounding about 2e-10.
assert composed_error < 1e-8

# %% [markdown]
# ## Matrix multiplication combines features
#
# A batch of data is a matrix $X$ with one row per example and one column
# per feature: $n$ examples with $d$ features each make an $n \times d$
# matrix. A layer multiplies it by a weight matrix $W$ of shape
# $d \times k$:
#
# $$
# N = X W, \qquad N_{ij} = \sum_{l=1}^{d} X_{il} \, W_{lj}.
# $$
#
# Entry $(i, j)$ of the result is a weighted sum of the features of example
# $i$, with column $j$ of $W$ as the weights. Each column of $W$ is a recipe
# for one new feature, built from the $d$ input features, and the product
# computes all $k$ new features for all $n$ examples at once. The inner
# sizes must agree: $(n \times d)(d \times k)$ gives $n \times k$.
#
# A small example: three rectangles, described by their length and width,
# and three new features. The first is length plus width (half the
# perimeter), the second length minus width, the third the length alone.

# %%
rectangles = np.array(
    [
        [3.0, 1.0],  # length, width
        [2.0, 2.0],
        [5.0, 0.5],
    ]
)
recipes = np.array(
    [
        [1.0, 1.0, 1.0],  # weight of the length in each new feature
        [1.0, -1.0, 0.0],  # weight of the width in each new feature
    ]
)
new_features = rectangles @ recipes

print("X shape:", rectangles.shape, " W shape:", recipes.shape)
print("X W shape:", new_features.shape)
print(new_features)

# Row 2 (the third rectangle), column 0 (length + width): 5 + 0.5.
by_hand_entry = 5.0 * 1.0 + 0.5 * 1.0
print(f"entry (2, 0) by hand: {by_hand_entry}")
# Both sides add the same two products of small binary fractions,
# which float64 represents exactly.
assert new_features[2, 0] == by_hand_entry

# %% [markdown]
# Each row of the result still describes one rectangle, now with three
# features instead of two. A neural network learns its recipes: training
# adjusts the columns of $W$ until the new features are useful for the
# task.
#
# When the inner sizes do not agree, the product is undefined.
# `matmul_sigmoid_sum`, the function of the next section, checks this
# before it multiplies, and its error names both shapes. Here the weight
# matrix has three rows, as if each rectangle had three features:

# %%
try:
    matmul_sigmoid_sum(rectangles, np.ones((3, 4)))
except ValueError as error:
    print("ValueError:", error)

# %% [markdown]
# ## The backward pass through a product, a sigmoid and a sum
#
# Put the pieces together. The function
#
# $$
# L(X, W) = \sum_{i=1}^{n} \sum_{j=1}^{k} \sigma\bigl((X W)_{ij}\bigr)
# $$
#
# has the shape of a layer followed by a loss: a matrix product, an
# elementwise activation, and a reduction to a single number. (The sum has
# no target yet, unlike a real loss, which the page on
# [linear regression](../07-linear-regression/) introduces.) The forward
# pass has three steps, each with the shape of its result:
#
# $$
# N = X W \ (n \times k), \quad
# S = \sigma(N) \ (n \times k), \quad
# L = \sum_{i,j} S_{ij} \ (\text{a number}).
# $$
#
# The backward pass goes through them in reverse. One rule extends the chain
# rule to several inputs: when a variable affects several intermediate
# values, its partial derivative is the *sum* of the contributions through
# each of them.
#
# **Through the sum.** Each $S_{ij}$ enters $L$ with weight 1:
#
# $$
# \frac{\partial L}{\partial S} = \mathbf{1} \quad (n \times k).
# $$
#
# **Through the sigmoid.** It acts elementwise, so its Jacobian is diagonal
# and this step is an elementwise product, written $\odot$:
#
# $$
# G = \frac{\partial L}{\partial N}
# = \sigma'(N) \odot \frac{\partial L}{\partial S}
# = \sigma'(N) \quad (n \times k).
# $$
#
# **Through the product, to $X$.** $X_{ab}$ appears in row $a$ of $N$
# only, in every entry $N_{aj}$, with coefficient $W_{bj}$. Summing over
# those $k$ entries,
#
# $$
# \frac{\partial L}{\partial X_{ab}}
# = \sum_{j=1}^{k} G_{aj} \, W_{bj} = (G W^{T})_{ab},
# $$
#
# so that
#
# $$
# \frac{\partial L}{\partial X} = G W^{T} \quad (n \times d).
# $$
#
# **Through the product, to $W$.** $W_{ab}$ appears in column $b$ of $N$,
# in every entry $N_{ib}$, with coefficient $X_{ia}$:
#
# $$
# \frac{\partial L}{\partial W_{ab}}
# = \sum_{i=1}^{n} X_{ia} \, G_{ib} = (X^{T} G)_{ab},
# $$
#
# so that
#
# $$
# \frac{\partial L}{\partial W} = X^{T} G \quad (d \times k).
# $$
#
# The shapes are a useful check: a gradient has the shape of the variable
# it belongs to, and $G W^T$ is the only product of $G$ and $W$ that gives
# $n \times d$. The sums over indices are the reason, though, and they are
# what to go back to when the shapes alone leave a doubt.
#
# The next cell runs the forward pass with
# [`matmul_sigmoid_sum_forward`](../../reference/#dltut.multivariate.matmul_sigmoid_sum_forward),
# which stores every intermediate value, on random inputs with $n = 4$
# examples, $d = 3$ features and $k = 2$ outputs.

# %%
rng = np.random.default_rng(DEFAULT_SEED)
x = rng.normal(size=(4, 3))
weights = rng.normal(size=(3, 2))

forward = matmul_sigmoid_sum_forward(x, weights)
print(f"X                {forward.x.shape}")
print(f"W                {forward.weights.shape}")
print(f"N = X W          {forward.products.shape}")
print(f"S = sigmoid(N)   {forward.activations.shape}")
print(f"L = sum of S     {forward.loss:.4f}")

# %% [markdown]
# The backward pass, written out step by step with the stored values, and
# computed by `matmul_sigmoid_sum_gradients`:

# %%
grad_s = np.ones_like(forward.activations)
grad_n = sigmoid_derivative(forward.products) * grad_s
grad_x_by_hand = grad_n @ forward.weights.T
grad_w_by_hand = forward.x.T @ grad_n

for name, array in [
    ("dL/dS", grad_s),
    ("dL/dN = G", grad_n),
    ("dL/dX = G W^T", grad_x_by_hand),
    ("dL/dW = X^T G", grad_w_by_hand),
]:
    print(f"{name:<14} shape {array.shape}")

grad_x, grad_weights = matmul_sigmoid_sum_gradients(x, weights)
# The package computes the same products of the same arrays.
assert np.array_equal(grad_x, grad_x_by_hand)
assert np.array_equal(grad_weights, grad_w_by_hand)
print()
print("dL/dW:")
print(grad_weights)

# %% [markdown]
# ### Self-check against numerical gradients
#
# `numerical_gradient` uses nothing from the derivation. It moves one
# entry of $X$ or $W$ at a time by $\pm h$, with $h = 10^{-6}$, and
# evaluates $L$. If the derivation or the code had a mistake (a missing
# transpose, the derivative evaluated at $S$ instead of $N$), the two would
# disagree in the first digits.

# %%
evaluations = 0


def loss_of_x(x_values):
    """Return L as a function of X, with W fixed, counting the calls."""
    global evaluations
    evaluations += 1
    return matmul_sigmoid_sum(x_values, weights)


def loss_of_weights(weight_values):
    """Return L as a function of W, with X fixed, counting the calls."""
    global evaluations
    evaluations += 1
    return matmul_sigmoid_sum(x, weight_values)


numerical_x = numerical_gradient(loss_of_x, x)
numerical_weights = numerical_gradient(loss_of_weights, weights)
error_x = relative_error(grad_x, numerical_x)
error_weights = relative_error(grad_weights, numerical_weights)

print("numerical dL/dW:")
print(numerical_weights)
print(f"relative error of dL/dX: {error_x:.1e}")
print(f"relative error of dL/dW: {error_weights:.1e}")
print(f"evaluations of L by numerical_gradient: {evaluations}")
entries = x.size + weights.size

# The central difference's truncation error, about h^2 / 6 * |L'''|, is
# near 1e-13 for h = 1e-6. Rounding adds about eps * |L| / h =
# 2.2e-16 * 4 / 1e-6 = 1e-9, which is 1e-8 or less relative to gradient
# entries of size 0.1 to 1. A bound of 1e-6 leaves a margin of 100 and
# still catches mistakes like those above, which change the gradient by
# a large fraction of its size.
assert error_x < 1e-6
assert error_weights < 1e-6
# Two evaluations per entry, and one per matrix at the unchanged point.
assert evaluations == 2 * entries + 2

# %% [markdown]
# Both gradients agree with the numerical estimates to a relative error of
# about $10^{-9}$. The numerical check evaluated $L$ twice for each of the
# 18 entries of $X$ and $W$, and once more per matrix at the unchanged
# point, to check that $L$ is a single number. The backward pass needed
# one forward pass and two matrix products. For a network with millions of
# weights, that difference is what makes training possible.
#
# ### One partial derivative as a slope
#
# A partial derivative is the slope of $L$ along one coordinate, with all
# others fixed. The figure makes this concrete for one entry of each
# matrix, the one with the largest partial derivative. It varies that entry
# of $W$ (left) or $X$ (right) around its current value, plots $L$, and
# draws the tangent whose slope is the partial derivative from the backward
# pass. Indices count from 0, as in NumPy.


# %%
def loss_along(matrix_name, index, values):
    """Return L with one entry of X or W set to each of `values`."""
    losses = []
    for value in values:
        x_changed, weights_changed = x.copy(), weights.copy()
        changed = weights_changed if matrix_name == "W" else x_changed
        changed[index] = value
        losses.append(matmul_sigmoid_sum(x_changed, weights_changed))
    return np.array(losses)


# The entry of each matrix with the steepest partial derivative.
w_index = np.unravel_index(
    np.argmax(np.abs(grad_weights)), grad_weights.shape
)
x_index = np.unravel_index(np.argmax(np.abs(grad_x)), grad_x.shape)
cases = [
    ("W", w_index, weights[w_index], grad_weights[w_index]),
    ("X", x_index, x[x_index], grad_x[x_index]),
]

fig, axes = plt.subplots(1, 2, figsize=(8.0, 3.4), layout="constrained")
for ax, case in zip(axes, cases, strict=True):
    matrix_name, index, current, slope = case
    values = np.linspace(current - 3, current + 3, 121)
    tangent = TangentLine(
        point=float(current), value=forward.loss, slope=float(slope)
    )
    entry = f"{matrix_name}[{index[0]}, {index[1]}]"
    tangent_label = f"tangent, slope {slope:.4f}"
    plot_curves(
        values,
        {
            "L": loss_along(matrix_name, index, values),
            tangent_label: tangent(values),
        },
        styles={tangent_label: "--"},
        title=f"L as a function of {entry}",
        xlabel=entry,
        ylabel="L",
        ax=ax,
    )
    ax.plot([current], [forward.loss], "o", color="black")
plt.show()

# %% [markdown]
# In both panels the tangent touches the curve at the current value and
# follows it closely nearby, which is what a correct partial derivative
# looks like. Away from that point $L$ bends, because the sigmoid
# saturates, and the tangent drifts off, as on the
# [Numerical derivatives](../02-derivatives/) page.
#
# ## Summary
#
# - A partial derivative varies one input and keeps the others fixed. The
#   gradient collects them in an array of the input's shape.
# - The Jacobian of a function with several outputs has one row per
#   output. For $x \mapsto W x$ it is $W$; for an elementwise function it is
#   diagonal, so the backward pass through it is an elementwise product.
# - $X W$ builds $k$ new features from $d$ old ones, one column of $W$ per
#   new feature.
# - For $L = \sum \sigma(X W)$: $\partial L / \partial X = \sigma'(X W) \, W^T$
#   and $\partial L / \partial W = X^T \, \sigma'(X W)$, each with the shape
#   of its variable.
#
# **Next:** [Computational graphs](../06-computational-graphs/) organises
# these forward and backward steps as a graph of operations, so that they
# can be combined into any network. **Back:**
# [Nested functions and the chain rule](../04-chain-rule/).
