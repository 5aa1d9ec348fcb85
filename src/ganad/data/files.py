"""Reading the user's data and writing anomaly scores, for the command line.

Inputs are ``.csv`` (comma-delimited, optional header line), ``.npy`` or ``.npz``; every array
comes back as a 2-D float64 array of shape ``(n_samples, n_features)``, a 1-D array becoming a
single column. :func:`iter_array_chunks` streams a CSV or ``.npy`` without loading it whole.
Scores are written as CSV with an ``anomaly_score`` column (and ``label`` when labels are
given), one row per sample, by :class:`ScoreWriter` or :func:`write_scores_csv`; the file
appears only once complete.

CSV header (``header="auto"``). The first non-blank line is a header when

1. one of its cells is not a number (``a,b,c``, ``x1,2,c``),
2. its cells, after an empty first cell if any, read as column labels -- non-negative
   integers written with digits only, strictly increasing (``0,1,2``, ``3,5,7``), what pandas
   writes for integer column names -- and either the first cell is empty (``,0,1,2``: pandas'
   unnamed index; no data row has an empty cell) or one of the next 100 non-blank lines holds
   a number not written as an integer (``0.5``, ``1e-3``, ``nan``): the types differ, or
3. ``columns`` (the expected names) are given and the line holds exactly these names, in
   any order.

When it reads as the labels ``0,1,...,n-1`` and the next 100 lines hold integers only, a
header cannot be told from data and :class:`ValueError` asks for ``header="yes"`` or
``"no"``: guessing either way would shift every row after it. Any other first line is data.

Index column. A header whose first cell is empty or ``Unnamed: 0`` above a first column of
integers (digits only, in the first 100 rows) is a row index written by pandas' ``to_csv``,
not a feature: ``index_column="refuse"`` (the default) raises :class:`ValueError`, ``"drop"``
removes that column, ``"keep"`` reads it as a feature.

Column names. :func:`column_names` gives a CSV header's names. Given ``columns``,
:func:`read_array` and :func:`iter_array_chunks` return a CSV with a header in that column
order, matched by name, and refuse a header that lacks one of them or has others; a file
without names (no header, ``.npy``, ``.npz``) is read as it is.
"""

import collections
import contextlib
import csv
import itertools
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..utils.atomic import atomic_path

SUPPORTED_SUFFIXES = (".csv", ".npy", ".npz")
HEADER_CHOICES = ("auto", "yes", "no")
INDEX_COLUMN_CHOICES = ("refuse", "drop", "keep")
_NPZ_KEYS = ("X", "data")
_SNIFF_LINES = 100  # data lines after the first line that header and index detection look at
_DIGITS = re.compile(r"\d+")
_INTEGER = re.compile(r"[+-]?\d+")
_INDEX_NAMES = ("", "Unnamed: 0")


def read_array(path, *, header="auto", index_column="refuse", columns=None):
    """Read a whole ``.csv``, ``.npy`` or ``.npz`` file as a 2-D float64 array.

    ``header`` (``"auto"``, ``"yes"``, ``"no"``), ``index_column`` (``"refuse"``, ``"drop"``,
    ``"keep"``) and ``columns`` (expected names, in order) apply to a CSV, as the module
    docstring says. From an ``.npz`` the single array is taken, or the one named ``X`` or
    ``data`` when there are several.
    """
    path, suffix = _check_path(path)
    if suffix == ".csv":
        blocks = list(_iter_csv(path, None, _csv_layout(path, header, index_column, columns)))
        if not blocks:
            raise ValueError(f"{path}: no data rows")
        return blocks[0]
    if suffix == ".npy":
        return _as_float_2d(_load_npy(path, mmap_mode=None), path)
    return _as_float_2d(_load_npz(path), path)


def iter_array_chunks(path, chunk_rows, *, header="auto", index_column="refuse", columns=None):
    """Yield consecutive 2-D float64 blocks of at most ``chunk_rows`` rows of a data file.

    A CSV is read ``chunk_rows`` lines at a time and a ``.npy`` is memory-mapped, so neither is
    loaded whole; an ``.npz`` is compressed and is loaded whole, then sliced. Concatenating the
    blocks gives :func:`read_array` with the same keywords. The path, ``chunk_rows`` and the
    CSV's header are checked at the call.
    """
    path, suffix = _check_path(path)
    is_integer = isinstance(chunk_rows, (int, np.integer)) and not isinstance(chunk_rows, bool)
    if not is_integer or chunk_rows < 1:
        raise ValueError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    if suffix == ".csv":
        return _iter_csv(path, chunk_rows, _csv_layout(path, header, index_column, columns))
    data = _load_npy(path, mmap_mode="r") if suffix == ".npy" else _load_npz(path)
    _check_array(data, path)  # a memory map's dtype and shape are read without loading it
    return (_as_float_2d(data[start:start + chunk_rows], path)
            for start in range(0, len(data), chunk_rows))


