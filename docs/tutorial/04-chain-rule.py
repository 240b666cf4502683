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
# # Nested functions and the chain rule
#
# A neural network is a long chain of simple functions. Each layer takes the
# output of the layer before it, and at the end a loss function turns the
# last output into a single number. Training needs to know how that number
# changes when something early in the chain changes, and the chain rule of
# calculus gives exactly that. Backpropagation, the algorithm that trains
# almost every neural network, is the chain rule organised so that a computer
# can evaluate it cheaply.
#
# Part I of this tutorial followed Damir Cavar's 2019 notebook, which ends
# with softmax. From here on, the pages follow the order of Seth Weidman's
# *Deep Learning from Scratch* (2019), one of the books that notebook names
# as its inspiration: nested functions first, then functions of several inputs, and from there to a
# neural network trained from scratch.
#
# This page composes functions of one variable, derives the chain rule,
# checks it against the numerical derivatives of
# [Numerical derivatives](../02-derivatives/), and shows the forward and
# backward passes that backpropagation is made of. The functions it uses live
# in `dltut.chain`; see [`chain`](../../reference/#dltut.chain.chain) and
# [`chain_derivative`](../../reference/#dltut.chain.chain_derivative).

# %%
import numpy as np
from matplotlib import pyplot as plt

from dltut.activations import (
    leaky_relu,
    leaky_relu_derivative,
    sigmoid,
    sigmoid_derivative,
)
from dltut.calculus import deriv
from dltut.chain import chain, chain_derivative
from dltut.gradients import relative_error
from dltut.plotting import (
    function_and_derivative_figure,
    plot_curves,
    use_site_style,
)

use_site_style()
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## Composing functions
#
# Feeding the output of one function into another is called *composition*.
# In mathematics, applying $f_1$ first and then $f_2$ is written
#
# $$
# (f_2 \circ f_1)(x) = f_2(f_1(x)),
# $$
#
# read "$f_2$ after $f_1$". The formula names the functions from the outside
# in, which is the reverse of the order in which they run. Code lists steps
# in the order they run, and so does
# [`chain`](../../reference/#dltut.chain.chain): `chain(f1, f2)` applies
# `f1` first. It returns a new function that you can call like any other.
#
# The first example squares its input and then applies the sigmoid,
# $\sigma(x) = 1 / (1 + e^{-x})$ from
# [Activation functions](../01-activations/). The second one does the same
# two steps in the other order.


# %%
def square(x):
    """Return the square of each element."""
    return x**2


def square_derivative(x):
    """Return the derivative of x**2 at each element, 2x."""
    return 2 * x


square_then_sigmoid = chain(square, sigmoid)
sigmoid_then_square = chain(sigmoid, square)

x_values = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
print("x:                  ", x_values)
print("square_then_sigmoid:", square_then_sigmoid(x_values))
print("sigmoid_then_square:", sigmoid_then_square(x_values))
print(square_then_sigmoid)

