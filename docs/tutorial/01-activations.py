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
# # Activation functions
#
# A neural network alternates two kinds of steps: a linear map (multiply by a weight
# matrix, add a bias) and an *activation function* applied to each element of the result.
# This page covers four common activation functions: ReLU, Leaky ReLU, the sigmoid and
# tanh. For each one you get the formula, a plot, the
# derivative (which training needs), and a check of that derivative against a numerical
# estimate.
#
# The page starts from Damir Cavar's 2019 tutorial notebook and keeps its grid of
# inputs. That notebook's plots had no axis labels and showed stray outputs such as
# `Text(0, 0.5, 'y')`. A notebook displays the value of the last expression in a cell,
# and `plt.ylabel("y")` returns a `Text` object. Here every figure has a title and axis
# labels, and every figure cell ends with `plt.show()`, which returns `None`.

# %%
import warnings

import numpy as np
from matplotlib import pyplot as plt

from dltut import (
    deriv,
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    tanh,
    tanh_derivative,
)
from dltut.plotting import (
    function_and_derivative_figure,
    plot_curves,
    use_site_style,
)

use_site_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# All plots on this page use the same grid as the 2019 notebook,
# `x = np.arange(-2, 2, 0.05)`. Two details of that grid matter later.
# First, `np.arange` excludes its stop value, so the grid ends at 1.95, not 2.
# Use `np.linspace(-2, 2, 81)` if you want both ends. Second, the point that should
# be 0 is not exactly 0.
#
# The reason is not that `-2 + 40 * 0.05` is inexact: in float64 it rounds to exactly
# 0. For a float step, `np.arange` does not multiply by `step` itself. It first
# computes the spacing it will use as `(start + step) - start`. The sum `-2 + 0.05` is
# rounded, so the spacing comes out as 0.050000000000000044, slightly more than 0.05.
# The points are then `start + i * spacing`, and 40 of those slightly longer steps
# overshoot 0 by $1.8 \times 10^{-15}$. The cell below repeats both computations.

# %%
x = np.arange(-2, 2, 0.05)
print(f"{len(x)} points, from {x[0]:.2f} to {x[-1]:.2f}")
print(f"the point nearest 0 is x[40] = {x[40]:.2e}")

# The spacing np.arange uses for a float step. 17 significant digits
# show every float64 exactly.
spacing = (-2 + 0.05) - (-2)
print(f"spacing used by np.arange: {spacing:.17g}")
print(f"-2 + 40 * 0.05    = {-2 + 40 * 0.05:.2e}")
print(f"-2 + 40 * spacing = {-2 + 40 * spacing:.2e}")

# %%
# Rebuilding the grid from that spacing repeats NumPy's arithmetic, so
# it must match bit for bit. If a NumPy release changes how arange
# fills a float array, this check fails and the paragraph above needs
# updating.
assert np.array_equal(x, -2 + np.arange(len(x)) * spacing)
assert -2 + 40 * 0.05 == 0.0

# %% [markdown]
# ## Why a network needs a nonlinearity
#
# Without an activation function, a network is a chain of matrix products. Two linear
# layers $W_2 (W_1 v)$ equal one linear layer $(W_2 W_1) v$, and so do ten. Depth would
# add parameters but no expressive power, because the whole network would still compute
# a linear function of its input. (Biases do not change this: a chain of affine maps is
# one affine map.) Here is that collapse in NumPy:

# %%
rng = np.random.default_rng(0)
W1 = rng.normal(size=(4, 3))
W2 = rng.normal(size=(2, 4))
v = rng.normal(size=3)

two_layers = W2 @ (W1 @ v)
one_layer = (W2 @ W1) @ v
print("two layers:", two_layers)
print("one layer: ", one_layer)

# %% [markdown]
# The two results agree up to rounding, because matrix multiplication is associative.
# Putting a nonlinear function between the layers breaks this: $W_2 f(W_1 v)$ is in
# general not equal to $M v$ for any single matrix $M$.

# %%
# The two groupings are equal in exact arithmetic, so they differ only
# by rounding: a few units of float64's 2.2e-16, times the size of the
# values.
collapse_error = np.max(np.abs(two_layers - one_layer))
print(f"largest difference: {collapse_error:.1e}")
assert collapse_error < 1e-12

