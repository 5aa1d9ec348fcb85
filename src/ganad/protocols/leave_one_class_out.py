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

from .one_class import Split, check_labelled


def leave_one_class_out_split(X, y, anomaly_class, *, train_fraction=0.8, random_state=None):
    """``train_fraction`` of the normal rows train; the rest plus every anomaly test."""
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
    return Split(X[normal_rows[:n_train]], X[test_rows], anomalous[test_rows].astype(np.int64))


def leave_one_class_out_default_splits(X_train, y_train, X_test, y_test, anomaly_class, *, random_state=None):
    """Train on the normal rows of the train split; test on the whole test split (shuffled)."""
    X_train, y_train = check_labelled(X_train, y_train, "train")
    X_test, y_test = check_labelled(X_test, y_test, "test")
    order = np.random.default_rng(random_state).permutation(len(X_test))
    return Split(X_train[y_train != anomaly_class], X_test[order],
                 (y_test[order] == anomaly_class).astype(np.int64))
