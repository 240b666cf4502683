"""Draw a computational graph of `dltut.graph` nodes with Matplotlib, left to right by depth.

Each value is a rounded box with its name and shape, each operation an
ellipse with its symbol, and arrows show the data flow of the forward pass.
The layout depends only on the graph, so a page draws the same figure on
every build.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from matplotlib import pyplot as plt
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.textpath import TextToPath

from dltut.graph import Node, topological_order
from dltut.plotting import COLORS

__all__ = ["OPERATION_SYMBOLS", "draw_graph"]

OPERATION_SYMBOLS: dict[str, str] = {
    "matmul": "@",
    "add": "+",
    "subtract": "\N{MINUS SIGN}",
    "multiply": "\N{MULTIPLICATION SIGN}",
    "sigmoid": "\N{GREEK SMALL LETTER SIGMA}",
    "square": "(\N{MIDDLE DOT})\N{SUPERSCRIPT TWO}",
    "sum": "sum",
    "mean": "mean",
}
"""The label drawn in each operation's ellipse, by `Node.op`; other operations show their name."""

# Outline colours by kind of vertex, and how strongly the fill is tinted with them.
_COLOURS = {
    "input": COLORS[0],
    "operation": COLORS[4],
    "computed value": "#555555",
    "output": COLORS[1],
}
_FILL = 0.2

# Sizes in inches. The axes use one data unit per inch, so these are also data units.
_PADDING = 0.07
_COLUMN_GAP = 0.22
_ROW_GAP = 0.3
_OPERATION_HEIGHT = 0.34
# Height of the band below the graph that contains the legend.
_LEGEND_BAND = 0.5
# How far above the top of the vertices an arrow that skips columns peaks, so
# that it passes over the vertices in between instead of behind them.
_ARC_CLEARANCE = 0.15


@dataclass
class _Vertex:
    kind: Literal["value", "operation"]
    node: Node
    text: str
    width: float
    height: float
    column: int
    x: float = 0.0
    y: float = 0.0


def _tint(color: str, strength: float) -> tuple[float, float, float]:
    """Mix `color` with white; `strength` 1 keeps the colour, 0 gives white."""
    red, green, blue = to_rgb(color)
    return (
        1 - strength * (1 - red),
        1 - strength * (1 - green),
        1 - strength * (1 - blue),
    )


def _text_size(text: str, fontsize: float | str, weight: str = "normal") -> tuple[float, float]:
    """Return the width and height of `text` in inches, one line per newline."""
    measure = TextToPath()
    prop = FontProperties(size=fontsize, weight=weight)
    lines = text.split("\n")
    widths = [measure.get_text_width_height_descent(line, prop, ismath=False)[0] for line in lines]
    # Matplotlib spaces lines at 1.2 times the font size; 72 points make an inch.
    return max(widths) / 72, len(lines) * 1.2 * prop.get_size_in_points() / 72


def _minimum_width(title: str, fontsize: float) -> float:
    """Return the width in inches that the title and the one-row legend need.

    Both are centred on the axes, so axes narrower than either make the
    constrained layout shrink the axes to nothing.
    """
    title_width, _ = _text_size(title, rcParams["axes.titlesize"], rcParams["axes.titleweight"])
    labels = sum(_text_size(label, fontsize)[0] for label in _COLOURS)
    # Each legend entry adds a handle, the gap after it and the space between
    # columns: 2.0 + 0.8 + 2.0 font sizes in Matplotlib's default legend.
    legend_width = labels + len(_COLOURS) * 4.8 * fontsize / 72
    return max(title_width, legend_width)


def _value_text(node: Node) -> str:
    shape = "scalar" if node.shape == () else str(node.shape)
    return f"{node.name}\n{shape}" if node.name else shape


def _repeats(node: Node) -> bool:
    """Return whether an operand of `node` is used more than once, as in `x * x`."""
    return len(set(node.parents)) < len(node.parents)


