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
# # Numerical derivatives
#
# Training a neural network means following derivatives downhill, so a
# deep-learning library must compute them correctly. The derivatives a library
# uses come from formulas worked out by hand or by automatic differentiation.
# The numbers on this page come from a much simpler source: evaluate the
# function twice, close together, and divide. That estimate is slow and
# inexact, but it needs no derivation, which makes it the standard way to test
# a hand-written gradient.
#
# The 2019 tutorial by Damir Cavar, which these pages start from, introduces
# numerical derivatives with exactly such a difference quotient. It also makes
# one claim that is wrong: that a second, shorter formula is a simplification
# of the first. This page shows why the two formulas differ and by how much,
# what happens when the step gets very small, and two methods that reach
# close to machine precision.
#
# The functions used here live in `dltut.calculus`; see the
# [API reference](../../reference/#dltut.calculus.deriv) for their full
# documentation.

# %%
import textwrap

import numpy as np
from matplotlib import pyplot as plt

from dltut import (
    complex_step_deriv,
    deriv,
    recommended_step,
    richardson_deriv,
    tangent_line,
)
from dltut.plotting import plot_curves, use_site_style

use_site_style()

# %% [markdown]
# ## The derivative as a limit
#
# The derivative of $f$ at a point $a$ is the limit of the slope of a secant
# line through $(a, f(a))$ and a nearby point $(a + h, f(a + h))$:
#
# $$
# f'(a) = \lim_{h \to 0} \frac{f(a + h) - f(a)}{h}.
# $$
#
# Geometrically, $f'(a)$ is the slope of the tangent line, the straight line
# that touches the graph at $a$ and follows it more closely than any other
# line near that point:
#
# $$
# y = f(a) + f'(a)\,(x - a).
# $$
#
# When $f$ is differentiable at $a$, the symmetric quotient has the same
# limit, using one point on each side of $a$:
#
# $$
# f'(a) = \lim_{h \to 0} \frac{f(a + h) - f(a - h)}{2h}.
# $$
#
# On paper the two limits are interchangeable. A computer cannot take the
# limit, so it evaluates the quotient at one small, finite $h$. At a finite
# step the two quotients give different numbers, and the rest of this page is
# about how different they are.

# %% [markdown]
# ## Three difference quotients
#
# Stopping the limit at a step $h > 0$ gives three common estimates of
# $f'(a)$:
#
# $$
# \text{forward: } \frac{f(a + h) - f(a)}{h},
# $$
#
# $$
# \text{backward: } \frac{f(a) - f(a - h)}{h},
# $$
#
# $$
# \text{central: } \frac{f(a + h) - f(a - h)}{2h}.
# $$
#
# Taylor's theorem measures how far each one is from $f'(a)$. If $f$ has a
# continuous third derivative near $a$, then
#
# $$
# f(a + h) = f(a) + h f'(a) + \frac{h^2}{2} f''(a) + \frac{h^3}{6} f'''(\xi_+),
# $$
#
# $$
# f(a - h) = f(a) - h f'(a) + \frac{h^2}{2} f''(a) - \frac{h^3}{6} f'''(\xi_-),
# $$
#
# for some $\xi_+$ in $(a, a + h)$ and $\xi_-$ in $(a - h, a)$.
#
# **Forward difference.** Subtract $f(a)$ from the first expansion and divide
# by $h$. Stopping the expansion one term earlier (with the remainder
# $\frac{h^2}{2} f''(\xi)$) gives
#
# $$
# \frac{f(a + h) - f(a)}{h} = f'(a) + \frac{h}{2} f''(\xi), \quad \xi \in (a, a + h).
# $$
#
# The error is proportional to $h$: halve the step and the error halves. The
# backward difference is the mirror image, with error $-\frac{h}{2} f''(\xi)$.
#
# **Central difference.** Subtract the second expansion from the first. The
# terms $f(a)$ and $\frac{h^2}{2} f''(a)$ appear in both with the same sign,
# so they cancel:
#
# $$
# f(a + h) - f(a - h) = 2h f'(a) + \frac{h^3}{6} \left( f'''(\xi_+) + f'''(\xi_-) \right).
# $$
#
# Dividing by $2h$, and replacing the mean of the two third derivatives by
# $f'''(\xi)$ at some $\xi$ between them (the intermediate value theorem),
#
# $$
# \frac{f(a + h) - f(a - h)}{2h} = f'(a) + \frac{h^2}{6} f'''(\xi), \quad \xi \in (a - h, a + h).
# $$
#
# The error is proportional to $h^2$: halve the step and the error drops by a
# factor of four. The central difference is the mean of the forward and the
# backward differences, and averaging them is exactly what cancels their
# $\pm \frac{h}{2} f''$ errors.
#
# **Where the 2019 tutorial went wrong.** It first defines the derivative
# with the central difference and a step of 0.001, then states that the
# formula can be "simplified" to $(f(a + 0.001) - f(a)) / 0.001$. That is not
# a simplification. It is a different approximation with a larger error:
# first order in $h$ instead of second order. The forward difference does have
# a real advantage. When $f(a)$ is already known, it needs one new function
# evaluation instead of two, which matters when a gradient has millions of
# components. But that is a trade of accuracy for cost, and the next sections
# measure the price.
#
# In `dltut`, [`deriv`](../../reference/#dltut.calculus.deriv) computes all
# three quotients; `method="central"` is the default, and `"forward"` and
# `"backward"` select the others.

