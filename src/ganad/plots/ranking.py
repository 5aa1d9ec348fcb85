"""Unlabelled ranking (Deecke et al. 2018, ADGAN §4.4, Fig. 4): the samples a detector finds
most and least anomalous, side by side."""

from __future__ import annotations

import math

import numpy as np

from ._figure import as_image, as_vector, new_figure, save_figure


def plot_ranked_samples(X, anomaly_score, path, *, image_shape, n_shown=16):
    """Two image grids: the ``n_shown`` most anomalous rows of ``X`` (left) and the
    ``n_shown`` least anomalous (right), each titled with its score, most extreme first.

    ``X`` holds one flattened image per row, ``image_shape`` is ``(C, H, W)``; pixel values
    are drawn on the range of the rows shown. Returns the Path written.
    """
    X = np.asarray(X, dtype=float)
    scores = as_vector(anomaly_score, "anomaly_score")
    if X.ndim != 2 or len(X) != len(scores):
        raise ValueError(f"X must be 2-D with one row per score, got shape {X.shape} for {len(scores)} scores")
    panels = dict(zip(("most anomalous", "least anomalous"), extremes(scores, n_shown)))
    n_shown = len(panels["most anomalous"])
    side = math.ceil(math.sqrt(n_shown))
    fig = new_figure(size=(2 * 1.3 * side + 0.5, 1.35 * side + 0.6))[0]
    fig.clear()
    shown = X[np.concatenate(list(panels.values()))]
    value_range = (float(shown.min()), float(shown.max()))
    for panel, (title, rows) in zip(fig.subfigures(1, 2), panels.items()):
        panel.suptitle(title)
        axes = panel.subplots(side, side, squeeze=False).ravel()
        for ax in axes:
            ax.set_axis_off()
        for ax, row in zip(axes, rows):
            ax.imshow(as_image(X[row], image_shape, value_range), cmap="gray", vmin=value_range[0], vmax=value_range[1])
            ax.set_title(f"{scores[row]:.3g}", fontsize="x-small")
    return save_figure(fig, path)


def extremes(anomaly_score, n_shown):
    """Row indices of the ``n_shown`` highest scores (highest first) and of the ``n_shown``
    lowest (lowest first); ties keep row order."""
    if n_shown < 1:
        raise ValueError(f"n_shown must be at least 1, got {n_shown}")
    order = np.argsort(-np.asarray(anomaly_score), kind="stable")
    return order[:n_shown], order[::-1][:n_shown]
