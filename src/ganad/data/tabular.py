"""Tabular anomaly-detection benchmarks: the ODDS ``.mat`` files and KDD Cup 1999 (10 %).

ODDS (Rayana 2016, http://odds.cs.stonybrook.edu): each ``.mat`` holds ``X`` (n, d) and
``y`` (n, 1) with 1 = outlier. Version-5 files are read with ``scipy.io.loadmat``; the
MATLAB 7.3 (HDF5) files of a few sets (http, smtp, ...) need the optional ``h5py``.
Reference sizes: thyroid 3772 x 6 with 93 outliers, arrhythmia 452 x 274 with 66, musk
3062 x 166 with 97.

KDDCUP99 follows the protocol of Zong et al. (DAGMM, ICLR 2018), Zenati et al. (ALAD, ICDM
2018) and Yang et al. (RCGAN, ECAI 2020, §5.3): the 494 021 rows of
``kddcup.data_10_percent.gz``, the symbolic features one-hot encoded to 121 dimensions, and
the 'normal.' rows -- about 20 % of the data -- labelled 1, the anomaly class. RCGAN's text
names "34 categorical and 7 continuous" features; it is the other way round, and the
encoding that gives 121 columns is the one of ALAD's reference code
(houssamzenati/Adversarially-Learned-Anomaly-Detection, ``data/kdd.py`` @ 9922b725, the same
as in its predecessor Efficient-GAN-Anomaly-Detection): all seven symbolic columns of
``kddcup.names`` (protocol_type 3, service 66, flag 11, land 2, logged_in 2, is_host_login 1,
is_guest_login 2 values) become indicator columns. The column order is theirs too: the 34
continuous features in file order, then the indicators of each symbolic feature in the order
above, categories sorted (``pandas.get_dummies``' order). Splitting and scaling are left to
the caller: ALAD takes a random half for training and RCGAN §5.3 80 %; ALAD min-max scales
to [0, 1] with statistics of the training part only when asked (``scale=False`` by
default); :func:`scale_on_train` fits on the training part too, to [-1, 1] or z-scores.
"""

import io
from pathlib import Path

import numpy as np

from ..utils.scaling import SCALINGS, apply_scaler, fit_scaler
from ._cache import Dataset, read_bytes, read_gunzipped, require_file
from ._cache import data_dir as resolve_data_dir
from .fetch import DATASETS, how_to_get

OUTLIER_CLASSES = ("inlier", "outlier")
KDD_CLASSES = ("attack", "normal")  # label 1 = 'normal.' traffic, the anomaly class
KDD_COLUMNS = (
    "duration", "protocol_type", "service", "flag", "src_bytes", "dst_bytes", "land",
    "wrong_fragment", "urgent", "hot", "num_failed_logins", "logged_in", "num_compromised",
    "root_shell", "su_attempted", "num_root", "num_file_creations", "num_shells",
    "num_access_files", "num_outbound_cmds", "is_host_login", "is_guest_login", "count",
    "srv_count", "serror_rate", "srv_serror_rate", "rerror_rate", "srv_rerror_rate",
    "same_srv_rate", "diff_srv_rate", "srv_diff_host_rate", "dst_host_count",
    "dst_host_srv_count", "dst_host_same_srv_rate", "dst_host_diff_srv_rate",
    "dst_host_same_src_port_rate", "dst_host_srv_diff_host_rate", "dst_host_serror_rate",
    "dst_host_srv_serror_rate", "dst_host_rerror_rate", "dst_host_srv_rerror_rate",
)
KDD_SYMBOLIC = ("protocol_type", "service", "flag", "land", "logged_in", "is_host_login",
                "is_guest_login")
_KDD_STRINGS = ("protocol_type", "service", "flag")  # the symbolic columns that are not 0/1
_KDD_STRING_COLUMNS = [KDD_COLUMNS.index(name) for name in _KDD_STRINGS]
_KDD_NUMERIC_COLUMNS = [i for i, name in enumerate(KDD_COLUMNS) if name not in _KDD_STRINGS]
_KDD_FILE = "kddcup99/kddcup.data_10_percent.gz"
_ODDS_URL = "http://odds.cs.stonybrook.edu"
_MAT_V73 = 2  # scipy.io.matlab.matfile_version major number of an HDF5-based file


