"""Figures of RCGAN (Yang et al. 2020): discriminator maps over the plane (Fig. 3),
reconstructions of anomalous inputs (Fig. 1) and Theorem 1's toy densities (Fig. 2)."""

from __future__ import annotations

import numpy as np

from ._figure import as_points, check_extent, check_resolution, grid_points, new_figure, save_figure


def plot_discriminator_maps(cases, path, *, extent=(-3.0, 3.0, -3.0, 3.0), resolution=100, show_data=False):
    """RCGAN Fig. 3: per data set, its samples, then each model's D_xz(x, E(x)) and D_xx(x, G(E(x))).

    ``cases`` maps a data-set name to ``(data, models)``: ``data`` an ``(n, 2)`` array of
    normal samples, ``models`` a mapping from a model name to ``(d_xz, d_xx)``, two
    callables from a float32 ``(m, 2)`` array to ``m`` probabilities -- e.g. a fitted
    ``RCGAN``'s or ``ALAD``'s ``discriminator_xz`` and ``discriminator_xx``. Every case
    must name the same models. Rows: the samples, then one row per model; two columns per
    data set, D_xz on the left and D_xx on the right, over ``extent`` (the paper's
    [-3, 3]^2), on one colour scale [0, 1] (brighter = more confidently normal).
    ``show_data=True`` also dots the normal samples (white, faint) over every map.
    Returns the Path written.
    """
    extent = check_extent(extent)
    check_resolution(resolution)
    cases = {name: (as_points(data, f"data of {name!r}"), dict(models)) for name, (data, models) in cases.items()}
    model_names = _common_models(cases)
    grid = grid_points(extent, resolution)
    fig, axes = new_figure(ncols=2 * len(cases), nrows=1 + len(model_names),
                           size=(2.6 * 2 * len(cases) + 0.8, 2.6 * (1 + len(model_names))))
    axes = axes.reshape(1 + len(model_names), 2 * len(cases))
    for column, (case, (data, models)) in enumerate(cases.items()):
        _draw_samples(axes[0, 2 * column], data, extent, case)
        axes[0, 2 * column + 1].set_axis_off()
        for row, model in enumerate(model_names, start=1):
            for side, (label, function) in enumerate(zip(("$D_{xz}$", "$D_{xx}$"), models[model])):
                shown = _draw_map(axes[row, 2 * column + side], function, grid, extent, resolution)
                if show_data:
                    axes[row, 2 * column + side].scatter(data[:, 0], data[:, 1], s=0.5, c="white", alpha=0.3,
                                                         linewidths=0, rasterized=True)
                axes[row, 2 * column + side].set_title(f"{model}: {label}", fontsize=9)
    fig.colorbar(shown, ax=axes[1:].ravel().tolist(), label="probability of 'normal'", shrink=0.8)
    return save_figure(fig, path)


