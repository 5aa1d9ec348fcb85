"""Scatter plots of 2-D data and generator output (Haloui et al. 2018, Figs. 8, 9 and 12), and
image grids of generated samples."""

from __future__ import annotations

import math

import numpy as np

from ._figure import as_image, as_points, image_value_range, new_figure, save_figure

_DATA_COLOR = "tab:blue"
_GENERATED_COLOR = "tab:orange"
_BACKGROUND_COLOR = "0.7"
_MAX_COLUMNS = 4


def plot_data_vs_generated(data, generated, path, *, title=None):
    """Training data (left) next to generated samples (right) on identical axes (Figs. 9, 12).

    ``data`` and ``generated`` are ``(n, 2)`` arrays (their lengths may differ). Both panels
    share limits that cover every finite point of either array, so generated points that
    fall outside the data stay visible. Returns the Path written.
    """
    data = as_points(data, "data")
    generated = as_points(generated, "generated")
    xlim, ylim = _shared_limits(data, generated)
    fig, axes = new_figure(ncols=2, size=(9.0, 4.5))
    panels = (("training data", data, _DATA_COLOR), ("generated samples", generated, _GENERATED_COLOR))
    for ax, (name, points, color) in zip(axes, panels):
        _scatter(ax, points, color)
        ax.set(xlim=xlim, ylim=ylim, title=f"{name} (n = {len(points):,})", xlabel="$x_1$", ylabel="$x_2$")
        ax.set_aspect("equal", adjustable="box")
    if title is not None:
        fig.suptitle(title)
    return save_figure(fig, path)


def plot_generator_snapshots(snapshots, path, *, data=None, data_label="training data"):
    """A grid of generator outputs, one panel per snapshot, e.g. per epoch (Fig. 8).

    ``snapshots`` is a sequence of ``(label, points)`` with ``points`` of shape ``(n, 2)``;
    panels run left to right, then top to bottom, at most four per row. ``data``
    (``(n, 2)``), when given, is drawn in grey under every panel and named ``data_label`` in
    the legend. Each panel is scaled to its own points (and the data), so a collapsed or
    drifting generator stays visible. Returns the Path written.
    """
    panels = [(str(label), as_points(points, f"snapshot {label!r}")) for label, points in snapshots]
    if not panels:
        raise ValueError("snapshots must hold at least one (label, points) pair")
    background = None if data is None else as_points(data, "data")
    ncols = min(_MAX_COLUMNS, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = new_figure(ncols=ncols, nrows=nrows, size=(3.2 * ncols, 3.2 * nrows + 0.4))
    for ax, (label, points) in zip(axes, panels):
        if background is not None:
            _scatter(ax, background, _BACKGROUND_COLOR)
        _scatter(ax, points, _GENERATED_COLOR)
        ax.set_title(label)
        ax.set_aspect("equal", adjustable="datalim")
    for ax in axes[len(panels):]:
        ax.set_axis_off()
    if background is not None:
        _add_legend(fig, axes[0], data_label)
    return save_figure(fig, path)


def plot_image_grid(X, path, *, image_shape, n_columns=8, title=None):
    """The rows of ``X`` (flattened ``(C, H, W)`` images) in a grid of ``n_columns`` per row.

    Every image is drawn on the value range of all the rows (grey images) or mapped from it
    to [0, 1] (colour images), so the images compare with each other. Returns the Path written.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must be a non-empty 2-D array of flattened images, got shape {X.shape}")
    if isinstance(n_columns, bool) or not isinstance(n_columns, int) or n_columns < 1:
        raise ValueError(f"n_columns must be an integer >= 1, got {n_columns!r}")
    low, high = image_value_range(X)
    ncols = min(n_columns, len(X))
    nrows = math.ceil(len(X) / ncols)
    fig, axes = new_figure(ncols=ncols, nrows=nrows, size=(1.1 * ncols, 1.1 * nrows + (0.4 if title else 0.0)))
    for ax in axes:
        ax.set_axis_off()
    for ax, row in zip(axes, X):
        ax.imshow(as_image(row, image_shape, (low, high)), cmap="gray", vmin=low, vmax=high)
    if title is not None:
        fig.suptitle(title)
    return save_figure(fig, path)


def _scatter(ax, points, color):
    # Small edgeless markers; alpha drops with n so 100 000 points show density.
    alpha = float(np.clip(np.sqrt(1000.0 / len(points)), 0.05, 0.8))
    ax.scatter(points[:, 0], points[:, 1], s=3, c=color, alpha=alpha, linewidths=0, rasterized=True)


def _add_legend(fig, ax, data_label):
    # Empty lines serve as opaque legend handles for the translucent scatters.
    ax.plot([], [], "o", color=_GENERATED_COLOR, label="generated")
    ax.plot([], [], "o", color=_BACKGROUND_COLOR, label=data_label)
    fig.legend(loc="outside lower center", ncols=2, frameon=False)


def _shared_limits(*arrays, pad=0.05):
    points = np.concatenate(arrays)
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) == 0:
        raise ValueError("no finite points to plot")
    low, high = points.min(axis=0), points.max(axis=0)
    margin = np.where(high > low, (high - low) * pad, 0.5)
    low, high = low - margin, high + margin
    return (low[0], high[0]), (low[1], high[1])