def column_names(path, *, header="auto", index_column="refuse"):
    """The column names of a CSV's header line as a tuple of str, else None.

    None for a CSV without a header and for ``.npy`` and ``.npz``. A dropped index column
    has no name in the tuple; a kept one is named as in the file (``""`` or ``Unnamed: 0``).
    """
    path, suffix = _check_path(path)
    return _csv_layout(path, header, index_column, None).names if suffix == ".csv" else None


class ScoreWriter:
    """Context manager writing anomaly scores to CSV: the header once, then chunk after chunk.

    ``with ScoreWriter(path, with_labels=True) as writer: writer.write(scores, labels)``.
    The rows go to a temporary file beside ``path`` that replaces ``path`` when the block
    ends without an exception; otherwise it is removed and ``path`` is left as it was.
    Scores are written with Python's shortest round-trip ``repr``, so reading them back
    gives the same float64 values.
    """

    def __init__(self, path, *, with_labels=False):
        self.path = Path(path)
        self.with_labels = with_labels
        self._handle = None
        self._stack = None

    def __enter__(self):
        with contextlib.ExitStack() as stack:
            tmp = stack.enter_context(atomic_path(self.path))
            self._handle = stack.enter_context(open(tmp, "w", encoding="utf-8", newline=""))
            self._handle.write("anomaly_score,label\n" if self.with_labels else "anomaly_score\n")
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info):
        self._handle = None
        return self._stack.__exit__(*exc_info)

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


def check_output(output, inputs, *, folder=False):
    """Refuse, before anything is written, an output path that would destroy an input.

    ``output`` must be in an existing folder (else ``FileNotFoundError``) and must not be
    one of the ``inputs`` files -- by path, symlink or hard link (``os.path.samefile``) --
    else ``ValueError``. An output file (``folder=False``) must not be a folder; an output
    folder (``folder=True``, replaced as a whole) must not hold an input.
    """
    output = Path(output)
    if not output.parent.is_dir():
        raise FileNotFoundError(f"cannot write {output}: no such folder {output.parent}")
    if not folder and output.is_dir():
        raise ValueError(f"cannot write {output}: it is a folder; give a file path")
    for source in map(Path, inputs):
        if source.exists() and output.exists() and os.path.samefile(output, source):
            raise ValueError(f"the output {output} is the input {source} (the same file); "
                             "ganad never writes over its input: choose another output path")
        if folder and source.exists() and Path(os.path.realpath(source)).is_relative_to(os.path.realpath(output)):
            raise ValueError(f"the output folder {output} holds the input {source} and would be "
                             "replaced: choose another output path")


@contextlib.contextmanager
def plain_array_scoring():
    """Silence scikit-learn's warning that an array has no feature names.

    A model fitted with column names warns when it scores a plain array; the command line
    matches the columns by name itself (``columns=`` of the readers), then passes arrays.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="X does not have valid feature names", category=UserWarning)
        yield


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


@dataclass(frozen=True)
class _CsvLayout:
    """How to read a CSV's rows: after the header line (if any), the ``select`` columns."""

    has_header: bool
    names: tuple | None = None  # the header's names of the columns returned
    n_header_cells: int | None = None
    select: list | None = None  # column indices to return, in order; None: all as they are