# %% [markdown]
# ## ReLU
#
# The rectified linear unit keeps positive inputs and replaces negative ones with 0:
#
# $$
# \operatorname{ReLU}(x) = \max(0, x).
# $$
#
# Another way to see it: ReLU *clips* its input from below at 0. The 2019 notebook wrote
# it as `x.clip(min=0)`. [`dltut.relu`](../../reference/#dltut.activations.relu)
# computes `np.maximum(x, 0)` by default, and `np.clip(x, 0, None)` with
# `method="clip"`. All of these give the same values on the grid:

# %%
by_maximum = relu(x)
by_clip = relu(x, method="clip")

other_forms = {
    "method='clip'": by_clip,
    "np.clip(x, 0, None)": np.clip(x, 0, None),
    "x.clip(min=0)": x.clip(min=0),
}

sample = by_maximum[[20, 30, 40, 50, 60]]
print("relu(x) at x = -1, -0.5, 0, 0.5, 1:", sample)
for label, values in other_forms.items():
    same = np.array_equal(values, by_maximum)
    print(f"{label:>19} equals the default: {same}")

# %%
# Each form returns either the input element or 0, with no arithmetic,
# so the values must be bit-for-bit equal: no tolerance.
for label, values in other_forms.items():
    assert np.array_equal(values, by_maximum), label

# %% [markdown]
# ### The derivative of ReLU
#
# For $x < 0$ ReLU is the constant 0, so its slope is 0. For $x > 0$ it is $x$, so its
# slope is 1. At $x = 0$ the graph has a kink, the slope jumps from 0 to 1, and ReLU
# has no derivative there. The one-sided slopes show the jump: the backward difference
# at 0 sees only the flat piece, and the forward difference sees only the rising one.

# %%
print("backward difference at 0:", deriv(relu, 0.0, method="backward"))
print("forward difference at 0: ", deriv(relu, 0.0, method="forward"))
print("central difference at 0: ", deriv(relu, 0.0))

# %% [markdown]
# Training still needs *some* number at 0. Any slope $g$ between 0 and 1 gives a line
# $g x$ that touches the graph at 0 and stays below it everywhere. Such a $g$ is called
# a *subgradient* of ReLU at 0, and gradient-based training can use it where the
# derivative is missing. Deep-learning libraries commonly pick 0: the documentation of
# JAX's `jax.nn.relu`, for example, states that its derivative at 0 is taken as 0. So does
# [`dltut.relu_derivative`](../../reference/#dltut.activations.relu_derivative):
#
# $$
# \operatorname{ReLU}'(x) =
# \begin{cases} 1 & \text{if } x > 0, \\ 0 & \text{if } x \le 0. \end{cases}
# $$
#
# The central difference (the default of [`deriv`](../../reference/#dltut.calculus.deriv))
# returned 0.5 at 0. It computes $(f(a + h) - f(a - h)) / 2h$, and when the kink lies
# between $a - h$ and $a + h$ that quotient mixes both pieces. Exactly at the kink it
# gives the average of the two one-sided slopes, $(0 + 1) / 2$. This is expected, not a
# bug, and it will show up in the figure and the check below.
#
# The figure shows ReLU on the left and, on the right, the exact derivative next to the
# numerical estimate from `deriv` with its default step $h = 0.001$. The estimate is
# drawn as dots, one per grid point, so that the value at the kink stands out.

# %%
relu_exact = relu_derivative(x)
relu_numerical = deriv(relu, x)
kink = np.argmin(np.abs(x))  # index of the grid point nearest 0

figure = function_and_derivative_figure(
    x,
    relu(x),
    {
        "exact (relu_derivative)": relu_exact,
        "numerical (deriv)": relu_numerical,
    },
    name="ReLU",
    derivative_styles=("-", "."),
)
derivative_axes = figure.axes[1]
derivative_axes.legend(loc="center left")
derivative_axes.annotate(
    f"central difference\nat the kink: {relu_numerical[kink]:.1f}",
    xy=(x[kink], relu_numerical[kink]),
    xytext=(0.5, 0.2),
    arrowprops={"arrowstyle": "->"},
)
plt.show()