def load_odds(name_or_path, *, data_dir=None):
    """An ODDS set by name (``"thyroid"`` -> ``<data>/odds/thyroid.mat``) or by ``.mat`` path.

    Returns ``X`` float64 (n, d) and ``y`` int64 with 1 for an outlier.

    Parameters
    ----------
    name_or_path : str or path
        A set's name (``"thyroid"``, ``"arrhythmia"``, ``"musk"``...), read from the data
        folder's ``odds`` sub-folder, or the path of a ``.mat`` file holding ``X`` and ``y``.
    data_dir : str, path or None, default=None
        The data folder; None: ``$GANAD_DATA``, else the user cache
        (:func:`~ganad.data.data_dir`).
        Used with a name only.

    Returns
    -------
    dataset : Dataset
        ``X`` float64 of shape (n, d), ``y`` int64 with 1 for an outlier,
        ``classes = ("inlier", "outlier")``, ``image_shape = None``.

    Raises
    ------
    FileNotFoundError
        If the file is missing; the message says how to obtain it.
    ImportError
        If the file is a MATLAB 7.3 (HDF5) file and h5py is not installed.

    References
    ----------
    Rayana, ODDS Library, Stony Brook University, 2016, http://odds.cs.stonybrook.edu.

    Examples
    --------
    >>> import tempfile, pathlib, scipy.io
    >>> from ganad.data import load_odds
    >>> path = pathlib.Path(tempfile.mkdtemp(), "toy.mat")
    >>> scipy.io.savemat(path, {"X": np.eye(4), "y": np.array([[0], [0], [0], [1]])})
    >>> toy = load_odds(path)
    >>> toy.X.shape, toy.y
    ((4, 4), array([0, 0, 0, 1]))
    """
    if str(name_or_path).endswith(".mat"):
        path = require_file(Path(name_or_path).parent, Path(name_or_path).name,
                            f"check the path, or download the set from {_ODDS_URL}")
    else:
        pinned = any(r.path == f"odds/{name_or_path}.mat" for r in DATASETS.get(name_or_path, ()))
        hint = (how_to_get(name_or_path) if pinned else
                f"download {name_or_path}.mat from {_ODDS_URL} into the 'odds' folder")
        path = require_file(resolve_data_dir(data_dir), f"odds/{name_or_path}.mat", hint)
    X, y = _read_mat_xy(path)
    if X.ndim != 2 or y.shape != (len(X),) or not len(X) or not np.isin(y, (0, 1)).all():
        raise ValueError(f"{path}: expected X (n, d) with n >= 1 and y (n,) in {{0, 1}}, got X {X.shape}, "
                         f"y with {y.size} values {np.unique(y)[:5]}")
    if not np.isfinite(X).all():
        raise ValueError(f"{path}: X holds {int((~np.isfinite(X)).sum())} NaN or infinite values")
    return Dataset(X=X, y=y.astype(np.int64), name=path.stem, image_shape=None, classes=OUTLIER_CLASSES,
                   meta={"files": [str(path)]})


def load_kddcup99(*, data_dir=None):
    """KDD Cup 1999 10 %: ``X`` float64 (494021, 121), ``y`` = 1 for 'normal.' rows.

    ``meta`` holds ``feature_names`` (``"service=http"`` for indicators) and ``attack``, the
    raw label of each row without its final dot ("normal", "smurf", ...). The protocol of
    DAGMM, ALAD and RCGAN (§5.3): the seven symbolic columns one-hot encoded (121 columns,
    ALAD's order), the 'normal.' rows (about 20 %) the anomaly class; unscaled.

    Parameters
    ----------
    data_dir : str, path or None, default=None
        The data folder; None: ``$GANAD_DATA``, else the user cache
        (:func:`~ganad.data.data_dir`).

    Returns
    -------
    dataset : Dataset
        ``X`` float64 of shape (494021, 121), ``y`` int64 with 1 for 'normal.' traffic,
        ``classes = ("attack", "normal")``, ``image_shape = None``.

    Raises
    ------
    FileNotFoundError
        If ``kddcup99/kddcup.data_10_percent.gz`` is missing; the message says how to
        obtain it.
    ValueError
        If the file is not gzip, not ASCII, holds no records, or holds a record whose field
        count is not 42 or whose numeric field is not a number; the message names the file
        (and the record).

    References
    ----------
    Zong et al., "Deep autoencoding Gaussian mixture model for unsupervised anomaly
    detection", ICLR 2018 (the KDDCUP setting); Yang, Bozchalooi & Darve, "Regularized cycle
    consistent generative adversarial network for anomaly detection", ECAI 2020, §5.3.

    Examples
    --------
    Without the file, the loader says how to get it (``ganad data fetch kddcup99``):

    >>> from ganad.data import load_kddcup99
    >>> load_kddcup99(data_dir="no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: data file not found: no/such/folder/kddcup99/kddcup.data_10_percent.gz ...
    """
    path = require_file(resolve_data_dir(data_dir), _KDD_FILE, how_to_get("kddcup99"))
    numbers, words = _read_kdd_fields(path)
    columns = {KDD_COLUMNS[i]: numbers[:, k] for k, i in enumerate(_KDD_NUMERIC_COLUMNS)}
    columns.update({c: words[:, k] for k, c in enumerate(_KDD_STRINGS)})
    blocks = [numbers[:, [k for k, i in enumerate(_KDD_NUMERIC_COLUMNS) if KDD_COLUMNS[i] not in KDD_SYMBOLIC]]]
    names = [c for c in KDD_COLUMNS if c not in KDD_SYMBOLIC]
    for column in KDD_SYMBOLIC:
        categories, codes = np.unique(columns[column], return_inverse=True)  # sorted categories
        indicators = np.zeros((len(codes), len(categories)))
        indicators[np.arange(len(codes)), codes] = 1.0
        blocks.append(indicators)
        names += [f"{column}={c:g}" if column not in _KDD_STRINGS else f"{column}={c}"
                  for c in categories]
    attack = np.char.rstrip(words[:, -1], ".")
    return Dataset(X=np.hstack(blocks), y=(attack == "normal").astype(np.int64), name="kddcup99",
                   image_shape=None, classes=KDD_CLASSES,
                   meta={"feature_names": names, "attack": attack, "files": [str(path)]})


