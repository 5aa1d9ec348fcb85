"""Writing anomaly scores: a CSV, or a Parquet file when the path ends in ``.parquet``.

Columns ``anomaly_score`` (float64, higher = more anomalous) and, when labels are given,
``label`` (integers), one row per sample, written by :class:`ScoreWriter` chunk after chunk
or by :func:`write_scores_csv` at once; the file appears only once complete.
"""

import contextlib
from pathlib import Path

import numpy as np

from ..utils.atomic import atomic_path
from .parquet import parquet_score_sink, pyarrow_modules

SCORE_COLUMNS = ("anomaly_score", "label")


class ScoreWriter:
    """Context manager writing anomaly scores: the column names once, then chunk after chunk.

    ``with ScoreWriter(path, with_labels=True) as writer: writer.write(scores, labels)``.
    Columns ``anomaly_score`` (float64) and, with labels, ``label`` (integers). A ``path``
    ending in ``.parquet`` gets a Parquet file (one row group per :meth:`write`; needs
    pyarrow, checked here), any other a CSV. The rows go to a temporary file beside
    ``path`` that replaces ``path`` when the block ends without an exception; otherwise it
    is removed and ``path`` is left as it was. Reading the scores back gives the same
    float64 values (a CSV holds Python's shortest round-trip ``repr``).
    """

    def __init__(self, path, *, with_labels=False):
        self.path = Path(path)
        self.with_labels = with_labels
        self._parquet = self.path.suffix.lower() == ".parquet"
        if self._parquet:
            pyarrow_modules("writing scores to .parquet")
        self._write_rows = None
        self._stack = None

    def __enter__(self):
        columns = SCORE_COLUMNS if self.with_labels else SCORE_COLUMNS[:1]
        sink = parquet_score_sink if self._parquet else _csv_score_sink
        with contextlib.ExitStack() as stack:
            tmp = stack.enter_context(atomic_path(self.path))
            self._write_rows = stack.enter_context(sink(tmp, columns))
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info):
        self._write_rows = None
        return self._stack.__exit__(*exc_info)

    def write(self, scores, labels=None):
        """Append one row per score (with its label when the writer has labels)."""
        if self._write_rows is None:
            raise RuntimeError("ScoreWriter.write must be called inside its `with` block")
        scores = np.asarray(scores, dtype=np.float64)
        if scores.ndim != 1:
            raise ValueError(f"scores must be 1-D, got shape {scores.shape}")
        if (labels is not None) != self.with_labels:
            raise ValueError("labels must be given exactly when the writer has with_labels=True")
        self._write_rows(*([scores] if labels is None else [scores, _check_labels(labels, len(scores))]))


def write_scores_csv(path, scores, labels=None):
    """Write ``scores`` (and ``labels``) with columns ``anomaly_score[,label]``.

    A CSV, or a Parquet file when ``path`` ends in ``.parquet`` (:class:`ScoreWriter`).
    """
    with ScoreWriter(path, with_labels=labels is not None) as writer:
        writer.write(scores, labels)


@contextlib.contextmanager
def _csv_score_sink(path, columns):
    """A function appending CSV rows of float64 scores (and int64 labels) under ``columns``."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(columns) + "\n")
        yield lambda *arrays: handle.write(_csv_lines(*arrays))


def _csv_lines(scores, labels=None):
    """The CSV lines of ``scores`` (shortest round-trip ``repr``) and ``labels``."""
    if labels is None:
        return "".join(f"{score!r}\n" for score in scores.tolist())
    return "".join(f"{score!r},{label}\n" for score, label in zip(scores.tolist(), labels.tolist()))


def _check_labels(labels, n_scores):
    """``labels`` as an int64 array of ``n_scores`` values; ``ValueError`` unless integral."""
    labels = np.asarray(labels)
    if labels.shape != (n_scores,):
        raise ValueError(f"labels have shape {labels.shape}, expected ({n_scores},)")
    integral = labels.dtype.kind in "biu" or (
        labels.dtype.kind == "f" and np.array_equal(labels, np.floor(labels)))
    if not integral:
        raise ValueError("labels must be integers")
    return labels.astype(np.int64)
