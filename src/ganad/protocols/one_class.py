"""One-class (one-versus-all) protocol: Deecke et al. 2018 (ADGAN), §4.3.

"[We] begin by training each model on data from a single class from MNIST. We then evaluate
performance on 5000 items randomly selected from the test set, which contains samples from
all classes. In each trial, we label the classes unseen in training as anomalous."

So: train on every row of class ``c`` in the *train* split; test on a seeded random draw of
``n_test`` rows of the *test* split (without replacement; ``n_test=None`` or ``"all"`` keeps the whole
test split, as RCGAN §5.4 does on CIFAR-10); label 1 (anomaly) = any class other than ``c``.
Here the *normal* class is the one named, the reverse of :mod:`.leave_one_class_out`.
"""

from typing import NamedTuple

import numpy as np

from ..utils.params import is_count


class Split(NamedTuple):
    """One train/test split. ``y_test`` holds 1 for an anomaly, 0 for a normal row.

    Attributes
    ----------
    X_train : ndarray of shape (n_train, n_features)
        The training rows (normal only, except where a protocol says otherwise).
    X_test : ndarray of shape (n_test, n_features)
        The test rows.
    y_test : ndarray of shape (n_test,), int64
        1 for an anomaly, 0 for a normal test row.
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def one_class_split(X_train, y_train, X_test, y_test, normal_class, *, n_test=5000, random_state=None):
    """Train on class ``normal_class`` of the train split; test on ``n_test`` random test rows.

    ADGAN's one-class protocol (Deecke et al. 2018, §4.3): the training set is every row of
    class ``normal_class`` in the train split; the test set is a seeded draw of ``n_test``
    rows of the test split, without replacement, and every class other than
    ``normal_class`` is an anomaly.

    Parameters
    ----------
    X_train : array-like of shape (n_train, n_features)
        The train split.
    y_train : array-like of shape (n_train,)
        Its class labels.
    X_test : array-like of shape (n_test_split, n_features)
        The test split.
    y_test : array-like of shape (n_test_split,)
        Its class labels.
    normal_class : object
        The class label taken as normal; it must occur in ``y_train``.
    n_test : int, "all" or None, default=5000
        The test rows drawn; "all" or None (or a count at least the test split's size)
        keeps the whole test split, shuffled, as RCGAN §5.4 does on CIFAR-10.
    random_state : int, numpy.random.Generator or None, default=None
        The seed of the draw (``np.random.default_rng``).

    Returns
    -------
    split : Split
        ``(X_train, X_test, y_test)`` with ``y_test = 1`` for a class other than
        ``normal_class``.

    Examples
    --------
    >>> from ganad.protocols import one_class_split
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5)
    >>> split = one_class_split(X, y, X, y, normal_class=0, n_test=4, random_state=0)
    >>> split.X_train.shape, split.X_test.shape, split.y_test.shape
    ((5, 2), (4, 2), (4,))
    """
    X_train, y_train = check_labelled(X_train, y_train, "train")
    X_test, y_test = check_labelled(X_test, y_test, "test")
    normal = y_train == normal_class
    if not normal.any():
        raise ValueError(f"class {normal_class!r} does not occur in the training labels")
    whole = n_test is None or (isinstance(n_test, str) and n_test == "all")
    if not whole and not is_count(n_test):
        raise ValueError(f"n_test must be a positive integer, 'all' or None, got {n_test!r}")
    rng = np.random.default_rng(random_state)
    if whole or n_test >= len(X_test):
        chosen = rng.permutation(len(X_test))
    else:
        chosen = rng.choice(len(X_test), size=int(n_test), replace=False)
    split = Split(X_train[normal], X_test[chosen], (y_test[chosen] != normal_class).astype(np.int64))
    return checked_split(split, "one_class_split")


def check_labelled(X, y, name):
    """``X`` as a 2-D array and ``y`` as a 1-D array of the same length (a column ``(n, 1)`` is read as one),
    without a NaN label (it would match no class, and be counted an anomaly or a normal row silently)."""
    X, y = np.asarray(X), np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"{name}: expected X of shape (n, d) and n labels, got X {X.shape}, y {y.shape}")
    if y.dtype.kind in "fc" and np.isnan(y).any():
        raise ValueError(f"{name}: {int(np.isnan(y).sum())} label(s) are NaN")
    return X, y


def checked_split(split, protocol):
    """``split`` if it can be evaluated: training rows, test rows of the training rows' width, and both normal
    and anomalous test rows; else ``ValueError`` naming what is missing (an empty or one-sided split came back
    silently: a class absent from the test split, a tiny ``train_fraction``)."""
    X_train, X_test, y_test = split[:3]
    problems = [what for what, missing in (
        ("no training row", len(X_train) == 0),
        (f"training rows of {X_train.shape[1]} features and test rows of {X_test.shape[1]}",
         X_train.shape[1] != X_test.shape[1]),
        ("no normal test row", not (y_test == 0).any()),
        ("no anomalous test row", not (y_test == 1).any())) if missing]
    if problems:
        raise ValueError(f"{protocol}: the split has {'; '.join(problems)}")
    return split