# %% [markdown]
# ## The tangent to 1/x at a = 0.4
#
# The 2019 tutorial draws the tangent to $f(x) = 1/x$ at $a = 0.4$ over
# the interval $[0.1, 1.5]$, with a slope from the forward difference with
# $h = 0.001$. Here the derivative is known exactly, which makes it a good
# test case:
#
# $$
# f'(x) = -\frac{1}{x^2}, \qquad f'(0.4) = -\frac{1}{0.16} = -6.25.
# $$
#
# The next cell computes the three difference quotients with the same step
# and compares each with the exact slope.


# %%
def reciprocal(x):
    """Return 1/x elementwise, for real or complex arrays."""
    return 1 / x


a = 0.4
h = 0.001
exact_slope = -1 / a**2

estimates = {
    method: float(deriv(reciprocal, a, h, method=method))
    for method in ("forward", "backward", "central")
}

print(f"{'exact':>8}: {exact_slope:.8f}")
for method, estimate in estimates.items():
    error = estimate - exact_slope
    print(f"{method:>8}: {estimate:.8f}   error {error:+.2e}")

forward_error = abs(estimates["forward"] - exact_slope)
central_error = abs(estimates["central"] - exact_slope)
error_ratio = forward_error / central_error
print(f"forward error / central error: {error_ratio:.0f}")

# %% [markdown]
# With the same step, the forward error is 399 times the central one.
# The forward and backward errors have opposite signs and almost the same size,
# so their mean, the central difference, cancels most of them.
#
# For this function the quotients have closed forms, which confirm the
# numbers: the forward difference equals $-1/(a(a + h))$, and the central
# difference equals $-1/(a^2 - h^2)$. Subtracting the exact slope $-1/a^2$
# from each gives the errors $h / (a^2 (a + h))$ and
# $-h^2 / (a^2 (a^2 - h^2))$, and the ratio of their sizes is
# $(a - h) / h = 399$:

# %%
predicted_ratio = (a - h) / h
print(f"(a - h) / h = {predicted_ratio:.0f}")

# Rounding shifts the central error, 3.9e-5, by about
# eps * |f(a)| / h = 6e-13, which moves the ratio by about 1e-8 of
# itself, so 1e-6 is a safe relative tolerance.
assert abs(error_ratio / predicted_ratio - 1) < 1e-6

# %% [markdown]
# The figure draws the curve, the point $(0.4, 2.5)$ and two tangents: one
# with the exact slope and one with the forward estimate, as in the 2019
# tutorial. [`tangent_line`](../../reference/#dltut.tangent.tangent_line)
# returns a callable line. Because $1/x$ reaches 10 at the left end of the
# interval, the y-range is cut at 6 to keep the tangent readable. The two
# lines lie on top of each other at this scale, so the right-hand panel plots
# the gap between each estimated tangent and the exact one.

# %%
x = np.linspace(0.1, 1.5, 150)

exact_tangent = tangent_line(reciprocal, a, slope=exact_slope)
forward_tangent = tangent_line(reciprocal, a, delta=h, method="forward")
central_tangent = tangent_line(reciprocal, a, delta=h, method="central")

fig, (left, right) = plt.subplots(
    1, 2, figsize=(9.6, 3.8), layout="constrained"
)

