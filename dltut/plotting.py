"""Figure helpers and the style shared by every page of the dltut site.

Figures are drawn with Matplotlib on a white background, so they stay legible
on the site's light and dark themes, with colours from the Okabe-Ito palette,
which readers with colour-vision deficiencies can tell apart. In a notebook,
`use_site_style` also makes figures render as SVG with no creation date and
fixed element ids, so two builds of a page give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

__all__ = ["COLORS", "function_and_derivative_figure", "plot_curves", "use_site_style"]

COLORS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)
"""The Okabe-Ito colours as hex strings, in the order in which curves receive them.

Use them to colour a figure drawn with Matplotlib directly so that it
matches the others: `ax.bar(x, y, color=COLORS[1])`.
"""

_STYLE: dict[str, Any] = {
    "figure.figsize": (6.4, 4.0),
    # Figures are shown at the width of the text column, about 620 pixels, so
    # a two-panel figure is scaled down; slightly larger text stays readable.
    "font.size": 11.0,
    "legend.fontsize": "medium",
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#111111",
    "axes.titlesize": "large",
    "axes.titleweight": "bold",
    "axes.grid": True,
    "axes.prop_cycle": cycler(color=list(COLORS)),
    "grid.color": "#dddddd",
    "grid.linewidth": 0.8,
    "legend.frameon": True,
    "legend.framealpha": 0.9,
    "lines.linewidth": 2.0,
    "xtick.color": "#111111",
    "ytick.color": "#111111",
    "savefig.facecolor": "white",
    # A fixed salt makes the ids inside an SVG the same on every build.
    "svg.hashsalt": "dltut",
}


def use_site_style() -> None:
    """Apply the site's Matplotlib style and, inside IPython, deterministic SVG output.

    Call it once at the top of a page or notebook. Outside IPython only the
    Matplotlib settings change.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from dltut.plotting import use_site_style
    >>> use_site_style()
    >>> mpl.rcParams["svg.hashsalt"]
    'dltut'
    """
    # rcParams is typed with a Literal key per setting; a plain dict of them is fine at run time.
    cast(Any, mpl.rcParams).update(_STYLE)

    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is None:
        return

    from matplotlib_inline.backend_inline import set_matplotlib_formats

    # Without a fixed date, every SVG would record the time of the build.
    set_matplotlib_formats("svg", metadata={"Date": None})  # type: ignore[no-untyped-call]


def plot_curves(
    x: ArrayLike,
    curves: Mapping[str, ArrayLike],
    *,
    title: str,
    xlabel: str = "x",
    ylabel: str = "y",
    styles: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    logx: bool = False,
    logy: bool = False,
) -> Axes:
    """Plot several curves over the same x values on one set of axes, with a legend.

    Parameters
    ----------
    x
        The x values, a 1-d array.
    curves
        Maps each legend label to its y values, which have the length of `x`.
    title
        Title of the axes.
    xlabel
        Label of the x axis.
    ylabel
        Label of the y axis.
    styles
        Optional Matplotlib format strings by label, such as `"--"` or `"o"`.
    ax
        Axes to draw on; a new figure is made if omitted.
    logx, logy
        Use a logarithmic scale on that axis.

    Returns
    -------
    matplotlib.axes.Axes
        The axes that were drawn on.

    Raises
    ------
    ValueError
        If `curves` is empty or a curve's length differs from that of `x`.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.plotting import plot_curves
    >>> x = np.linspace(-1, 1, 5)
    >>> ax = plot_curves(x, {"x squared": x**2}, title="A parabola")
    >>> ax.get_title(), ax.get_xlabel(), len(ax.get_lines())
    ('A parabola', 'x', 1)
    """
    xs = np.asarray(x, dtype=float)
    if not curves:
        raise ValueError("curves must contain at least one curve, got an empty mapping")
    if ax is None:
        _, ax = plt.subplots()
    styles = styles or {}

    for label, values in curves.items():
        ys = np.asarray(values, dtype=float)
        if ys.shape != xs.shape:
            raise ValueError(
                f"curve {label!r} has shape {ys.shape}, but x has shape {xs.shape}; "
                "each curve needs one y value per x value"
            )
        ax.plot(xs, ys, styles.get(label, "-"), label=label)

    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def function_and_derivative_figure(
    x: ArrayLike,
    values: ArrayLike,
    derivatives: Mapping[str, ArrayLike],
    *,
    name: str,
    derivative_styles: Sequence[str] = ("-", "--", ":"),
    figsize: tuple[float, float] = (8.0, 3.4),
) -> Figure:
    """Draw a function and its derivative side by side.

    Parameters
    ----------
    x
        The x values, a 1-d array.
    values
        The function's values at `x`.
    derivatives
        Maps labels (for example "exact" and "numerical (deriv)") to
        derivative values at `x`; several curves can be compared.
    name
        The function's name, used in both titles and the y labels.
    derivative_styles
        Line styles given to the derivative curves in order.
    figsize
        Width and height in inches. The default fits the site's text column
        at about 90% scale, so the labels stay readable.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with two axes: the function on the left, its derivative on
        the right.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.plotting import function_and_derivative_figure
    >>> x = np.linspace(-2, 2, 9)
    >>> fig = function_and_derivative_figure(x, x**2, {"exact": 2 * x}, name="x squared")
    >>> [ax.get_title() for ax in fig.axes]
    ['x squared', 'Derivative of x squared']
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=figsize, layout="constrained")
    plot_curves(x, {name: values}, title=name, ylabel=name, ax=left)

    styles = {
        label: derivative_styles[i % len(derivative_styles)] for i, label in enumerate(derivatives)
    }
    plot_curves(
        x,
        derivatives,
        title=f"Derivative of {name}",
        ylabel=f"d/dx {name}",
        styles=styles,
        ax=right,
    )
    return fig
