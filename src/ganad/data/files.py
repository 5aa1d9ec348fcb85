"""Reading the user's data and writing anomaly scores, for the command line.

Inputs are ``.csv`` (comma-delimited, optional header line), ``.npy`` or ``.npz``; every array
comes back as a 2-D float64 array of shape ``(n_samples, n_features)``, a 1-D array becoming a
single column. :func:`iter_array_chunks` streams a CSV or ``.npy`` without loading it whole.
Scores are written as CSV with an ``anomaly_score`` column (and ``label`` when labels are
given), one row per sample, by :class:`ScoreWriter` or :func:`write_scores_csv`.
"""

import itertools
from pathlib import Path

import numpy as np

SUPPORTED_SUFFIXES = (".csv", ".npy", ".npz")
_NPZ_KEYS = ("X", "data")


def read_array(path):
    """Read a whole ``.csv``, ``.npy`` or ``.npz`` file as a 2-D float64 array.

    A CSV header is detected, and skipped, when its first non-blank line holds a cell that is
    not a number. From an ``.npz`` the single array is taken, or the one named ``X`` or
    ``data`` when there are several.
    """
    path, suffix = _check_path(path)
    if suffix == ".csv":
        blocks = list(_iter_csv(path, chunk_rows=None))
        if not blocks:
            raise ValueError(f"{path}: no data rows")
        return blocks[0]
    if suffix == ".npy":
        return _as_float_2d(_load_npy(path, mmap_mode=None), path)
    return _as_float_2d(_load_npz(path), path)


def iter_array_chunks(path, chunk_rows):
    """Yield consecutive 2-D float64 blocks of at most ``chunk_rows`` rows of a data file.

    A CSV is read ``chunk_rows`` lines at a time and a ``.npy`` is memory-mapped, so neither is
    loaded whole; an ``.npz`` is compressed and is loaded whole, then sliced. Concatenating the
    blocks gives :func:`read_array`. The path and ``chunk_rows`` are checked at the call.
    """
    path, suffix = _check_path(path)
    is_integer = isinstance(chunk_rows, (int, np.integer)) and not isinstance(chunk_rows, bool)
    if not is_integer or chunk_rows < 1:
        raise ValueError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    if suffix == ".csv":
        return _iter_csv(path, chunk_rows)
    data = _load_npy(path, mmap_mode="r") if suffix == ".npy" else _load_npz(path)
    _check_array(data, path)  # a memory map's dtype and shape are read without loading it
    return (_as_float_2d(data[start:start + chunk_rows], path)
            for start in range(0, len(data), chunk_rows))


class ScoreWriter:
    """Context manager writing anomaly scores to CSV: the header once, then chunk after chunk.

    ``with ScoreWriter(path, with_labels=True) as writer: writer.write(scores, labels)``.
    Scores are written with Python's shortest round-trip ``repr``, so reading them back
    gives the same float64 values.
    """

    def __init__(self, path, *, with_labels=False):
        self.path = Path(path)
        self.with_labels = with_labels
        self._handle = None

    def __enter__(self):
        self._handle = open(self.path, "w", encoding="utf-8", newline="")
        self._handle.write("anomaly_score,label\n" if self.with_labels else "anomaly_score\n")
        return self

    def __exit__(self, *exc_info):
        self._handle.close()
        self._handle = None

    def write(self, scores, labels=None):
        """Append one row per score (with its label when the writer has labels)."""
        if self._handle is None:
            raise RuntimeError("ScoreWriter.write must be called inside its `with` block")
        scores = np.asarray(scores, dtype=np.float64)
        if scores.ndim != 1:
            raise ValueError(f"scores must be 1-D, got shape {scores.shape}")
        if (labels is not None) != self.with_labels:
            raise ValueError("labels must be given exactly when the writer has with_labels=True")
        if labels is None:
            rows = [f"{score!r}\n" for score in scores.tolist()]
        else:
            labels = _check_labels(labels, len(scores))
            rows = [f"{score!r},{label}\n" for score, label in zip(scores.tolist(), labels)]
        self._handle.write("".join(rows))