# %% [markdown]
# The order matters. $\sigma(x^2)$ is symmetric around 0 and never drops
# below $\sigma(0) = 0.5$, because $x^2 \ge 0$. $\sigma(x)^2$ rises steadily
# from 0 to 1, like the sigmoid itself, and passes through $0.5^2 = 0.25$
# at 0. A network's layers are composed in the same way, and swapping two
# of them gives a different network.
#
# ## The chain rule
#
# Write $u = f_1(x)$ for the intermediate value and $y = f_2(u)$ for the
# result. Move $x$ by a small step $\Delta x$. Following the tangent line
# of $f_1$ at $x$, $u$ moves by about
#
# $$
# \Delta u \approx f_1'(x) \, \Delta x.
# $$
#
# The function $f_2$ only receives the change $\Delta u$ of its input.
# Following its tangent line at $u$, $y$ moves by about
#
# $$
# \Delta y \approx f_2'(u) \, \Delta u
# \approx f_2'(f_1(x)) \, f_1'(x) \, \Delta x.
# $$
#
# Dividing by $\Delta x$ and letting $\Delta x \to 0$ turns the approximate
# ratio into the derivative. This is the *chain rule*:
#
# $$
# \frac{d}{dx} f_2(f_1(x)) = f_2'(f_1(x)) \cdot f_1'(x),
# \quad \text{or} \quad
# \frac{dy}{dx} = \frac{dy}{du} \cdot \frac{du}{dx}.
# $$
#
# (A rigorous proof needs more care, for example when $\Delta u$ is 0 for
# some steps $\Delta x$, but the result is the same.) Each function's rate
# of change multiplies the rate of change of what it receives. Note where
# each derivative is evaluated: $f_1'$ at $x$, but $f_2'$ at $f_1(x)$, the
# value that $f_2$ actually received.
#
# For the two examples above, with $\sigma' = \sigma (1 - \sigma)$:
#
# $$
# \frac{d}{dx} \sigma(x^2) = \sigma'(x^2) \cdot 2x
# = \sigma(x^2) \, \bigl(1 - \sigma(x^2)\bigr) \cdot 2x,
# $$
#
# $$
# \frac{d}{dx} \sigma(x)^2 = 2 \sigma(x) \cdot \sigma'(x).
# $$
#
# [`chain_derivative`](../../reference/#dltut.chain.chain_derivative) takes
# the list of functions, the list of their derivatives in the same order,
# and the points, and applies the chain rule. The next cell compares it with
# the formulas above, typed in directly, and with
# [`deriv`](../../reference/#dltut.calculus.deriv) applied to the whole
# composition. `deriv` does not use the structure of the chain. It only
# evaluates the composed function at $x \pm h$ and divides.

# %%
x = np.linspace(-3, 3, 201)

by_chain_rule = {
    "sigmoid(x²)": chain_derivative(
        [square, sigmoid], [square_derivative, sigmoid_derivative], x
    ),
    "sigmoid(x)²": chain_derivative(
        [sigmoid, square], [sigmoid_derivative, square_derivative], x
    ),
}
by_formula = {
    "sigmoid(x²)": sigmoid(x**2) * (1 - sigmoid(x**2)) * 2 * x,
    "sigmoid(x)²": 2 * sigmoid(x) * sigmoid(x) * (1 - sigmoid(x)),
}
numerical = {
    "sigmoid(x²)": deriv(square_then_sigmoid, x),
    "sigmoid(x)²": deriv(sigmoid_then_square, x),
}

for name in by_chain_rule:
    result = by_chain_rule[name]
    formula_error = relative_error(result, by_formula[name])
    deriv_error = relative_error(result, numerical[name])
    print(f"{name}: relative error")
    print(f"  against the formula {formula_error:.1e}")
    print(f"  against deriv       {deriv_error:.1e}")

# %% [markdown]
# Against the formula, only rounding separates the two, a few units of
# machine epsilon ($2.2 \times 10^{-16}$). Against `deriv`, the difference
# is the truncation error of the central difference, about
# $\frac{h^2}{6} |f'''|$ with the default step $h = 10^{-3}$. The
# self-check below turns both statements into assertions.
#
# This page keeps `deriv`'s default step, $10^{-3}$, the step of the
# [Numerical derivatives](../02-derivatives/) page. Its error, near
# $10^{-7}$ here, is mostly truncation, so it follows the formula above
# and is far smaller than any mistake in a chain rule. From the next page
# on, gradients are checked with `numerical_gradient`, whose default step
# is $10^{-6}$. That is closer to the step that balances truncation and
# rounding for values of order 1, about
# $\sqrt[3]{\epsilon} \approx 6 \times 10^{-6}$, so those checks agree to
# about $10^{-9}$ and can use tighter tolerances.

# %%
for name in by_chain_rule:
    # Both sides round a handful of operations on values of order 1,
    # each by about eps = 2.2e-16; 1e-13 is a margin of several hundred.
    assert relative_error(by_chain_rule[name], by_formula[name]) < 1e-13
    # |f'''| stays below 1.5 on [-3, 3] for both functions, so the
    # central difference is off by at most h^2 / 6 * 1.5 = 2.5e-7, under
    # 1e-6 relative to the largest derivative (0.39 and 0.30). 1e-5
    # leaves a margin of 10.
    assert relative_error(by_chain_rule[name], numerical[name]) < 1e-5
print("both compositions pass")

