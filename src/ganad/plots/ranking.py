"""Unlabelled ranking (Deecke et al. 2018, ADGAN §4.4, Fig. 4): the samples a detector finds
most and least anomalous, side by side, optionally each above its residual map."""

from __future__ import annotations

import math

import numpy as np

from ._figure import as_image, as_vector, image_value_range, new_figure, save_figure

MAP_COLORMAP = "magma"  # sequential: dark = no contribution, bright = the pixels that made the score


def plot_ranked_samples(X, anomaly_score, path, *, image_shape, n_shown=16, maps=None):
    """Two image grids: the ``n_shown`` most anomalous rows of ``X`` (left) and the
    ``n_shown`` least anomalous (right), each titled with its score, most extreme first.

    ``X`` holds one flattened image per row, ``image_shape`` is ``(C, H, W)``; pixel values
    are drawn on the range of the rows shown (their finite values). ``maps``, an array shaped like ``X`` (e.g.
    ``detector.explain(X)``: each pixel's contribution to the score), draws under each image
    its map, summed over channels, with the sequential colormap ``MAP_COLORMAP`` on one scale
    for every map shown (from min(0, lowest) to the highest value, in a colour bar beside
    each grid). Returns the Path written.
    """
    X = np.asarray(X, dtype=float)
    scores = as_vector(anomaly_score, "anomaly_score")
    if X.ndim != 2 or len(X) != len(scores):
        raise ValueError(f"X must be 2-D with one row per score, got shape {X.shape} for {len(scores)} scores")
    if maps is not None:
        maps = np.asarray(maps, dtype=float)
        if maps.shape != X.shape:
            raise ValueError(f"maps must have the shape of X, {X.shape}, got {maps.shape}")
    panels = dict(zip(("most anomalous", "least anomalous"), extremes(scores, n_shown)))
    n_shown = len(panels["most anomalous"])
    side = math.ceil(math.sqrt(n_shown))
    rows_per_sample = 1 if maps is None else 2  # an image, and its map below it
    width = 2 * 1.3 * side + 0.5 + (0 if maps is None else 1.2)  # room for the colour bars
    fig = new_figure(size=(width, rows_per_sample * 1.35 * side + 0.6))[0]
    fig.clear()
    shown = np.concatenate(list(panels.values()))
    value_range = image_value_range(X[shown])
    map_range = None if maps is None else _map_range(maps[shown], image_shape)
    for panel, (title, rows) in zip(fig.subfigures(1, 2), panels.items()):
        panel.suptitle(title)
        axes = panel.subplots(rows_per_sample * side, side, squeeze=False)  # (rows_per_sample * side, side)
        for ax in axes.ravel():
            ax.set_axis_off()
        for i, row in enumerate(rows):
            ax = axes[rows_per_sample * (i // side), i % side]
            ax.imshow(as_image(X[row], image_shape, value_range), cmap="gray", vmin=value_range[0], vmax=value_range[1])
            ax.set_title(f"{scores[row]:.3g}", fontsize="x-small")
            if maps is not None:
                drawn = axes[rows_per_sample * (i // side) + 1, i % side].imshow(
                    _channel_sum(maps[row], image_shape), cmap=MAP_COLORMAP, vmin=map_range[0], vmax=map_range[1])
        if maps is not None:
            panel.colorbar(drawn, ax=axes[1::2].ravel().tolist(), shrink=0.8, label="contribution to the score")
    return save_figure(fig, path)


def extremes(anomaly_score, n_shown):
    """Row indices of the ``n_shown`` highest scores (highest first) and of the ``n_shown``
    lowest (lowest first); ties keep row order."""
    if n_shown < 1:
        raise ValueError(f"n_shown must be at least 1, got {n_shown}")
    anomaly_score = np.asarray(anomaly_score)
    highest = np.argsort(-anomaly_score, kind="stable")[:n_shown]
    return highest, np.argsort(anomaly_score, kind="stable")[:n_shown]


def _channel_sum(row, image_shape):
    """One flattened map (C*H*W,) as the (H, W) sum over its channels."""
    channels, height, width = image_shape
    if channels * height * width != len(row):
        raise ValueError(f"image_shape {tuple(image_shape)} does not match rows of {len(row)} values")
    return row.reshape(channels, height, width).sum(axis=0)


def _map_range(maps, image_shape):
    """(low, high) of the channel-summed ``maps``: one colour scale for all, from 0 at most."""
    summed = np.stack([_channel_sum(row, image_shape) for row in maps])
    low, high = min(0.0, float(summed.min())), float(summed.max())
    return low, high if high > low else low + 1.0