# %% [markdown]
# The curves agree except at the grid point nearest 0. That point is
# $1.8 \times 10^{-15}$, a positive number, so `relu_derivative` returns 1 there. It is
# also far closer to the kink than $h$, so the central difference returns about 0.5.
# The check below states this instead of hiding it: away from the kink the two must
# agree closely, and at the kink the estimate must be the average slope.

# %%
delta = 0.001  # the default step of deriv
near_kink = np.abs(x) < delta
relu_error = np.abs(relu_numerical - relu_exact)
relu_error_away = np.max(relu_error[~near_kink])
relu_at_kink = relu_numerical[near_kink]
kink_points = [f"{value:.1e}" for value in x[near_kink]]

print("grid points within delta of the kink:", kink_points)
print(f"largest difference away from the kink: {relu_error_away:.1e}")
print("numerical derivative at the kink:    ", relu_at_kink)

# %%
# ReLU is linear on each side of 0, so away from the kink the central
# difference has no truncation error. Only rounding remains, about
# 2.2e-16 * |x| / delta, which is below 1e-12 on this grid, so 1e-10
# leaves a wide margin.
assert relu_error_away < 1e-10
# At the kink the estimate is (0 + 1) / 2, shifted by
# x / (2 * delta) ~ 1e-12 because the grid point is 1.8e-15 rather
# than exactly 0.
assert np.all(np.abs(relu_at_kink - 0.5) < 1e-10)

# %% [markdown]
# ## Leaky ReLU
#
# ReLU's zero slope for negative input has a cost. Training changes a weight in
# proportion to the gradient that reaches it, and the chain rule multiplies that gradient
# by the activation's derivative. If a unit's input is negative for every example, for
# instance after a large update pushed its bias far down, its derivative is 0 on every
# example. Its weights then never change, and the unit stays off for the rest of
# training. This is called a *dead* ReLU.
#
# Leaky ReLU keeps a small slope $a$ for negative input, so some gradient always gets
# through:
#
# $$
# \operatorname{LeakyReLU}_a(x) =
# \begin{cases} x & \text{if } x \ge 0, \\ a x & \text{if } x < 0. \end{cases}
# $$
#
# The 2019 notebook used $a = 0.2$, taken from Weidman's *Deep Learning from Scratch*
# (O'Reilly, 2019), and that is also the default of
# [`dltut.leaky_relu`](../../reference/#dltut.activations.leaky_relu). Other libraries
# choose differently: PyTorch's `torch.nn.LeakyReLU` defaults to 0.01.
#
# Here is the difference for a unit whose inputs over a batch of five examples are all
# negative:

# %%
unit_inputs = np.array([-3.1, -0.7, -1.8, -0.2, -2.5])
print("ReLU derivative:      ", relu_derivative(unit_inputs))
print("Leaky ReLU derivative:", leaky_relu_derivative(unit_inputs))

# %% [markdown]
# ### The maximum form, and when it is valid
#
# The 2019 notebook computed Leaky ReLU as `np.maximum(0.2 * x, x)`, which avoids a
# branch. It is correct because, for $0 \le a \le 1$, the correct piece is always the
# larger one: for $x \ge 0$, $x \ge a x$, and for $x < 0$, $a x \ge x$. The check below
# compares it with the piecewise definition on the grid.

# %%
piecewise = np.where(x >= 0, x, 0.2 * x)
same = np.array_equal(leaky_relu(x), piecewise)
print("maximum form equals piecewise form:", same)

# %%
# Both forms pick, for each element, either x or 0.2 * x computed the
# same way, so they must be bit-for-bit equal: no tolerance.
assert np.array_equal(leaky_relu(x), piecewise)

# %% [markdown]
# For a slope above 1 the argument fails: $a x$ is then the larger value for positive
# $x$, and the maximum form silently returns the wrong piece. That is why
# `dltut.leaky_relu` accepts only $0 \le a \le 1$ and raises an error otherwise.

# %%
two_points = np.array([-2.0, 2.0])
by_max_form = np.maximum(1.5 * two_points, two_points)
by_pieces = np.where(two_points >= 0, two_points, 1.5 * two_points)
print("maximum form, slope 1.5:  ", by_max_form)
print("piecewise form, slope 1.5:", by_pieces)

try:
    leaky_relu(two_points, slope=1.5)
except ValueError as error:
    print("leaky_relu(..., slope=1.5) raised ValueError:", error)

