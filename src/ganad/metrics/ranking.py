"""Ranking metrics for anomaly scores: the anomaly is the positive class (label 1).

Every function takes ``anomaly_score`` where higher means more anomalous, i.e.
``detector.anomaly_score(X) = -detector.score_samples(X)``.

- AUROC: the metric of RCGAN on CIFAR-10 (Yang et al. 2020, §5.4, Table 2).
- AUPRC: the metric of Haloui et al. 2018 (§5, "Area Under Precision Recall Curve") and of
  HistoryAD (Chatillon & Ballester 2020, §5, Fig. 7). We compute it as sklearn's *average
  precision*, the step-wise sum ``sum_n (R_n - R_{n-1}) P_n``, not as a trapezoidal area
  under the interpolated curve, which is optimistic.
- Precision / recall / F1 at k %: RCGAN §5.3 (Table 1), following ALAD and DAGMM: the top
  k % of the test scores are flagged as anomalies, k being the anomaly ratio of the data
  set (20 % for KDDCUP, 15 % for Arrhythmia, 2.5 % for Thyroid).
"""

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_fscore_support, roc_auc_score


def auroc(y_true, anomaly_score):
    """Area under the ROC curve of ``anomaly_score`` against ``y_true`` (1 = anomaly).

    The probability that a random anomaly scores above a random normal row (ties count
    half): scikit-learn's ``roc_auc_score``. The metric of RCGAN on CIFAR-10 (Yang et al.
    2020, §5.4, Table 2) and of ADGAN's Tables 1-2 (Deecke et al. 2018).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        1 for an anomaly, 0 for a normal row; both must occur.
    anomaly_score : array-like of shape (n_samples,)
        Finite scores, higher = more anomalous (``detector.anomaly_score(X)``).

    Returns
    -------
    auroc : float
        In [0, 1]; 0.5 is chance.

    Raises
    ------
    ValueError
        If the shapes differ, a label is not 0 or 1, one class is missing, or a score is
        not finite.

    Examples
    --------
    >>> from ganad.metrics import auroc
    >>> auroc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y_true, anomaly_score = _check_labels_and_scores(y_true, anomaly_score)
    return float(roc_auc_score(y_true, anomaly_score))


def auprc(y_true, anomaly_score):
    """Area under the precision-recall curve, computed as average precision (anomaly = positive).

    The step-wise sum ``AP = sum_n (R_n - R_{n-1}) P_n`` over the thresholds
    (scikit-learn's ``average_precision_score``), not a trapezoidal area under the
    interpolated curve, which is optimistic. The metric of Haloui et al. (2018, §5) and of
    HistoryAD (Chatillon & Ballester 2020, §5, Fig. 7).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        1 for an anomaly, 0 for a normal row; both must occur.
    anomaly_score : array-like of shape (n_samples,)
        Finite scores, higher = more anomalous.

    Returns
    -------
    auprc : float
        In (0, 1]; chance is the anomaly ratio of ``y_true``.

    Raises
    ------
    ValueError
        As :func:`auroc`.

    Examples
    --------
    >>> from ganad.metrics import auprc
    >>> round(auprc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.8333
    """
    y_true, anomaly_score = _check_labels_and_scores(y_true, anomaly_score)
    return float(average_precision_score(y_true, anomaly_score, pos_label=1))


def top_k_flags(anomaly_score, k_percent):
    """Flag the ``k_percent`` % highest scores: an int array, 1 = flagged as anomaly.

    A score is flagged when ``anomaly_score >= np.percentile(anomaly_score, 100 - k_percent)``,
    the rule of the ALAD reference code (houssamzenati/Adversarially-Learned-Anomaly-Detection,
    ``utils/evaluations.py``, commit 9922b72) behind RCGAN's Table 1. Ties at the threshold
    are all flagged, so slightly more than k % may be flagged.

    Parameters
    ----------
    anomaly_score : array-like of shape (n_samples,)
        Finite scores, higher = more anomalous.
    k_percent : float in (0, 100]
        The share of scores to flag, in percent (e.g. the data set's anomaly ratio).

    Returns
    -------
    flags : ndarray of shape (n_samples,), int64
        1 for a flagged score, 0 otherwise.

    Examples
    --------
    >>> from ganad.metrics import top_k_flags
    >>> top_k_flags([0.1, 0.4, 0.35, 0.8], 25)
    array([0, 0, 0, 1])
    """
    anomaly_score = _check_scores(anomaly_score)
    return (anomaly_score >= _top_k_threshold(anomaly_score, k_percent)).astype(np.int64)


def precision_recall_f1_at_k(y_true, anomaly_score, k_percent):
    """Precision, recall and F1 of the anomaly class when the top ``k_percent`` % are flagged.

    The protocol of RCGAN §5.3 (Table 1), after DAGMM and ALAD: the scores flagged by
    :func:`top_k_flags` are the predicted anomalies. A metric whose denominator is zero is
    reported as 0.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        1 for an anomaly, 0 for a normal row; both must occur.
    anomaly_score : array-like of shape (n_samples,)
        Finite scores, higher = more anomalous.
    k_percent : float in (0, 100]
        The share of scores flagged, in percent: the anomaly ratio of the data set in the
        papers (20 for KDDCUP, 15 for Arrhythmia, 2.5 for Thyroid).

    Returns
    -------
    metrics : dict
        ``precision``, ``recall`` and ``f1`` of the anomaly class, and ``threshold``, the
        ``100 - k_percent`` percentile of the scores; all floats.

    Examples
    --------
    >>> from ganad.metrics import precision_recall_f1_at_k
    >>> at_k = precision_recall_f1_at_k([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 50)
    >>> at_k["precision"], at_k["recall"], at_k["f1"]
    (0.5, 0.5, 0.5)
    """
    y_true, anomaly_score = _check_labels_and_scores(y_true, anomaly_score)
    threshold = _top_k_threshold(anomaly_score, k_percent)
    flags = (anomaly_score >= threshold).astype(np.int64)
    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, flags, average="binary", pos_label=1, zero_division=0)
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1),
            "threshold": threshold}


def evaluate(y_true, anomaly_score, k_percent=None):
    """``auroc``, ``auprc`` and, when ``k_percent`` is given, ``precision``, ``recall``, ``f1``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        1 for an anomaly, 0 for a normal row; both must occur.
    anomaly_score : array-like of shape (n_samples,)
        Finite scores, higher = more anomalous.
    k_percent : float in (0, 100] or None, default=None
        When given, also the metrics of :func:`precision_recall_f1_at_k` at this share.

    Returns
    -------
    metrics : dict
        Metric name -> float: :func:`auroc`, :func:`auprc`, and with ``k_percent`` the
        precision, recall and F1 of the anomaly class at the top ``k_percent`` %.

    Examples
    --------
    >>> from ganad.metrics import evaluate
    >>> sorted(evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], k_percent=50))
    ['auprc', 'auroc', 'f1', 'precision', 'recall']
    """
    results = {"auroc": auroc(y_true, anomaly_score), "auprc": auprc(y_true, anomaly_score)}
    if k_percent is not None:
        at_k = precision_recall_f1_at_k(y_true, anomaly_score, k_percent)
        results.update(precision=at_k["precision"], recall=at_k["recall"], f1=at_k["f1"])
    return results


def _top_k_threshold(scores, k_percent):
    """The ``100 - k_percent`` percentile of ``scores`` (linear interpolation)."""
    if not 0 < k_percent <= 100:
        raise ValueError(f"k_percent must be in (0, 100], got {k_percent!r}")
    return float(np.percentile(scores, 100 - k_percent))


def _check_scores(anomaly_score):
    scores = np.asarray(anomaly_score, dtype=np.float64)
    if scores.ndim != 1 or scores.size == 0:
        raise ValueError(f"anomaly_score must be a non-empty 1-D array, got shape {scores.shape}")
    if not np.all(np.isfinite(scores)):
        raise ValueError("anomaly_score contains NaN or infinite values")
    return scores


def _check_labels_and_scores(y_true, anomaly_score):
    scores = _check_scores(anomaly_score)
    labels = np.asarray(y_true)
    if labels.ndim != 1 or len(labels) != len(scores):
        raise ValueError(f"y_true has shape {labels.shape} but anomaly_score has {scores.shape}; "
                         "both must be 1-D of the same length")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("y_true must hold only 0 (normal) and 1 (anomaly)")
    labels = labels.astype(np.int64)
    if labels.min() == labels.max():
        raise ValueError("y_true must contain both normal (0) and anomalous (1) samples")
    return labels, scores


def minmax_scale(scores):
    """GANomaly's Eq. 13 (Akcay et al. 2018; Thimmaraju 2022): ``(s_i - min S) / (max S - min S)``.

    A transform of a whole set S of anomaly scores onto [0, 1] (zeros when all are equal),
    applied after scoring: a row's value depends on every other row of S, so it is never
    part of a detector's per-row ``anomaly_score``. The survey prints ``s_i + min(S)`` in
    the numerator, a typo: Akcay et al. and the reference code subtract the minimum.

    Parameters
    ----------
    scores : array-like
        A set of anomaly scores.

    Returns
    -------
    scaled : ndarray, float64
        The scores mapped onto [0, 1], same shape; zeros when all scores are equal.

    References
    ----------
    Akcay, Atapour-Abarghouei & Breckon, "GANomaly: semi-supervised anomaly detection via
    adversarial training", ACCV 2018, https://arxiv.org/abs/1805.06725, as restated by
    Thimmaraju, "Anomaly detection using GANs", 2022, §3.3, Eq. 13.

    Examples
    --------
    >>> from ganad.metrics import minmax_scale
    >>> minmax_scale([2.0, 4.0, 3.0])
    array([0. , 1. , 0.5])
    """
    scores = np.asarray(scores, dtype=np.float64)
    low, span = scores.min(), scores.max() - scores.min()
    return (scores - low) / span if span > 0 else np.zeros_like(scores)