def _layout(output: Node, fontsize: float) -> tuple[list[_Vertex], float, float]:
    """Place the vertices; return them with the width and height of the drawing in inches."""
    order = topological_order(output)
    depth: dict[Node, int] = {}
    first_use: dict[Node, int] = {}
    for node in order:
        depth[node] = 1 + max((depth[parent] for parent in node.parents), default=-1)
        for parent in node.parents:
            first_use[parent] = min(first_use.get(parent, depth[node]), depth[node])

    # An operation of depth d sits in column 2d - 1 and its result in column 2d.
    # An input sits just before the first operation that uses it, not in
    # column 0, so that an input like a bias is drawn next to where it enters.
    columns: dict[int, list[_Vertex]] = {}
    for node in order:
        if node.parents:
            symbol = OPERATION_SYMBOLS.get(node.op, node.op)
            width, _ = _text_size(symbol, fontsize)
            width = max(width + 3 * _PADDING, _OPERATION_HEIGHT)
            vertex = _Vertex(
                "operation", node, symbol, width, _OPERATION_HEIGHT, 2 * depth[node] - 1
            )
            columns.setdefault(vertex.column, []).append(vertex)
            column = 2 * depth[node]
        else:
            column = max(2 * first_use.get(node, 1) - 2, 0)
        text = _value_text(node)
        width, height = _text_size(text, fontsize)
        vertex = _Vertex("value", node, text, width + 2 * _PADDING, height + 2 * _PADDING, column)
        columns.setdefault(column, []).append(vertex)

    vertices = [vertex for index in sorted(columns) for vertex in columns[index]]
    row_pitch = max(vertex.height for vertex in vertices) + _ROW_GAP
    rows = max(len(column) for column in columns.values())

    x = _COLUMN_GAP / 2
    for index in sorted(columns):
        # Two bent arrows from a repeated operand need a wider gap to stay distinguishable.
        if any(vertex.kind == "operation" and _repeats(vertex.node) for vertex in columns[index]):
            x += _COLUMN_GAP
        column_width = max(vertex.width for vertex in columns[index])
        for row, vertex in enumerate(columns[index]):
            vertex.x = x + column_width / 2
            # Centre each column vertically, first vertex on top.
            vertex.y = (rows / 2 + (len(columns[index]) - 1) / 2 - row) * row_pitch
        x += column_width + _COLUMN_GAP
    return vertices, x - _COLUMN_GAP / 2, rows * row_pitch


def draw_graph(
    output: Node,
    *,
    ax: Axes | None = None,
    title: str = "Computational graph",
    fontsize: float = 11.0,
) -> Axes:
    """Draw the graph that computed `output`, from the inputs on the left to `output` on the right.

    Parameters
    ----------
    output
        The last node of the graph, such as a loss.
    ax
        Axes to draw on. If omitted, a new figure is made whose size fits the
        graph.
    title
        Title of the axes.
    fontsize
        Font size of the labels, in points.

    Returns
    -------
    matplotlib.axes.Axes
        The axes, with one `FancyBboxPatch` per value, one `Ellipse` per
        operation and one `FancyArrowPatch` per arrow in `ax.patches`.

    Raises
    ------
    TypeError
        If `output` is not a `Node`.

    Notes
    -----
    A computed value's column is its depth, the number of operations on the
    longest path from an input to it, and each operation sits between its
    operands and its result. An input sits just before the first operation
    that uses it. Inputs are blue, operations orange, computed values grey
    and `output` vermillion. A node used twice by one operation, as in
    `x * x`, gets two bent arrows, and an arrow that skips columns arcs
    over them.

    NOTE: boxes are sized for a scale of one data unit per inch, which the
    figure made when `ax` is omitted has. On smaller axes, labels can
    overflow their boxes; reduce `fontsize` then.

    Examples
    --------
    >>> from matplotlib.patches import FancyArrowPatch
    >>> from dltut.graph import Node, square
    >>> from dltut.graph_plot import draw_graph
    >>> x = Node([1.0, 2.0], name="x")
    >>> ax = draw_graph(square(x))
    >>> sum(isinstance(patch, FancyArrowPatch) for patch in ax.patches)
    2
    """
    if not isinstance(output, Node):
        raise TypeError(f"output must be a Node, got {type(output).__name__}")

    vertices, width, height = _layout(output, fontsize)
    arrows = _arrows(vertices, height)
    arcs = any(end.column - start.column > 1 for start, end, _ in arrows)
    top = height + (2 * _ARC_CLEARANCE if arcs else 0.0)
    # A graph narrower than its title or legend is centred in a wider drawing.
    margin = max(_minimum_width(title, fontsize) - width, 0.0) / 2
    if ax is None:
        figure_size = (width + 2 * margin + 0.3, top + _LEGEND_BAND + 0.9)
        _, ax = plt.subplots(figsize=figure_size, layout="constrained")

    patches = {id(vertex): _draw_vertex(ax, vertex, output, fontsize) for vertex in vertices}
    for start, end, bend in arrows:
        _draw_arrow(ax, patches[id(start)], patches[id(end)], bend)

    ax.set_xlim(-margin, width + margin)
    ax.set_ylim(-_LEGEND_BAND, top)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title)
    ax.set_xlabel("forward pass: data flows left to right")

    legend = [
        Patch(facecolor=_tint(color, _FILL), edgecolor=color, label=label)
        for label, color in _COLOURS.items()
    ]
    ax.legend(
        handles=legend, loc="lower center", ncol=len(legend), fontsize=fontsize, frameon=False
    )
    return ax


