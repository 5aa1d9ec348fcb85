"""Multivariate time series: UCI HAR raw inertial signals and their distance plots.

UCI HAR (Anguita et al., "A Public Domain Dataset for Human Activity Recognition Using
Smartphones", ESANN 2013): windows of 128 steps (2.56 s at 50 Hz) of nine inertial channels --
body acceleration, body angular velocity and total acceleration, each along x, y, z -- from
``UCI HAR Dataset/{train,test}/Inertial Signals/<signal>_<split>.txt`` (one window per line),
with the activity of each window (1..6) in ``UCI HAR Dataset/{split}/y_<split>.txt``;
7 352 train and 2 947 test windows.

Haloui, Sen Gupta & Feuillard, "Anomaly detection with Wasserstein GAN" (arXiv:1812.02463,
2018), §2.3 and §6 use these signals twice: as 9-channel images through the distance plot of
Eq. 24, ``R_ij = ||s_i - s_j||`` (:func:`distance_plot`, taken per channel, so each channel's
norm is the absolute difference; :func:`load_uci_har_distance_plots` gives them as scaled
9 x 128 x 128 images), and as the raw total-acceleration channels (``signals=TOTAL_ACC``) for
a fully connected WGAN.
"""

import io

import numpy as np

from ..utils.params import is_count
from ._cache import Dataset, read_bytes, require_file
from ._cache import data_dir as resolve_data_dir
from .fetch import how_to_get

HAR_SIGNALS = ("body_acc_x", "body_acc_y", "body_acc_z", "body_gyro_x", "body_gyro_y",
               "body_gyro_z", "total_acc_x", "total_acc_y", "total_acc_z")
TOTAL_ACC = ("total_acc_x", "total_acc_y", "total_acc_z")
HAR_ACTIVITIES = ("WALKING", "WALKING_UPSTAIRS", "WALKING_DOWNSTAIRS", "SITTING", "STANDING",
                  "LAYING")
HAR_STEPS = 128
_HAR_ROOT = "uci_har/UCI HAR Dataset"


