"""Tests for `dltut.image_plots`: the image grid and the confusion matrix figure."""

from __future__ import annotations

import re

import matplotlib

# Select the non-interactive backend before pyplot is imported, so the tests
# need no display.
matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib import pyplot as plt

from dltut.image_plots import confusion_matrix_figure, image_grid


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure after each test, because Matplotlib warns when too many stay open."""
    yield
    plt.close("all")


def test_image_grid_one_axes_per_image():
    fig = image_grid(np.zeros((13, 64)), columns=5)

    assert len(fig.axes) == 13
    # 13 images in rows of 5 need 3 rows.
    rows = {round(ax.get_position().y0, 3) for ax in fig.axes}
    assert len(rows) == 3


def test_image_grid_titles_in_order():
    titles = [f"digit {index}" for index in range(4)]
    fig = image_grid(np.zeros((4, 8, 8)), titles=titles, title="Four digits")

    assert [ax.get_title() for ax in fig.axes] == titles
    assert fig.get_suptitle() == "Four digits"


def test_image_grid_without_titles():
    fig = image_grid(np.zeros((2, 64)))

    assert [ax.get_title() for ax in fig.axes] == ["", ""]


def test_image_grid_reshapes_rows_to_squares():
    images = np.arange(2 * 64, dtype=float).reshape(2, 64)
    fig = image_grid(images)

    shown = np.asarray(fig.axes[1].get_images()[0].get_array())
    assert shown.shape == (8, 8)
    # Row-major order: the second image's first row is pixels 64..71.
    np.testing.assert_array_equal(shown[0], np.arange(64, 72))


def test_image_grid_shares_colour_scale():
    images = np.zeros((2, 4, 4))
    images[1] = 3.0
    fig = image_grid(images)

    limits = [ax.get_images()[0].get_clim() for ax in fig.axes]
    assert limits == [(0.0, 3.0), (0.0, 3.0)]


def test_image_grid_fewer_images_than_columns():
    fig = image_grid(np.zeros((3, 9)), columns=10)

    assert len(fig.axes) == 3
    width, _ = fig.get_size_inches()
    # Three columns of the default 0.9 inches, not ten.
    assert width == pytest.approx(2.7)


@pytest.mark.parametrize("shape", [(5, 63), (64,), (2, 3, 4, 5), (0, 64), (3, 0, 8)])
def test_image_grid_bad_shape_raises(shape):
    with pytest.raises(ValueError, match="images has shape " + re.escape(str(shape))):
        image_grid(np.zeros(shape))


def test_image_grid_title_count_mismatch_raises():
    with pytest.raises(ValueError, match=r"titles has 2 entries but images has shape \(3, 8, 8\)"):
        image_grid(np.zeros((3, 64)), titles=["a", "b"])


def test_image_grid_bad_columns_raise():
    with pytest.raises(ValueError, match="columns must be a positive integer, got 0"):
        image_grid(np.zeros((3, 64)), columns=0)
    with pytest.raises(TypeError, match=r"columns must be a positive integer, got 2\.5"):
        image_grid(np.zeros((3, 64)), columns=2.5)  # type: ignore[arg-type]


def test_image_grid_bad_ax_size_raises():
    with pytest.raises(ValueError, match="ax_size must be a positive finite number, got -1"):
        image_grid(np.zeros((3, 64)), ax_size=-1)


def test_image_grid_non_numeric_raises():
    with pytest.raises(TypeError, match="images must contain real numbers"):
        image_grid(np.array([["a"] * 4]))


def test_confusion_matrix_figure_annotates_every_cell():
    matrix = np.array([[7, 0, 1], [2, 5, 0], [0, 0, 9]])
    fig = confusion_matrix_figure(matrix, title="Three classes")
    ax = fig.axes[0]

    assert len(fig.axes) == 1
    texts = [[text.get_text() for text in ax.texts][row * 3 : row * 3 + 3] for row in range(3)]
    assert texts == [["7", "0", "1"], ["2", "5", "0"], ["0", "0", "9"]]
    # Each count is drawn at (column, row) in data coordinates.
    assert ax.texts[3].get_position() == (0, 1)
    assert ax.get_title() == "Three classes"


def test_confusion_matrix_figure_axis_labels_and_ticks():
    fig = confusion_matrix_figure([[1, 2], [3, 4]], class_names=["cat", "dog"])
    ax = fig.axes[0]

    assert ax.get_xlabel() == "predicted label"
    assert ax.get_ylabel() == "true label"
    assert [label.get_text() for label in ax.get_xticklabels()] == ["cat", "dog"]
    assert [label.get_text() for label in ax.get_yticklabels()] == ["cat", "dog"]


def test_confusion_matrix_figure_default_class_names():
    fig = confusion_matrix_figure(np.eye(4, dtype=int))

    labels = [label.get_text() for label in fig.axes[0].get_xticklabels()]
    assert labels == ["0", "1", "2", "3"]


def test_confusion_matrix_figure_text_contrast():
    fig = confusion_matrix_figure([[10, 1], [0, 10]])
    colors = [text.get_color() for text in fig.axes[0].texts]

    # Large counts sit on dark cells, so their text is white.
    assert colors == ["white", "#111111", "#111111", "white"]


def test_confusion_matrix_figure_all_zero():
    fig = confusion_matrix_figure(np.zeros((2, 2)))

    assert fig.axes[0].get_images()[0].get_clim() == (0.0, 1.0)


@pytest.mark.parametrize("shape", [(2, 3), (4,), (2, 2, 2), (0, 0)])
def test_confusion_matrix_figure_bad_shape_raises(shape):
    with pytest.raises(ValueError, match="matrix has shape " + re.escape(str(shape))):
        confusion_matrix_figure(np.zeros(shape))


@pytest.mark.parametrize("value", [-1.0, 0.5, np.nan, np.inf])
def test_confusion_matrix_figure_bad_count_raises(value):
    matrix = np.ones((2, 2))
    matrix[0, 1] = value
    with pytest.raises(ValueError, match="whole non-negative counts"):
        confusion_matrix_figure(matrix)


def test_confusion_matrix_figure_class_name_count_raises():
    with pytest.raises(
        ValueError, match=r"class_names has 3 entries but matrix has shape \(2, 2\)"
    ):
        confusion_matrix_figure([[1, 0], [0, 1]], class_names=["a", "b", "c"])
