"""Reading the user's data files, and the checks around writing results, for the command line.

Inputs are ``.csv`` (comma-delimited, optional header line), ``.npy``, ``.npz`` or ``.parquet``
(numeric columns; needs pyarrow, ``pip install ganad[parquet]``, see :mod:`ganad.data.parquet`);
every array comes back as a 2-D float64 array of shape ``(n_samples, n_features)``, a 1-D array
becoming a single column. :func:`iter_array_chunks` streams a CSV, ``.npy`` or ``.parquet``
without loading it whole. A cell that is not a number -- text, or a missing (empty or null)
cell -- is refused with the file, row and column named (:func:`ganad.data.columns.cell_error`);
with ``missing="nan"`` a missing cell is read as NaN instead, for a detector that imputes it
(``impute="median"``/``"mean"``; text is still refused). ``.npy`` and ``.npz`` arrays are read
as they are, NaN included. Scores are written by :mod:`ganad.data.scores`.

CSV header (``header="auto"``). The first non-blank line is a header when

1. one of its cells is not a number (``a,b,c``, ``x1,2,c``) and none is a number not written
   as an integer: a line of text and such numbers (``1.5,NA,2``) cannot be told from a data row
   with a missing or text cell, and :class:`ValueError` asks for ``header="yes"`` or ``"no"``,
2. its cells, after an empty first cell if any, read as column labels -- non-negative
   integers written with digits only, strictly increasing (``0,1,2``, ``3,5,7``), what pandas
   writes for integer column names -- and either the first cell is empty (``,0,1,2``: pandas'
   unnamed index; with ``missing="refuse"`` no data row has an empty cell, so with ``"nan"``
   this case falls to the next rule) or one of the next 100 non-blank lines holds
   a number not written as an integer (``0.5``, ``1e-3``, ``nan``): the types differ, or
3. ``columns`` (the expected names) are given, the line holds exactly these names, in any
   order, and one of the next 100 lines holds a number not written as an integer.

When it reads as the labels ``0,1,...,n-1``, or as the expected names (names that read as
numbers, such as pandas' ``0,1,...``), and the next 100 lines hold integers only, a header
cannot be told from data (a headerless first row ``1,0`` would pass for the names reordered)
and :class:`ValueError` asks for ``header="yes"`` or ``"no"``: guessing either way would
shift every row after it. Any other first line is data. A header name cannot hold ``#``,
which starts a comment as in ``np.loadtxt`` (refused, naming the line).

Index column. A header whose first cell is empty or ``Unnamed: 0`` above a first column of
integers (digits only, in the first 100 rows) is a row index written by pandas' ``to_csv``,
not a feature: ``index_column="refuse"`` (the default) raises :class:`ValueError`, ``"drop"``
removes that column, ``"keep"`` reads it as a feature.

Column names. :func:`column_names` gives a CSV header's names, or a Parquet file's column
names (``header`` and ``index_column`` apply to CSV only; a pandas index stored in a Parquet
file is never a feature). Given ``columns``, :func:`read_array` and :func:`iter_array_chunks`
return a CSV with a header, or a Parquet file, in that column order, matched by name, and
refuse a file that lacks one of them or has others; a file without names (no header,
``.npy``, ``.npz``) is read as it is.
"""

import contextlib
import csv
import itertools
import os
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..utils.params import is_count
from .columns import MISSING_CHOICES, cell_error, match_columns, missing_cell_error
from .parquet import iter_parquet, parquet_layout

SUPPORTED_SUFFIXES = (".csv", ".npy", ".npz", ".parquet")
HEADER_CHOICES = ("auto", "yes", "no")
INDEX_COLUMN_CHOICES = ("refuse", "drop", "keep")
_NPZ_KEYS = ("X", "data")
_SNIFF_LINES = 100  # data lines after the first line that header and index detection look at
_DIGITS = re.compile(r"\d+")
_INTEGER = re.compile(r"[+-]?\d+")
_INDEX_NAMES = ("", "Unnamed: 0")
_PARQUET_READ_ROWS = 2**16  # rows per batch when a whole Parquet file is read


