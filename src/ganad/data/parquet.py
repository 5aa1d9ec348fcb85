"""Parquet files for :mod:`ganad.data.files`: data read in batches, scores written in row groups.

Needs pyarrow (``pip install ganad[parquet]``), imported at first use; without it every
function here raises :class:`~ganad.utils.optional.MissingDependencyError` (an
``ImportError`` and a ``ValueError``) with that install hint.

Columns. Every column is a feature, named as in the file, except a pandas index stored as
columns (named in the file's pandas metadata; ``pd.read_parquet`` makes it the index, not a
column). A feature column must hold integers, floats or booleans; any other type (text,
dates, lists...) and any null cell are refused with :func:`ganad.data.columns.cell_error`,
naming the row (counted from 1) and the column, as for a CSV; with ``missing="nan"`` a null
in a numeric column is read as NaN instead.
"""

import contextlib
from dataclasses import dataclass

import numpy as np

from ..utils.optional import import_optional
from .columns import cell_error, column_label, match_columns, missing_cell_error


def pyarrow_modules(purpose):
    """``(pyarrow, pyarrow.parquet)``, else ``MissingDependencyError`` saying what needs them."""
    return import_optional("pyarrow", "parquet", purpose), import_optional("pyarrow.parquet", "parquet", purpose)


@dataclass(frozen=True)
class ParquetLayout:
    """Which of a Parquet file's columns to return, in which order."""

    names: tuple  # the names of the columns returned, in order
    positions: tuple  # their positions among the file's columns
    file_names: tuple  # the names of all the file's columns, for messages


def parquet_layout(path, columns=None):
    """The feature columns of the Parquet file ``path``, read from its footer, types checked.

    With ``columns`` (expected names), the file's feature columns must be exactly these,
    returned in that order (:func:`ganad.data.columns.match_columns`).
    """
    with _open(path) as file:
        return _layout(file, path, columns)


def iter_parquet(path, chunk_rows, layout, *, missing="refuse"):
    """Yield float64 blocks of at most ``chunk_rows`` rows of the ``layout`` columns.

    The file is read batch by batch, never whole; a batch does not span two row groups,
    so a block may hold fewer rows. A null is refused (``missing="refuse"``) or NaN (``"nan"``).
    """
    with _open(path) as file:
        first_row = 0
        for batch in _batches(file, chunk_rows, path):
            yield _batch_array(batch, layout, first_row, path, missing)
            first_row += batch.num_rows


def _batches(file, chunk_rows, path):
    """``file.iter_batches``, a damaged page (its footer whole) a ValueError naming the file."""
    pa, _ = pyarrow_modules("reading .parquet files")
    batches = file.iter_batches(batch_size=chunk_rows)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (pa.ArrowException, OSError) as error:
            raise ValueError(f"{path}: cannot read as a Parquet file ({error})") from None
        yield batch


@contextlib.contextmanager
def parquet_score_sink(path, columns):
    """A function writing one row group of ``columns``, a mapping of name to numpy dtype (float64,
    int64 or text), from one array per column."""
    pa, pq = pyarrow_modules("writing scores to .parquet")
    types = {"f": pa.float64(), "i": pa.int64(), "U": pa.string()}
    schema = pa.schema([(name, types[dtype.kind]) for name, dtype in columns.items()])
    with pq.ParquetWriter(path, schema) as writer:
        yield lambda *arrays: writer.write_table(pa.Table.from_arrays(list(arrays), schema=schema))


def _layout(file, path, columns):
    """The :class:`ParquetLayout` of the open ``file`` (see :func:`parquet_layout`)."""
    file_names = tuple(file.schema_arrow.names)
    index = _pandas_index_names(file.schema_arrow)
    positions = [i for i, name in enumerate(file_names) if name not in index]
    if not positions:
        raise ValueError(f"{path}: no data columns")
    if columns is not None:
        positions = [positions[i] for i in match_columns([file_names[i] for i in positions], list(columns), path)]
    for position in positions:
        _check_type(file, position, path)
    return ParquetLayout(tuple(file_names[i] for i in positions), tuple(positions), file_names)


def _open(path):
    pa, pq = pyarrow_modules("reading .parquet files")
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise ValueError(f"{path}: cannot read as a Parquet file ({error})") from None


def _pandas_index_names(schema):
    """The names of the columns holding a pandas index (a range index is stored as metadata)."""
    metadata = schema.pandas_metadata or {}
    return {entry for entry in metadata.get("index_columns", []) if isinstance(entry, str)}


def _check_type(file, position, path):
    """Refuse a column that is not numeric, naming its first cell (row 1: every cell is bad)."""
    pa, _ = pyarrow_modules("reading .parquet files")
    kind = file.schema_arrow.field(position).type
    if any(test(kind) for test in (pa.types.is_integer, pa.types.is_floating, pa.types.is_boolean,
                                   pa.types.is_null)):
        return
    names = file.schema_arrow.names
    not_numeric = f"the column is of type {kind}; ganad reads numeric columns only"
    first = next(file.iter_batches(batch_size=1), None)
    if first is None:
        raise ValueError(f"{path}: column {column_label(position, names)}: {not_numeric}")
    cell = first.column(position)[0].as_py()
    raise ValueError(f"{cell_error(path, None if cell is None else str(cell), 'row 1', position, names)}; "
                     f"{not_numeric}")


def _batch_array(batch, layout, first_row, path, missing):
    """The ``layout`` columns of a record batch as a 2-D float64 array; a null refused or NaN (``missing``)."""
    block = np.empty((batch.num_rows, len(layout.positions)), dtype=np.float64)
    for j, position in enumerate(layout.positions):
        values = batch.column(position)
        if values.null_count and missing == "refuse":
            row = first_row + int(np.argmax(values.is_null().to_numpy(zero_copy_only=False))) + 1
            raise missing_cell_error(path, None, f"row {row}", position, layout.file_names)
        if values.null_count:
            pa, _ = pyarrow_modules("reading .parquet files")
            values = values.cast(pa.float64())  # nulls of any numeric type become NaN
        block[:, j] = values.to_numpy(zero_copy_only=False)
    return block
