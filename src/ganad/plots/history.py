"""Figures of Chatillon & Ballester 2020, "History-based anomaly detector" (HistoryAD).

- :func:`plot_history_toy`: the 1-D toy of Fig. 3-4 (snapshot distributions, P_G_hist
  against P_data with D_TV, and the averaged critics that initialise D_TV), drawn from a
  fitted 1-D model by :func:`plot_fitted_history_toy`;
- :func:`plot_score_densities`: score density histograms per group (Fig. 1, 5, 6);
- :func:`plot_interpolation_strip`: D_TV along a latent interpolation (Fig. 8).

The arrays come from a fitted :class:`ganad.detectors.history.HistoryAD` (``keep_snapshots=True``
for the toy): ``sample_snapshot``, ``sample_history``, ``anomaly_score``,
``averaged_critic_outputs`` and ``latent_interpolation``.
"""

from __future__ import annotations

import numpy as np

from ._figure import as_finite_vector, as_image, as_vector, new_figure, save_figure

_DATA_COLOR = "black"
_HISTORY_COLOR = "tab:red"
_DTV_COLOR = "tab:blue"
_MAX_STRIP = 16


def plot_history_toy(data, snapshots, history, grid, d_tv, path, *, averaged=None):
    """Fig. 3 (and Fig. 4 with ``averaged``) on 1-D data.

    ``data``: the training samples; ``snapshots``: ``(label, samples)`` pairs of saved
    generators (Fig. 3a); ``history``: samples of P_G_hist; ``d_tv``: D_TV on the points
    ``grid`` (Fig. 3b, on a second axis); ``averaged``: ``(mean of the saved critics'
    outputs, output of the critic with averaged weights)`` on ``grid``, in D_TV's sign
    (Fig. 4). Returns the Path written.
    """
    data, history, grid = (as_vector(a, name) for a, name in ((data, "data"), (history, "history"), (grid, "grid")))
    d_tv = _on_grid(d_tv, grid, "d_tv")
    panels = [(str(label), as_vector(samples, f"snapshot {label!r}")) for label, samples in snapshots]
    if not panels:
        raise ValueError("snapshots must hold at least one (label, samples) pair")
    if averaged is not None:
        averaged = [_on_grid(a, grid, name) for a, name in zip(averaged, ("mean output", "mean weights"))]
    ncols = 2 if averaged is None else 3
    fig, axes = new_figure(ncols=ncols, size=(5.0 * ncols, 4.0))
    bins = np.linspace(grid.min(), grid.max(), 80)
    _draw_snapshots(axes[0], data, panels, bins)
    _draw_history(axes[1], data, history, bins, grid, d_tv)
    if averaged is not None:
        _draw_initialisation(axes[2], grid, *averaged)
    return save_figure(fig, path)


def _draw_snapshots(ax, data, panels, bins):
    _density(ax, data, bins, _DATA_COLOR, "P_data")
    for label, samples in panels:
        _density(ax, samples, bins, None, label)
    ax.set(title="(a) saved generators G_t(P_Z)", xlabel="x", ylabel="density")
    ax.legend(fontsize="small")


def _draw_history(ax, data, history, bins, grid, d_tv):
    _density(ax, data, bins, _DATA_COLOR, "P_data")
    _density(ax, history, bins, _HISTORY_COLOR, "P_G_hist")
    twin = ax.twinx()
    twin.plot(grid, d_tv, color=_DTV_COLOR, label="D_TV")
    twin.axhline(0.0, color="0.7", lw=0.8)
    twin.set_ylabel("D_TV(x)", color=_DTV_COLOR)
    ax.set(title="(b) P_data, P_G_hist and D_TV", xlabel="x", ylabel="density")
    ax.legend(loc="upper left", fontsize="small")


def _draw_initialisation(ax, grid, mean_output, mean_weights):
    ax.plot(grid, mean_output, label="mean of the saved critics' outputs")
    ax.plot(grid, mean_weights, "--", label="critic with averaged weights (Eq. 14)")
    ax.set(title="(c) D_TV initialisation (Fig. 4)", xlabel="x", ylabel="-critic(x), D_TV's sign")
    ax.legend(fontsize="small")