# %% [markdown]
# ### The derivative of Leaky ReLU
#
# The slope is 1 for $x > 0$ and $a$ for $x < 0$. At the kink,
# [`leaky_relu_derivative`](../../reference/#dltut.activations.leaky_relu_derivative)
# uses $a$, which matches ReLU's convention when $a = 0$. As with ReLU, the central
# difference at the kink returns the average of the two slopes, $(0.2 + 1) / 2 = 0.6$.

# %%
leaky_exact = leaky_relu_derivative(x)
leaky_numerical = deriv(leaky_relu, x)

figure = function_and_derivative_figure(
    x,
    leaky_relu(x),
    {
        "exact (leaky_relu_derivative)": leaky_exact,
        "numerical (deriv)": leaky_numerical,
    },
    name="Leaky ReLU (slope 0.2)",
    derivative_styles=("-", "."),
)
derivative_axes = figure.axes[1]
derivative_axes.legend(loc="center left")
derivative_axes.annotate(
    f"central difference\nat the kink: {leaky_numerical[kink]:.1f}",
    xy=(x[kink], leaky_numerical[kink]),
    xytext=(0.5, 0.4),
    arrowprops={"arrowstyle": "->"},
)
plt.show()

# %%
leaky_error = np.abs(leaky_numerical - leaky_exact)
leaky_error_away = np.max(leaky_error[~near_kink])
leaky_at_kink = leaky_numerical[near_kink]

print(f"largest difference away from the kink: {leaky_error_away:.1e}")
print("numerical derivative at the kink:    ", leaky_at_kink)

# %%
# Linear on each side of 0 again, so only rounding error remains away
# from the kink.
assert leaky_error_away < 1e-10
# At the kink the estimate is the average slope (0.2 + 1) / 2.
assert np.all(np.abs(leaky_at_kink - 0.6) < 1e-10)

# %% [markdown]
# ## Sigmoid
#
# The logistic sigmoid squashes any real number into the interval $(0, 1)$:
#
# $$
# \sigma(x) = \frac{1}{1 + e^{-x}}.
# $$
#
# That makes it a natural way to turn a score into a probability, which is its main use
# today: the output of a binary classifier, and the gates inside an LSTM.
#
# ### The derivative of the sigmoid
#
# Write $\sigma(x) = (1 + e^{-x})^{-1}$ and apply the chain rule:
#
# $$
# \sigma'(x) = \frac{e^{-x}}{(1 + e^{-x})^2}
# = \frac{1}{1 + e^{-x}} \cdot \frac{e^{-x}}{1 + e^{-x}}
# = \sigma(x) \, (1 - \sigma(x)),
# $$
#
# because $1 - \sigma(x) = \frac{e^{-x}}{1 + e^{-x}}$. The derivative is built from the
# function's own value, so a network that has computed $\sigma(x)$ in the forward pass
# gets $\sigma'(x)$ almost for free.
# [`dltut.sigmoid_derivative`](../../reference/#dltut.activations.sigmoid_derivative)
# computes it this way.

# %%
sigmoid_exact = sigmoid_derivative(x)
sigmoid_numerical = deriv(sigmoid, x)

function_and_derivative_figure(
    x,
    sigmoid(x),
    {
        "exact (sigmoid_derivative)": sigmoid_exact,
        "numerical (deriv)": sigmoid_numerical,
    },
    name="sigmoid",
)
plt.show()

# %% [markdown]
# The sigmoid is smooth, so there is no kink to set apart. The error of the central
# difference is about $\frac{h^2}{6} |f'''(x)|$ (the notes of
# [`deriv`](../../reference/#dltut.calculus.deriv) derive this from Taylor's theorem).
# The sigmoid's third derivative is largest in size at 0, where it is $-1/8$, so with
# $h = 0.001$ the largest error should be about $2 \times 10^{-8}$.

# %%
sigmoid_error = np.max(np.abs(sigmoid_numerical - sigmoid_exact))
sigmoid_predicted = delta**2 / 6 * (1 / 8)
print(f"largest difference:            {sigmoid_error:.2e}")
print(f"predicted, h**2 / 6 * |f'''|:  {sigmoid_predicted:.2e}")

