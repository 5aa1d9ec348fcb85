"""Evaluation protocols: seeded functions turning labelled data into ``(X_train, X_test, y_test)``.

``y_test`` holds 1 for an anomaly. Every function takes ``random_state`` and is deterministic
given it. :func:`repeat` runs a protocol over several seeds and gives the mean and standard
deviation of the metrics.
"""

import numpy as np

from .contamination import ContaminationSplit, contamination_split
from .leave_one_class_out import leave_one_class_out_default_splits, leave_one_class_out_split
from .noise import noise_split
from .novelty import novelty_split
from .one_class import Split, one_class_split

PROTOCOLS = {
    "one-class": one_class_split,
    "leave-one-class-out": leave_one_class_out_split,
    "contamination": contamination_split,
    "novelty": novelty_split,
    "noise": noise_split,
}


def repeat(protocol, seeds, fit_score, **options):
    """Run ``protocol(**options, random_state=seed)`` for each seed and summarise the metrics.

    ``fit_score(X_train, X_test, seed)`` fits a fresh detector and returns the anomaly scores
    of ``X_test``. The metrics are :func:`ganad.metrics.evaluate`'s, with precision / recall /
    F1 at ``k_percent`` when the protocol returns one. Returns ``{"runs": [...], "mean": {...},
    "std": {...}}``; ``std`` is the sample standard deviation (ddof=1), 0 for a single seed.

    Parameters
    ----------
    protocol : callable
        A split function of this module (``PROTOCOLS`` names them), called as
        ``protocol(**options, random_state=seed)``.
    seeds : iterable of int
        The seeds, one run each; not empty.
    fit_score : callable
        ``fit_score(X_train, X_test, seed) -> anomaly scores of X_test``.
    **options
        The protocol's other arguments.

    Returns
    -------
    summary : dict
        ``runs``: one dict of metrics per seed; ``mean`` and ``std``: metric name -> float.

    Examples
    --------
    >>> from ganad.protocols import one_class_split, repeat
    >>> from ganad.detectors.baselines import IForest
    >>> X, y = np.random.default_rng(0).normal(size=(60, 2)), np.array([0, 1, 2] * 20)
    >>> X[y == 2] += 6.0
    >>> def fit_score(X_train, X_test, seed):
    ...     return IForest(n_estimators=20, random_state=seed).fit(X_train).anomaly_score(X_test)
    >>> summary = repeat(one_class_split, [0, 1], fit_score, X_train=X, y_train=y, X_test=X,
    ...                  y_test=y, normal_class=0, n_test="all")
    >>> len(summary["runs"]), sorted(summary["mean"])
    (2, ['auprc', 'auroc'])
    """
    from ..metrics import evaluate  # scikit-learn, loaded when a protocol is scored, not to list specs

    runs = []
    for seed in seeds:
        split = protocol(**options, random_state=seed)
        scores = fit_score(split.X_train, split.X_test, seed)
        runs.append(evaluate(split.y_test, scores, getattr(split, "k_percent", None)))
    if not runs:
        raise ValueError("seeds must not be empty")
    names = list(runs[0])
    values = {name: np.array([run[name] for run in runs]) for name in names}
    std = {name: float(v.std(ddof=1)) if len(v) > 1 else 0.0 for name, v in values.items()}
    return {"runs": runs, "mean": {name: float(v.mean()) for name, v in values.items()}, "std": std}


__all__ = ["Split", "ContaminationSplit", "PROTOCOLS", "one_class_split", "leave_one_class_out_split",
           "leave_one_class_out_default_splits", "contamination_split", "novelty_split", "noise_split", "repeat"]
