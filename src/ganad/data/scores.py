"""Writing anomaly scores: a CSV, or a Parquet file when the path ends in ``.parquet``.

Columns ``anomaly_score`` (float64, higher = more anomalous), ``label`` (integers) when
labels are given, then any extra named columns declared by the caller (floats, integers or
text), one row per sample, written by :class:`ScoreWriter` chunk after chunk or by
:func:`write_scores_csv` at once; the file appears only once complete.

``ganad score --explain K`` adds the extra columns ``top1_feature, top1_contribution, ...,
topK_feature, topK_contribution``: each row's K features with the largest contributions to
its score (``detector.explain``), largest first; :func:`top_contributions` picks them,
:func:`top_contribution_columns` declares them and :func:`named_top_contributions` names them.
"""

import contextlib
from pathlib import Path

import numpy as np

from ..utils.atomic import atomic_path
from .parquet import parquet_score_sink, pyarrow_modules

SCORE_COLUMNS = ("anomaly_score", "label")
# The types an extra column may have, by numpy kind: float64, int64 or text.
COLUMN_TYPES = {"f": np.dtype(np.float64), "i": np.dtype(np.int64), "U": np.dtype(np.str_)}


class ScoreWriter:
    """Context manager writing anomaly scores: the column names once, then chunk after chunk.

    ``with ScoreWriter(path, with_labels=True) as writer: writer.write(scores, labels)``.
    Columns ``anomaly_score`` (float64), with labels ``label`` (integers), then the extra
    ``columns``, a mapping of name to type (``float``, ``int`` or ``str``, written as
    float64, int64 or text) whose values every :meth:`write` gives. A ``path`` ending in
    ``.parquet`` gets a Parquet file (one row group per :meth:`write`; needs pyarrow, checked
    here), any other a CSV (a text cell holding a comma, a quote or a line break is quoted
    as RFC 4180 does). The rows go to a temporary file beside ``path`` that replaces
    ``path`` when the block ends without an exception; otherwise it is removed and ``path``
    is left as it was. Reading the scores back gives the same float64 values (a CSV holds
    Python's shortest round-trip ``repr``).

    Parameters
    ----------
    path : str or path
        The file to write; ``.parquet`` gives a Parquet file, any other suffix a CSV.
    with_labels : bool, default=False
        Whether every :meth:`write` gives labels, written as the column ``label``.
    columns : dict or None, default=None
        Extra columns after the scores: name -> ``float``, ``int`` or ``str``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ganad.data import ScoreWriter
    >>> path = pathlib.Path(tempfile.mkdtemp(), "scores.csv")
    >>> with ScoreWriter(path, with_labels=True) as writer:
    ...     writer.write([0.5, 2.0], labels=[0, 1])
    ...     writer.write([0.25], labels=[0])
    >>> print(path.read_text(), end="")
    anomaly_score,label
    0.5,0
    2.0,1
    0.25,0
    """

    def __init__(self, path, *, with_labels=False, columns=None):
        self.path = Path(path)
        self.with_labels = with_labels
        self.columns = _column_types(columns or {})
        self._parquet = self.path.suffix.lower() == ".parquet"
        if self._parquet:
            pyarrow_modules("writing scores to .parquet")
        self._write_rows = None
        self._stack = None

    def __enter__(self):
        names = SCORE_COLUMNS if self.with_labels else SCORE_COLUMNS[:1]
        columns = {**{name: COLUMN_TYPES["f" if name == "anomaly_score" else "i"] for name in names}, **self.columns}
        sink = parquet_score_sink if self._parquet else _csv_score_sink
        with contextlib.ExitStack() as stack:
            tmp = stack.enter_context(atomic_path(self.path))
            self._write_rows = stack.enter_context(sink(tmp, columns))
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info):
        self._write_rows = None
        return self._stack.__exit__(*exc_info)

    def write(self, scores, labels=None, columns=None):
        """Append one row per score, with its label when the writer has labels and the values of
        the extra columns (``columns``: name -> 1-D values, one per score) when it has any."""
        if self._write_rows is None:
            raise RuntimeError("ScoreWriter.write must be called inside its `with` block")
        scores = np.asarray(scores, dtype=np.float64)
        if scores.ndim != 1:
            raise ValueError(f"scores must be 1-D, got shape {scores.shape}")
        if (labels is not None) != self.with_labels:
            raise ValueError("labels must be given exactly when the writer has with_labels=True")
        columns = columns or {}
        if set(columns) != set(self.columns):
            raise ValueError(f"columns must be exactly the writer's extra columns {list(self.columns)}, "
                             f"got {list(columns)}")
        arrays = [scores] if labels is None else [scores, _integers(labels, len(scores), "labels")]
        arrays += [_column(columns[name], dtype, len(scores), name) for name, dtype in self.columns.items()]
        self._write_rows(*arrays)


