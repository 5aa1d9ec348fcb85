"""Where the real data sets live, how their files are read, and the record the loaders return.

The data folder is chosen as: an explicit path (``--data-dir``), else the ``GANAD_DATA``
environment variable, else the platform's user cache folder (``$XDG_CACHE_HOME/ganad`` or
``~/.cache/ganad`` on Linux, ``~/Library/Caches/ganad`` on macOS,
``%LOCALAPPDATA%\\ganad\\Cache`` on Windows). Inside it each set has one sub-folder holding the
upstream file names, which is also what ``ganad data fetch`` writes::

    mnist/  fashion_mnist/  kmnist/            train-images-idx3-ubyte.gz, ...
    cifar10/cifar-10-batches-py/               data_batch_1 .. data_batch_5, test_batch
    svhn/                                      train_32x32.mat, test_32x32.mat
    odds/                                      thyroid.mat, arrhythmia.mat, musk.mat, ...
    kddcup99/                                  kddcup.data_10_percent.gz
    uci_har/UCI HAR Dataset/                   train/, test/ (as in the upstream zip)

A file may be stored whole or split into byte slices ``name.part0``, ``name.part1``, ...
(the project's shared copy splits files of 4 MiB or more); :func:`read_bytes` joins the
slices in memory, so the loaders never see the difference.
"""

import gzip
import os
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ENV_VAR = "GANAD_DATA"


@dataclass
class Dataset:
    """A loaded data set: samples as rows, integer labels and what they mean.

    ``X`` is 2-D, one flattened sample per row. ``image_shape`` is the shape of one sample
    before flattening -- ``(C, H, W)`` for images, ``(C, T)`` for multichannel time series --
    and ``None`` for tabular data, so ``X.reshape(-1, *image_shape)`` restores the samples.
    ``classes[k]`` names label ``k``; for the anomaly-detection sets (ODDS, KDDCUP99) the label
    is 1 for the anomaly class. ``meta`` holds per-set extras (split, source files, feature
    names, raw labels).

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        One flattened sample per row.
    y : ndarray of shape (n_samples,), int64
        Class indices into ``classes``.
    name : str
        The set's name (``"mnist"``, ``"thyroid"``...).
    image_shape : tuple of int or None
        The shape of one sample before flattening; None for tabular data.
    classes : tuple of str
        The name of each label.
    meta : dict, default={}
        Per-set extras.

    Examples
    --------
    >>> from ganad.data import load_digits_images
    >>> digits = load_digits_images()
    >>> digits.X.reshape(-1, *digits.image_shape).shape
    (1797, 1, 8, 8)
    >>> digits.classes[digits.y[0]]
    '0'
    """

    X: np.ndarray
    y: np.ndarray
    name: str
    image_shape: tuple | None
    classes: tuple
    meta: dict = field(default_factory=dict)


def data_dir(explicit=None):
    """The data folder: ``explicit`` if given, else ``$GANAD_DATA``, else the user cache.

    The user cache is ``$XDG_CACHE_HOME/ganad`` or ``~/.cache/ganad`` on Linux,
    ``~/Library/Caches/ganad`` on macOS and ``%LOCALAPPDATA%\\ganad`` on Windows;
    ``ganad data fetch`` writes there too.

    Parameters
    ----------
    explicit : str, path or None, default=None
        A folder given by the caller (``--data-dir``); ``~`` is expanded.

    Returns
    -------
    folder : pathlib.Path
        The folder; it may not exist yet.

    Examples
    --------
    >>> from ganad.data import data_dir
    >>> data_dir("/srv/ganad-data").name
    'ganad-data'
    """
    if explicit is not None:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return _user_cache_dir() / "ganad"


def _user_cache_dir():
    if sys.platform == "win32":
        root = os.environ.get("LOCALAPPDATA")
        return Path(root) if root else Path.home() / "AppData" / "Local"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    root = os.environ.get("XDG_CACHE_HOME")
    return Path(root) if root else Path.home() / ".cache"


def file_pieces(path):
    """The files holding ``path``: ``[path]`` when whole, its ``.partN`` slices in order, or []."""
    path = Path(path)
    if path.is_file():
        return [path]
    pattern = re.compile(re.escape(path.name) + r"\.part(\d+)")
    if not path.parent.is_dir():
        return []
    indexed = sorted((int(m.group(1)), p) for p in path.parent.iterdir()
                     if (m := pattern.fullmatch(p.name)))
    if [i for i, _ in indexed] != list(range(len(indexed))):
        raise ValueError(f"{path}: split pieces are not numbered part0..partK without gaps: "
                         f"found {[p.name for _, p in indexed]}")
    return [p for _, p in indexed]


def require_file(directory, relative, how_to_get):
    """Path of ``directory / relative``, checked to exist whole or as ``.partN`` slices.

    Raises ``FileNotFoundError`` naming the missing file and ``how_to_get``, a hint such as
    "run `ganad data fetch mnist`".
    """
    path = Path(directory) / relative
    if not file_pieces(path):
        raise FileNotFoundError(f"data file not found: {path} (nor split as {path.name}.part0, "
                                f"...). To obtain it: {how_to_get}")
    return path


def read_bytes(path):
    """The whole content of ``path``, joining its ``.partN`` slices when it is split."""
    pieces = file_pieces(path)
    if not pieces:
        raise FileNotFoundError(f"data file not found: {path}")
    return b"".join(piece.read_bytes() for piece in pieces)


def read_gunzipped(path):
    """The decompressed content of the gzip file ``path``; a damaged file is a ValueError naming it."""
    try:
        return gzip.decompress(read_bytes(path))
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"{path}: cannot decompress as gzip ({error})") from None
