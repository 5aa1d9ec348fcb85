"""Tabular anomaly-ratio protocol: Yang et al. 2020 (RCGAN), §5.3, after DAGMM and ALAD.

"We take 80% of data by random sampling for training and the remaining for test in KDDCUP and
Arrhythmia. For Thyroid, 50% of data are randomly chosen for training, and the rest are for
test. For Musk, we follow the original data split." The top ``k`` % of test scores are then
flagged, ``k`` being the anomaly ratio (KDDCUP 20, Arrhythmia 15, Thyroid 2.5, Musk 3.2).

What the training part holds: RCGAN says its setups "follow [23, 25]" (ALAD, DAGMM) and
trains on "normal data" (§5.1). DAGMM: "only data samples from the normal class are used
for training"; ALAD's KDDCUP code drops the anomalies from its training half. So by default
(``train_on="normal"``) the anomalies of the training part are dropped, and the test part
keeps its natural ratio. ``train_on="all"`` keeps them (ALAD's Arrhythmia code does; a
deviation from the text, offered only to reproduce that code).

Musk: the ODDS ``musk.mat`` (the set processed by [17]) has no train/test split, so "the
original data split" cannot be followed; the benchmark specs use a random 80/20 split.
"""

from typing import NamedTuple

import numpy as np

from .one_class import check_labelled, checked_split

TRAIN_ON = ("normal", "all")


class ContaminationSplit(NamedTuple):
    """A split plus ``k_percent``, the share of test scores flagged as anomalies.

    Attributes
    ----------
    X_train : ndarray of shape (n_train, n_features)
        The training rows.
    X_test : ndarray of shape (n_test, n_features)
        The test rows.
    y_test : ndarray of shape (n_test,), int64
        1 for an anomaly, 0 for a normal test row.
    k_percent : float
        The share of test scores to flag, in percent
        (:func:`ganad.metrics.precision_recall_f1_at_k`).
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    k_percent: float


def contamination_split(X, y, *, train_fraction=0.8, train_on="normal", k_percent=None, random_state=None):
    """Random ``train_fraction`` / rest split of ``(X, y)`` (y = 1 for an anomaly).

    The tabular protocol of RCGAN (Yang et al. 2020, §5.3), after DAGMM and ALAD: a random
    ``train_fraction`` of the rows (80 % for KDDCUP and Arrhythmia, 50 % for Thyroid) for
    training, the rest for testing at its natural anomaly ratio; by default the anomalies
    of the training part are dropped.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The rows.
    y : array-like of shape (n_samples,)
        1 for an anomaly, 0 for a normal row.
    train_fraction : float in (0, 1), default=0.8
        The share of rows drawn for training.
    train_on : {"normal", "all"}, default="normal"
        "normal" drops the training part's anomalies (DAGMM's text, ALAD's KDDCUP code);
        "all" keeps them (ALAD's Arrhythmia code, a deviation from the text).
    k_percent : float or None, default=None
        The share of test scores to flag, in percent; None: the anomaly ratio of the whole
        set.
    random_state : int, numpy.random.Generator or None, default=None
        The seed of the split (``np.random.default_rng``).

    Returns
    -------
    split : ContaminationSplit
        ``(X_train, X_test, y_test, k_percent)``.

    Examples
    --------
    >>> from ganad.protocols import contamination_split
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    >>> split = contamination_split(X, y, train_fraction=0.5, random_state=0)
    >>> split.k_percent, len(split.X_test)
    (20.0, 5)
    """
    X, y = check_labelled(X, y, "data")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("y must hold 0 (normal) and 1 (anomaly)")
    if not 0 < train_fraction < 1:
        raise ValueError(f"train_fraction must be in (0, 1), got {train_fraction!r}")
    if train_on not in TRAIN_ON:
        raise ValueError(f"train_on must be one of {TRAIN_ON}, got {train_on!r}")
    rng = np.random.default_rng(random_state)
    order = rng.permutation(len(X))
    n_train = int(len(X) * train_fraction)
    train, test = order[:n_train], order[n_train:]
    if train_on == "normal":
        train = train[y[train] == 0]
    if k_percent is None:
        k_percent = 100.0 * float(y.mean())
    elif isinstance(k_percent, (bool, str)) or not 0 < k_percent < 100:
        raise ValueError(f"k_percent must be a number in (0, 100), got {k_percent!r}")
    split = ContaminationSplit(X[train], X[test], y[test].astype(np.int64), float(k_percent))
    return checked_split(split, "contamination_split")