def _csv_layout(path, header, index_column, columns):
    """Sniff the first lines of the CSV ``path`` into a :class:`_CsvLayout`."""
    _check_choice("header", header, HEADER_CHOICES)
    _check_choice("index_column", index_column, INDEX_COLUMN_CHOICES)
    lines = _first_lines(path, _SNIFF_LINES + 1)
    if not lines or not _has_header(lines[0], lines[1:], header, columns, path):
        return _CsvLayout(has_header=False)
    names = [name.strip() for name in next(csv.reader([lines[0]]))]
    select = list(range(len(names)))
    if _has_index_column(names, lines[1:]):
        if index_column == "refuse":
            raise ValueError(f"{path}: the first column looks like a row index written by pandas "
                             f"(header cell {names[0]!r} above integers 0, 1, ...), not a feature; "
                             "index_column 'drop' ignores it, 'keep' makes it a feature "
                             "(ganad: --index-column drop|keep)")
        if index_column == "drop":
            select = select[1:]
    if columns is not None:
        select = [select[i] for i in _column_order([names[i] for i in select], list(columns), path)]
    identity = select == list(range(len(names)))
    return _CsvLayout(True, tuple(names[i] for i in select), len(names), None if identity else select)


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def _first_lines(path, n_lines):
    """The contents of the first ``n_lines`` non-blank lines of ``path``."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(itertools.islice(filter(None, map(_content, handle)), n_lines))


def _has_header(first, following, header, columns, path):
    """Whether the line ``first`` is a header (the module docstring's rule for "auto")."""
    if header != "auto":
        return header == "yes"
    cells = _cells(first)
    if any(cell and not _is_number(cell) for cell in cells):
        return True
    if columns is not None and sorted(cells) == sorted(columns):
        return True
    labels = cells[1:] if cells[0] == "" else cells
    if not _are_labels(labels):
        return False
    if cells[0] == "" or any(_is_number(cell) and not _INTEGER.fullmatch(cell)
                             for line in following for cell in _cells(line)):
        return True
    if labels == [str(i) for i in range(len(labels))]:
        raise ValueError(f"{path}: cannot tell whether the first line {first!r} is a header (the "
                         "column labels 0, 1, ...) or data (the next lines hold integers too); "
                         "say which: header 'yes' or 'no' (ganad: --header yes|no)")
    return False


def _are_labels(cells):
    """Non-negative integers written with digits only, strictly increasing."""
    if not cells or not all(_DIGITS.fullmatch(cell) for cell in cells):
        return False
    values = [int(cell) for cell in cells]
    return all(a < b for a, b in zip(values, values[1:]))


def _has_index_column(names, following):
    """A first header cell of pandas' unnamed index above digits-only cells."""
    return names[0] in _INDEX_NAMES and bool(following) and all(
        _DIGITS.fullmatch(_cells(line)[0]) for line in following)


def _column_order(found, expected, path):
    """Indices into ``found`` (the file's names) giving the ``expected`` names in order."""
    position = {name: i for i, name in enumerate(found)}
    if len(position) < len(found):
        repeated = sorted(name for name, n in collections.Counter(found).items() if n > 1)
        raise ValueError(f"{path}: the header repeats the column name(s) {_few(repeated)}; "
                         "columns cannot be matched by name")
    missing = [name for name in expected if name not in position]
    unknown = sorted(set(found) - set(expected), key=position.get)
    if missing or unknown:
        problems = [f"{what} {_few(names)}" for what, names in (("missing", missing), ("not expected", unknown))
                    if names]
        raise ValueError(f"{path}: the header's columns are not the {len(expected)} expected ones "
                         f"(the training file's): {'; '.join(problems)}")
    return [position[name] for name in expected]


def _few(names, shown=5):
    """``names`` for a message: the first ``shown`` of them and how many in all."""
    listed = ", ".join(repr(name) for name in names[:shown])
    return f"[{listed}, ... ({len(names)} in all)]" if len(names) > shown else f"[{listed}]"


def _iter_csv(path, chunk_rows, layout):
    """Yield float64 blocks of ``chunk_rows`` lines (all lines when ``None``) of a CSV."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        numbered = ((number, line) for number, line in enumerate(handle, start=1) if _content(line))
        if layout.has_header:
            next(numbered)
        n_columns = layout.n_header_cells
        while chunk := list(itertools.islice(numbered, chunk_rows)):
            block = _parse_csv_lines(chunk, path)
            if n_columns is not None and block.shape[1] != n_columns:
                raise ValueError(f"{path}: the rows from line {chunk[0][0]} have "
                                 f"{block.shape[1]} columns, expected {n_columns}")
            n_columns = block.shape[1]
            yield block if layout.select is None else block[:, layout.select]


def _parse_csv_lines(chunk, path):
    try:
        return np.loadtxt([line for _, line in chunk], delimiter=",", ndmin=2, dtype=np.float64)
    except ValueError as error:
        raise ValueError(_describe_bad_row(chunk, path, error)) from None


def _describe_bad_row(chunk, path, error):
    """Name the file line of the first non-numeric cell or ragged row in ``chunk``."""
    width = None
    for number, line in chunk:
        cells = _cells(line)
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


def _cells(line):
    """The stripped cells of one CSV line."""
    return [cell.strip() for cell in _content(line).split(",")]


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
