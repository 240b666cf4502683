"""Figures for image classifiers: a grid of small images and an annotated confusion matrix.

Both helpers draw with Matplotlib in the site's style (see
`dltut.plotting.use_site_style`) and return the figure, so a page can show
it with `plt.show()` or save it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_real_array

__all__ = ["confusion_matrix_figure", "image_grid"]


def _as_images(images: ArrayLike) -> NDArray[np.float64]:
    """Return `images` as a float64 array of shape (n, height, width)."""
    array = as_real_array(images, "images").astype(np.float64)
    if array.ndim == 3 and array.shape[0] > 0 and array.shape[1] > 0 and array.shape[2] > 0:
        return array
    if array.ndim == 2 and array.shape[0] > 0 and array.shape[1] > 0:
        side = math.isqrt(array.shape[1])
        if side * side == array.shape[1]:
            return array.reshape(array.shape[0], side, side)
    raise ValueError(
        f"images has shape {array.shape}; expected (n, height, width) such as (n, 8, 8), "
        "or (n, pixels) with a square number of pixels such as (n, 64), with n >= 1"
    )


def _check_positive_number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return number


def image_grid(
    images: ArrayLike,
    *,
    titles: Sequence[str] | None = None,
    columns: int = 10,
    ax_size: float = 0.9,
    cmap: str = "gray_r",
    title: str = "Images",
) -> Figure:
    """Draw images in a grid of small axes, each with an optional title.

    Parameters
    ----------
    images
        The images, shape (n, height, width), or (n, pixels) with a square
        number of pixels, whose rows are read as square images (for the
        digits data set, (n, 64) becomes (n, 8, 8)).
    titles
        One title per image, such as its label, or None for no titles.
    columns
        Maximum number of images per row. The grid has
        `ceil(n / columns)` rows.
    ax_size
        Width and height of each image's axes, in inches.
    cmap
        Matplotlib colormap name. The default "gray_r" draws 0 as white
        and large values as black, like ink on paper.
    title
        Title of the whole figure.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with one axes per image, in row-major order. All images
        share one colour scale, from the smallest to the largest value in
        `images`, so equal values look the same in every image.

    Raises
    ------
    TypeError
        If `images` is not numeric, or `columns` or `ax_size` is not a number.
    ValueError
        If `images` has another shape or no images, `titles` has another
        length than the number of images, or `columns` or `ax_size` is not
        positive.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.image_plots import image_grid
    >>> fig = image_grid(np.zeros((3, 64)), titles=["0", "1", "2"], columns=2)
    >>> len(fig.axes), fig.axes[2].get_title()
    (3, '2')
    >>> fig.axes[0].get_images()[0].get_array().shape
    (8, 8)
    """
    pictures = _as_images(images)
    count = len(pictures)
    if titles is not None:
        titles = list(titles)
        if len(titles) != count:
            raise ValueError(
                f"titles has {len(titles)} entries but images has shape {pictures.shape}; "
                f"give one title per image ({count}) or None"
            )
    if isinstance(columns, bool) or not isinstance(columns, numbers.Integral):
        raise TypeError(f"columns must be a positive integer, got {columns!r}")
    if columns < 1:
        raise ValueError(f"columns must be a positive integer, got {columns!r}")
    size = _check_positive_number(ax_size, "ax_size")

    width = min(int(columns), count)
    rows = math.ceil(count / width)
    # Extra height per row makes room for the image titles.
    title_height = 0.25 if titles is not None else 0.0
    fig, axes = plt.subplots(
        rows,
        width,
        figsize=(width * size, rows * (size + title_height) + 0.4),
        layout="constrained",
        squeeze=False,
    )
    low, high = float(pictures.min()), float(pictures.max())
    for index, ax in enumerate(axes.flat):
        if index >= count:
            # Remove the unused cells of the last row, so that fig.axes has one axes per image.
            ax.remove()
            continue
        ax.imshow(pictures[index], cmap=cmap, vmin=low, vmax=high, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if titles is not None:
            ax.set_title(titles[index], fontsize="small", fontweight="normal")
    fig.suptitle(title, fontweight="bold")
    return fig


def confusion_matrix_figure(
    matrix: ArrayLike,
    *,
    class_names: Sequence[str] | None = None,
    title: str = "Confusion matrix",
) -> Figure:
    """Draw a confusion matrix as a shaded grid with the count written in every cell.

    Parameters
    ----------
    matrix
        Counts of shape (c, c): entry `[i, j]` is the number of examples of
        true class `i` predicted as class `j`, as returned by
        `dltut.metrics.confusion_matrix`.
    class_names
        One name per class for the tick labels; the default is 0 to c - 1.
    title
        Title of the axes.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with one axes: true labels down the rows (y axis),
        predicted labels across the columns (x axis). Darker cells hold
        larger counts, and counts on dark cells are written in white.

    Raises
    ------
    TypeError
        If `matrix` is not numeric.
    ValueError
        If `matrix` is not square and 2-d, is empty, contains a value that
        is not a whole non-negative number, or `class_names` has another length
        than c.

    Examples
    --------
    >>> from dltut.image_plots import confusion_matrix_figure
    >>> fig = confusion_matrix_figure([[5, 1], [0, 4]], class_names=["cat", "dog"])
    >>> ax = fig.axes[0]
    >>> [text.get_text() for text in ax.texts]
    ['5', '1', '0', '4']
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('predicted label', 'true label')
    """
    counts = as_real_array(matrix, "matrix").astype(np.float64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.size == 0:
        raise ValueError(
            f"matrix has shape {counts.shape}; a confusion matrix must be square, "
            "shape (c, c) with c >= 1, rows true classes and columns predicted ones"
        )
    invalid = ~np.isfinite(counts) | (counts < 0) | (counts != np.round(counts))
    if np.any(invalid):
        bad = np.unique(counts[invalid])[:5].tolist()
        raise ValueError(f"matrix must contain whole non-negative counts, got {bad}")
    n_classes = counts.shape[0]
    if class_names is None:
        names = [str(index) for index in range(n_classes)]
    else:
        names = [str(name) for name in class_names]
        if len(names) != n_classes:
            raise ValueError(
                f"class_names has {len(names)} entries but matrix has shape {counts.shape}; "
                f"give one name per class ({n_classes})"
            )

    side = min(max(2.5, 0.5 * n_classes + 1.5), 7.0)
    fig, ax = plt.subplots(figsize=(side + 0.4, side), layout="constrained")
    # vmax of at least 1 keeps an all-zero matrix white instead of dividing by zero.
    largest = max(float(counts.max()), 1.0)
    ax.imshow(counts, cmap="Blues", vmin=0, vmax=largest, interpolation="nearest")
    ax.grid(False)
    for row in range(n_classes):
        for column in range(n_classes):
            value = counts[row, column]
            # White text stays readable on the darker half of the colour scale.
            color = "white" if value > largest / 2 else "#111111"
            ax.text(column, row, f"{value:.0f}", ha="center", va="center", color=color)

    ticks = np.arange(n_classes)
    ax.set_xticks(ticks, names)
    ax.set_yticks(ticks, names)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title(title)
    return fig