plot_curves(
    x,
    {
        "f(x) = 1/x": reciprocal(x),
        "tangent, exact slope": exact_tangent(x),
        "tangent, forward estimate": forward_tangent(x),
    },
    styles={"tangent, forward estimate": "--"},
    title="1/x and its tangent at a = 0.4",
    ylabel="y",
    ax=left,
)
left.plot(
    [a], [exact_tangent.value], "o", color="black", label="(a, f(a))"
)
left.set_ylim(-1, 6)
left.legend()

plot_curves(
    x,
    {
        "forward estimate": forward_tangent(x) - exact_tangent(x),
        "central estimate": central_tangent(x) - exact_tangent(x),
    },
    styles={"forward estimate": "--", "central estimate": ":"},
    title="Estimated tangent minus exact tangent",
    ylabel="difference in y",
    ax=right,
)
plt.show()

# %% [markdown]
# At $h = 0.001$ the forward tangent looks right, and in a figure it is good
# enough. Its slope is still wrong in the third significant digit, and the gap
# grows linearly away from $a$. The central tangent's gap is smaller by the
# same factor of 399, because each gap is the slope error times $x - a$, and
# it hardly leaves zero on this scale.
#
# ### Checking the central error against its bound
#
# The Taylor result above bounds the central error by
# $\frac{h^2}{6} \max |f'''|$ over $[a - h, a + h]$. For $f(x) = 1/x$,
# $f'''(x) = -6/x^4$, whose size is largest at the left end of the interval,
# so
#
# $$
# |\text{error}| \le \frac{h^2}{6} \cdot \frac{6}{(a - h)^4} = \frac{h^2}{(a - h)^4}
# \approx 3.9 \times 10^{-5}.
# $$
#
# Rounding adds an error of the order of $\epsilon |f(a)| / h$ (the next
# section explains where this comes from). The check allows ten times that
# amount, which is still below $10^{-11}$. The tolerance is the truncation
# bound plus this allowance, so the check fails if the central difference
# ever does worse than Taylor's theorem allows.

# %%
eps = np.finfo(float).eps
truncation_bound = h**2 / (a - h) ** 4
# Ten units of the rounding estimate eps * |f(a)| / h cover the few
# roundings in the two evaluations, the subtraction and the division.
rounding_allowance = 10 * eps * abs(reciprocal(a)) / h
tolerance = truncation_bound + rounding_allowance

print(f"central error:    {central_error:.3e}")
print(f"truncation bound: {truncation_bound:.3e}")
print(f"tolerance:        {tolerance:.3e}")
assert central_error <= tolerance

# %% [markdown]
# The actual error, $3.906 \times 10^{-5}$, is close to the bound: the
# estimate is as good as Taylor's theorem promises, and no better.
#
# ## How the error shrinks with h
#
# The error orders predict what happens when the step shrinks by a factor of
# 10: the forward error should shrink by about 10 and the central error by
# about 100. The table lists both errors at $a = 0.4$ for steps from
# $10^{-1}$ to $10^{-6}$. Each ratio column divides the error in the row
# above by the error in the current row.

# %%
steps = 10.0 ** -np.arange(1, 7)
forward_estimates = deriv(reciprocal, a, steps, method="forward")
central_estimates = deriv(reciprocal, a, steps, method="central")
forward_errors = np.abs(forward_estimates - exact_slope)
central_errors = np.abs(central_estimates - exact_slope)
# Error in the row above divided by the error in the current row.
forward_ratios = forward_errors[:-1] / forward_errors[1:]
central_ratios = central_errors[:-1] / central_errors[1:]

print(
    f"{'h':>7} {'forward error':>14} {'ratio':>6}"
    f" {'central error':>14} {'ratio':>6}"
)
for i, step in enumerate(steps):
    forward_ratio = f"{forward_ratios[i - 1]:.1f}" if i > 0 else ""
    central_ratio = f"{central_ratios[i - 1]:.1f}" if i > 0 else ""
    print(
        f"{step:>7.0e} {forward_errors[i]:>14.3e} {forward_ratio:>6}"
        f" {central_errors[i]:>14.3e} {central_ratio:>6}"
    )

