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
# # Benchmarks
#
# dltut is written to be read, one idea per function, but reading it
# should not cost you speed or accuracy. This page compares it with the
# tools you would otherwise use: PyTorch, scikit-learn and SciPy. All
# comparisons run on the same machine, in the same run of the benchmarks.
# Where two libraries compute the same thing, their results are checked to
# agree before anything is timed.
#
# The tables and figures are drawn from the results file
# `benchmarks/results.json` whenever the site is built, so they always show
# the results committed with this version of dltut.
#
# ## Running the benchmarks yourself
#
# From a clone of the repository, run
#
# ```bash
# make bench
# ```
#
# It installs PyTorch 2.13 into the project's environment, runs every
# benchmark and rewrites `benchmarks/results.json`, and the next
# `make serve` redraws this page from it. Stop a running `make serve`
# first: it rebuilds the site whenever the results file changes, which
# would slow the benchmarks that are still running. To run one benchmark, use
# `.venv/bin/python -m benchmarks.run --only training` (or `versions`,
# `softmax`, `derivatives`, `memory`, `site_build`). Add `--quick` for a
# short run that checks that everything works, with rougher numbers.
#
# Timings are medians of repeated runs, with their spread, and each ratio
# divides dltut's median by the peer's, so a ratio below 1 means dltut is
# faster. Close other programs first: the run warns when the machine is
# busy, because a busy machine slows and scatters the timings.

# %% tags=["hide-input"]
from IPython.display import HTML, display
from matplotlib import pyplot as plt

from benchmarks import report
from dltut.plotting import use_site_style

use_site_style()
results = report.load_results()

# %% [markdown]
# ## Summary
#
# Each goal and whether this version of dltut meets it. The sections
# below show every measurement behind them.

# %% tags=["hide-input"]
display(HTML(report.summary_table(results)))

# %% [markdown]
# ## The machine
#
# Each benchmark records when it finished, the command that ran it and the
# machine. It also records how busy the CPU was in the second before it
# started: the share of all cores' time that other programs used. A few
# percent is normal; more slows the benchmark down.

# %% tags=["hide-input"]
display(HTML(report.command_sentence(results)))
display(HTML(report.machine_table(results)))
display(HTML(report.software_table(results)))

# %% [markdown]
# ## Training one epoch
#
# The network is the one of the
# [digits page](../tutorial/10-digits/): 64 pixels, a hidden layer of 128
# ReLU units, 10 outputs and softmax cross-entropy, trained with SGD with
# momentum 0.9 at a learning rate of 0.05. The same network is built in
# dltut, in PyTorch and in scikit-learn's `MLPClassifier` (with
# `partial_fit`). All three start from the same initial weights, see the
# mini-batches in the same order and compute in float64. They do the same
# arithmetic: after one update, the benchmark checks that their weights
# differ by less than $10^{-10}$, and they differ only by rounding.
#
# An epoch is one pass over the 1,438 training images, updates only. Each
# library runs on one thread, and the libraries take turns epoch by epoch,
# so a change in the machine's load affects all of them alike. The goal:
# dltut's epoch takes at most as long as the fastest peer's.

# %% tags=["hide-input"]
display(HTML(report.training_verdict(results)))
report.training_figure(results)
plt.show()

# %% [markdown]
# Each bar is the median epoch time, and its line runs from the fastest to
# the slowest epoch. A mini-batch of 32 images needs little arithmetic, so
# the fixed cost of each update (checking arguments, creating arrays,
# calling functions) weighs heavily. An epoch at batch size 256 makes an
# eighth as many updates for the same arithmetic, which is why it is faster.

# %% tags=["hide-input"]
display(HTML(report.training_table(results)))

# %% [markdown]
# ### What profiling changed
#
# An earlier version of dltut missed the goal at batch size 32, so its
# epoch was profiled with `cProfile` (the benchmark records a profile in
# the results file whenever the goal is missed). The profile showed three
# kinds of waste, now removed:
#
# - Every layer and operation converted its input with `astype(np.float64)`,
#   which copies the array even when it is float64 already: about twenty
#   copies per mini-batch. `astype(np.float64, copy=False)` copies only when
#   the type changes.
# - The backward pass computed the gradient with respect to the network's
#   input, the product $G W_1^\top$ of the first layer. No update needs it,
#   because the input is data, so
#   [`train_batch`](../reference/#dltut.nn.network.NeuralNetwork.train_batch)
#   now stops at the first layer's weights. PyTorch and scikit-learn skip it
#   too.
# - The loss computed the log-softmax for the loss value and then the
#   softmax again for the gradient. It now keeps the log-probabilities and
#   takes their exponential.
#
# The benchmarks time the last commit before these changes against the
# current source, in fresh processes that take turns, each with one BLAS
# thread. The table shows the medians of both and how much of the earlier
# time is left. It includes `softmax` and `log_softmax` from the next
# section.

# %% tags=["hide-input"]
display(HTML(report.versions_table(results)))

# %% [markdown]
# Training to the end shows that the three libraries stay together: after
# 20 epochs they reach the same test accuracy, and their weights differ
# only by rounding.

# %% tags=["hide-input"]
display(HTML(report.accuracy_table(results)))

