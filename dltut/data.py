"""Real data sets that ship inside installed packages, split and scaled for training.

Nothing is downloaded: the diabetes and digits data sets are part of
scikit-learn's installation. Splits are random but seeded, with `DEFAULT_SEED` unless a seed
is given, so every run and every build of the site uses the same examples.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array

__all__ = [
    "DEFAULT_SEED",
    "Dataset",
    "load_diabetes",
    "load_digits",
    "one_hot",
    "standardize",
    "stratified_split",
    "train_test_split",
]

#: The seed that every random choice in dltut and its pages starts from.
DEFAULT_SEED = 0

FloatArray = NDArray[np.floating[Any]]


@dataclass(frozen=True)
class Dataset:
    """Training and test examples: features `x_*` of shape (n, d), targets `y_*` of shape (n,).

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.data import Dataset
    >>> data = Dataset(np.zeros((3, 2)), np.zeros(3), np.ones((1, 2)), np.ones(1), ("a", "b"))
    >>> data.x_train.shape, data.feature_names
    ((3, 2), ('a', 'b'))
    """

    x_train: FloatArray
    y_train: FloatArray
    x_test: FloatArray
    y_test: FloatArray
    feature_names: tuple[str, ...]


def _check_fraction(test_fraction: Any) -> float:
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real):
        raise TypeError(f"test_fraction must be a number between 0 and 1, got {test_fraction!r}")
    value = float(test_fraction)
    if not 0 < value < 1:
        raise ValueError(
            f"test_fraction must be between 0 and 1 (exclusive), got {test_fraction!r}"
        )
    return value


def train_test_split(
    x: ArrayLike, y: ArrayLike, *, test_fraction: float = 0.2, seed: int = DEFAULT_SEED
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Shuffle the examples with a seeded generator and split off a test set.

    Parameters
    ----------
    x
        Features, shape (n, d).
    y
        Targets, shape (n,).
    test_fraction
        Fraction of the examples that go to the test set, rounded to the
        nearest whole example (at least one in each set).
    seed
        Seed of the shuffle.

    Returns
    -------
    tuple of numpy.ndarray
        `x_train, y_train, x_test, y_test`.

    Raises
    ------
    ValueError
        If `x` is not 2-d, `y` is not 1-d, their lengths differ, there are
        fewer than two examples, or `test_fraction` is not in (0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.data import train_test_split
    >>> x = np.arange(20.0).reshape(10, 2)
    >>> x_train, y_train, x_test, y_test = train_test_split(x, np.arange(10.0))
    >>> x_train.shape, x_test.shape
    ((8, 2), (2, 2))
    """
    features = as_float_array(x, "x")
    targets = as_float_array(y, "y")
    if features.ndim != 2:
        raise ValueError(f"x must be 2-d (examples, features), got shape {features.shape}")
    if targets.ndim != 1:
        raise ValueError(f"y must be 1-d (one target per example), got shape {targets.shape}")
    if len(features) != len(targets):
        raise ValueError(
            f"x and y must have one row per example, got x of shape {features.shape} "
            f"and y of shape {targets.shape}"
        )
    if len(features) < 2:
        raise ValueError(f"at least 2 examples are needed to split, got {len(features)}")
    fraction = _check_fraction(test_fraction)

    order = np.random.default_rng(seed).permutation(len(features))
    test_count = min(max(round(fraction * len(features)), 1), len(features) - 1)
    test, train = order[:test_count], order[test_count:]
    return features[train], targets[train], features[test], targets[test]


def standardize(train: ArrayLike, *others: ArrayLike) -> tuple[FloatArray, ...]:
    """Scale each column to mean 0 and standard deviation 1, using the training data's statistics.

    Parameters
    ----------
    train
        Training features, shape (n, d). Its column means and standard
        deviations define the scaling.
    *others
        Further arrays of shape (m, d), such as test features, scaled with
        the same statistics so that no information leaks from them.

    Returns
    -------
    tuple of numpy.ndarray
        The scaled `train`, followed by each scaled array of `others`.

    Raises
    ------
    ValueError
        If an array is not 2-d, the column counts differ, or a training
        column is constant (its standard deviation is 0).

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.data import standardize
    >>> train, test = standardize([[1.0, 10.0], [3.0, 30.0]], [[2.0, 40.0]])
    >>> train
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> test
    array([[0., 2.]])
    """
    reference = as_float_array(train, "train")
    if reference.ndim != 2:
        raise ValueError(f"train must be 2-d (examples, features), got shape {reference.shape}")

    mean = reference.mean(axis=0)
    scale = reference.std(axis=0)
    constant = np.flatnonzero(scale == 0)
    if constant.size:
        raise ValueError(f"train has constant columns {constant.tolist()}, which cannot be scaled")

    scaled = [(reference - mean) / scale]
    for index, other in enumerate(others):
        array = as_float_array(other, f"others[{index}]")
        if array.ndim != 2 or array.shape[1] != reference.shape[1]:
            raise ValueError(
                f"others[{index}] must have shape (m, {reference.shape[1]}) like train, "
                f"got shape {array.shape}"
            )
        scaled.append((array - mean) / scale)
    return tuple(scaled)