def _arrows(vertices: list[_Vertex], height: float) -> list[tuple[_Vertex, _Vertex, float]]:
    """List the arrows as (start, end, bend), where bend is the `rad` of Matplotlib's arc3."""
    values = {vertex.node: vertex for vertex in vertices if vertex.kind == "value"}
    arrows = []
    for vertex in vertices:
        if vertex.kind != "operation":
            continue
        parents = vertex.node.parents
        for index, parent in enumerate(parents):
            start = values[parent]
            uses = parents.count(parent)
            if uses > 1:
                # Repeated operands get arrows bent to opposite sides so that each shows.
                bend = 0.3 * (2 * parents[:index].count(parent) - (uses - 1))
            elif vertex.column - start.column > 1:
                # A negative bend arcs up. A quadratic Bezier curve peaks at half the
                # distance of its control point from the chord, which is bend * length.
                peak = height + _ARC_CLEARANCE - max(start.y, vertex.y)
                bend = -2 * peak / abs(vertex.x - start.x)
            else:
                bend = 0.0
            arrows.append((start, vertex, bend))
        arrows.append((vertex, values[vertex.node], 0.0))
    return arrows


def _draw_vertex(
    ax: Axes, vertex: _Vertex, output: Node, fontsize: float
) -> FancyBboxPatch | Ellipse:
    """Draw one value box or operation ellipse with its text, and return its patch."""
    patch: FancyBboxPatch | Ellipse
    if vertex.kind == "operation":
        colour = _COLOURS["operation"]
        patch = Ellipse((vertex.x, vertex.y), vertex.width, vertex.height)
    else:
        if vertex.node is output:
            colour = _COLOURS["output"]
        elif vertex.node.parents:
            colour = _COLOURS["computed value"]
        else:
            colour = _COLOURS["input"]
        patch = FancyBboxPatch(
            (vertex.x - vertex.width / 2, vertex.y - vertex.height / 2),
            vertex.width,
            vertex.height,
            boxstyle="round,pad=0,rounding_size=0.06",
        )
    patch.set_facecolor(_tint(colour, _FILL))
    patch.set_edgecolor(colour)
    # Arrows are drawn below the patches, so they start and end at the outlines.
    patch.set_zorder(2)
    ax.add_patch(patch)
    ax.text(vertex.x, vertex.y, vertex.text, ha="center", va="center", fontsize=fontsize)
    return patch


def _draw_arrow(
    ax: Axes, start: FancyBboxPatch | Ellipse, end: FancyBboxPatch | Ellipse, bend: float
) -> None:
    """Draw an arrow from the outline of `start` to that of `end`, bent by `bend` (arc3's rad)."""
    ax.add_patch(
        FancyArrowPatch(
            _centre(start),
            _centre(end),
            patchA=start,
            patchB=end,
            arrowstyle="-|>",
            mutation_scale=9,
            connectionstyle=f"arc3,rad={bend:.6f}",
            color="#333333",
            linewidth=1.2,
            zorder=1,
        )
    )


def _centre(patch: FancyBboxPatch | Ellipse) -> tuple[float, float]:
    if isinstance(patch, Ellipse):
        x, y = patch.center
        return float(x), float(y)
    return patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2