# %% [markdown]
# The figure shows both compositions on the left and their derivatives on
# the right. Each derivative is drawn twice: as a line from the chain rule,
# and as dots from `deriv` at every tenth point.

# %%
fig, (left, right) = plt.subplots(
    1, 2, figsize=(8.0, 3.4), layout="constrained"
)
plot_curves(
    x,
    {
        "sigmoid(x²)": square_then_sigmoid(x),
        "sigmoid(x)²": sigmoid_then_square(x),
    },
    title="Square and sigmoid, in both orders",
    ylabel="y",
    ax=left,
)
plot_curves(
    x,
    by_chain_rule,
    title="Derivatives by the chain rule",
    ylabel="dy/dx",
    ax=right,
)
for index, name in enumerate(numerical):
    right.plot(
        x[::10],
        numerical[name][::10],
        "o",
        color=f"C{index}",
        markersize=4,
        label=f"{name}, deriv",
    )
right.legend(fontsize="small")
plt.show()

# %% [markdown]
# The derivative of $\sigma(x^2)$ is 0 at $x = 0$, where the inner
# function $x^2$ is flat, and it changes sign there: the curve on the left
# falls and then rises. The derivative of $\sigma(x)^2$ is positive
# everywhere, because both factors $2\sigma(x)$ and $\sigma'(x)$ are.
#
# ### Evaluating the outer derivative at the wrong point
#
# A common mistake with the chain rule is to evaluate the outer
# derivative at $x$ instead of at the inner value. Here is what that gives
# for $\sigma(x^2)$:

# %%
wrong = sigmoid_derivative(x) * square_derivative(x)
wrong_error = relative_error(wrong, numerical["sigmoid(x²)"])
print(
    f"sigmoid'(x) * 2x instead of sigmoid'(x²) * 2x: "
    f"relative error {wrong_error:.2f}"
)

# %% [markdown]
# That formula is wrong by a large fraction of the derivative's size. It is
# the kind of mistake that a comparison with a numerical derivative catches
# at once, which is why the hand-written derivatives in `dltut` are tested
# against numerical ones.
#
# ## Three functions and more
#
# The argument for two functions applies again to each inner link of a
# longer chain. With $u_0 = x$ and $u_k = f_k(u_{k-1})$ for the value after
# the $k$-th of $n$ functions,
#
# $$
# \frac{d u_n}{d x}
# = f_n'(u_{n-1}) \cdot f_{n-1}'(u_{n-2}) \cdots f_1'(u_0).
# $$
#
# Every function contributes one factor: its own derivative, evaluated at
# the value it received.
#
# The example for three functions applies Leaky ReLU (with its default
# slope 0.2 for negative input), then squares, then applies the sigmoid:
#
# $$
# y = \sigma\bigl(\operatorname{lrelu}(x)^2\bigr),
# \qquad
# \frac{dy}{dx} = \sigma'(u_2) \cdot 2 u_1 \cdot \operatorname{lrelu}'(x),
# $$
#
# with $u_1 = \operatorname{lrelu}(x)$ and $u_2 = u_1^2$.
#
# ## Forward and backward passes
#
# Look at what each factor of the product needs: the derivative of one
# function, and the value that this function received. No factor depends on
# the formulas of the other functions. This locality is what makes the
# chain rule the heart of backpropagation. A library can give every
# operation its own small derivative rule and combine them for any chain of
# operations. The computation splits into two passes.
#
# - The **forward pass** evaluates the functions in order, first to last,
#   and stores the value that each function receives: $u_0, u_1, u_2$.
# - The **backward pass** starts at the output with
#   $\frac{dy}{dy} = 1$ and walks the chain from the last function to the
#   first. At each function it multiplies by the local derivative, evaluated
#   at the stored input. After the step through $f_k$, the running product
#   is $\frac{dy}{du_{k-1}}$: how much the output changes per unit change
#   of what $f_k$ received.
#
# The backward pass needs the stored values, which is why a network's layers
# keep their inputs during the forward pass. The next cell runs both passes
# by hand at $x = -1.5$ and prints what each step computed.

# %%
names = ["leaky_relu", "square", "sigmoid"]
functions = [leaky_relu, square, sigmoid]
derivatives = [
    leaky_relu_derivative,
    square_derivative,
    sigmoid_derivative,
]
x0 = -1.5