# %%
# The truncation error is about delta**2 / 6 * max|f'''| = 2.1e-8
# (computed above), and rounding adds about 2.2e-16 / delta = 2e-13.
# 1e-6 leaves a wide margin.
assert sigmoid_error < 1e-6

# %% [markdown]
# ### The overflow pitfall
#
# The textbook formula computes $e^{-x}$. For $x$ below about $-709.8$, that number is
# larger than the largest float64, which is about $1.8 \times 10^{308}$. In float32 the
# limit is already at $x \approx -88.7$. NumPy then returns `inf` and emits a
# `RuntimeWarning`. The cell below records the warnings instead of letting them print.

# %%
inputs = np.array([-1000.0, 0.0, 1000.0])

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    textbook_values = 1 / (1 + np.exp(-inputs))

print("1 / (1 + np.exp(-x)) at x = -1000, 0, 1000:", textbook_values)
for warning in caught:
    print(f"  {warning.category.__name__}: {warning.message}")

# %% [markdown]
# Here the value happens to be right, since $1 / (1 + \infty) = 0$, but the warning is
# a problem on its own: code that turns warnings into errors, as many test setups do,
# fails. Worse, the other common form of the same function,
# $e^{x} / (1 + e^{x})$, overflows for large *positive* $x$ and returns
# $\infty / \infty$, which is `nan`:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    other_form = np.exp(inputs) / (1 + np.exp(inputs))

print("np.exp(x) / (1 + np.exp(x)) at x = -1000, 0, 1000:", other_form)
for warning in caught:
    print(f"  {warning.category.__name__}: {warning.message}")

# %% [markdown]
# [`dltut.sigmoid`](../../reference/#dltut.activations.sigmoid) avoids both problems. It
# computes $e = e^{-|x|}$, which is at most 1 and cannot overflow, and returns
# $1 / (1 + e)$ for $x \ge 0$ and $e / (1 + e)$ for $x < 0$. Both are the sigmoid,
# rewritten. No warning is raised, and the result is correct at both ends:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    stable_values = sigmoid(inputs)

print("dltut.sigmoid at x = -1000, 0, 1000:", stable_values)
print("warnings raised:", len(caught))

# %%
# sigmoid(-1000) is about 5e-435, below the smallest float64, so it
# rounds to 0, and sigmoid(1000) rounds to 1. Exact comparisons are
# therefore correct here.
assert len(caught) == 0
assert np.array_equal(stable_values, [0.0, 0.5, 1.0])

# %% [markdown]
# Note that in floating point the sigmoid does reach exactly 0 and 1 for large $|x|$,
# even though mathematically it never does. Code that takes $\log \sigma(x)$ must allow
# for that.
#
# ### Vanishing gradients
#
# $\sigma(x)(1 - \sigma(x))$ is a product of two numbers that add up to 1, so it is
# largest when both are $1/2$, at $x = 0$, where it is $1/4$. It falls off quickly on
# both sides:

# %%
for point in (0.0, 2.0, 5.0, 10.0):
    slope = float(sigmoid_derivative(point))
    print(f"sigmoid'({point:4.1f}) = {slope:.1e}")
print(f"largest sigmoid' on the grid: {np.max(sigmoid_exact):.4f}")

# %% [markdown]
# In a deep network the chain rule multiplies one such factor per layer. Leaving the
# weights aside, ten sigmoid layers multiply the gradient that reaches the first layer
# by at most $0.25^{10}$, and by far less when units saturate (sit where $|x|$ is large):

# %%
for layers in (1, 5, 10, 20):
    label = f"{layers} layer" if layers == 1 else f"{layers} layers"
    factor = 0.25**layers
    print(f"{label:>9}: gradient factor at most {factor:.1e}")

# %% [markdown]
# This *vanishing gradient* makes the early layers of a deep sigmoid network learn very
# slowly, and it is a main reason why ReLU, whose derivative is exactly 1 for positive
# input, replaced the sigmoid in hidden layers.

