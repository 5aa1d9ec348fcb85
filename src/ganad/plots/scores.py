"""Anomaly-score figures: PR and ROC curves (Haloui et al. 2018, Fig. 24), box plots
of scores per group (Figs. 15, 19, 21, 22) and a histogram of scores against a threshold."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score, roc_curve

from ._figure import as_finite_vector, as_vector, new_figure, save_figure


def plot_pr_roc(y_true, anomaly_score, path, *, label=None):
    """Precision-recall curve (left) and ROC curve (right) of an anomaly score (Fig. 24).

    ``y_true`` holds 1 for an anomaly and 0 for a normal sample; ``anomaly_score`` is
    higher for more anomalous samples. The legends give AUPRC (average precision) and
    AUROC, prefixed by ``label`` when given; dashed lines show a random score.
    Returns the Path written.
    """
    y, score = _check_labels_and_scores(y_true, anomaly_score)
    fig, (pr_ax, roc_ax) = new_figure(ncols=2, size=(9.0, 4.2))
    _draw_pr(pr_ax, y, score, label)
    _draw_roc(roc_ax, y, score, label)
    return save_figure(fig, path)


def plot_score_boxplot(groups, path, *, ylabel="anomaly score"):
    """One box of scores per group, e.g. ``{"normal": ..., "anomalous": ...}``.

    ``groups`` maps a name to a 1-D array of finite scores; boxes follow its order and
    each tick shows the group size. Returns the Path written.
    """
    if not groups:
        raise ValueError("groups must map at least one name to scores")
    names = [str(name) for name in groups]
    values = [as_finite_vector(scores, f"groups[{name!r}]")
              for name, scores in groups.items()]
    fig, (ax,) = new_figure(size=(max(4.0, 1.3 * len(values) + 1.5), 4.0))
    ax.boxplot(values)
    ax.set_xticks(range(1, len(values) + 1), [f"{name}\n(n = {len(v):,})" for name, v in zip(names, values)])
    ax.set_ylabel(ylabel)
    return save_figure(fig, path)


def plot_score_histogram(anomaly_score, path, *, threshold=None, bins=50, xlabel="anomaly score"):
    """A histogram of anomaly scores, with ``threshold`` (e.g. ``-detector.offset_``) as a dashed line.

    The legend gives the threshold and how many scores lie above it. Infinite scores (rows
    far outside the training range, raised by the support rule) cannot be binned: they are
    left out of the bars and counted in the title. NaN is refused. Returns the Path written.
    """
    scores = as_vector(anomaly_score, "anomaly_score")
    if np.isnan(scores).any():
        raise ValueError("anomaly_score must not hold NaN")
    finite = scores[np.isfinite(scores)]
    fig, (ax,) = new_figure(size=(7.0, 4.0))
    if len(finite):
        ax.hist(finite, bins=bins, color="tab:blue", alpha=0.75)
    if threshold is not None:
        n_above = int((scores > threshold).sum())
        ax.axvline(threshold, color="tab:red", ls="--", lw=1.5,
                   label=f"threshold {threshold:.4g}: {n_above:,} of {len(scores):,} rows above")
        ax.legend()
    n_infinite = len(scores) - len(finite)
    title = f"{len(scores):,} rows" + (f" ({n_infinite:,} infinite scores not drawn)" if n_infinite else "")
    ax.set(xlabel=xlabel, ylabel="rows", title=title)
    return save_figure(fig, path)


def _draw_pr(ax, y, score, label):
    precision, recall, _ = precision_recall_curve(y, score)
    auprc = average_precision_score(y, score)
    ax.plot(recall, precision, drawstyle="steps-post", label=_curve_label(label, "AUPRC", auprc))
    prevalence = y.mean()
    ax.axhline(prevalence, ls="--", lw=1, color="0.6", label=f"random (precision {prevalence:.3f})")
    ax.set(xlabel="recall", ylabel="precision", title="precision-recall (anomaly = positive)",
           xlim=(0.0, 1.0), ylim=(0.0, 1.02))
    ax.legend(loc="lower left")


def _draw_roc(ax, y, score, label):
    fpr, tpr, _ = roc_curve(y, score)
    auroc = roc_auc_score(y, score)
    ax.plot(fpr, tpr, label=_curve_label(label, "AUROC", auroc))
    ax.plot([0, 1], [0, 1], ls="--", lw=1, color="0.6", label="random (AUROC 0.5)")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (anomaly = positive)",
           xlim=(0.0, 1.0), ylim=(0.0, 1.02))
    ax.legend(loc="lower right")


def _curve_label(label, metric, value):
    text = f"{metric} = {value:.3f}"
    return text if label is None else f"{label} ({text})"


def _check_labels_and_scores(y_true, anomaly_score):
    y = as_vector(y_true, "y_true")
    score = as_finite_vector(anomaly_score, "anomaly_score")
    if len(y) != len(score):
        raise ValueError(f"y_true and anomaly_score differ in length: {len(y)} != {len(score)}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError("y_true must hold only 0 (normal) and 1 (anomaly)")
    if y.min() == y.max():
        raise ValueError("y_true must hold both normal (0) and anomalous (1) samples")
    return y.astype(int), score
