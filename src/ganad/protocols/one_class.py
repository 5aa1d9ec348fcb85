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


class Split(NamedTuple):
    """One train/test split. ``y_test`` holds 1 for an anomaly, 0 for a normal row."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def one_class_split(X_train, y_train, X_test, y_test, normal_class, *, n_test=5000, random_state=None):
    """Train on class ``normal_class`` of the train split; test on ``n_test`` random test rows."""
    X_train, y_train = check_labelled(X_train, y_train, "train")
    X_test, y_test = check_labelled(X_test, y_test, "test")
    normal = y_train == normal_class
    if not normal.any():
        raise ValueError(f"class {normal_class!r} does not occur in the training labels")
    rng = np.random.default_rng(random_state)
    if n_test is None or n_test == "all" or n_test >= len(X_test):
        chosen = rng.permutation(len(X_test))
    else:
        chosen = rng.choice(len(X_test), size=int(n_test), replace=False)
    return Split(X_train[normal], X_test[chosen], (y_test[chosen] != normal_class).astype(np.int64))


def check_labelled(X, y, name):
    """``X`` as a 2-D array and ``y`` as a 1-D array of the same length."""
    X, y = np.asarray(X), np.asarray(y).ravel()
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"{name}: expected X of shape (n, d) and n labels, got X {X.shape}, y {y.shape}")
    return X, y