def write_scores_csv(path, scores, labels=None):
    """Write ``scores`` (and ``labels``) with columns ``anomaly_score[,label]``.

    A CSV, or a Parquet file when ``path`` ends in ``.parquet`` (:class:`ScoreWriter`).

    Parameters
    ----------
    path : str or path
        The file to write; it appears only once complete.
    scores : array-like of shape (n_samples,)
        Anomaly scores, higher = more anomalous.
    labels : array-like of shape (n_samples,) or None, default=None
        Integer labels, written as the column ``label`` when given.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ganad.data import write_scores_csv
    >>> path = pathlib.Path(tempfile.mkdtemp(), "scores.csv")
    >>> write_scores_csv(path, [0.5, 2.0])
    >>> print(path.read_text(), end="")
    anomaly_score
    0.5
    2.0
    """
    with ScoreWriter(path, with_labels=labels is not None) as writer:
        writer.write(scores, labels)


def top_contributions(contributions, k):
    """Each row's ``k`` largest contributions, largest first (ties: the lower feature index).

    ``contributions`` (n_samples, n_features) -> ``(features, values)``, both (n_samples, k):
    the 0-based feature indices (int64) and their contributions (float64).
    """
    contributions = np.asarray(contributions, dtype=np.float64)
    if contributions.ndim != 2 or not 0 <= k <= contributions.shape[1]:
        raise ValueError(f"k must be from 0 to the number of features, got {k} for shape {contributions.shape}")
    features = np.argsort(-contributions, axis=1, kind="stable")[:, :k]  # (n, k)
    return features, np.take_along_axis(contributions, features, axis=1)


def top_contribution_columns(k):
    """The extra columns of :func:`named_top_contributions` and their types, for :class:`ScoreWriter`:
    ``top1_feature`` (text), ``top1_contribution`` (float), ..., ``topK_contribution``."""
    return {name: kind for rank in range(1, k + 1)
            for name, kind in ((f"top{rank}_feature", str), (f"top{rank}_contribution", float))}


def named_top_contributions(features, values, feature_names):
    """The :func:`top_contribution_columns` of the output of :func:`top_contributions`: each
    ``top{r}_feature`` holds ``feature_names[features[:, r - 1]]``, each ``top{r}_contribution``
    ``values[:, r - 1]``."""
    names = np.asarray(feature_names, dtype=np.str_)
    columns = {}
    for rank in range(1, features.shape[1] + 1):
        columns[f"top{rank}_feature"] = names[features[:, rank - 1]]
        columns[f"top{rank}_contribution"] = values[:, rank - 1]
    return columns


@contextlib.contextmanager
def _csv_score_sink(path, columns):
    """A function appending CSV rows of ``columns`` (name -> dtype) to a header line of their names."""
    formats = [_CSV_CELLS[dtype.kind] for dtype in columns.values()]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(columns) + "\n")
        yield lambda *arrays: handle.write(_csv_lines(arrays, formats))


def _csv_lines(arrays, formats):
    """The CSV lines of the columns ``arrays``, each cell written by its column's format."""
    if len(arrays) == 1:  # the common case, a score per line, without the per-row join
        return "".join(f"{score!r}\n" for score in arrays[0].tolist())
    cells = [list(map(cell, array.tolist())) for array, cell in zip(arrays, formats)]
    return "".join(",".join(row) + "\n" for row in zip(*cells))


def _text_cell(text):
    """``text`` as a CSV cell, quoted (with quotes doubled) where it holds a comma, quote or line break."""
    if any(special in text for special in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


_CSV_CELLS = {"f": repr, "i": str, "U": _text_cell}  # float64 as its shortest round-trip repr


def _column_types(columns):
    """``columns`` (name -> type) with each type as its float64, int64 or text dtype; names checked."""
    types = {}
    for name, kind in columns.items():
        if name in SCORE_COLUMNS or not isinstance(name, str) or not name:
            raise ValueError(f"an extra column needs a non-empty name other than {SCORE_COLUMNS}, got {name!r}")
        dtype = np.dtype(kind)
        if dtype.kind not in COLUMN_TYPES:
            raise ValueError(f"column {name!r}: type {kind!r} is not float, int or str")
        types[name] = COLUMN_TYPES[dtype.kind]
    return types


def _column(values, dtype, n_rows, name):
    """The values of column ``name`` as a 1-D array of ``n_rows`` values of ``dtype``."""
    if dtype.kind == "i":
        return _integers(values, n_rows, name)
    values = np.asarray(values).astype(dtype)
    if values.shape != (n_rows,):
        raise ValueError(f"{name} have shape {values.shape}, expected ({n_rows},)")
    return values


def _integers(values, n_rows, name):
    """``values`` as an int64 array of ``n_rows`` values; ``ValueError`` unless integral."""
    values = np.asarray(values)
    if values.shape != (n_rows,):
        raise ValueError(f"{name} have shape {values.shape}, expected ({n_rows},)")
    integral = values.dtype.kind in "biu" or (
        values.dtype.kind == "f" and np.array_equal(values, np.floor(values)))
    if not integral:
        raise ValueError(f"{name} must be integers")
    return values.astype(np.int64)
