"""Critic output over the 2-D input space (Haloui et al. 2018, Fig. 13)."""

from __future__ import annotations

import numpy as np

from ._figure import as_points, check_extent, check_resolution, grid_points, new_figure, save_figure


def plot_critic_landscape(critic_fn, path, *, data=None, train_range=None,
                          extent=(-1.5, 1.5, -1.5, 1.5), resolution=200):
    """Critic values on a grid over ``extent = (x_min, x_max, y_min, y_max)``.

    ``critic_fn`` maps a float32 array of shape ``(m, 2)`` to ``m`` critic values; it is
    called once, on the ``resolution**2`` pixel centres. The left panel shows the raw
    values. With ``train_range = (lo, hi)``, the [min, max] of the critic on the training
    data, a right panel shows the values clipped to it: every point outside the range the
    training data reached is saturated, which is the critic's anomaly region. ``data``
    (``(n, 2)``), when given, is overlaid on each panel. Returns the Path written.
    """
    extent = check_extent(extent)
    check_resolution(resolution)
    overlay = None if data is None else as_points(data, "data")
    values = _critic_on_grid(critic_fn, extent, resolution)
    panels = [("critic output", values, None)]
    if train_range is not None:
        low, high = _check_range(train_range)
        title = f"clipped to the training range\n[{low:.3g}, {high:.3g}]"
        panels.append((title, np.clip(values, low, high), (low, high)))
    fig, axes = new_figure(ncols=len(panels), size=_figure_size(extent, len(panels)))
    for ax, (title, image, limits) in zip(axes, panels):
        _draw_panel(fig, ax, image, extent, limits)
        if overlay is not None:
            _overlay(ax, overlay, extent)
        ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    return save_figure(fig, path)


def _critic_on_grid(critic_fn, extent, resolution):
    grid = grid_points(extent, resolution)
    values = np.asarray(critic_fn(grid), dtype=float).reshape(-1)
    if len(values) != len(grid):
        raise ValueError(f"critic_fn returned {len(values)} values for {len(grid)} points")
    return values.reshape(resolution, resolution)


def _draw_panel(fig, ax, image, extent, limits):
    vmin, vmax = (None, None) if limits is None else limits
    shown = ax.imshow(image, origin="lower", extent=extent, cmap="viridis",
                      vmin=vmin, vmax=vmax, interpolation="nearest")
    colorbar_axes = ax.inset_axes([1.04, 0.0, 0.05, 1.0])  # exactly as tall as the image
    fig.colorbar(shown, cax=colorbar_axes, label="critic value", extend="neither" if limits is None else "both")


def _figure_size(extent, npanels):
    # Panels 4.8 in wide; the height follows the extent's aspect (clamped) plus the title.
    aspect = (extent[3] - extent[2]) / (extent[1] - extent[0])
    return 4.8 * npanels, 1.4 + 3.2 * min(max(aspect, 0.3), 2.0)


def _overlay(ax, points, extent):
    ax.scatter(points[:, 0], points[:, 1], s=2, c="tab:red", alpha=0.3, linewidths=0, rasterized=True)
    ax.set(xlim=extent[:2], ylim=extent[2:])


def _check_range(train_range):
    bounds = np.asarray(train_range, dtype=float)
    if bounds.shape != (2,) or not np.isfinite(bounds).all() or bounds[0] >= bounds[1]:
        raise ValueError(f"train_range must be finite (lo, hi) with lo < hi, got {train_range!r}")
    return float(bounds[0]), float(bounds[1])
