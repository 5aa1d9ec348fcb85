"""Argument types and options shared by the commands that read data files and models."""

import argparse
import sys
from pathlib import Path

import numpy as np

from ..data.files import HEADER_CHOICES, INDEX_COLUMN_CHOICES, column_names
from ..utils.impute import missing_cells


def add_device_argument(parser):
    parser.add_argument("--device", type=device_name, default="auto",
                        help="auto (CUDA when available, the default), cpu, cuda, cuda:1, ...")


def add_reading_arguments(parser):
    """The CSV options of a command that reads a data file (see ``ganad.data.files``)."""
    parser.add_argument("--header", choices=HEADER_CHOICES, default="auto",
                        help="whether a CSV's first line is a header (default: auto: a line with a "
                             "non-number, or labels 0,1,2... above non-integer data; an undecidable "
                             "file is refused)")
    parser.add_argument("--index-column", choices=INDEX_COLUMN_CHOICES, default="refuse",
                        help="a CSV's first column under an empty or 'Unnamed: 0' header cell holding "
                             "0, 1, 2... is pandas' row index: refuse the file (default), drop the "
                             "column, or keep it as a feature")


class DeprecatedOption(argparse.Action):
    """An option's old spelling, kept for one release: stores into the new option's ``dest`` and
    prints a deprecation warning on stderr when used.

    ``parser.add_argument(OLD, dest=NEW_DEST, action=DeprecatedOption, replacement=NEW, until=VERSION,
    type=..., metavar=...)``; in the new option's mutually exclusive group, giving both is an error.
    """

    def __init__(self, option_strings, dest, *, replacement, until, **kwargs):
        super().__init__(option_strings, dest, **kwargs)
        self.replacement, self.until = replacement, until

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"ganad: warning: {option_string} is deprecated and will be removed after ganad {self.until}; "
              f"use {self.replacement}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def reading_options(args, detector=None):
    """The reading options of ``args`` as keywords of ``ganad.data.files``' readers: missing cells
    are read as NaN for a ``detector`` that imputes them (``impute``, set by ``fit --impute``), else refused."""
    return {"header": args.header, "index_column": args.index_column, "missing": missing_cells(detector)}


def model_columns(detector, path, options):
    """The names the model was fitted with, to match the columns of the data file ``path`` by (the readers'
    ``columns``); where it has none and the file names its columns, a warning on stderr that they are taken
    by position. ``options``: the file's reading options (:func:`reading_options`)."""
    names = getattr(detector, "feature_names_in_", None)
    found = None if names is not None else column_names(path, **options)
    if found is not None:
        shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
        print(f"ganad: warning: the model was fitted without column names, so the columns of {path} ({shown}) "
              "are taken by position, not matched by name", file=sys.stderr)
    return names


def device_name(name):
    """``name`` if it names a usable device."""
    from ..utils.device import resolve_device

    try:
        resolve_device(name)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return name


def check_rows(n_rows, path):
    """Refuse a data file without rows."""
    if n_rows == 0:
        raise ValueError(f"{path}: no data rows")


def finite_float(text):
    value = _number(text)
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def fraction(text):
    value = _number(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a fraction in (0, 1], got {text!r}")
    return value


def _number(text):
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None


def model_files(model_dir):
    """The files of the model folder ``model_dir`` that a command reads."""
    from ..io import MODEL_FILES

    return [Path(model_dir) / name for name in MODEL_FILES]


def positive_int(text):
    """argparse type: an integer >= 1."""
    return _integer(text, lambda value: value >= 1, "an integer >= 1")


def non_negative_int(text):
    """argparse type: an integer >= 0."""
    return _integer(text, lambda value: value >= 0, "an integer >= 0")


def seed(text):
    """argparse type: a seed, an integer from 0 to 2**32 - 1 (numpy's range)."""
    return _integer(text, lambda value: 0 <= value < 2**32, "an integer from 0 to 2**32 - 1")


def nonzero_int(text):
    """argparse type: a non-zero integer (joblib's ``n_jobs``: -1 for every core)."""
    return _integer(text, lambda value: value != 0, "a non-zero integer (-1: every core)")


def non_negative_float(text):
    """argparse type: a finite number >= 0."""
    value = finite_float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text!r}")
    return value


def _integer(text, accepted, what):
    """``int(text)`` where ``accepted(value)``, else argparse's error naming ``what``."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not accepted(value):
        raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}")
    return value