# %% [markdown]
# The ratios approach 10 and 100, as the error orders predict. They are
# further off for the largest step, where the terms after the leading one in
# the Taylor series still matter.
#
# The last central ratio breaks the pattern: from $h = 10^{-5}$ to
# $10^{-6}$ the error shrank by far less than 100. Truncation is not the only
# error in play. The next section shows what takes over.
#
# ## Where rounding takes over
#
# A float64 number carries about 16 significant decimal digits: the machine
# epsilon $\epsilon = 2^{-52} \approx 2.2 \times 10^{-16}$ is the gap
# between 1 and the next larger float. Each computed value of $f$ is off by
# a relative error of order $\epsilon$, so $f(a + h)$ and $f(a)$ each carry an
# absolute error of about $\epsilon |f(a)|$.
#
# A difference quotient subtracts two nearly equal numbers. Their leading
# digits cancel, while their rounding errors stay. Dividing by a small $h$
# then magnifies what remains. The rounding part of the error is therefore of
# order $\epsilon |f(a)| / h$, and it grows as $h$ shrinks. The total error is
# roughly
#
# $$
# E_{\text{forward}}(h) \approx \frac{h}{2} |f''(a)| + \frac{\epsilon |f(a)|}{h},
# $$
#
# $$
# E_{\text{central}}(h) \approx \frac{h^2}{6} |f'''(a)| + \frac{\epsilon |f(a)|}{h}.
# $$
#
# One term falls and the other rises as $h$ shrinks, so each sum has a minimum.
# Setting the derivative with respect to $h$ to zero gives
#
# $$
# h^{\ast}_{\text{forward}} = \sqrt{\frac{2 \epsilon |f(a)|}{|f''(a)|}},
# \qquad
# h^{\ast}_{\text{central}} = \sqrt[3]{\frac{3 \epsilon |f(a)|}{|f'''(a)|}}.
# $$
#
# When $f$ and its derivatives are of moderate size, these are close to
# $\sqrt{\epsilon} \approx 1.5 \times 10^{-8}$ and
# $\sqrt[3]{\epsilon} \approx 6 \times 10^{-6}$.
# [`recommended_step`](../../reference/#dltut.calculus.recommended_step)
# returns these values, scaled by $\max(|a|, 1)$ so that the step is not lost
# when it is added to a large $a$.
#
# The figure plots the relative error
# $|\text{estimate} - f'(a)| / |f'(a)|$ against $h$ from $10^{-1}$ down
# to $10^{-15}$, for $1/x$ at $0.4$ and for $e^x$ at $1$. The dashed lines
# are the truncation terms from the formulas above and the dotted line is the
# rounding estimate, each divided by $|f'(a)|$. The vertical lines mark the
# steps from `recommended_step`.

# %%
step_grid = np.logspace(-1, -15, 57)
# Some estimates hit the exact value, and log(0) cannot be drawn, so
# every error is clipped to this floor before plotting.
error_floor = 1e-17

# Each case: function, point, and the exact f, f', f'', f''' at that
# point.
cases = {
    "1/x at a = 0.4": (
        reciprocal, 0.4, 1 / 0.4, -1 / 0.4**2, 2 / 0.4**3, -6 / 0.4**4
    ),
    "exp(x) at a = 1": (np.exp, 1.0, np.e, np.e, np.e, np.e),
}

fig, axes = plt.subplots(
    1, 2, figsize=(9.6, 4.2), layout="constrained", sharey=True
)
for ax, (name, case) in zip(axes, cases.items(), strict=True):
    func, point, f0, f1, f2, f3 = case
    forward = deriv(func, point, step_grid, method="forward")
    central = deriv(func, point, step_grid, method="central")
    forward_rel = np.abs(forward - f1) / abs(f1)
    central_rel = np.abs(central - f1) / abs(f1)
    truncation_h = step_grid * abs(f2) / 2 / abs(f1)
    truncation_h2 = step_grid**2 * abs(f3) / 6 / abs(f1)
    rounding = eps * abs(f0) / step_grid / abs(f1)
    plot_curves(
        step_grid,
        {
            "forward": np.maximum(forward_rel, error_floor),
            "central": np.maximum(central_rel, error_floor),
            "truncation, proportional to h": truncation_h,
            "truncation, proportional to h²": truncation_h2,
            "rounding, proportional to ε/h": rounding,
        },
        styles={
            "forward": "o-",
            "central": "s-",
            "truncation, proportional to h": "--",
            "truncation, proportional to h²": "--",
            "rounding, proportional to ε/h": ":",
        },
        title=f"Relative error, {name}",
        xlabel="step h",
        ylabel="relative error",
        logx=True,
        logy=True,
        ax=ax,
    )
    for method, color in (("forward", "C0"), ("central", "C1")):
        step = float(recommended_step(point, method))
        label = f"recommended_step, {method}"
        ax.axvline(step, color=color, linewidth=1, label=label)
    ax.set_ylim(1e-17, 1e1)
    ax.invert_xaxis()
    for line in ax.get_lines():
        line.set_markersize(3)
    # One legend below both panels replaces the two per-panel legends.
    ax.get_legend().remove()
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(
    handles,
    labels,
    loc="outside lower center",
    ncols=4,
    fontsize="small",
)
plt.show()