# Forward pass: store the value each function receives.
received = []
value = np.asarray(x0)
for func in functions:
    received.append(value)
    value = func(value)
returned = [*received[1:], value]

print("forward pass")
print(f"{'k':>2}  {'function':<10} {'receives':>9} {'returns':>9}")
steps = list(
    enumerate(zip(names, received, returned, strict=True), start=1)
)
for k, (name, u_in, u_out) in steps:
    print(
        f"{k:>2}  {name:<10} {float(u_in):>9.4f} {float(u_out):>9.4f}"
    )

# Backward pass: multiply local derivatives from the output back to x.
running_product = 1.0
print()
print("backward pass")
print(
    f"{'k':>2}  {'function':<10} {'receives':>9}"
    f" {'local':>9} {'product':>9}"
)
for k, (name, u_in, _) in reversed(steps):
    local = float(derivatives[k - 1](u_in))
    running_product *= local
    print(
        f"{k:>2}  {name:<10} {float(u_in):>9.4f}"
        f" {local:>9.4f} {running_product:>9.4f}"
    )


# %% [markdown]
# Read the backward table from the top. The sigmoid received
# $u_2 = 0.09$, where its slope is almost $\sigma'(0) = 0.25$. The running
# product starts at $dy/dy = 1$, so the row $k = 3$ computes
#
# $$
# \frac{dy}{du_2} = 1 \cdot \sigma'(u_2)
# = \sigma(0.09) \bigl(1 - \sigma(0.09)\bigr)
# = 0.5225 \cdot 0.4775 = 0.2495.
# $$
#
# The square received $u_1 = -0.3$, so its local derivative is
# $2 u_1 = -0.6$, and the row $k = 2$ gives
# $dy/du_1 = 0.2495 \cdot (-0.6) = -0.1497$. Leaky ReLU received a
# negative number, so its slope is 0.2. The last running product,
# $-0.1497 \cdot 0.2 = -0.0299$, is $dy/dx$ at $x = -1.5$.
#
# `chain_derivative` runs exactly these two passes, for any number of
# functions and at every point of an array at once. As a self-check, the
# product from the table must match it, and `deriv` of the whole composition
# must match it up to the central difference's truncation error.

# %%
three = chain(*functions)
from_table = running_product
from_package = float(chain_derivative(functions, derivatives, x0))
from_deriv = float(deriv(three, x0))

print(f"backward pass by hand: {from_table:.8f}")
print(f"chain_derivative:      {from_package:.8f}")
print(f"deriv of the chain:    {from_deriv:.8f}")

# The same floats are multiplied in the same order, so the two results
# are identical.
assert from_table == from_package
# The central difference with h = 1e-3 is off by about h^2 / 6 * |y'''|,
# and |y'''| < 1.5 on [-3, 3] (as for sigmoid(x²) above), so the error
# is below 2.5e-7; 1e-5 leaves a wide margin.
assert abs(from_deriv - from_package) < 1e-5

# %% [markdown]
# A numerical derivative of the whole chain needs two evaluations of the
# chain for each input it differentiates by. That is affordable for the
# single input here, but a network's loss depends on millions of weights.
# The backward pass evaluates one local derivative per function. For a
# function with many inputs and one output, such as a loss, it gives the
# derivative with respect to every input at a cost comparable to one more
# forward pass. The next page shows this for inputs that are matrices.
#
# ### The whole curve
#
# The figure draws the three-function chain and its derivative on
# $[-3, 3]$: the derivative as a line from the chain rule, and as dots
# from `deriv` at every tenth point. The grid has an even number of
# points, so it does not contain $x = 0$; the next section explains why
# that point is special.

# %%
x = np.linspace(-3, 3, 400)
three_by_chain_rule = chain_derivative(functions, derivatives, x)
three_by_deriv = deriv(three, x)

fig = function_and_derivative_figure(
    x,
    three(x),
    {"chain rule": three_by_chain_rule},
    name="sigmoid(leaky_relu(x)²)",
)
right = fig.axes[1]
right.plot(
    x[::10],
    three_by_deriv[::10],
    "o",
    color="C1",
    markersize=4,
    label="numerical (deriv)",
)
right.legend()
plt.show()