# %% [markdown]
# ## tanh
#
# The hyperbolic tangent squashes into $(-1, 1)$:
#
# $$
# \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}.
# $$
#
# It is a sigmoid that has been stretched and shifted:
#
# $$
# 2 \sigma(2x) - 1 = \frac{2}{1 + e^{-2x}} - 1 = \frac{1 - e^{-2x}}{1 + e^{-2x}}
# = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = \tanh(x),
# $$
#
# where the third step multiplies the numerator and denominator by $e^{x}$. Unlike the
# sigmoid, tanh is centred on 0: it maps 0 to 0 and negative inputs to negative outputs.
# Layers that follow then get inputs with mean near zero, which tends to make training
# better conditioned. It is the usual activation for the hidden state of recurrent
# networks. [`dltut.tanh`](../../reference/#dltut.activations.tanh) calls `np.tanh`,
# which does not overflow.
#
# The identity, checked on the grid:

# %%
identity_error = np.max(np.abs(tanh(x) - (2 * sigmoid(2 * x) - 1)))
print(f"largest |tanh(x) - (2 sigmoid(2x) - 1)|: {identity_error:.1e}")

# %%
# The two sides are computed in different ways, so they differ by
# rounding: a few units of 2.2e-16 for values of size at most 1.
assert identity_error < 1e-12

# %% [markdown]
# ### The derivative of tanh
#
# With $\tanh = \sinh / \cosh$, $\sinh' = \cosh$ and $\cosh' = \sinh$, the quotient rule
# gives
#
# $$
# \tanh'(x) = \frac{\cosh^2(x) - \sinh^2(x)}{\cosh^2(x)} = 1 - \tanh^2(x).
# $$
#
# Like the sigmoid's, this is built from the function's own value. Its maximum is 1, at
# $x = 0$, four times the sigmoid's, so tanh passes gradients back better, but it still
# saturates for large $|x|$.
# [`dltut.tanh_derivative`](../../reference/#dltut.activations.tanh_derivative) computes
# $1 - \tanh^2(x)$.

# %%
tanh_exact = tanh_derivative(x)
tanh_numerical = deriv(tanh, x)

function_and_derivative_figure(
    x,
    tanh(x),
    {
        "exact (tanh_derivative)": tanh_exact,
        "numerical (deriv)": tanh_numerical,
    },
    name="tanh",
)
plt.show()

# %% [markdown]
# The third derivative of tanh is largest in size at 0, where it is $-2$, so the
# central difference should be off by about $\frac{h^2}{6} \cdot 2$ at most:

# %%
tanh_error = np.max(np.abs(tanh_numerical - tanh_exact))
tanh_predicted = delta**2 / 6 * 2
print(f"largest difference:            {tanh_error:.2e}")
print(f"predicted, h**2 / 6 * |f'''|:  {tanh_predicted:.2e}")

# %%
# The truncation error is about delta**2 / 6 * max|f'''| = 3.3e-7
# (computed above), and rounding adds about 2e-13. 1e-6 is three times
# the prediction.
assert tanh_error < 1e-6

# %% [markdown]
# ## The four functions side by side
#
# On the same axes the differences stand out. ReLU and Leaky ReLU are unbounded above
# and equal $x$ for positive input. The sigmoid stays between 0 and 1 and crosses $1/2$
# at 0. tanh stays between $-1$ and 1, passes through the origin, and is four times as
# steep there as the sigmoid.

# %%
plot_curves(
    x,
    {
        "ReLU": relu(x),
        "Leaky ReLU (slope 0.2)": leaky_relu(x),
        "sigmoid": sigmoid(x),
        "tanh": tanh(x),
    },
    title="Four activation functions",
    xlabel="x",
    ylabel="activation(x)",
    styles={"Leaky ReLU (slope 0.2)": "--"},
)
plt.show()

# %% [markdown]
# | Function | Range | Derivative | Typical use |
# |---|---|---|---|
# | ReLU | $[0, \infty)$ | 0 for $x \le 0$, else 1 | hidden layers (default choice) |
# | Leaky ReLU | $(-\infty, \infty)$ for $a > 0$ | $a$ for $x \le 0$, else 1 | where ReLUs die |
# | sigmoid | $(0, 1)$ | $\sigma(x)(1 - \sigma(x)) \le 1/4$ | probability of a binary output |
# | tanh | $(-1, 1)$ | $1 - \tanh^2(x) \le 1$ | hidden state of recurrent networks |
#
# ## Next
#
# Every derivative check on this page relied on `deriv` and a tolerance taken from its
# error. [Numerical derivatives](../02-derivatives/) looks at `deriv` itself: the
# difference quotients it computes and the error they make.
