"""Leave-one-class-out protocol: Haloui et al. 2018, §2.2 and §5 (after Zenati et al. [15]).

Class ``c`` is the anomaly, every other class is normal. §5: "We split the MNIST dataset in
80% of normal training data and 20% plus all abnormal data for testing." §2.2 speaks of "the
training dataset" and "the test dataset plus all the anomalous samples", which taken alone
reads as the default train/test splits; §5 and the procedure it cites ([15], Zenati et al.,
Efficient GAN-based anomaly detection, whose ``data/mnist.py`` @ c67832a concatenates the
train, test and validation arrays before splitting) both describe one pooled set.

Our reading (``leave_one_class_out_split`` on the pooled train + test splits, the
benchmark's default ``splits = "pooled"``): shuffle the normal rows of the pooled set with
the seed; the first ``train_fraction`` (80 %) train; the test set is the remaining 20 % of
normal rows plus *all* rows of class ``c``. The training set never holds an anomaly.
``leave_one_class_out_default_splits`` is the other reading, used for UCI HAR (§6): train
on the normal rows of the train split, test on the whole test split.
"""

import numpy as np

from .one_class import Split, check_labelled, checked_split


def leave_one_class_out_split(X, y, anomaly_class, *, train_fraction=0.8, random_state=None):
    """``train_fraction`` of the normal rows train; the rest plus every anomaly test.

    Haloui et al. (2018), §2.2 and §5, on one pooled set: class ``anomaly_class`` is the
    anomaly, every other class normal. The normal rows are shuffled with the seed; the
    first ``train_fraction`` of them train, the test set is the remaining normal rows plus
    every row of ``anomaly_class``, shuffled. The training set never holds an anomaly.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The pooled rows (e.g. train and test splits concatenated).
    y : array-like of shape (n_samples,)
        Their class labels.
    anomaly_class : object
        The class label taken as the anomaly; it must occur alongside other classes.
    train_fraction : float in (0, 1), default=0.8
        The share of normal rows that train.
    random_state : int, numpy.random.Generator or None, default=None
        The seed of the shuffles (``np.random.default_rng``).

    Returns
    -------
    split : Split
        ``(X_train, X_test, y_test)`` with ``y_test = 1`` for a row of ``anomaly_class``.

    See Also
    --------
    leave_one_class_out_default_splits : The reading on the data set's own train/test splits.

    Examples
    --------
    >>> from ganad.protocols import leave_one_class_out_split
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    >>> split = leave_one_class_out_split(X, y, anomaly_class=1, train_fraction=0.75,
    ...                                   random_state=0)
    >>> len(split.X_train), int(split.y_test.sum()), len(split.y_test)
    (6, 2, 4)
    """
    X, y = check_labelled(X, y, "data")
    if not 0 < train_fraction < 1:
        raise ValueError(f"train_fraction must be in (0, 1), got {train_fraction!r}")
    anomalous = y == anomaly_class
    if not anomalous.any() or anomalous.all():
        raise ValueError(f"class {anomaly_class!r} must occur in the labels alongside other classes")
    rng = np.random.default_rng(random_state)
    normal_rows = rng.permutation(np.flatnonzero(~anomalous))
    n_train = int(len(normal_rows) * train_fraction)
    test_rows = np.concatenate([normal_rows[n_train:], np.flatnonzero(anomalous)])
    test_rows = test_rows[rng.permutation(len(test_rows))]
    split = Split(X[normal_rows[:n_train]], X[test_rows], anomalous[test_rows].astype(np.int64))
    return checked_split(split, "leave_one_class_out_split")


def leave_one_class_out_default_splits(X_train, y_train, X_test, y_test, anomaly_class, *, random_state=None):
    """Train on the normal rows of the train split; test on the whole test split (shuffled).

    The reading of Haloui et al. (2018) used for UCI HAR (§6): the data set's own splits,
    class ``anomaly_class`` dropped from the train split and labelled 1 in the test split.

    Parameters
    ----------
    X_train : array-like of shape (n_train, n_features)
        The train split.
    y_train : array-like of shape (n_train,)
        Its class labels.
    X_test : array-like of shape (n_test, n_features)
        The test split.
    y_test : array-like of shape (n_test,)
        Its class labels.
    anomaly_class : object
        The class label taken as the anomaly.
    random_state : int, numpy.random.Generator or None, default=None
        The seed of the test split's shuffle (``np.random.default_rng``).

    Returns
    -------
    split : Split
        ``(X_train, X_test, y_test)`` with ``y_test = 1`` for a row of ``anomaly_class``.

    Examples
    --------
    >>> from ganad.protocols import leave_one_class_out_default_splits
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5)
    >>> split = leave_one_class_out_default_splits(X, y, X, y, anomaly_class=1, random_state=0)
    >>> len(split.X_train), int(split.y_test.sum()), len(split.y_test)
    (5, 5, 10)
    """
    X_train, y_train = check_labelled(X_train, y_train, "train")
    X_test, y_test = check_labelled(X_test, y_test, "test")
    order = np.random.default_rng(random_state).permutation(len(X_test))
    split = Split(X_train[y_train != anomaly_class], X_test[order], (y_test[order] == anomaly_class).astype(np.int64))
    return checked_split(split, "leave_one_class_out_default_splits")