def plot_fitted_history_toy(model, data, path, *, n_snapshots=4, n_samples=5000, random_state=0):
    """:func:`plot_history_toy` for a HistoryAD fitted on 1-D ``data`` with ``keep_snapshots=True``.

    Shows ``n_snapshots`` saved generators evenly spread over the history, ``n_samples``
    samples of each and of P_G_hist, and D_TV on a grid 3 standard deviations beyond the data.
    The model must be fitted without ``scaling`` (samples and grid share the data's axis).
    """
    data = as_vector(np.ravel(data), "data")
    if model.n_features_in_ != 1 or model.scaler_ is not None:
        raise ValueError("the toy figure needs a HistoryAD fitted on 1-D data without scaling")
    spread = 3 * data.std()
    grid = np.linspace(data.min() - spread, data.max() + spread, 400)
    column = grid[:, None].astype(np.float32)
    indices = np.unique(np.linspace(0, len(model.snapshot_times_) - 1, n_snapshots).round().astype(int))
    snapshots = [(f"t = {model.snapshot_times_[i]:.2f}", model.sample_snapshot(i, n_samples, random_state=random_state))
                 for i in indices]
    return plot_history_toy(data, [(label, samples[:, 0]) for label, samples in snapshots],
                            model.sample_history(n_samples, random_state=random_state)[:, 0], grid,
                            model.anomaly_score(column), path, averaged=model.averaged_critic_outputs(column))


def plot_score_densities(groups, path, *, bins=60, xlabel="anomaly score D_TV(x)"):
    """Overlaid density histograms of scores, one per group (e.g. ``{"MNIST": ..., "KMNIST": ...}``).

    All groups share ``bins`` equal-width bins over their common range. Returns the Path written.
    """
    if not groups:
        raise ValueError("groups must map at least one name to scores")
    values = {str(name): as_finite_vector(scores, f"groups[{name!r}]")
              for name, scores in groups.items()}
    everything = np.concatenate(list(values.values()))
    edges = np.linspace(everything.min(), everything.max() + (everything.max() == everything.min()), bins + 1)
    fig, (ax,) = new_figure(size=(6.0, 4.0))
    for name, scores in values.items():
        ax.hist(scores, bins=edges, density=True, histtype="stepfilled", alpha=0.4,
                label=f"{name} (n = {len(scores):,})")
    ax.set(xlabel=xlabel, ylabel="density")
    ax.legend()
    return save_figure(fig, path)


def plot_interpolation_strip(t, samples, scores, path, *, image_shape=None):
    """Fig. 8: generated samples along ``(1 - t) z_1 + t z_2`` with their D_TV score.

    With ``image_shape`` (C, H, W) the samples (rows, pixels in [-1, 1]) are drawn as a strip
    of at most 16 images, each titled with its score; the bottom panel plots score against t.
    Returns the Path written.
    """
    t, scores = as_vector(t, "t"), as_vector(scores, "scores")
    samples = np.asarray(samples, dtype=float)
    if samples.ndim != 2 or not len(t) == len(samples) == len(scores):
        raise ValueError(f"t, samples (rows) and scores must have one entry per step, got "
                         f"{t.shape}, {samples.shape}, {scores.shape}")
    shown = np.unique(np.linspace(0, len(t) - 1, min(len(t), _MAX_STRIP)).round().astype(int))
    if image_shape is None:
        fig, axes = new_figure(size=(6.0, 3.5))
        score_ax = axes[0]
    else:
        fig, axes = new_figure(ncols=len(shown), nrows=2, size=(max(4.0, 1.2 * len(shown)), 3.6))
        for ax, step in zip(axes, shown):
            ax.imshow(as_image(samples[step], image_shape), cmap="gray", vmin=-1, vmax=1)
            ax.set_title(f"{scores[step]:+.2f}", fontsize="small")
            ax.set_axis_off()
        for ax in axes[len(shown):]:  # the bottom row becomes one score panel
            ax.remove()
        score_ax = fig.add_subplot(axes[0].get_gridspec()[1, :])
    score_ax.plot(t, scores, "o-", color=_DTV_COLOR)
    score_ax.axhline(0.0, color="0.7", lw=0.8)
    score_ax.set(xlabel="t in (1 - t) z_1 + t z_2", ylabel="D_TV")
    return save_figure(fig, path)


def _density(ax, samples, bins, color, label):
    ax.hist(samples, bins=bins, density=True, histtype="step", color=color, label=label)


def _on_grid(values, grid, name):
    values = as_vector(values, name)
    if len(values) != len(grid):
        raise ValueError(f"{name} has {len(values)} values for {len(grid)} grid points")
    return values