def read_array(path, *, header="auto", index_column="refuse", columns=None, missing="refuse"):
    """Read a whole ``.csv``, ``.npy``, ``.npz`` or ``.parquet`` file as a 2-D float64 array.

    ``header`` (``"auto"``, ``"yes"``, ``"no"``) and ``index_column`` (``"refuse"``, ``"drop"``,
    ``"keep"``) apply to a CSV, ``columns`` (expected names, in order) and ``missing``
    (``"refuse"`` or ``"nan"``: a missing cell refused or read as NaN) to a CSV or Parquet
    file, as the module docstring says. From an ``.npz`` the single array is taken, or the
    one named ``X`` or ``data`` when there are several.

    Parameters
    ----------
    path : str or path
        A ``.csv``, ``.npy``, ``.npz`` or ``.parquet`` file (Parquet needs pyarrow).
    header : {"auto", "yes", "no"}, default="auto"
        Whether a CSV's first line names the columns; "auto" decides as the module docstring
        says (``ganad.data.files``).
    index_column : {"refuse", "drop", "keep"}, default="refuse"
        What to do with a pandas row index written as a CSV's first column.
    columns : sequence of str or None, default=None
        The expected column names, in order: a CSV with a header or a Parquet file is
        returned in this order, matched by name, and refused when a name is missing or
        extra; None reads the columns as they are.
    missing : {"refuse", "nan"}, default="refuse"
        A missing cell of a CSV or Parquet file is refused, or read as NaN.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
        A 1-D array becomes a single column.

    Raises
    ------
    ValueError
        If a cell is not a number (file, row and column named), the file has no data rows,
        or the header cannot be told from data.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ganad.data import read_array
    >>> path = pathlib.Path(tempfile.mkdtemp(), "rows.csv")
    >>> _ = path.write_text("a,b\\n1,2\\n3,4.5\\n")
    >>> read_array(path)
    array([[1. , 2. ],
           [3. , 4.5]])
    """
    path, suffix = _check_path(path, missing)
    if suffix in (".csv", ".parquet"):
        chunk_rows = None if suffix == ".csv" else _PARQUET_READ_ROWS
        blocks = list(_iter_named(path, suffix, chunk_rows, header, index_column, columns, missing))
        if not blocks:
            raise ValueError(f"{path}: no data rows")
        return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)
    if suffix == ".npy":
        return _as_float_2d(_load_npy(path, mmap_mode=None), path)
    return _as_float_2d(_load_npz(path), path)


def iter_array_chunks(path, chunk_rows, *, header="auto", index_column="refuse", columns=None, missing="refuse"):
    """Yield consecutive 2-D float64 blocks of at most ``chunk_rows`` rows of a data file.

    A CSV is read ``chunk_rows`` lines at a time, a Parquet file in batches of ``chunk_rows``
    rows (fewer at the end of a row group) and a ``.npy`` is memory-mapped, so none is loaded
    whole; an ``.npz`` is compressed and is loaded whole, then sliced. Concatenating the
    blocks gives :func:`read_array` with the same keywords. The path, ``chunk_rows``, the
    CSV's header and the Parquet file's columns and their types are checked at the call.

    Parameters
    ----------
    path : str or path
        A ``.csv``, ``.npy``, ``.npz`` or ``.parquet`` file.
    chunk_rows : int
        The most rows per block, >= 1.
    header : {"auto", "yes", "no"}, default="auto"
        Whether a CSV's first line names the columns; "auto" decides as the module docstring
        says (``ganad.data.files``).
    index_column : {"refuse", "drop", "keep"}, default="refuse"
        What to do with a pandas row index written as a CSV's first column.
    columns : sequence of str or None, default=None
        The expected column names, in order: a CSV with a header or a Parquet file is
        returned in this order, matched by name, and refused when a name is missing or
        extra; None reads the columns as they are.
    missing : {"refuse", "nan"}, default="refuse"
        A missing cell of a CSV or Parquet file is refused, or read as NaN.

    Yields
    ------
    block : ndarray of shape (<= chunk_rows, n_features), float64
        Consecutive rows of the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ganad.data import iter_array_chunks
    >>> path = pathlib.Path(tempfile.mkdtemp(), "rows.npy")
    >>> np.save(path, np.arange(10.0).reshape(5, 2))
    >>> [block.shape for block in iter_array_chunks(path, 2)]
    [(2, 2), (2, 2), (1, 2)]
    """
    path, suffix = _check_path(path, missing)
    if not is_count(chunk_rows):
        raise ValueError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    if suffix in (".csv", ".parquet"):
        return _iter_named(path, suffix, chunk_rows, header, index_column, columns, missing)
    data = _load_npy(path, mmap_mode="r") if suffix == ".npy" else _load_npz(path)
    _check_array(data, path)  # a memory map's dtype and shape are read without loading it
    return (_as_float_2d(data[start:start + chunk_rows], path)
            for start in range(0, len(data), chunk_rows))