# %% [markdown]
# Read each panel from left to right, with the step shrinking. Both
# measured curves first follow their truncation line, with slope 1 for the
# forward difference and slope 2 for the central one. Then they meet the rising
# rounding line and turn into noise that grows like $\epsilon / h$. The
# result is a V shape: a smaller step is better only down to the bottom of the
# V. Below it, every further digit of $h$ costs a digit of accuracy. At
# $h = 10^{-15}$ both quotients have relative errors of $10^{-3}$ or worse,
# larger than the error of the forward difference at $h = 10^{-3}$.
#
# The bottom of the V is lower for the central difference, about $10^{-11}$
# against $10^{-8}$, because its truncation error falls faster. The next cell
# prints, for $1/x$ at $0.4$, the best step on the grid, the step from the
# formula for $h^{\ast}$ above, and the step from `recommended_step`, with the
# error at each.

# %%
_, point, f0, f1, f2, f3 = cases["1/x at a = 0.4"]
optimal_steps = {
    "forward": np.sqrt(2 * eps * abs(f0) / abs(f2)),
    "central": np.cbrt(3 * eps * abs(f0) / abs(f3)),
}


def relative_error(method, step):
    """Return the relative error of deriv's estimate of f'(point)."""
    estimate = deriv(reciprocal, point, step, method=method)
    return np.abs(estimate - f1) / abs(f1)


# The ratio column divides each error by the best error on the grid.
ratios_to_best = {}
print(
    f"{'method':>8} {'':>16} {'h':>9}"
    f" {'rel. error':>10} {'ratio':>6}"
)
for method in ("forward", "central"):
    grid_errors = relative_error(method, step_grid)
    best = int(np.argmin(grid_errors))
    rows = {
        "best on grid": step_grid[best],
        "formula for h*": optimal_steps[method],
        "recommended_step": float(recommended_step(point, method)),
    }
    for label, step in rows.items():
        error = float(relative_error(method, step))
        ratio = error / grid_errors[best]
        ratios_to_best[method, label] = ratio
        print(
            f"{method:>8} {label:>16} {step:9.2e}"
            f" {error:10.1e} {ratio:6.1f}"
        )

# %% [markdown]
# The ratio column shows how each step compares with the best step on the grid.
# The step from the formula for $h^{\ast}$ does about as well: its error is less
# than twice the best one, and it can be lower, because the grid holds only four
# steps per decade. But the formula needs $f''$ or $f'''$, which are usually
# unknown. `recommended_step` does without them, so it lands near the bottom of
# the V rather than at it. Here its error is several times the best one, but
# less than ten times, for both differences. That is still far better than a
# tiny step. The lesson is practical: use a step near $\sqrt{\epsilon}$ for the
# forward difference and near $\sqrt[3]{\epsilon}$ for the central one, never
# "as small as possible". The next cell checks the two bounds on the ratios.

# %%
# These bounds hold for 1/x at 0.4, the case in the table, not for
# every function: recommended_step assumes that f and its derivatives
# are of moderate size.
for method in ("forward", "central"):
    assert ratios_to_best[method, "formula for h*"] < 2, method
    assert ratios_to_best[method, "recommended_step"] < 10, method

# %% [markdown]
# ## Accurate methods
#
# A plain difference quotient cannot do better than the bottom of its V,
# about 8 digits for the forward difference and 11 for the central one. Two
# methods get past that limit in different ways.
#
# ### Richardson extrapolation
#
# For a smooth $f$, the central difference $D(h)$ has an error series with
# only even powers of $h$, because the odd powers cancel in the subtraction:
#
# $$
# D(h) = f'(a) + c_1 h^2 + c_2 h^4 + \dots
# $$
#
# The coefficients $c_1, c_2, \dots$ do not depend on $h$. Halving the step
# gives $D(h/2) = f'(a) + c_1 h^2 / 4 + c_2 h^4 / 16 + \dots$. Four times the
# second equation minus the first removes the $h^2$ term:
#
# $$
# \frac{4 D(h/2) - D(h)}{3} = f'(a) - \frac{c_2 h^4}{4} + \dots
# $$
#
# One step of extrapolation turns two second-order estimates into a
# fourth-order one. Repeating it on a sequence of halved steps removes the
# $h^4$ term, then the $h^6$ term, and so on. The method works with large
# steps, where rounding is negligible, and removes their truncation error
# algebraically instead of by shrinking $h$.
#
# Here is one step by hand for $1/x$ at $0.4$, with the deliberately large
# step $h = 0.1$:

# %%
large_step = 0.1
d_h = float(deriv(reciprocal, a, large_step))
d_half = float(deriv(reciprocal, a, large_step / 2))
extrapolated = (4 * d_half - d_h) / 3

rows = {
    "D(h)": d_h,
    "D(h/2)": d_half,
    "(4 D(h/2) - D(h))/3": extrapolated,
}
for label, value in rows.items():
    error = value - exact_slope
    print(f"{label:>19} = {value:.10f}   error {error:+.2e}")

error_h = abs(d_h - exact_slope)
error_half = abs(d_half - exact_slope)
error_extrapolated = abs(extrapolated - exact_slope)
halving_gain = error_h / error_half
extrapolation_gain = error_half / error_extrapolated
print(f"D(h) error / D(h/2) error:         {halving_gain:.1f}")
print(f"D(h/2) error / extrapolated error: {extrapolation_gain:.1f}")

# %% [markdown]
# The two central differences have errors of 0.4 and 0.1. Their combination
# has an error below 0.007, from the same two evaluations of the quotient.
# Halving the step alone divided the error by about 4, as the $h^2$ term
# predicts. The extrapolation divided the error of $D(h/2)$ by a further 15.
#
# [`richardson_deriv`](../../reference/#dltut.calculus.richardson_deriv)
# repeats this. By default it starts from $h = 0.1 \max(|a|, 0.1)$, a step
# proportional to the distance from 0 but never below 0.01, and combines five
# central differences, which cancels the error terms up to $h^8$:

# %%
richardson_estimate = float(richardson_deriv(reciprocal, a))
richardson_error = abs(richardson_estimate - exact_slope)
print(f"richardson_deriv: {richardson_estimate:.12f}")
print(f"exact:            {exact_slope:.12f}")
print(f"relative error:   {richardson_error / abs(exact_slope):.1e}")

# %% [markdown]
# Richardson extrapolation only needs $f$ to be smooth on
# $[a - h, a + h]$ and its error series to be dominated by the first few
# terms. Near a singularity the starting step must be well below the
# distance to it. For $1/x$ the pole is at 0, so the distance is $|a|$. The
# default step $0.1 \max(|a|, 0.1)$ is a tenth of that distance for
# $|a| \ge 0.1$. Below $|a| = 0.1$ it stays at 0.01, a growing share of the
# distance. The next cell measures what that costs, with the default step and
# with `delta` set to $0.1|a|$:

# %%
print(
    f"{'a':>6} {'default h':>10} {'rel. error':>11}"
    f"   {'h = 0.1|a|':>10} {'rel. error':>11}"
)
near_pole = {}
for x0 in (0.4, 0.1, 0.05, 0.02, 0.011):
    exact = -1 / x0**2
    default_step = 0.1 * max(x0, 0.1)  # richardson_deriv's default
    small_step = 0.1 * x0
    by_default = float(richardson_deriv(reciprocal, x0))
    by_small_step = float(richardson_deriv(reciprocal, x0, small_step))
    default_error = abs(by_default - exact) / abs(exact)
    small_step_error = abs(by_small_step - exact) / abs(exact)
    near_pole[x0] = (default_error, small_step_error)
    print(
        f"{x0:>6} {default_step:>10.1e} {default_error:>11.1e}"
        f"   {small_step:>10.1e} {small_step_error:>11.1e}"
    )

# %% [markdown]
# With the default step, the relative error stays near $10^{-13}$ or below
# down to $|a| = 0.05$, where the first step covers a fifth of the way to the
# pole. Closer than that, the fixed step of 0.01 covers half the distance at
# $a = 0.02$ and nearly all of it at $a = 0.011$, and the error grows by orders
# of magnitude. There, pass a smaller `delta`: with $0.1|a|$ the error stays at
# full accuracy at every point in the table.