def load_diabetes(*, test_fraction: float = 0.2, seed: int = DEFAULT_SEED) -> Dataset:
    """Load scikit-learn's diabetes data, split it and standardize the features.

    The data set has 442 patients, 10 features each (age, sex, body-mass
    index, blood pressure and six blood serum measurements) and, as the
    target, a measure of disease progression one year later (25 to 346). It
    is installed with scikit-learn, so nothing is downloaded.

    Parameters
    ----------
    test_fraction
        Fraction of the patients held out as the test set.
    seed
        Seed of the shuffle before the split.

    Returns
    -------
    Dataset
        Features standardized with the training set's statistics; targets
        unscaled.

    Examples
    --------
    >>> from dltut.data import load_diabetes
    >>> data = load_diabetes()
    >>> data.x_train.shape, data.x_test.shape
    ((354, 10), (88, 10))
    >>> data.feature_names[:3]
    ('age', 'sex', 'bmi')
    """
    from sklearn.datasets import load_diabetes as sklearn_load_diabetes

    raw = sklearn_load_diabetes(scaled=False)
    x_train, y_train, x_test, y_test = train_test_split(
        raw.data, raw.target, test_fraction=test_fraction, seed=seed
    )
    x_train, x_test = standardize(x_train, x_test)
    return Dataset(x_train, y_train, x_test, y_test, tuple(raw.feature_names))


def _check_class_labels(labels: ArrayLike, name: str) -> NDArray[np.int64]:
    """Return `labels` as a 1-d int64 array after checking they are whole, non-negative numbers."""
    array = np.asarray(labels)
    if array.dtype.kind == "b" or array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must contain integer class labels, got an array with dtype {array.dtype}"
        )
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-d (one label per example), got shape {array.shape}")
    if array.dtype.kind == "f":
        # Labels read from a float file are accepted when every value is whole.
        not_whole = array[~np.isfinite(array) | (array != np.round(array))]
        if not_whole.size:
            raise ValueError(
                f"{name} must be whole numbers 0, 1, 2, ..., got {np.unique(not_whole).tolist()}"
            )
    negative = array[array < 0]
    if negative.size:
        raise ValueError(
            f"{name} must be class indices 0, 1, 2, ..., got negative labels "
            f"{np.unique(negative).tolist()}"
        )
    return array.astype(np.int64)