def column_names(path, *, header="auto", index_column="refuse", missing="refuse"):
    """The column names of a CSV's header line or of a Parquet file as a tuple of str, else None.

    None for a CSV without a header and for ``.npy`` and ``.npz``. A dropped index column
    has no name in the tuple; a kept one is named as in the file (``""`` or ``Unnamed: 0``).
    A Parquet file's names leave out a pandas index stored in it. Pass the ``missing`` the
    file is read with: it changes how a CSV's header is told from data (the module docstring).

    Parameters
    ----------
    path : str or path
        A ``.csv``, ``.npy``, ``.npz`` or ``.parquet`` file.
    header : {"auto", "yes", "no"}, default="auto"
        As :func:`read_array`.
    index_column : {"refuse", "drop", "keep"}, default="refuse"
        As :func:`read_array`.
    missing : {"refuse", "nan"}, default="refuse"
        As :func:`read_array`.

    Returns
    -------
    names : tuple of str or None

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ganad.data import column_names
    >>> path = pathlib.Path(tempfile.mkdtemp(), "rows.csv")
    >>> _ = path.write_text("a,b\\n1,2\\n")
    >>> column_names(path)
    ('a', 'b')
    """
    path, suffix = _check_path(path, missing)
    if suffix == ".parquet":
        return parquet_layout(path).names
    return _csv_layout(path, header, index_column, None, missing).names if suffix == ".csv" else None


def _iter_named(path, suffix, chunk_rows, header, index_column, columns, missing):
    """The blocks of a file that may name its columns (CSV, Parquet), layout checked now."""
    if suffix == ".parquet":
        return iter_parquet(path, chunk_rows, parquet_layout(path, columns), missing=missing)
    return _iter_csv(path, chunk_rows, _csv_layout(path, header, index_column, columns, missing))


def check_output(output, inputs, *, folder=False):
    """Refuse, before anything is written, an output path that would destroy an input.

    ``output`` must be in an existing folder (else ``FileNotFoundError``), must be neither a
    symbolic link nor a device, pipe or socket (outputs are written to a temporary file renamed
    over the path, which would replace such an entry with a plain file), and must not be one of
    the ``inputs`` files -- by path, symlink or hard link (``os.path.samefile``) -- else
    ``ValueError``. An output file (``folder=False``) must not be a folder; an output
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
    if output.is_symlink():
        raise ValueError(f"cannot write {output}: it is a symbolic link, which the write would replace; give the "
                         f"path it points to ({os.path.realpath(output)})")
    if output.exists() and not (output.is_file() or output.is_dir()):
        raise ValueError(f"cannot write {output}: it is not a regular file (a device, pipe or socket, which the "
                         "write would replace); give a file path")


@contextlib.contextmanager
def plain_array_scoring():
    """Silence scikit-learn's warning that an array has no feature names.

    A model fitted with column names warns when it scores a plain array; the command line
    matches the columns by name itself (``columns=`` of the readers), then passes arrays.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="X does not have valid feature names", category=UserWarning)
        yield


def _check_path(path, missing):
    """``(path, suffix)`` of a readable data file; the reading option ``missing`` is checked too."""
    _check_choice("missing", missing, MISSING_CHOICES)
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
    try:
        with np.load(path, allow_pickle=False) as archive:
            keys = archive.files
            if len(keys) == 1:
                return archive[keys[0]]
            for key in _NPZ_KEYS:
                if key in keys:
                    return archive[key]
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise ValueError(f"{path}: cannot read as a .npz archive of numeric arrays ({error})") from None
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
    header_names: tuple | None = None  # all the header's names, as in the file
    select: list | None = None  # column indices to return, in order; None: all as they are
    missing: str = "refuse"  # an empty cell refused, or read as NaN ("nan")


def _csv_layout(path, header, index_column, columns, missing="refuse"):
    """Sniff the first lines of the CSV ``path`` into a :class:`_CsvLayout`."""
    _check_choice("header", header, HEADER_CHOICES)
    _check_choice("index_column", index_column, INDEX_COLUMN_CHOICES)
    written = _first_lines(path, _SNIFF_LINES + 1)
    lines = [_content(line) for line in written]
    if not lines or not _has_header(lines[0], lines[1:], header, columns, path, missing):
        return _CsvLayout(has_header=False, missing=missing)
    _check_header_comment(written[0], path)
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
        select = [select[i] for i in match_columns([names[i] for i in select], list(columns), path)]
    identity = select == list(range(len(names)))
    return _CsvLayout(True, tuple(names[i] for i in select), tuple(names), None if identity else select, missing)