def write_scores_csv(path, scores, labels=None):
    """Write ``scores`` (and ``labels``) to a CSV with header ``anomaly_score[,label]``."""
    with ScoreWriter(path, with_labels=labels is not None) as writer:
        writer.write(scores, labels)


def _check_path(path):
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such data file: {path}")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError(f"{path}: unsupported file type {suffix!r}; "
                         f"use one of {', '.join(SUPPORTED_SUFFIXES)}")
    return path, suffix


def _load_npy(path, mmap_mode):
    try:
        return np.load(path, mmap_mode=mmap_mode, allow_pickle=False)
    except ValueError as error:
        raise ValueError(f"{path}: cannot read as a numeric .npy array ({error})") from None


def _load_npz(path):
    with np.load(path, allow_pickle=False) as archive:
        keys = archive.files
        if len(keys) == 1:
            return archive[keys[0]]
        for key in _NPZ_KEYS:
            if key in keys:
                return archive[key]
    raise ValueError(f"{path}: holds arrays {keys}; expected a single array or one named "
                     f"{' or '.join(_NPZ_KEYS)}")


def _check_array(array, path):
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{path}: array of dtype {array.dtype} is not numeric")
    if array.ndim not in (1, 2):
        raise ValueError(f"{path}: expected a 1-D or 2-D array, got shape {array.shape}")


def _as_float_2d(array, path):
    _check_array(array, path)
    array = np.asarray(array, dtype=np.float64)
    return array.reshape(-1, 1) if array.ndim == 1 else array


def _iter_csv(path, chunk_rows):
    """Yield float64 blocks of ``chunk_rows`` lines (all lines when ``None``) of a CSV."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        numbered = _skip_header(enumerate(handle, start=1))
        n_columns = None
        while chunk := list(itertools.islice(numbered, chunk_rows)):
            chunk = [(number, line) for number, line in chunk if _content(line)]
            if not chunk:
                continue
            block = _parse_csv_lines(chunk, path)
            if n_columns is not None and block.shape[1] != n_columns:
                raise ValueError(f"{path}: the rows from line {chunk[0][0]} have "
                                 f"{block.shape[1]} columns, expected {n_columns}")
            n_columns = block.shape[1]
            yield block


def _skip_header(numbered):
    """Drop leading blank lines and the header line, if the first row is not all numbers."""
    for number, line in numbered:
        if not _content(line):
            continue
        cells = [cell.strip() for cell in _content(line).split(",")]
        if all(_is_number(cell) for cell in cells if cell):
            return itertools.chain([(number, line)], numbered)
        return numbered
    return iter(())


def _parse_csv_lines(chunk, path):
    try:
        return np.loadtxt([line for _, line in chunk], delimiter=",", ndmin=2, dtype=np.float64)
    except ValueError as error:
        raise ValueError(_describe_bad_row(chunk, path, error)) from None


def _describe_bad_row(chunk, path, error):
    """Name the file line of the first non-numeric cell or ragged row in ``chunk``."""
    width = None
    for number, line in chunk:
        cells = [cell.strip() for cell in _content(line).split(",")]
        bad = [cell for cell in cells if not _is_number(cell)]
        if bad:
            return f"{path}: non-numeric cell {bad[0]!r} in the row at line {number}"
        if width is not None and len(cells) != width:
            return f"{path}: the row at line {number} has {len(cells)} columns, expected {width}"
        width = len(cells)
    return f"{path}: {error}"


def _content(line):
    """``line`` without its ``#`` comment and surrounding whitespace (``np.loadtxt`` rules)."""
    return line.split("#", 1)[0].strip()


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _check_labels(labels, n_scores):
    labels = np.asarray(labels)
    if labels.shape != (n_scores,):
        raise ValueError(f"labels have shape {labels.shape}, expected ({n_scores},)")
    integral = labels.dtype.kind in "biu" or (
        labels.dtype.kind == "f" and np.array_equal(labels, np.floor(labels)))
    if not integral:
        raise ValueError("labels must be integers")
    return labels.astype(np.int64).tolist()
