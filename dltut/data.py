"""Real data sets that ship inside installed packages, split and scaled for training.

Nothing is downloaded: the diabetes data set is part of scikit-learn's
installation. Splits are random but seeded, with `DEFAULT_SEED` unless a seed
is given, so every run and every build of the site sees the same examples.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dltut._validation import as_float_array

__all__ = ["DEFAULT_SEED", "Dataset", "load_diabetes", "standardize", "train_test_split"]

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