def _check_header_comment(line, path):
    """Refuse a header ``line`` (as written) holding ``#``: the comment rule would cut its names short there
    (``sensor#1`` read as ``sensor``, matching another file's ``sensor#2``)."""
    if "#" in line:
        raise ValueError(f"{path}: the header line {line.strip()!r} holds '#', which starts a comment in a CSV "
                         "(as in np.loadtxt), so the names after it would be lost: rename those columns")


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def _first_lines(path, n_lines):
    """The first ``n_lines`` lines of ``path`` that hold content, as written (comments included)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(itertools.islice((line for line in handle if _content(line)), n_lines))


def _has_header(first, following, header, columns, path, missing):
    """Whether the line ``first`` is a header (the module docstring's rule for "auto")."""
    if header != "auto":
        return header == "yes"
    cells = _cells(first)
    if any(cell and not _is_number(cell) for cell in cells):
        if any(_is_non_integer_number(cell) for cell in cells):
            raise ValueError(f"{path}: cannot tell whether the first line {first!r} is a header (it holds text) or "
                             "data (it holds numbers such as 1.5, which a header's names seldom are; a data row "
                             "with a text cell such as NA would be lost as a header); say which: header 'yes' or "
                             "'no' (ganad: --header yes|no)")
        return True
    typed_apart = any(_is_non_integer_number(cell) for line in following for cell in _cells(line))
    if columns is not None and sorted(cells) == sorted(columns):  # names that read as numbers
        if typed_apart:
            return True
        raise ValueError(f"{path}: cannot tell whether the first line {first!r} is a header (the model's column "
                         "names, which read as numbers) or data (the next lines hold integers too); say which: "
                         "header 'yes' or 'no' (ganad: --header yes|no)")
    labels = cells[1:] if cells[0] == "" else cells
    if not _are_labels(labels):
        return False
    pandas_index = cells[0] == "" and missing == "refuse"  # with "nan", an empty first cell may be data
    if pandas_index or typed_apart:
        return True
    if labels == [str(i) for i in range(len(labels))]:
        raise ValueError(f"{path}: cannot tell whether the first line {first!r} is a header (the "
                         "column labels 0, 1, ...) or data (the next lines hold integers too); "
                         "say which: header 'yes' or 'no' (ganad: --header yes|no)")
    return False


def _is_non_integer_number(cell):
    """A number not written as an integer (``0.5``, ``1e-3``, ``nan``): what a header's names seldom are."""
    return _is_number(cell) and not _INTEGER.fullmatch(cell)


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


def _iter_csv(path, chunk_rows, layout):
    """Yield float64 blocks of ``chunk_rows`` lines (all lines when ``None``) of a CSV."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        numbered = ((number, line) for number, line in enumerate(handle, start=1) if _content(line))
        if layout.has_header:
            next(numbered)
        n_columns = None if layout.header_names is None else len(layout.header_names)
        while chunk := list(itertools.islice(numbered, chunk_rows)):
            block = _parse_csv_lines(chunk, path, layout)
            if n_columns is not None and block.shape[1] != n_columns:
                raise ValueError(f"{path}: the rows from line {chunk[0][0]} have "
                                 f"{block.shape[1]} columns, expected {n_columns}")
            n_columns = block.shape[1]
            yield block if layout.select is None else block[:, layout.select]


def _parse_csv_lines(chunk, path, layout):
    lines = [line for _, line in chunk]
    if layout.missing == "nan":
        lines = [",".join(cell or "nan" for cell in _cells(line)) for line in lines]
    try:
        return np.loadtxt(lines, delimiter=",", ndmin=2, dtype=np.float64)
    except ValueError as error:
        raise _bad_row_error(chunk, path, error, layout) from None


def _bad_row_error(chunk, path, error, layout):
    """The error naming the first non-numeric or refused missing cell, or ragged row, in ``chunk``."""
    width = None
    for number, line in chunk:
        cells = _cells(line)
        bad = [column for column, cell in enumerate(cells)
               if not _is_number(cell) and (cell or layout.missing == "refuse")]
        if bad:
            make = missing_cell_error if cells[bad[0]] == "" else cell_error
            return make(path, cells[bad[0]], f"the row at line {number}", bad[0], layout.header_names)
        if width is not None and len(cells) != width:
            return ValueError(f"{path}: the row at line {number} has {len(cells)} columns, expected {width}")
        width = len(cells)
    return ValueError(f"{path}: {error}")


def _content(line):
    """``line`` without its ``#`` comment and surrounding whitespace (``np.loadtxt`` rules)."""
    return line.split("#", 1)[0].strip()


def _cells(line):
    """The stripped cells of one CSV line."""
    return [cell.strip() for cell in _content(line).split(",")]


def _is_number(cell):
    """Whether numpy's reader takes ``cell`` as a number (Python's ``float`` also takes ``1_000``; numpy does not,
    and its error named the row within a chunk)."""
    try:
        float(cell)
    except ValueError:
        return False
    return "_" not in cell
