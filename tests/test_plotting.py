"""Tests for `dltut.plotting`: the site style and the figure helpers."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import matplotlib

# Select the non-interactive backend before pyplot is imported, so the tests
# need no display.
matplotlib.use("Agg")

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib import pyplot as plt
from matplotlib.colors import to_hex

from dltut.plotting import (
    COLORS,
    function_and_derivative_figure,
    plot_curves,
    use_site_style,
)


@pytest.fixture(autouse=True)
def _isolated_matplotlib():
    """Restore rcParams and close every figure after each test.

    `use_site_style` changes global settings, and open figures pile up until
    Matplotlib warns about them, which the warnings-as-errors setting turns
    into a failure.
    """
    with mpl.rc_context():
        yield
    plt.close("all")


def _svg_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    # Date=None leaves out the creation time, the one field that changes
    # between saves by design.
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


X = np.linspace(-2.0, 2.0, 9)


# --- use_site_style ---


def test_use_site_style_sets_hashsalt():
    mpl.rcParams["svg.hashsalt"] = None

    use_site_style()

    assert mpl.rcParams["svg.hashsalt"] == "dltut"


def test_use_site_style_sets_colour_cycle():
    use_site_style()

    cycle_colours = [to_hex(c) for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle_colours == [c.lower() for c in COLORS]


def test_use_site_style_white_background():
    use_site_style()

    assert to_hex(mpl.rcParams["figure.facecolor"]) == "#ffffff"
    assert to_hex(mpl.rcParams["savefig.facecolor"]) == "#ffffff"


def test_use_site_style_outside_ipython_returns_none():
    # Outside IPython only the rcParams change, and the call must not fail.
    assert use_site_style() is None


def test_site_colours_are_distinct_hex():
    assert len(set(COLORS)) == len(COLORS)
    for colour in COLORS:
        assert to_hex(colour) == colour.lower()


# --- plot_curves ---


def test_plot_curves_sets_title_and_labels():
    ax = plot_curves(X, {"x squared": X**2}, title="A parabola", xlabel="input", ylabel="output")

    assert ax.get_title() == "A parabola"
    assert ax.get_xlabel() == "input"
    assert ax.get_ylabel() == "output"


def test_plot_curves_default_axis_labels():
    ax = plot_curves(X, {"x": X}, title="Identity")

    assert ax.get_xlabel() == "x"
    assert ax.get_ylabel() == "y"


def test_plot_curves_one_line_per_curve():
    curves = {"x": X, "x squared": X**2, "x cubed": X**3}

    ax = plot_curves(X, curves, title="Powers")

    assert len(ax.get_lines()) == 3


def test_plot_curves_legend_lists_labels_in_order():
    curves = {"x": X, "x squared": X**2, "x cubed": X**3}

    ax = plot_curves(X, curves, title="Powers")

    legend = ax.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == list(curves)


def test_plot_curves_line_data_matches_input():
    ax = plot_curves(X, {"x squared": X**2}, title="A parabola")

    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), X)
    np.testing.assert_array_equal(line.get_ydata(), X**2)


def test_plot_curves_applies_styles_by_label():
    ax = plot_curves(X, {"solid": X, "dashed": 2 * X}, title="Styles", styles={"dashed": "--"})

    solid, dashed = ax.get_lines()
    assert solid.get_linestyle() == "-"
    assert dashed.get_linestyle() == "--"


def test_plot_curves_uses_site_colours_in_order():
    use_site_style()

    ax = plot_curves(X, {"a": X, "b": 2 * X}, title="Colours")

    colours = [to_hex(line.get_color()) for line in ax.get_lines()]
    assert colours == [COLORS[0].lower(), COLORS[1].lower()]


def test_plot_curves_linear_scales_by_default():
    ax = plot_curves(X, {"x": X}, title="Linear")

    assert ax.get_xscale() == "linear"
    assert ax.get_yscale() == "linear"


@pytest.mark.parametrize(
    ("logx", "logy", "expected"),
    [
        (True, False, ("log", "linear")),
        (False, True, ("linear", "log")),
        (True, True, ("log", "log")),
    ],
)
def test_plot_curves_log_scales(logx, logy, expected):
    steps = np.geomspace(1e-8, 1e-1, 8)

    ax = plot_curves(steps, {"error": steps**2}, title="Error", logx=logx, logy=logy)

    assert (ax.get_xscale(), ax.get_yscale()) == expected


def test_plot_curves_draws_on_given_axes():
    figure, (left, right) = plt.subplots(1, 2)

    returned = plot_curves(X, {"x": X}, title="Right", ax=right)

    assert returned is right
    assert len(right.get_lines()) == 1
    assert len(left.get_lines()) == 0
    assert len(figure.axes) == 2


def test_plot_curves_makes_new_figure_without_axes():
    before = set(plt.get_fignums())

    plot_curves(X, {"x": X}, title="New")

    assert len(set(plt.get_fignums()) - before) == 1


def test_plot_curves_rejects_empty_curves():
    with pytest.raises(ValueError, match=r"^curves must contain at least one curve"):
        plot_curves(X, {}, title="Empty")


@pytest.mark.parametrize(
    "values",
    [np.zeros(8), np.zeros(10), np.zeros((9, 1))],
    ids=["shorter", "longer", "2-d"],
)
def test_plot_curves_rejects_mismatched_shape(values):
    with pytest.raises(ValueError, match=r"^curve 'bad' has shape") as excinfo:
        plot_curves(X, {"good": X, "bad": values}, title="Mismatch")

    assert str(values.shape) in str(excinfo.value)


# --- function_and_derivative_figure ---


def test_function_and_derivative_figure_two_titled_axes():
    figure = function_and_derivative_figure(X, X**2, {"exact": 2 * X}, name="x squared")

    titles = [ax.get_title() for ax in figure.axes]
    assert titles == ["x squared", "Derivative of x squared"]


def test_function_and_derivative_figure_y_labels():
    figure = function_and_derivative_figure(X, X**2, {"exact": 2 * X}, name="x squared")

    left, right = figure.axes
    assert left.get_ylabel() == "x squared"
    assert right.get_ylabel() == "d/dx x squared"


def test_function_and_derivative_figure_curves_per_axes():
    derivatives = {"exact": 2 * X, "numerical": 2 * X + 1e-3}

    figure = function_and_derivative_figure(X, X**2, derivatives, name="x squared")

    left, right = figure.axes
    assert len(left.get_lines()) == 1
    assert len(right.get_lines()) == 2
    np.testing.assert_array_equal(left.get_lines()[0].get_ydata(), X**2)
    np.testing.assert_array_equal(right.get_lines()[1].get_ydata(), 2 * X + 1e-3)


def test_function_and_derivative_figure_cycles_styles():
    derivatives = {f"estimate {i}": X + i for i in range(4)}

    figure = function_and_derivative_figure(
        X, X, derivatives, name="identity", derivative_styles=("-", "--")
    )

    styles = [line.get_linestyle() for line in figure.axes[1].get_lines()]
    assert styles == ["-", "--", "-", "--"]


# --- deterministic SVG output ---


# Each page draws a figure once per build; two builds must give the same SVG.
def test_svg_rebuilt_figure_identical():
    # Two builds of a page draw the figure anew, and their SVG must match byte
    # for byte, including the generated element ids.
    use_site_style()
    first = function_and_derivative_figure(X, X**2, {"exact": 2 * X}, name="x squared")
    second = function_and_derivative_figure(X, X**2, {"exact": 2 * X}, name="x squared")

    assert _svg_bytes(first) == _svg_bytes(second)


# Run in a separate interpreter, because an IPython shell, once created, stays
# registered for the rest of the process. The script builds the same figure
# twice and prints its inline SVG representation as IPython would send it to
# a notebook.
_IPYTHON_SVG_SCRIPT = """
import json

import matplotlib

matplotlib.use("Agg")

import numpy as np
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from dltut.plotting import function_and_derivative_figure, use_site_style

config = Config()
config.HistoryManager.hist_file = ":memory:"
shell = InteractiveShell.instance(config=config)
use_site_style()

x = np.linspace(-2.0, 2.0, 9)
svg_formatter = shell.display_formatter.formatters["image/svg+xml"]
outputs = [
    svg_formatter(function_and_derivative_figure(x, x**2, {"exact": 2 * x}, name="x squared"))
    for _ in range(2)
]
print(json.dumps(outputs))
"""


def test_svg_inline_ipython_output_deterministic(tmp_path):
    pytest.importorskip("IPython")
    pytest.importorskip("matplotlib_inline")
    environment = {**os.environ, "IPYTHONDIR": str(tmp_path / "ipython")}
    # IPython warns when VIRTUAL_ENV names another environment than the one
    # running it, as happens when tests run from a shell with a venv active.
    environment.pop("VIRTUAL_ENV", None)

    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", _IPYTHON_SVG_SCRIPT],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    first, second = json.loads(completed.stdout)
    assert first is not None
    assert first.lstrip().startswith("<?xml")
    assert "<dc:date>" not in first
    assert first == second
