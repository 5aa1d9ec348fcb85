"""Hyperparameters chosen on a labelled holdout drawn from the *training* split (ADGAN §4.2).

ADGAN's baselines keep the PCA dimension "for which best performance on a small holdout set
was attained" and OC-SVM's gamma "from estimating performance on a small holdout set of 1000
samples" (Deecke et al. 2018, §4.2). Performance on a holdout needs anomalies in it. Here
they come from the training split only, never the test split:

* :func:`labelled_holdout` draws ``size`` rows (seeded, without replacement) from the whole
  labelled training split, the way the one-class protocol draws its test rows from the test
  split (so the holdout has the test set's mix: about one normal row in ten on MNIST). A row
  of ``normal_class`` is normal (0), any other class an anomaly (1). The candidates are fitted
  on the normal training rows *not* in the holdout (at most ``max_fit`` of them, seeded).
* :func:`select_on_holdout` fits one detector per point of a parameter grid and keeps the one
  with the highest holdout AUROC (the first in ``ParameterGrid`` order on a tie).

The benchmark runner (``ganad.bench.runner``) applies this to a spec method with
``selection = "holdout"``; the selected values are then fixed and the detector refitted on the
job's usual training rows. A detector's own ``fit`` never sees labels: this is a benchmark
protocol, not a default.
"""

from typing import NamedTuple

import numpy as np

from .one_class import check_labelled

HOLDOUT_SIZE = 1000  # "a small holdout set of 1000 samples" (§4.2 (ii.))


class Holdout(NamedTuple):
    """A labelled holdout of the training split and the normal rows left to fit on.

    Attributes
    ----------
    X_fit : ndarray of shape (n_fit, n_features)
        Normal-class training rows outside the holdout.
    X_holdout : ndarray of shape (size, n_features)
        The holdout rows, all from the training split.
    y_holdout : ndarray of shape (size,), int64
        1 for a row of another class (an anomaly), 0 for the normal class.
    fit_rows, holdout_rows : ndarray of int
        Their indices into the training split.
    """

    X_fit: np.ndarray
    X_holdout: np.ndarray
    y_holdout: np.ndarray
    fit_rows: np.ndarray
    holdout_rows: np.ndarray


def labelled_holdout(X_train, y_train, normal_class, *, size=HOLDOUT_SIZE, max_fit=None, random_state=None):
    """A seeded labelled holdout of ``size`` training rows and the normal rows outside it.

    Parameters
    ----------
    X_train : array-like of shape (n_train, n_features)
        The labelled training split (every class).
    y_train : array-like of shape (n_train,)
        Its class labels.
    normal_class : object
        The class taken as normal.
    size : int, default=1000
        Holdout rows, drawn from all classes (capped at the split's size).
    max_fit : int or None, default=None
        At most this many normal rows to fit the candidates on (a seeded draw); None keeps all.
    random_state : int, numpy.random.Generator or None, default=None
        The seed of both draws.

    Returns
    -------
    holdout : Holdout

    Examples
    --------
    >>> from ganad.protocols.holdout_selection import labelled_holdout
    >>> X, y = np.arange(40.0).reshape(20, 2), np.array([0, 1] * 10)
    >>> holdout = labelled_holdout(X, y, 0, size=6, random_state=0)
    >>> len(holdout.X_holdout), len(holdout.X_fit) + int((holdout.y_holdout == 0).sum())
    (6, 10)
    """
    X, y = check_labelled(X_train, y_train, "train")
    rng = np.random.default_rng(random_state)
    holdout_rows = rng.choice(len(X), size=min(int(size), len(X)), replace=False)
    y_holdout = (y[holdout_rows] != normal_class).astype(np.int64)
    if y_holdout.all() or not y_holdout.any():
        raise ValueError(f"the holdout of {len(holdout_rows)} training rows needs both class {normal_class!r} "
                         "and other classes; draw a larger one")
    fit_rows = np.setdiff1d(np.flatnonzero(y == normal_class), holdout_rows)
    if max_fit is not None and len(fit_rows) > max_fit:
        fit_rows = np.sort(rng.choice(fit_rows, size=int(max_fit), replace=False))
    if len(fit_rows) == 0:
        raise ValueError(f"no row of class {normal_class!r} is left outside the holdout to fit on")
    return Holdout(X[fit_rows], X[holdout_rows], y_holdout, fit_rows, holdout_rows)


def select_on_holdout(make_detector, grid, X_fit, X_holdout, y_holdout):
    """The grid point whose detector, fitted on ``X_fit``, ranks the holdout best (AUROC).

    Parameters
    ----------
    make_detector : callable
        ``make_detector(params) -> unfitted detector`` with those parameters set.
    grid : dict or list of dicts
        Parameter name -> candidate values, as scikit-learn's ``ParameterGrid`` takes it.
    X_fit : array-like of shape (n_fit, n_features)
        Normal rows to fit every candidate on.
    X_holdout, y_holdout : array-like
        The labelled holdout (1 = anomaly).

    Returns
    -------
    best : dict
        The parameters with the highest holdout AUROC; the first in ``ParameterGrid`` order
        among equals.
    scores : list of (dict, float)
        Every candidate and its holdout AUROC, in grid order.
    """
    from sklearn.model_selection import ParameterGrid  # scikit-learn, loaded when a selection runs

    from ..metrics import auroc

    scores = []
    for params in ParameterGrid(grid):
        detector = make_detector(params).fit(X_fit)
        scores.append((params, float(auroc(y_holdout, np.asarray(detector.anomaly_score(X_holdout))))))
    if not scores:
        raise ValueError("the selection grid is empty")
    best = max(range(len(scores)), key=lambda i: (scores[i][1], -i))
    return scores[best][0], scores