def one_hot(labels: ArrayLike, n_classes: int) -> FloatArray:
    """Encode class labels as one-hot rows.

    Parameters
    ----------
    labels
        Class indices, shape (n,), each in `0 .. n_classes - 1`.
    n_classes
        Number of classes, the width of the result.

    Returns
    -------
    numpy.ndarray
        float64 array of shape (n, n_classes): row `i` is 1 in column
        `labels[i]` and 0 elsewhere.

    Raises
    ------
    TypeError
        If `labels` is not numeric or `n_classes` is not an integer.
    ValueError
        If `labels` is not 1-d, contains a value that is not a whole number
        in `[0, n_classes)`, or `n_classes` is less than 1.

    Examples
    --------
    >>> from dltut.data import one_hot
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral):
        raise TypeError(f"n_classes must be a positive integer, got {n_classes!r}")
    if n_classes < 1:
        raise ValueError(f"n_classes must be a positive integer, got {n_classes!r}")
    indices = _check_class_labels(labels, "labels")
    too_large = indices[indices >= n_classes]
    if too_large.size:
        raise ValueError(
            f"labels must be in [0, {n_classes}) for n_classes={n_classes}, "
            f"got {np.unique(too_large).tolist()}"
        )

    encoded = np.zeros((indices.size, int(n_classes)))
    encoded[np.arange(indices.size), indices] = 1.0
    return encoded


def stratified_split(
    x: ArrayLike, labels: ArrayLike, *, test_fraction: float = 0.2, seed: int = DEFAULT_SEED
) -> tuple[FloatArray, NDArray[np.int64], FloatArray, NDArray[np.int64]]:
    r"""Split examples into training and test sets with each class in the same proportion.

    Parameters
    ----------
    x
        Features, shape (n, d).
    labels
        Class labels, shape (n,): whole numbers 0, 1, 2, ...
    test_fraction
        Fraction of each class that goes to the test set, rounded to the
        nearest whole example (at least one in each set).
    seed
        Seed of the shuffles.

    Returns
    -------
    tuple of numpy.ndarray
        `x_train, labels_train, x_test, labels_test`, labels as int64. Both
        sets are shuffled, so the classes are mixed.

    Raises
    ------
    TypeError
        If `x` or `labels` is not numeric or `test_fraction` is not a number.
    ValueError
        If `x` is not 2-d, `labels` is not 1-d, their lengths differ, a
        label is not a whole non-negative number, a class that occurs has
        fewer than 2 examples, or `test_fraction` is not in (0, 1).

    Notes
    -----
    A class with $n_c$ examples puts $\operatorname{round}(f \, n_c)$ of
    them in the test set, so its share of the test set differs from the
    exact fraction $f$ by at most half an example.

    Examples
    --------
    >>> import numpy as np
    >>> from dltut.data import stratified_split
    >>> labels = np.array([0] * 8 + [1] * 2)
    >>> _, labels_train, _, labels_test = stratified_split(
    ...     np.zeros((10, 3)), labels, test_fraction=0.5
    ... )
    >>> np.bincount(labels_train).tolist(), np.bincount(labels_test).tolist()
    ([4, 1], [4, 1])
    """
    features = as_float_array(x, "x")
    classes = _check_class_labels(labels, "labels")
    if features.ndim != 2:
        raise ValueError(f"x must be 2-d (examples, features), got shape {features.shape}")
    if len(features) != len(classes):
        raise ValueError(
            f"x and labels must have one row per example, got x of shape {features.shape} "
            f"and labels of shape {classes.shape}"
        )
    fraction = _check_fraction(test_fraction)
    present, counts = np.unique(classes, return_counts=True)
    rare = present[counts < 2]
    if rare.size:
        raise ValueError(
            f"every class needs at least 2 examples to appear in both sets, "
            f"but classes {rare.tolist()} have only 1"
        )

    rng = np.random.default_rng(seed)
    train_parts, test_parts = [], []
    for label, count in zip(present, counts, strict=True):
        members = rng.permutation(np.flatnonzero(classes == label))
        test_count = min(max(round(fraction * count), 1), count - 1)
        test_parts.append(members[:test_count])
        train_parts.append(members[test_count:])
    # Shuffle again so that the classes do not come in blocks.
    train = rng.permutation(np.concatenate(train_parts))
    test = rng.permutation(np.concatenate(test_parts))
    return features[train], classes[train], features[test], classes[test]


def load_digits(*, test_fraction: float = 0.2, seed: int = DEFAULT_SEED) -> Dataset:
    """Load scikit-learn's handwritten digits, scale the pixels to [0, 1] and split by class.

    The data set has 1,797 grayscale images of 8 x 8 pixels, each showing a
    digit 0 to 9, with pixel values 0 to 16. It is installed with
    scikit-learn, so nothing is downloaded.

    Parameters
    ----------
    test_fraction
        Fraction of each digit's images held out as the test set.
    seed
        Seed of the stratified split.

    Returns
    -------
    Dataset
        `x_train` and `x_test` of shape (n, 64), the rows of each image
        one after another, divided by 16; `y_train` and `y_test` the digits
        as int64; `feature_names` the pixel names `pixel_<row>_<column>`.

    Examples
    --------
    >>> from dltut.data import load_digits
    >>> data = load_digits()
    >>> data.x_train.shape, data.x_test.shape
    ((1438, 64), (359, 64))
    >>> data.y_test.dtype, data.feature_names[:2]
    (dtype('int64'), ('pixel_0_0', 'pixel_0_1'))
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    raw = sklearn_load_digits()
    # The largest pixel value in the data set is 16.
    x_train, y_train, x_test, y_test = stratified_split(
        raw.data / 16.0, raw.target, test_fraction=test_fraction, seed=seed
    )
    # NOTE: Dataset annotates the targets as float arrays, but here they are
    # int64 class labels; the cast changes nothing at run time.
    return Dataset(
        x_train,
        cast(FloatArray, y_train),
        x_test,
        cast(FloatArray, y_test),
        tuple(raw.feature_names),
    )
