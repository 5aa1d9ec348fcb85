"""Column checks shared by every reader of :mod:`ganad.data.files` (CSV and Parquet alike).

One wording for one problem, whatever the format: a cell that is not a number names the
file, the row and the column (:func:`cell_error`); columns matched by name refuse a file
that repeats a name, lacks one or has others (:func:`match_columns`).

Missing cells (an empty CSV cell, a Parquet null). ``missing="refuse"`` (the default of every
reader) refuses the first one, naming its row and column (:func:`missing_cell_error`);
``missing="nan"`` reads it as NaN, for a detector that fills it (``impute``,
``ganad.utils.impute``). A cell holding text is refused either way.
"""

import collections

MISSING_CHOICES = ("refuse", "nan")


def cell_error(path, cell, row, column, names=None):
    """The ``ValueError`` for a ``cell`` that is not a number, in ``row``, at 0-based ``column``.

    ``cell`` is the cell as written, or ``None`` or ``""`` for a missing cell (an empty CSV
    cell, a Parquet null); ``row`` says where, as the format counts (``"the row at line 3"``,
    ``"row 3"``); ``names`` are the file's column names, if it has them.
    """
    what = {None: "missing (null) cell", "": "missing (empty) cell"}.get(cell, f"non-numeric cell {cell!r}")
    return ValueError(f"{path}: {what} in {row}, column {column_label(column, names)}")


def missing_cell_error(path, cell, row, column, names=None):
    """:func:`cell_error` for a missing ``cell`` (``None`` or ``""``) refused by ``missing="refuse"``,
    saying how to read it instead."""
    return ValueError(f"{cell_error(path, cell, row, column, names)}; missing='nan' reads missing cells as NaN, "
                      "for a detector with impute='median' or 'mean' (ganad fit --impute median|mean)")


def column_label(column, names=None):
    """The 0-based ``column`` for a message: its 1-based number and, when known, its name."""
    name = "" if names is None or column >= len(names) else f" ({names[column]!r})"
    return f"{column + 1}{name}"


def match_columns(found, expected, path):
    """Indices into ``found`` (the file's column names) giving the ``expected`` names in order.

    ``ValueError`` when ``found`` repeats a name, lacks an expected one or has others.
    """
    position = {name: i for i, name in enumerate(found)}
    if len(position) < len(found):
        repeated = sorted(name for name, n in collections.Counter(found).items() if n > 1)
        raise ValueError(f"{path} repeats the column name(s) {few(repeated)}; "
                         "columns cannot be matched by name")
    missing = [name for name in expected if name not in position]
    unknown = sorted(set(found) - set(expected), key=position.get)
    if missing or unknown:
        problems = [f"{what} {few(names)}" for what, names in (("missing", missing), ("not expected", unknown))
                    if names]
        raise ValueError(f"{path}: the columns are not the {len(expected)} expected ones "
                         f"(the training file's): {'; '.join(problems)}")
    return [position[name] for name in expected]


def few(names, shown=5):
    """``names`` for a message: the first ``shown`` of them and how many in all."""
    listed = ", ".join(repr(name) for name in names[:shown])
    return f"[{listed}, ... ({len(names)} in all)]" if len(names) > shown else f"[{listed}]"