# %% [markdown]
# ## Softmax and log-softmax
#
# [Softmax](../tutorial/03-softmax/) of a batch of 1,000 rows of 1,000
# float64 scores, against `scipy.special` and PyTorch. Each implementation
# is timed in fresh Python processes, because how fast a call is depends on
# what ran before it. When a call frees a large array, the memory either
# stays with the process or goes back to the operating system, which must
# then map it again for the next call. Which of the two happens depends on
# the allocations that came before. The goal: dltut within 1.2 times the
# fastest peer, by the median and by the minimum.

# %% tags=["hide-input"]
display(HTML(report.softmax_verdict(results)))
report.softmax_figure(results)
plt.show()

# %% [markdown]
# The goal is missed, and the bottom bar of each panel shows why. NumPy
# evaluates one operation at a time, so dltut's softmax reads and writes
# the whole batch once per step: maximum, subtraction, exponential, sum,
# division. The bar stacks the time of each of these passes, timed alone.
# Their sum is close to the whole time of dltut's call, so the call
# spends almost nothing besides the passes themselves. PyTorch's softmax is a single compiled
# function instead of a sequence of whole-array operations, which is why
# it is faster even on one thread. By default it also spreads the rows
# over several threads (the table of the machine lists how many).
#
# Getting closer would mean fusing the passes, which plain NumPy cannot
# do, so the rest of the gap is left as it is. Profiling did fix one
# thing. `log_softmax` used to allocate a second array of the full size,
# and in a fresh process every such array costs hundreds of page faults.
# It now reuses one array and subtracts the maximum a second time instead,
# which gives the same numbers. The table in
# [What profiling changed](#what-profiling-changed) shows the time saved.
#
# Timed in one process, with the implementations taking turns, the ratios
# change much more from run to run than in fresh processes, because each
# call then depends on the memory that the previous calls left behind. The
# goal is therefore judged on the fresh processes.

# %% tags=["hide-input"]
display(HTML(report.softmax_table(results)))

# %% [markdown]
# ## Derivative accuracy
#
# The [numerical derivatives page](../tutorial/02-derivatives/) explains
# the trade-off of a difference quotient: a large step $h$ gives a
# truncation error, a small one gives rounding error. This benchmark
# measures it for $e^x$, $\sin x$ and $1/x$ on a grid of points, for steps
# from $10^{-1}$ down to $10^{-15}$, as the largest relative error
#
# $$\max_x \frac{|\hat f'(x) - f'(x)|}{|f'(x)|}$$
#
# against the exact derivative. The goal: the methods that dltut
# recommends, `richardson_deriv` and `complex_step_deriv`, reach
# $10^{-10}$ or better at their default steps. Those steps are $10^{-3}$
# for `deriv`, $0.1 \max(|x|, 0.1)$ for `richardson_deriv` (its first
# step, which it then halves) and $10^{-20}$ for `complex_step_deriv`.

# %% tags=["hide-input"]
display(HTML(report.derivatives_grids(results)))
report.derivatives_figure(results)
plt.show()

# %% [markdown]
# Forward and backward differences have nearly equal errors, so the dots
# of the backward ones sit on the forward line. Their best errors, from
# $2 \times 10^{-8}$ to $2 \times 10^{-7}$, come at $h = 10^{-8}$, close
# to the square root of float64's precision $\varepsilon \approx 2.2
# \times 10^{-16}$. Central differences reach $3 \times 10^{-11}$ to
# $4 \times 10^{-10}$ at $h$ from $10^{-6}$ to $10^{-5}$, close to
# $\varepsilon^{1/3}$. Richardson extrapolation is most accurate at large
# steps, where its default step lies. Its curve for $1/x$ starts at
# $h = 10^{-2}$, because with the fixed step $h = 0.1$ it evaluates $1/x$
# across the pole at 0 for the points near it, and the estimate overflows.
# The complex step subtracts nothing, so no rounding error grows as $h$
# shrinks, and it reaches the precision of float64 itself.

# %% tags=["hide-input"]
display(HTML(report.derivatives_table(results)))

# %% [markdown]
# ## Training memory
#
# The peak memory of 20 epochs of the digits training at batch size 32, in
# a fresh process per library and measurement. The traced allocations are
# what Python and NumPy allocate, as `tracemalloc` counts them; PyTorch
# allocates its tensors outside `tracemalloc`'s view, so its count would
# mislead. The resident memory is the largest amount of memory the whole
# process held, including the libraries' code, and the last column shows how
# much of it training added to what imports and set-up already needed.
# Most of a process's memory is the libraries' code: importing PyTorch
# alone takes more than dltut's whole training run.

# %% tags=["hide-input"]
display(HTML(report.memory_table(results)))

# %% [markdown]
# ## Building this site
#
# Every tutorial page runs when the site is built. The build caches each
# executed page under a key made from the page's source and the source of
# `dltut` (for this page, also the results file), so an unchanged page is
# not run again. The benchmark builds the
# site from a fresh clone with an empty cache, then again with nothing
# changed, then after editing one page. The goal: the unchanged rebuild
# takes at most a fifth of the cold build.

# %% tags=["hide-input"]
display(HTML(report.site_build_table(results)))