# %%
# Full accuracy means a relative error of about 1e-13 or less, as for
# a = 0.4. The bound 1e-12 leaves a margin for rounding, which grows as
# the steps shrink near the pole.
for x0, (default_error, small_step_error) in near_pole.items():
    assert small_step_error < 1e-12, x0
    if x0 >= 0.05:
        assert default_error < 1e-12, x0
# Closest to the pole, the default step loses several digits.
assert near_pole[0.011][0] > 1e-8

# %% [markdown]
# ### The complex-step method
#
# If $f$ is analytic (it has a complex derivative, as polynomials, $e^x$,
# $\sin$ and $1/x$ away from 0 do), its Taylor series also holds for a
# complex step. Step along the imaginary axis by $ih$ from a real $a$:
#
# $$
# f(a + ih) = f(a) + ih f'(a) - \frac{h^2}{2} f''(a) - i \frac{h^3}{6} f'''(a) + \dots
# $$
#
# When $f$ is real on the real axis, $f(a)$, $f'(a)$, $f''(a)$ and $f'''(a)$
# are real, so the imaginary part of this series is
# $h f'(a) - \frac{h^3}{6} f'''(a) + \dots$ and
#
# $$
# f'(a) = \frac{\operatorname{Im} f(a + ih)}{h} + O(h^2).
# $$
#
# There is no subtraction of nearly equal numbers. The imaginary part is
# computed directly, with a relative rounding error of order $\epsilon$
# whatever the size of $h$. So $h$ can be as small as $10^{-20}$, where the
# $O(h^2)$ term is far below rounding, and the result is accurate to machine
# precision.
#
# The method has a hard requirement: $f$ must be analytic near $a$ and
# written with operations that accept complex input, such as arithmetic,
# `np.exp`, `np.sin`, `np.log` and `np.tanh`. It fails for `np.abs`,
# `np.maximum` and comparisons, and so for ReLU and Leaky ReLU, which are not
# analytic at their kink. The activations in `dltut` also reject complex input
# on purpose. When a function returns real values for a complex input,
# [`complex_step_deriv`](../../reference/#dltut.calculus.complex_step_deriv)
# raises an error instead of silently returning 0:

# %%
complex_estimate = float(complex_step_deriv(reciprocal, a))
complex_error = abs(complex_estimate - exact_slope) / abs(exact_slope)
print(f"complex step, 1/x at 0.4: {complex_estimate:.12f}")
print(f"relative error:           {complex_error:.1e}")

try:
    complex_step_deriv(np.abs, 0.5)
except TypeError as error:
    print("np.abs: TypeError:")
    print(textwrap.indent(textwrap.fill(str(error), width=66), "  "))

# %% [markdown]
# ### The three methods side by side
#
# The next figure compares the central difference, Richardson extrapolation
# and the complex step for $1/x$ at $0.4$, over the same steps as before.
# For `richardson_deriv` the step on the x-axis is its starting step; it also
# evaluates $f$ at steps down to $1/16$ of that.

# %%
def relative_to_exact(estimates):
    """Return |estimate - f'(a)| / |f'(a)| for 1/x at a = 0.4."""
    errors = np.abs(np.asarray(estimates) - exact_slope)
    return errors / abs(exact_slope)


curves = {
    "complex step": relative_to_exact(
        [complex_step_deriv(reciprocal, a, step) for step in step_grid]
    ),
    "Richardson (starting step)": relative_to_exact(
        [richardson_deriv(reciprocal, a, step) for step in step_grid]
    ),
    "central difference": relative_to_exact(
        deriv(reciprocal, a, step_grid)
    ),
}
plotted = {
    label: np.maximum(errors, error_floor)
    for label, errors in curves.items()
}
plotted["machine epsilon"] = np.full_like(step_grid, eps)