# %%
three_error = relative_error(three_by_chain_rule, three_by_deriv)
print(f"relative error of deriv on the grid: {three_error:.1e}")

# The nearest grid points to the kink at 0 are 0.0075 away, more than
# h = 1e-3. So each central difference uses points on one smooth piece,
# and the error bound of the cells above applies.
assert three_error < 1e-5

# %% [markdown]
# For negative $x$, Leaky ReLU shrinks its input by a factor of 0.2, so the
# square is 25 times smaller, and the curve climbs much more slowly as $x$
# moves left from 0 than as it moves right. Although Leaky ReLU has a kink
# at 0, the composition has a derivative there, and it is 0: the factor
# $2 u_1$ is 0 at that point, so the jump in $\operatorname{lrelu}'$ is
# multiplied by 0. The derivative curve is continuous but has a corner at
# 0.
#
# ### A kink inside the chain
#
# At $x = 0$ the chain rule gives exactly 0, the true derivative. `deriv`
# does not:

# %%
at_kink_chain = float(chain_derivative(functions, derivatives, 0.0))
at_kink_deriv = float(deriv(three, 0.0))
print(f"chain rule at 0: {at_kink_chain:.1e}")
print(f"deriv at 0:      {at_kink_deriv:.1e}")

# Near 0, sigma(v) is about 0.5 + v / 4, so the central difference
# (sigma(h^2) - sigma(0.04 h^2)) / (2h) is about
# (0.96 h^2 / 4) / (2h) = 0.12 h.
h = 1e-3
predicted = 0.12 * h
print(f"predicted error 0.12 h: {predicted:.1e}")
# sigma(v) - 0.5 is odd, so the next term of its expansion is cubic in
# v = h^2, and rounding adds about eps / h = 2e-13: both far below 1e-9.
assert abs(at_kink_deriv - predicted) < 1e-9

# %% [markdown]
# The two points $\pm h$ of the central difference fall on different pieces
# of Leaky ReLU, one with slope 1 and one with slope 0.2. Its error there is
# proportional to $h$, not $h^2$: the error analysis of
# [Numerical derivatives](../02-derivatives/) assumes a smooth function,
# and this one is not smooth at 0. The chain rule, which uses the slope of
# each piece, is exact. Keep this in mind when you check the gradients of a
# ReLU network numerically: inputs within $h$ of a kink give large
# differences that are not bugs.
#
# ## When a local derivative is not known
#
# If you pass `None` in place of the list of derivatives, or in place of one
# entry, `chain_derivative` estimates those local derivatives with `deriv`.
# The structure of the computation stays the same, with a numerical factor
# in place of an exact one:

# %%
x = np.linspace(-3, 3, 400)
all_estimated = chain_derivative(functions, None, x)
one_estimated = chain_derivative(
    functions, [leaky_relu_derivative, square_derivative, None], x
)
exact = chain_derivative(functions, derivatives, x)

print(f"all estimated:     {relative_error(all_estimated, exact):.1e}")
print(f"sigmoid estimated: {relative_error(one_estimated, exact):.1e}")

# Each estimated factor is a central difference with h = 1e-3, off by
# about h^2 / 6 * |f'''| (at most 1e-6 / 6 * 1/8 for the sigmoid, and
# 0 for the square and for Leaky ReLU away from its kink).
assert relative_error(all_estimated, exact) < 1e-5
assert relative_error(one_estimated, exact) < 1e-5

# %% [markdown]
# ## Summary
#
# - `chain(f1, f2, f3)` is $f_3 \circ f_2 \circ f_1$: the first function
#   given is applied first.
# - The chain rule multiplies one local derivative per function, each
#   evaluated at the value that function received.
# - Backpropagation is the chain rule in two passes: forward, storing the
#   inputs of every function, and backward, multiplying local derivatives
#   from the output to the input.
# - A numerical derivative checks the result, except within one step $h$
#   of a kink.
#
# **Next:** [Functions of several inputs](../05-several-inputs/) extends the
# chain rule to functions of vectors and matrices, where the derivative
# becomes a gradient. **Back:** [Softmax](../03-softmax/).