def load_uci_har(split="train", *, data_dir=None, signals=HAR_SIGNALS):
    """UCI HAR windows of the chosen ``signals``, as rows of ``len(signals) * 128`` values.

    ``X`` is float32 of shape ``(n, C * 128)``, channel-major, with ``image_shape = (C, 128)``
    (``X.reshape(-1, *image_shape)`` gives the ``(n, C, 128)`` series); raw sensor units,
    unscaled. ``y`` is the activity index 0..5 into ``HAR_ACTIVITIES`` (the upstream id minus 1).

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        The upstream split (7 352 / 2 947 windows).
    data_dir : str, path or None, default=None
        The data folder; None: ``$GANAD_DATA``, else the user cache
        (:func:`~ganad.data.data_dir`).
    signals : tuple of str, default=HAR_SIGNALS
        The channels, a non-empty selection of the nine ``HAR_SIGNALS``; ``TOTAL_ACC`` gives
        the three total-acceleration channels of Haloui et al. §6.

    Returns
    -------
    dataset : Dataset
        ``X`` float32 of shape (n, len(signals) * 128), ``y`` int64 activities,
        ``image_shape = (len(signals), 128)``, ``meta`` (``split``, ``signals``, ``files``).

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message says how to obtain it.
    ValueError
        If a file is ragged, not numeric, holds NaN or infinite values, or does not match the
        labels' count; the message names the file.

    References
    ----------
    Anguita, Ghio, Oneto, Parra & Reyes-Ortiz, "A public domain dataset for human activity
    recognition using smartphones", ESANN 2013.

    Examples
    --------
    Without the files, the loader says where to download them:

    >>> from ganad.data import load_uci_har
    >>> load_uci_har("test", data_dir="no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: data file not found: no/such/folder/uci_har/UCI HAR Dataset/test/y_test.txt ...
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    unknown = [s for s in signals if s not in HAR_SIGNALS]
    if unknown or not signals:
        raise ValueError(f"signals must be a non-empty selection of {HAR_SIGNALS}, got {signals!r}")
    root, hint = resolve_data_dir(data_dir), how_to_get("uci_har")
    label_path = require_file(root, f"{_HAR_ROOT}/{split}/y_{split}.txt", hint)
    activity = _read_table(label_path, np.int64).ravel()
    if not np.isin(activity, np.arange(1, len(HAR_ACTIVITIES) + 1)).all():
        raise ValueError(f"{label_path}: activities must be 1..{len(HAR_ACTIVITIES)}")
    paths, channels = [], []
    for signal in signals:
        path = require_file(root, f"{_HAR_ROOT}/{split}/Inertial Signals/{signal}_{split}.txt",
                            hint)
        window = _read_table(path, np.float32)
        if window.shape != (len(activity), HAR_STEPS):
            raise ValueError(f"{path}: shape {window.shape}, expected "
                             f"({len(activity)}, {HAR_STEPS}) to match {label_path.name}")
        paths.append(path)
        channels.append(window)
    series = np.stack(channels, axis=1)  # (n, C, 128)
    return Dataset(X=series.reshape(len(series), -1), y=activity - 1, name="uci_har",
                   image_shape=series.shape[1:], classes=HAR_ACTIVITIES,
                   meta={"split": split, "signals": tuple(signals),
                         "files": [str(p) for p in (label_path, *paths)]})


def distance_plot(series):
    """Distance plots ``R[n, c, i, j] = |s[n, c, i] - s[n, c, j]|`` (Haloui et al., Eq. 24).

    ``series`` has shape ``(n, C, T)``; the result, ``(n, C, T, T)`` in the same float dtype,
    treats a multivariate series as a C-channel image. Memory grows as ``n * C * T**2``
    (1.2 MB per 9 x 128 window in float32), so transform large sets in batches.

    Parameters
    ----------
    series : array-like of shape (n, C, T)
        Multichannel series; an integer array is computed in float64.

    Returns
    -------
    plots : ndarray of shape (n, C, T, T)
        ``|s_i - s_j|`` per channel, in the input's float dtype.

    References
    ----------
    Haloui, Sen Gupta & Feuillard, "Anomaly detection with Wasserstein GAN", 2018,
    https://arxiv.org/abs/1812.02463, §2.3, Eq. 24.

    Examples
    --------
    >>> from ganad.data import distance_plot
    >>> distance_plot(np.array([[[0.0, 1.0, 3.0]]]))[0, 0]
    array([[0., 1., 3.],
           [1., 0., 2.],
           [3., 2., 0.]])
    """
    series = np.asarray(series)
    if series.ndim != 3:
        raise ValueError(f"series must have shape (n, channels, steps), got {series.shape}")
    if not np.issubdtype(series.dtype, np.floating):
        series = series.astype(np.float64)
    return np.abs(series[..., :, None] - series[..., None, :])  # (n, C, T, 1) - (n, C, 1, T)


def load_uci_har_distance_plots(data_dir=None, *, batch_size=256):
    """``(train, test)`` distance-plot images of the 9 UCI HAR signals (Haloui et al. §6, Eq. 24).

    Each window becomes a 9-channel 128 x 128 image ``R[c, i, j] = |s[c, i] - s[c, j]|``,
    scaled per channel to ``2 R / r_c - 1`` so that the train split lies in [-1, 1], the range
    of the generator's tanh: ``r_c`` is the largest distance of channel c over the train
    split's windows (every class; the test split never enters), the smallest is 0 (the
    diagonal). Test images may exceed 1. ``X`` is float32 of shape ``(n, 9 * 128 * 128)``
    with ``image_shape = (9, 128, 128)``; ``meta["channel_range"]`` holds ``r``.

    Memory: 589,824 bytes per window, so the full train split (7,352 windows) costs 4.3 GB
    and the test split (2,947) 1.7 GB, float32 (float64 would double it); the plots are built
    ``batch_size`` windows at a time, so the peak adds only a few batches (150 MB each).

    Parameters
    ----------
    data_dir : str, path or None, default=None
        The data folder; None: ``$GANAD_DATA``, else the user cache
        (:func:`~ganad.data.data_dir`).
    batch_size : int, default=256
        Windows turned into plots at a time.

    Returns
    -------
    train, test : Dataset
        ``X`` float32 of shape (n, 9 * 128 * 128), ``y`` int64 activities,
        ``image_shape = (9, 128, 128)``, ``meta["channel_range"]`` the train split's
        largest distance per channel.

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message says how to obtain it.

    References
    ----------
    Haloui, Sen Gupta & Feuillard, "Anomaly detection with Wasserstein GAN", 2018,
    https://arxiv.org/abs/1812.02463, §2.3 (Eq. 24) and §6.

    Examples
    --------
    >>> from ganad.data import load_uci_har_distance_plots
    >>> load_uci_har_distance_plots("no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: data file not found: no/such/folder/uci_har/UCI HAR Dataset/train/y_train.txt ...
    """
    if not is_count(batch_size):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    train, test = (load_uci_har(split, data_dir=data_dir) for split in ("train", "test"))
    train_series = train.X.reshape(-1, *train.image_shape)  # (n, 9, 128)
    channel_range = (train_series.max(axis=2) - train_series.min(axis=2)).max(axis=0)  # (9,)
    channel_range = np.where(channel_range > 0, channel_range, 1.0).astype(np.float32)
    return tuple(_distance_plot_dataset(ds, channel_range, batch_size) for ds in (train, test))


def _distance_plot_dataset(series_dataset, channel_range, batch_size):
    """The windows of ``series_dataset`` as scaled distance-plot rows, batch by batch."""
    series = series_dataset.X.reshape(-1, *series_dataset.image_shape)  # (n, C, T)
    n, channels, steps = series.shape
    scale = (2.0 / channel_range)[:, None, None]  # (C, 1, 1)
    X = np.empty((n, channels * steps * steps), dtype=np.float32)
    for start in range(0, n, batch_size):
        plots = distance_plot(series[start:start + batch_size]) * scale - 1.0  # (b, C, T, T)
        X[start:start + batch_size] = plots.reshape(len(plots), -1)
    return Dataset(X=X, y=series_dataset.y, name="uci_har_distance_plots",
                   image_shape=(channels, steps, steps), classes=series_dataset.classes,
                   meta={**series_dataset.meta, "channel_range": channel_range})


def _read_table(path, dtype):
    """Whitespace-separated finite numbers, one row per line, as a 2-D array; a ragged, non-numeric or
    non-finite table is a ValueError naming the file."""
    try:
        table = np.loadtxt(io.BytesIO(read_bytes(path)), dtype=dtype, ndmin=2)
    except ValueError as error:
        raise ValueError(f"{path}: not a table of {np.dtype(dtype).name} numbers ({error})") from None
    if not np.isfinite(table).all():
        raise ValueError(f"{path}: holds NaN or infinite values (row {np.argwhere(~np.isfinite(table))[0][0] + 1})")
    return table