fig, ax = plt.subplots(figsize=(9.6, 4.2), layout="constrained")
plot_curves(
    step_grid,
    plotted,
    styles={
        "complex step": "o-",
        "Richardson (starting step)": "^-",
        "central difference": "s--",
        "machine epsilon": ":",
    },
    title="Relative error of three methods, 1/x at a = 0.4",
    xlabel="step h",
    ylabel="relative error (0 drawn at 1e-17)",
    logx=True,
    logy=True,
    ax=ax,
)
ax.set_ylim(1e-18, 1e1)
ax.invert_xaxis()
for line in ax.get_lines():
    line.set_markersize(3)
ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# Each method has its own shape:
#
# - The **central difference** has the V from before, with its best error
#   near $10^{-11}$.
# - **Richardson extrapolation** is best for large starting steps, with
#   errors between about $10^{-15}$ and $10^{-12}$. Its truncation error is
#   tiny there, and the steps are large enough that rounding barely matters.
#   With small starting steps it inherits the rounding problem of the central
#   difference, and makes it worse: its smallest step is 1/16 of the starting
#   step, and the extrapolation adds up the noise of all five differences.
# - The **complex step** has the same $h^2$ truncation error as the central
#   difference for large $h$. It is not more accurate there. But it never
#   turns back up: once the step is below about $10^{-8}$ the error stays at
#   the level of machine epsilon, or exactly 0, all the way down. (The
#   complex step's truncation error is $-\frac{h^2}{6} f'''$, the central
#   difference's is $+\frac{h^2}{6} f'''$, so the two curves coincide at
#   large $h$.)
#
# ### Checking both methods on a grid of points
#
# Both methods should reach at least 10 correct digits at more than one
# point. The next cell checks them on $e^x$, $\sin x$ and $1/x$ over grids of
# points, and asserts a relative error of at most $10^{-10}$.
#
# Some points are left out on purpose. A relative error divides by
# $|f'(a)|$, so where the derivative is 0 or nearly 0 it is undefined or
# huge, even if the absolute error is tiny. For $\sin$, whose derivative
# $\cos x$ vanishes at $\pi/2 + k\pi$, the grid keeps only points with
# $|\cos x| \ge 0.1$. For $1/x$ the grid comes as close to the pole as
# $|x| = 0.05$, where the curve is steep. That is the closest point at which
# Richardson's default starting step keeps full accuracy, as measured in the
# section on Richardson extrapolation.

# %%
sin_points = np.linspace(-3, 3, 25)
sin_points = sin_points[np.abs(np.cos(sin_points)) >= 0.1]
reciprocal_points = np.concatenate(
    [np.linspace(-3, -0.05, 14), np.linspace(0.05, 3, 14)]
)

# Each check: function, its exact derivative, and the points.
checks = {
    "exp": (np.exp, np.exp, np.linspace(-3, 3, 25)),
    "sin": (np.sin, np.cos, sin_points),
    "1/x": (reciprocal, lambda x: -1 / x**2, reciprocal_points),
}
methods = {
    "richardson_deriv": richardson_deriv,
    "complex_step_deriv": complex_step_deriv,
}

# 1e-10 leaves a wide margin: Richardson's errors on these grids are at
# most about 1e-12 and the complex step's about 1e-16, so a failure
# means a real bug.
relative_tolerance = 1e-10

print(
    f"{'function':>8} {'method':>20} {'points':>6}"
    f" {'max rel. error':>14}"
)
for name, (func, exact_derivative, points) in checks.items():
    exact = exact_derivative(points)
    for method_name, method in methods.items():
        errors = np.abs(method(func, points) - exact) / np.abs(exact)
        worst = float(np.max(errors))
        print(
            f"{name:>8} {method_name:>20} {points.size:>6}"
            f" {worst:>14.1e}"
        )
        assert worst <= relative_tolerance, (name, method_name, worst)

# %% [markdown]
# ## Which method to use when
#
# - **Central difference with `recommended_step`** for quick checks and
#   gradient checking. It works on any function you can evaluate, including
#   ReLU away from its kink, costs two evaluations per derivative and gives
#   about 10 correct digits when $f$ is well scaled. Compare it with an
#   analytic gradient using a relative tolerance well above that, such as
#   $10^{-6}$. Use the forward difference only when evaluations are
#   expensive and $f(a)$ is already known, and expect only 7 to 8 correct
#   digits.
# - **Complex step** when the function is analytic and written with
#   operations that accept complex numbers. It gives machine precision with
#   one evaluation and no step to tune.
# - **Richardson extrapolation** when you need more digits from a function
#   that is smooth but not suitable for complex input. It costs more
#   evaluations (two per level) and needs a starting step smaller than the
#   distance to any singularity.
#
# Never pick a step "as small as possible": below the bottom of the V, a
# smaller step gives a worse estimate.
#
# **Next:** [Softmax](../03-softmax/) turns a vector of scores into
# probabilities. It has several inputs and outputs, so its derivative is a
# matrix, the Jacobian. **Back:** [Activation functions](../01-activations/).
