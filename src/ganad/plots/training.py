"""Per-step training curves (Haloui et al. 2018, Figs. 7 and 10)."""

from __future__ import annotations

import numbers

import numpy as np

from ._figure import as_vector, new_figure, save_figure


def plot_loss_curves(history, path, *, keys=None, smooth=None):
    """One line per series of ``history`` against its step index (Fig. 10).

    ``history`` maps a name to a 1-D sequence of per-step values, e.g. ``{"critic_loss":
    [...], "generator_loss": [...]}``; anything with ``keys()``, ``in`` and ``[]`` works.
    Series may differ in length (generator steps are rarer than critic steps), each is
    plotted against its own step index from 0. ``keys`` picks and orders the series
    (default: all). ``smooth``, an integer window, draws a trailing moving average over
    a faint raw curve; a window longer than a series is shortened to its length.
    Returns the Path written.
    """
    names = list(history.keys()) if keys is None else list(keys)
    if not names:
        raise ValueError("no series to plot: history or keys is empty")
    unknown = [name for name in names if name not in history]
    if unknown:
        raise ValueError(f"keys {unknown} are not in history (available: {list(history.keys())})")
    window = _check_window(smooth)
    fig, (ax,) = new_figure(size=(7.0, 4.0))
    for name in names:
        _plot_series(ax, as_vector(history[name], f"history[{name!r}]"), name, window)
    ax.set(xlabel="step", ylabel="value")
    ax.legend()
    return save_figure(fig, path)


def _plot_series(ax, values, name, window):
    steps = np.arange(len(values))
    if window is None or window == 1:
        ax.plot(steps, values, lw=1.0, label=name)
        return
    window = min(window, len(values))
    (raw,) = ax.plot(steps, values, lw=0.8, alpha=0.3)
    averaged = np.convolve(values, np.ones(window) / window, mode="valid")  # (n - window + 1,)
    ax.plot(steps[window - 1:], averaged, lw=1.5, color=raw.get_color(),
            label=f"{name} (moving average, {window} steps)")


def _check_window(smooth):
    if smooth is None:
        return None
    if isinstance(smooth, bool) or not isinstance(smooth, numbers.Integral) or smooth < 1:
        raise ValueError(f"smooth must be None or an integer >= 1, got {smooth!r}")
    return int(smooth)