def _read_kdd_fields(path):
    """The numeric fields (float64) and the symbolic ones with the label (str) of every connection record in
    ``path``; a file that is not gzip, not ASCII, empty, or with a record of another length is a ValueError naming
    it (and the record)."""
    try:
        text = read_gunzipped(path).decode("ascii")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not the ASCII connection records of KDD Cup 1999 ({error})") from None
    records = [line for line in text.splitlines() if line.strip()]
    if not records:
        raise ValueError(f"{path}: holds no connection records")
    n_fields = len(KDD_COLUMNS) + 1  # the features and the label
    for number, record in enumerate(records, start=1):
        if record.count(",") != n_fields - 1:
            raise ValueError(f"{path}: record {number} has {record.count(',') + 1} comma-separated fields, "
                             f"a KDD Cup 1999 record has {n_fields}: {record[:80]!r}")
    try:
        numbers = np.loadtxt(records, delimiter=",", usecols=_KDD_NUMERIC_COLUMNS, dtype=np.float64, ndmin=2)
    except ValueError as error:
        raise ValueError(f"{path}: a numeric field is not a number ({error})") from None
    words = np.loadtxt(records, delimiter=",", usecols=[*_KDD_STRING_COLUMNS, len(KDD_COLUMNS)], dtype=str, ndmin=2)
    return numbers, words


def scale_on_train(X_train, *X_others, kind="minmax"):
    """Scale ``X_train`` and every other array with statistics fitted on ``X_train`` only.

    ``kind`` is ``"minmax"`` (training range mapped to [-1, 1]), ``"minmax01"`` (to [0, 1]) or
    ``"standard"`` (z-score); see :func:`ganad.utils.scaling.fit_scaler`. Returns a tuple of
    the scaled arrays.

    Parameters
    ----------
    X_train : array-like of shape (n_train, n_features)
        The rows the statistics are fitted on.
    *X_others : array-like of shape (n, n_features)
        Further arrays scaled with the same statistics (test rows may leave the range).
    kind : {"minmax", "minmax01", "standard"}, default="minmax"
        The scaling.

    Returns
    -------
    scaled : tuple of ndarray, float64
        ``X_train`` then each of ``X_others``, scaled.

    Examples
    --------
    >>> from ganad.data import scale_on_train
    >>> train, test = scale_on_train(np.array([[0.0], [2.0]]), np.array([[1.0], [4.0]]))
    >>> train.ravel(), test.ravel()
    (array([-1.,  1.]), array([0., 3.]))
    """
    if kind not in SCALINGS:
        raise ValueError(f"kind must be one of {SCALINGS}, got {kind!r}")
    scaler = fit_scaler(np.asarray(X_train, dtype=np.float64), kind)
    return tuple(apply_scaler(np.asarray(X, dtype=np.float64), scaler)
                 for X in (X_train, *X_others))


def _read_mat_xy(path):
    """``(X float64, y as stored)`` of an ODDS ``.mat`` file; an unreadable file is a ValueError naming it."""
    import scipy.io  # loaded with the first .mat file: the command line's help must stay light

    try:
        return _mat_xy(path)
    except (ValueError, TypeError, OSError, EOFError, scipy.io.matlab.MatReadError) as error:
        raise ValueError(f"{path}: cannot read as an ODDS .mat file ({error})") from None


def _mat_xy(path):
    import scipy.io

    source = io.BytesIO(read_bytes(path))
    if scipy.io.matlab.matfile_version(source)[0] == _MAT_V73:
        try:
            import h5py
        except ImportError as err:
            raise ImportError(f"{path} is a MATLAB 7.3 (HDF5) file; reading it needs h5py: "
                              "pip install h5py") from err
        with h5py.File(source, "r") as f:  # MATLAB stores arrays column-major: transpose
            _check_variables(f.keys())
            X, y = np.asarray(f["X"], dtype=np.float64).T, np.asarray(f["y"]).T
        return X, _label_vector(y)
    source.seek(0)
    mat = scipy.io.loadmat(source)
    _check_variables(mat.keys())
    return np.asarray(mat["X"], dtype=np.float64), _label_vector(mat["y"])


def _check_variables(names):
    """The .mat file's variables must include X and y (an HDF5 one raised a bare KeyError naming no file)."""
    if "X" not in names or "y" not in names:
        raise ValueError(f"expected variables 'X' and 'y', found {sorted(k for k in names if not k.startswith('__'))}")


def _label_vector(y):
    """ODDS' y, a column (n, 1) or a row (1, n), as a vector; another shape (one-hot, (2, 2)) is refused."""
    y = np.asarray(y)
    if y.ndim > 2 or (y.ndim == 2 and 1 not in y.shape):
        raise ValueError(f"expected y as a vector of labels, got shape {y.shape}")
    return y.ravel()
