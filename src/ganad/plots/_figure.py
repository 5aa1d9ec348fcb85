"""Shared helpers of ``ganad.plots``: lazy matplotlib import, figure I/O and input checks.

Figures are built on an Agg canvas directly (``matplotlib.figure.Figure``), never through
pyplot: nothing is registered in pyplot's global figure manager, no window can open and
there is nothing to close, the figure is freed with its last reference.
"""

from __future__ import annotations

import logging
import numbers
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

_INSTALL_HINT = "ganad.plots needs matplotlib; install it with `pip install matplotlib`."


def new_figure(ncols=1, nrows=1, size=None):
    """An Agg-backed figure and its axes as a flat, row-major array of ``nrows * ncols``.

    ``size`` is ``(width, height)`` in inches, by default 4.5 x 4 per panel.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    if size is None:
        size = (4.5 * ncols, 4.0 * nrows)
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    return fig, axes


def save_figure(fig, path, *, dpi=120):
    """Write ``fig`` to ``path`` (PNG unless the suffix names another format); return the Path.

    Parent directories are created.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, format=path.suffix.lstrip(".").lower() or "png")
    logger.debug("wrote figure %s", path)
    return path


def as_points(x, name):
    """``x`` as a float array of shape ``(n, 2)`` with ``n >= 1``, else ValueError."""
    points = np.asarray(x, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"{name} must be a non-empty array of shape (n, 2), got shape {points.shape}")
    return points


def as_vector(x, name):
    """``x`` as a non-empty 1-D float array, else ValueError."""
    vector = np.asarray(x, dtype=float)
    if vector.ndim != 1 or len(vector) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {vector.shape}")
    return vector


def as_finite_vector(x, name):
    """``x`` as a non-empty 1-D float array of finite values, else ValueError."""
    vector = as_vector(x, name)
    if not np.isfinite(vector).all():
        raise ValueError(f"{name} must be finite")
    return vector


def check_extent(extent):
    """``extent = (x_min, x_max, y_min, y_max)`` as a tuple of floats, finite with min < max, else ValueError."""
    bounds = np.asarray(extent, dtype=float)
    if bounds.shape != (4,) or not np.isfinite(bounds).all() or bounds[0] >= bounds[1] or bounds[2] >= bounds[3]:
        raise ValueError(f"extent must be finite (x_min, x_max, y_min, y_max) with min < max, got {extent!r}")
    return tuple(bounds.tolist())


def check_resolution(resolution):
    """A grid's ``resolution`` must be an integer >= 2, else ValueError."""
    if not isinstance(resolution, numbers.Integral) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")


def grid_points(extent, resolution):
    """The ``resolution**2`` pixel centres over ``extent``, float32 ``(resolution**2, 2)``, row-major in y."""
    x_min, x_max, y_min, y_max = extent
    xs = x_min + (np.arange(resolution) + 0.5) * (x_max - x_min) / resolution  # pixel centres
    ys = y_min + (np.arange(resolution) + 0.5) * (y_max - y_min) / resolution
    xx, yy = np.meshgrid(xs, ys)  # (resolution, resolution); row i is y = ys[i]
    return np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)  # (resolution**2, 2)


def image_value_range(X):
    """(low, high) of the finite values of ``X``, the range images are drawn on: NaN or
    infinite pixels do not blank every image, and a constant set gets a range of width 1."""
    finite = X[np.isfinite(X)]
    low, high = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    return low, (high if high > low else low + 1.0)


def as_image(row, image_shape, value_range=(-1.0, 1.0)):
    """One flattened sample as an (H, W) or (H, W, 3) array for ``imshow``.

    Colour images are mapped from ``value_range`` to [0, 1]; grey images keep their values
    (draw them with ``vmin, vmax = value_range``).
    """
    channels, height, width = image_shape
    if channels * height * width != len(row):
        raise ValueError(f"image_shape {tuple(image_shape)} does not match rows of {len(row)} values")
    image = np.asarray(row, dtype=float).reshape(channels, height, width).transpose(1, 2, 0)
    if channels == 1:
        return image[..., 0]
    low, high = value_range
    return np.clip((image - low) / (high - low), 0.0, 1.0)