def plot_reconstructions(rows, path, *, image_shape, value_range=(-1.0, 1.0)):
    """RCGAN Fig. 1: images in a grid, one row per ``(label, images)`` pair.

    E.g. ``[("anomalous inputs", X), ("autoencoder", ...), ("RCGAN", ...)]`` with the
    reconstructions of the same inputs. ``images`` are ``(n, C*H*W)`` rows or
    ``(n, C, H, W)`` arrays, the same ``n`` in every row; ``image_shape`` is ``(C, H, W)``
    with C = 1 (grey) or 3 (RGB). Pixels are shown over ``value_range`` (clipped).
    Returns the Path written.
    """
    rows = [(str(label), _as_images(images, image_shape, label)) for label, images in rows]
    if not rows:
        raise ValueError("rows must hold at least one (label, images) pair")
    n_images = {len(images) for _, images in rows}
    if len(n_images) != 1:
        raise ValueError(f"every row must hold the same number of images, got {sorted(n_images)}")
    low, high = value_range
    if not low < high:
        raise ValueError(f"value_range must be (low, high) with low < high, got {value_range!r}")
    (n,) = n_images
    fig, axes = new_figure(ncols=n, nrows=len(rows), size=(1.3 * n + 1.5, 1.4 * len(rows)))
    axes = axes.reshape(len(rows), n)
    for row, (label, images) in enumerate(rows):
        for column, image in enumerate(images):
            ax = axes[row, column]
            pixels = (np.clip(image, low, high) - low) / (high - low)  # (C, H, W) in [0, 1]
            ax.imshow(pixels[0] if len(pixels) == 1 else pixels.transpose(1, 2, 0), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(label, rotation=0, ha="right", va="center")
    return save_figure(fig, path)


def plot_theorem1_toy(q, t, p_solved, p_closed, path, *, extent=(-1.0, 1.0, -1.0, 1.0)):
    """RCGAN Fig. 2: the densities q (normal data) and t (penalty), the generator density p
    minimising Eq. 6 (``p_solved``, e.g. CVXPY's) and Theorem 1's closed form (``p_closed``, Eq. 7),
    then |p_solved - p_closed|.

    Each argument is a ``(resolution, resolution)`` array over ``extent`` (row i: y, column j:
    x, as ``ganad.detectors.alice.theorem1.toy_densities``). The two p panels share one colour
    scale; a white line on q marks the edge of Eq. 7's support (``p_closed > 0``): Theorem 1
    "chops off" q outside it. Returns the Path written.
    """
    arrays = [np.asarray(a, dtype=float) for a in (q, t, p_solved, p_closed)]
    if arrays[0].ndim != 2 or any(a.shape != arrays[0].shape for a in arrays):
        raise ValueError(f"q, t, p_solved and p_closed must be 2-D arrays of one shape, got "
                         f"{[a.shape for a in arrays]}")
    extent = tuple(float(v) for v in extent)
    q, t, p_solved, p_closed = arrays
    p_max = max(p_solved.max(), p_closed.max())
    panels = [("q(x): normal data", q, None), ("t(x): penalty", t, None),
              ("p(x): Eq. 6 minimised (CVXPY)", p_solved, p_max), ("p(x): Theorem 1, Eq. 7", p_closed, p_max),
              ("|Eq. 6 - Eq. 7|", np.abs(p_solved - p_closed), None)]
    fig, axes = new_figure(ncols=len(panels), size=(3.2 * len(panels), 3.0))
    for ax, (title, values, vmax) in zip(axes, panels):
        shown = ax.imshow(values, origin="lower", extent=extent, cmap="viridis", vmin=0.0, vmax=vmax,
                          interpolation="nearest")
        fig.colorbar(shown, ax=ax, shrink=0.8)
        ax.set(title=title)
        ax.title.set_fontsize(9)
        ax.set_aspect("equal")
    support = (p_closed > 0).astype(float)
    if 0 < support.mean() < 1:
        axes[0].contour(support, levels=[0.5], colors="white", linewidths=0.8, extent=extent, origin="lower")
    return save_figure(fig, path)


def _common_models(cases):
    if not cases:
        raise ValueError("cases must map at least one data set to (data, models)")
    names = [tuple(models) for _, models in cases.values()]
    if not names[0] or any(set(n) != set(names[0]) for n in names):
        raise ValueError(f"every case must name the same, non-empty set of models, got {names}")
    return names[0]


def _draw_samples(ax, data, extent, title):
    ax.scatter(data[:, 0], data[:, 1], s=2, c="tab:blue", alpha=0.4, linewidths=0, rasterized=True)
    ax.set(xlim=extent[:2], ylim=extent[2:], title=f"{title}: normal data")
    ax.set_aspect("equal")


def _draw_map(ax, function, grid, extent, resolution):
    values = np.asarray(function(grid), dtype=float).reshape(-1)
    if len(values) != len(grid):
        raise ValueError(f"a discriminator returned {len(values)} values for {len(grid)} points")
    shown = ax.imshow(values.reshape(resolution, resolution), origin="lower", extent=extent, cmap="viridis",
                      vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_aspect("equal")
    return shown


def _as_images(images, image_shape, label):
    array = np.asarray(images, dtype=float)
    shape = tuple(int(s) for s in image_shape)
    if len(shape) != 3 or shape[0] not in (1, 3) or array.ndim < 2 or array[0].size != np.prod(shape):
        raise ValueError(f"images of row {label!r} (shape {array.shape}) do not match image_shape {image_shape} "
                         "with 1 or 3 channels")
    return array.reshape(-1, *shape)  # (n, C, H, W)
